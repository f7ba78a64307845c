/**
 * The named decision scenarios (one per reason code and policy switch), shared by the search
 * source (test/statemachine/scenarios.test.ts) and the index sources (test/index/scenarios.test.ts).
 * A module of its own, not exported from a test file: importing a test file would run its tests again.
 */
import type { Faults } from '../../local/connect/scenario';
import type { Reason } from '../../steps/lib/decision/decision';
import { DEMO, demoPhone } from '../helpers';

export const SEARCH = 'Search Recent Contacts';
export const PICK = 'Pick Last Agent Contact';
export const FOUND = 'Agent Contact Found?';
export const CHECKS = 'Check Agent And Csat';
/** The machine's last state hands every input of the choice to the entry function, which chooses. */
export const INPUTS = 'Route Choice Inputs';
export const CHOOSE = 'Choose Route';
export const gateOff = ['Check Agent Availability', 'Csat Gate Off', 'Csat Gate On?', CHECKS];
export const gateOn = ['Check Agent Availability', 'Check Last Contact Csat', 'Csat Gate On?', CHECKS];
export const FULL = [SEARCH, PICK, FOUND, ...gateOff, INPUTS, CHOOSE];

export const faults = (f: Partial<Faults>): Faults => ({ seed: 1, inject: [], ...f }) as Faults;

export interface Scenario {
  name: string;
  phone?: string;
  event?: (instanceArn: string) => unknown;
  env?: Record<string, string>;
  faults?: Faults;
  expected: { route: string; reason: Reason; agent?: string };
  path: string[];
}

export const agentId = (username: string) => DEMO.agents.find((a) => a.username === username)?.id;

/** One named scenario per reason code (and the policy switches), each asserting the path and the decision. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'a returning caller whose last agent is free goes to that agent',
    phone: demoPhone('Alice) is free'),
    expected: { route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE', agent: 'alice' },
    path: FULL,
  },
  {
    name: 'a busy last agent is still preferred by default',
    phone: demoPhone('(Bob)'),
    expected: { route: 'LAST_AGENT', reason: 'AGENT_BUSY', agent: 'bob' },
    path: FULL,
  },
  {
    name: 'a busy last agent is skipped when LAST_AGENT_PREFER_BUSY is false',
    phone: demoPhone('(Bob)'),
    env: { LAST_AGENT_PREFER_BUSY: 'false' },
    expected: { route: 'DEFAULT', reason: 'AGENT_BUSY', agent: 'bob' },
    path: FULL,
  },
  {
    name: 'a busy last agent 5 s into a call (talk lognormal mean 300 s, p90 600 s) is unlikely free within 30 s: normal routing',
    phone: demoPhone('(Bob)'),
    env: {
      LAST_AGENT_HANDLE_MODEL: '{"talkSeconds":{"dist":"lognormal","mean":300,"p90":600}}',
      LAST_AGENT_MIN_FREE_PROBABILITY: '0.5',
    },
    expected: { route: 'DEFAULT', reason: 'AGENT_BUSY_UNLIKELY_FREE', agent: 'bob' },
    path: FULL,
  },
  {
    name: 'with the handle model but no threshold, a busy last agent is preferred as today',
    phone: demoPhone('(Bob)'),
    env: { LAST_AGENT_HANDLE_MODEL: '{"talkSeconds":{"dist":"lognormal","mean":300,"p90":600}}' },
    expected: { route: 'LAST_AGENT', reason: 'AGENT_BUSY', agent: 'bob' },
    path: FULL,
  },
  {
    name: 'a last agent on a non-routable status (lunch) means normal routing',
    phone: demoPhone('(Carol)'),
    expected: { route: 'DEFAULT', reason: 'AGENT_NOT_ROUTABLE', agent: 'carol' },
    path: FULL,
  },
  {
    name: 'a non-routable last agent falls back to the last queue when enabled',
    phone: demoPhone('(Carol)'),
    env: { LAST_AGENT_LAST_QUEUE_FALLBACK: 'true' },
    expected: { route: 'LAST_QUEUE', reason: 'AGENT_NOT_ROUTABLE', agent: 'carol' },
    path: FULL,
  },
  {
    name: 'an offline last agent means normal routing',
    phone: demoPhone('(Dave)'),
    expected: { route: 'DEFAULT', reason: 'AGENT_OFFLINE', agent: 'dave' },
    path: FULL,
  },
  {
    name: 'a last agent whose routing profile does not serve the queue the call is headed for is not preferred',
    phone: demoPhone('(Erin)'),
    expected: { route: 'DEFAULT', reason: 'AGENT_NOT_IN_QUEUE', agent: 'erin' },
    path: FULL,
  },
  {
    name: 'an agent outside the queue falls back to the last queue when enabled',
    phone: demoPhone('(Erin)'),
    env: { LAST_AGENT_LAST_QUEUE_FALLBACK: 'true' },
    expected: { route: 'LAST_QUEUE', reason: 'AGENT_NOT_IN_QUEUE', agent: 'erin' },
    path: FULL,
  },
  {
    name: 'a last agent on a call who chose a custom next status (lunch) is not preferred',
    phone: demoPhone('(Frank)'),
    expected: { route: 'DEFAULT', reason: 'AGENT_NOT_ROUTABLE', agent: 'frank' },
    path: FULL,
  },
  {
    name: 'a low satisfaction score on the last contact blocks the preference',
    phone: demoPhone('rated 1/5'),
    env: { LAST_AGENT_CSAT_ATTRIBUTE: 'csat', LAST_AGENT_MIN_CSAT: '3' },
    expected: { route: 'DEFAULT', reason: 'LOW_CSAT', agent: 'alice' },
    path: [SEARCH, PICK, FOUND, ...gateOn, INPUTS, CHOOSE],
  },
  {
    name: 'a good satisfaction score passes the gate',
    phone: demoPhone('Alice) is free'),
    env: { LAST_AGENT_CSAT_ATTRIBUTE: 'csat', LAST_AGENT_MIN_CSAT: '3' },
    expected: { route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE', agent: 'alice' },
    path: [SEARCH, PICK, FOUND, ...gateOn, INPUTS, CHOOSE],
  },
  {
    name: 'a caller with no contact in the window is routed normally',
    phone: demoPhone('First-time'),
    expected: { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' },
    path: [SEARCH, PICK, FOUND, 'No Agent Contact'],
  },
  {
    name: 'a caller whose recent contacts never reached an agent is routed normally',
    phone: '+14155550132',
    env: { LAST_AGENT_SEARCH_MODE: 'initiated' },
    expected: { route: 'DEFAULT', reason: 'NO_AGENT_CONTACT' },
    path: [SEARCH, PICK, FOUND, 'No Agent Contact'],
  },
  {
    name: 'a contact shorter than the minimum talk time does not count',
    phone: demoPhone('(Bob)'),
    env: { LAST_AGENT_MIN_TALK_SECONDS: '3600' },
    expected: { route: 'DEFAULT', reason: 'NO_AGENT_CONTACT' },
    path: [SEARCH, PICK, FOUND, 'No Agent Contact'],
  },
  {
    name: 'a withheld number is routed normally without a lookup',
    phone: 'anonymous',
    expected: { route: 'DEFAULT', reason: 'ANONYMOUS_CALLER' },
    path: [],
  },
  {
    name: 'a call without a caller number is routed normally without a lookup',
    event: (instanceArn) => ({
      Details: { ContactData: { ContactId: 'c-1', InstanceARN: instanceArn, CustomerEndpoint: null } },
    }),
    expected: { route: 'DEFAULT', reason: 'NO_CALLER_NUMBER' },
    path: [],
  },
  {
    name: 'a caller number that is not a phone number is routed normally without a lookup',
    phone: '12345',
    expected: { route: 'DEFAULT', reason: 'INVALID_CALLER_NUMBER' },
    path: [],
  },
  {
    name: 'an event that is not a Connect contact flow event is routed normally',
    event: () => ({ hello: 'world' }),
    expected: { route: 'DEFAULT', reason: 'INVALID_EVENT' },
    path: [],
  },
  {
    name: 'throttled searches end in normal routing with LOOKUP_THROTTLED',
    phone: demoPhone('Alice) is free'),
    faults: faults({ inject: [{ operation: 'SearchContacts', kind: 'throttle', rate: 1, delayMs: 0 }] }),
    expected: { route: 'DEFAULT', reason: 'LOOKUP_THROTTLED' },
    path: [SEARCH, 'Lookup Throttled'],
  },
  {
    name: 'a search slower than the deadline ends in normal routing with LOOKUP_TIMEOUT',
    phone: demoPhone('Alice) is free'),
    env: { LAST_AGENT_DEADLINE_MS: '400' },
    faults: faults({ inject: [{ operation: 'SearchContacts', kind: 'slow', rate: 1, delayMs: 2000 }] }),
    expected: { route: 'DEFAULT', reason: 'LOOKUP_TIMEOUT' },
    path: [SEARCH, 'Lookup Timed Out'],
  },
  {
    name: 'a failing availability check ends in normal routing with LOOKUP_ERROR',
    phone: demoPhone('Alice) is free'),
    faults: faults({ inject: [{ operation: 'GetCurrentUserData', kind: 'error500', rate: 1, delayMs: 0 }] }),
    expected: { route: 'DEFAULT', reason: 'LOOKUP_ERROR' },
    path: [
      SEARCH,
      PICK,
      FOUND,
      'Check Agent Availability',
      'Csat Gate Off',
      'Csat Gate On?',
      CHECKS,
      'Lookup Failed',
    ],
  },
];
