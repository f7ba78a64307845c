/**
 * The scenario table (test/statemachine/scenario-table.ts) on the index sources
 * (docs/routing-state.md): the same calls get the same decisions, the trace shows the index
 * answered, and in `index` mode no SearchContacts and no GetCurrentUserData reaches Connect,
 * which is the point of the index. One session per source, reconfigured between scenarios that
 * differ only in decision-time settings (test/index/helpers.ts), to keep the suite fast.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Faults } from '../../local/connect/scenario';
import { type LocalSession, startLocalSession } from '../../local/session';
import { DEMO, callFrom, demoScenario, normalisedPath } from '../helpers';
import { FULL, SCENARIOS, type Scenario, agentId } from '../statemachine/scenario-table';
import { availabilitySource, reconfigure, searchSource } from './helpers';

/** Every Connect fault of the table at once: SearchContacts throttled, GetCurrentUserData failing. */
const CONNECT_FAULTS: Faults = {
  seed: 1,
  inject: SCENARIOS.flatMap((s) => s.faults?.inject ?? []),
};

/** The table's Connect-fault scenarios set a short deadline only to time a slow search out quickly. */
const envOf = (s: Scenario) => {
  const { LAST_AGENT_DEADLINE_MS: _short, ...env } = s.env ?? {};
  return s.faults ? env : (s.env ?? {});
};

/**
 * What a scenario decides on an index source: what it decides on `search`, except that
 * - the index path calls neither SearchContacts nor GetCurrentUserData (the agent's state comes
 *   from the event stream), so Connect faults on them change nothing: the call is decided as it
 *   is without the fault (Alice, free);
 * - the index files only contacts that reached an agent, so a caller whose recent contacts all
 *   ended in the IVR has none in `index` mode (NO_RECENT_CONTACT rather than NO_AGENT_CONTACT;
 *   both route DEFAULT), while `index-then-search` asks SearchContacts, which finds them.
 */
function expectedOn(source: string, s: Scenario): Pick<Scenario, 'expected' | 'path'> {
  if (s.faults) {
    expect(s.phone).toBe(SCENARIOS[0]?.phone);
    return { expected: SCENARIOS[0]?.expected as Scenario['expected'], path: FULL };
  }
  if (source === 'index' && s.env?.LAST_AGENT_SEARCH_MODE === 'initiated') {
    expect(s.expected.reason).toBe('NO_AGENT_CONTACT');
    return { expected: { ...s.expected, reason: 'NO_RECENT_CONTACT' }, path: s.path };
  }
  return s;
}

/** In `index-then-search`, callers without an eligible indexed contact are searched. */
const SEARCHED_REASONS = new Set(['NO_RECENT_CONTACT', 'NO_AGENT_CONTACT']);

async function run(session: LocalSession, source: string, s: Scenario) {
  reconfigure(session, { ...envOf(s), LAST_AGENT_SOURCE: source });
  const { expected, path } = expectedOn(source, s);
  session.connect.resetStats();
  const event = s.event ? s.event(session.instanceArn) : callFrom(session, s.phone as string);

  const result = await session.decide(event);

  expect(result.decision.route).toBe(expected.route);
  expect(result.decision.reason).toBe(expected.reason);
  expect(result.decision.agentId).toBe(expected.agent ? agentId(expected.agent) : '');
  expect(normalisedPath(result)).toEqual(path);
  const stats = session.connect.stats;
  // Every agent snapshot is fresh (replayed at session start): no GetCurrentUserData on either source.
  expect(stats.GetCurrentUserData.requests).toBe(0);
  if (path.includes('Check Agent Availability')) expect(availabilitySource(result)).toBe('INDEX');
  if (!path.includes('Search Recent Contacts')) {
    expect(stats.SearchContacts.requests).toBe(0);
  } else if (source === 'index' || !SEARCHED_REASONS.has(expected.reason)) {
    expect(searchSource(result)).toBe('INDEX');
    expect(stats.SearchContacts.requests).toBe(0);
  } else {
    expect(searchSource(result)).toBe('SEARCH_INDEX_EMPTY');
    expect(stats.SearchContacts.requests).toBeGreaterThan(0);
  }
}

const plain = SCENARIOS.filter((s) => !s.faults);
const faulted = SCENARIOS.filter((s) => s.faults);

describe('LAST_AGENT_SOURCE=index: the scenario table with Connect failing every SearchContacts and GetCurrentUserData', () => {
  let session: LocalSession;
  beforeAll(async () => {
    session = await startLocalSession({
      scenario: demoScenario({ faults: CONNECT_FAULTS }),
      env: { LAST_AGENT_SOURCE: 'index' },
    });
  });
  afterAll(() => session?.close());

  it.each(plain)('$name', (s) => run(session, 'index', s));
  it.each(faulted)('$name (the index answers: Connect is not asked)', (s) => run(session, 'index', s));
});

describe('LAST_AGENT_SOURCE=index-then-search: the scenario table', () => {
  let session: LocalSession;
  beforeAll(async () => {
    session = await startLocalSession({ scenario: DEMO, env: { LAST_AGENT_SOURCE: 'index-then-search' } });
  });
  afterAll(() => session?.close());

  // The Connect-fault scenarios are run in `index` mode above: here the index answers them the
  // same way (no SearchContacts for a caller it knows, as every scenario below checks).
  it.each(plain)('$name', (s) => run(session, 'index-then-search', s));
});
