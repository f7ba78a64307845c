/**
 * Issue 27, ranked preferred agents, end to end: entry Lambda → local state machine → steps →
 * local Connect (and, for the index sources, dynalite fed by the real indexers), on both sources.
 * The callers below have three past contacts each, newest first; the demo's agents give every
 * availability: Alice free, Bob busy, Carol at lunch, Dave offline, Erin outside the Claims queue.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioContact } from '../../local/connect/scenario';
import { type LocalSession, startLocalSession } from '../../local/session';
import { RANKED_RESPONSE_KEYS } from '../../steps/lib/decision/decision';
import { DEMO, callFrom, demoScenario, withSession } from '../helpers';
import { reconfigure } from '../index/helpers';
import { SCENARIOS, agentId } from './scenario-table';

const CLAIMS = DEMO.queues[0]?.id as string;
const id = (username: string) => agentId(username) as string;

/** A caller's past contacts with these agents, newest first, a day apart, each 5 minutes long. */
function history(phone: string, tag: string, agents: string[]): ScenarioContact[] {
  return agents.map((username, i) => {
    const day = 19 - i;
    const at = (m: number) => `2026-11-${day}T09:0${m}:00Z`;
    return {
      id: `${tag}-${i}-0000-4000-8000-000000000000`,
      channel: 'VOICE',
      initiationMethod: 'INBOUND',
      initiationTimestamp: at(0),
      queueId: CLAIMS,
      enqueueTimestamp: at(0),
      agentId: id(username),
      connectedToAgentTimestamp: at(1),
      disconnectTimestamp: at(6),
      attributes: { CustomerPhoneNumber: phone },
    };
  });
}

const CALLERS = {
  /** The last agent offline, the two before available and busy. */
  lastOffline: { phone: '+14155550171', agents: ['dave', 'alice', 'bob'] },
  /** Every known agent ruled out: offline, at lunch, outside the queue. */
  allRuledOut: { phone: '+14155550172', agents: ['dave', 'carol', 'erin'] },
  /** The last agent free; of the others Bob (busy) can be preferred, Carol (lunch) cannot. */
  lastFree: { phone: '+14155550173', agents: ['alice', 'carol', 'bob'] },
  /** The same agent twice: counted once. */
  repeated: { phone: '+14155550174', agents: ['dave', 'bob', 'bob', 'alice'] },
} as const;

const SCENARIO = demoScenario({
  contacts: [
    ...DEMO.contacts,
    ...Object.entries(CALLERS).flatMap(([tag, c]) =>
      history(c.phone, tag.slice(0, 8).padEnd(8, 'x'), [...c.agents]),
    ),
  ],
});

const RANKED = { LAST_AGENT_MAX_PREFERRED: '3' };

describe.each(['search', 'index'] as const)('ranked preferred agents, source %s', (source) => {
  let session: LocalSession;
  const env = (extra: Record<string, string> = {}) => ({
    ...(source === 'index' ? { LAST_AGENT_SOURCE: 'index' } : {}),
    ...extra,
  });
  beforeAll(async () => {
    session = await startLocalSession({ scenario: SCENARIO, env: env(RANKED) });
  });
  afterAll(() => session?.close());

  const decide = async (
    phone: string,
    extra: Record<string, string> = RANKED,
    parameters?: Record<string, string>,
  ) => {
    reconfigure(session, env(extra));
    session.connect.resetStats();
    session.dynamo?.server.resetStats();
    const event = callFrom(session, phone, parameters ? { parameters } : {});
    return (await session.decide(event)).decision;
  };

  it('three past agents, the last offline: KNOWN_AGENT, the other two ranked newest first, in one availability read', async () => {
    const answer = await decide(CALLERS.lastOffline.phone);
    expect(answer).toMatchObject({
      route: 'KNOWN_AGENT',
      reason: 'KNOWN_AGENT_AVAILABLE',
      lastAgentRuledOut: 'AGENT_OFFLINE',
      agentId: id('alice'),
      agentArn: `${session.instanceArn}/agent/${id('alice')}`,
      knownAgentIds: `${id('alice')},${id('bob')}`,
      knownAgentCount: '2',
      knownAgent1: id('alice'),
      knownAgent2: id('bob'),
      // The whisper stays true for whoever answers: it names the last agent, Dave.
      whisper: 'Returning caller, last spoke with Dave yesterday.',
      returningCaller: 'true',
    });
    // Exactly the ranked keys up to LAST_AGENT_MAX_PREFERRED - 1 = 2 slots.
    expect(answer).not.toHaveProperty('knownAgent3');
    const stats = session.connect.stats;
    if (source === 'search') {
      // One GetCurrentUserData for the three agents; SearchContacts as for one agent (one page).
      expect(stats.GetCurrentUserData.requests).toBe(1);
      expect(stats.SearchContacts.requests).toBe(1);
    } else {
      expect(stats.GetCurrentUserData.requests + stats.SearchContacts.requests).toBe(0);
      const dynamo = session.dynamo?.server.stats;
      expect(dynamo?.BatchGetItem.requests).toBe(1);
      expect(dynamo?.GetItem.requests).toBe(0);
    }
  });

  it('every known agent ruled out: normal routing with the last agent’s reason, as today', async () => {
    const answer = await decide(CALLERS.allRuledOut.phone);
    expect(answer).toMatchObject({
      route: 'DEFAULT',
      reason: 'AGENT_OFFLINE',
      agentId: id('dave'),
      lastAgentRuledOut: '',
      knownAgentIds: '',
      knownAgentCount: '0',
      knownAgent1: '',
      knownAgent2: '',
    });
  });

  it('a preferable last agent keeps step 1; the preferable others follow, the ruled-out ones are left out', async () => {
    const answer = await decide(CALLERS.lastFree.phone);
    expect(answer).toMatchObject({
      route: 'LAST_AGENT',
      reason: 'LAST_AGENT_AVAILABLE',
      agentId: id('alice'),
      knownAgentIds: id('bob'),
      knownAgentCount: '1',
      knownAgent1: id('bob'),
      knownAgent2: '',
      lastAgentRuledOut: '',
    });
  });

  it('names each agent once, and no more than LAST_AGENT_MAX_PREFERRED - 1 others', async () => {
    const five = await decide(CALLERS.repeated.phone, { LAST_AGENT_MAX_PREFERRED: '5' });
    expect(five.knownAgentIds).toBe(`${id('bob')},${id('alice')}`);
    expect(five).toMatchObject({ knownAgent3: '', knownAgent4: '' });
    const two = await decide(CALLERS.repeated.phone, { LAST_AGENT_MAX_PREFERRED: '2' });
    expect(two).toMatchObject({ route: 'KNOWN_AGENT', reason: 'KNOWN_AGENT_BUSY', knownAgentIds: id('bob') });
    expect(Object.keys(two).filter((k) => k.startsWith('knownAgent'))).toEqual([
      'knownAgentIds',
      'knownAgentCount',
      'knownAgent1',
    ]);
  });

  it('agent-queue mode keeps one agent: no KNOWN_AGENT, no other agent looked up', async () => {
    const answer = await decide(CALLERS.lastOffline.phone, RANKED, {
      queueArn: `${session.instanceArn}/queue/${CLAIMS}`,
      routingMode: 'agent-queue',
    });
    expect(answer).toMatchObject({
      route: 'DEFAULT',
      reason: 'AGENT_OFFLINE',
      knownAgentIds: '',
      knownAgentCount: '0',
    });
  });

  it('the default (LAST_AGENT_MAX_PREFERRED 1) answers as one preferred agent: no ranked key', async () => {
    const answer = await decide(CALLERS.lastOffline.phone, {});
    expect(answer).toMatchObject({ route: 'DEFAULT', reason: 'AGENT_OFFLINE', agentId: id('dave') });
    for (const key of RANKED_RESPONSE_KEYS) expect(answer).not.toHaveProperty(key);
  });
});

/**
 * The default configuration answers exactly what the product answered before issue 27 on every
 * scenario of the table, on both sources: test/statemachine/fixtures/default-answers.json was
 * recorded from the code before the change (decisionMs left out: it is a time).
 */
describe('the default configuration changes no answer', () => {
  const golden = JSON.parse(
    readFileSync(new URL('./fixtures/default-answers.json', import.meta.url), 'utf8'),
  ) as Record<string, Record<string, string>>;

  it('has a recorded answer for every scenario on both sources', () => {
    for (const source of ['search', 'index'])
      for (const s of SCENARIOS) expect(Object.keys(golden), s.name).toContain(`${source}: ${s.name}`);
  });

  it.each(['search', 'index'])(
    'on %s',
    async (source) => {
      for (const s of SCENARIOS) {
        const scenario = s.faults ? demoScenario({ faults: s.faults }) : DEMO;
        const env = { ...(s.env ?? {}), ...(source === 'index' ? { LAST_AGENT_SOURCE: 'index' } : {}) };
        await withSession({ scenario, env }, async (session) => {
          const event = s.event ? s.event(session.instanceArn) : callFrom(session, s.phone as string);
          const { decisionMs, ...answer } = (await session.decide(event)).decision;
          expect(decisionMs).toMatch(/^\d+$/);
          expect(answer, `${source}: ${s.name}`).toEqual(golden[`${source}: ${s.name}`]);
        });
      }
    },
    120_000,
  );
});
