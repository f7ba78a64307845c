/**
 * The last agent's first name in the whisper (issue 25), end to end through the local pipeline:
 * where it comes from on each source, what it costs in Connect calls on a cold and a warm
 * function, and that a failing or slow DescribeUser costs only the name, never the decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../local/connect/scenario';
import { type LocalSession, startLocalSession } from '../../local/session';
import { createLogger } from '../../steps/lib/runtime/logger';
import { DEMO, callFrom, demoPhone, demoScenario } from '../helpers';
import { availabilitySource, outputOf } from './helpers';

const ALICE_PHONE = demoPhone('Alice) is free');
const DAVE_PHONE = demoPhone('Dave) is offline');
const FIRST_TIME = demoPhone('First-time caller');
const ALICE_WHISPER = 'Returning caller, last spoke with Alice 2 days ago.';

const decide = (session: LocalSession, phone: string) => session.decide(callFrom(session, phone));

describe('the whisper names the last agent (LAST_AGENT_SOURCE=search)', () => {
  let session: LocalSession;
  beforeAll(async () => {
    session = await startLocalSession({ scenario: DEMO, env: {} });
  });
  afterAll(() => session.close());

  it('cold: one DescribeUser for the agent; warm: none, the name comes from the container cache', async () => {
    session.connect.resetStats();
    const cold = await decide(session, ALICE_PHONE);
    expect(cold.decision.whisper).toBe(ALICE_WHISPER);
    expect(session.connect.stats.DescribeUser.requests).toBe(1);

    session.connect.resetStats();
    const warm = await decide(session, ALICE_PHONE);
    expect(warm.decision.whisper).toBe(ALICE_WHISPER);
    expect(session.connect.stats.DescribeUser.requests).toBe(0);
    expect(session.connect.stats.GetCurrentUserData.requests).toBe(1);
  });

  it('names the last agent also when the call goes elsewhere (Dave is offline)', async () => {
    const { decision } = await decide(session, DAVE_PHONE);
    expect(decision).toMatchObject({ route: 'DEFAULT', reason: 'AGENT_OFFLINE' });
    expect(decision.whisper).toBe('Returning caller, last spoke with Dave 2 days ago.');
  });

  it('uses the first name only: no surname in the answer or the availability output', async () => {
    const result = await decide(session, ALICE_PHONE);
    const alice = DEMO.agents.find((a) => a.firstName === 'Alice');
    expect(alice?.lastName).toBeTruthy();
    expect(JSON.stringify(result.decision)).not.toContain(alice?.lastName as string);
    expect(outputOf(result, 'Check Agent Availability')).toMatchObject({ agentFirstName: 'Alice' });
  });

  it('says nothing for a first-time caller, and asks no name', async () => {
    session.connect.resetStats();
    const { decision } = await decide(session, FIRST_TIME);
    expect(decision).toMatchObject({ returningCaller: 'false', whisper: '' });
    expect(session.connect.stats.DescribeUser.requests).toBe(0);
  });
});

describe('the whisper names the last agent (LAST_AGENT_SOURCE=index)', () => {
  let session: LocalSession;
  beforeAll(async () => {
    session = await startLocalSession({ scenario: DEMO, env: { LAST_AGENT_SOURCE: 'index' } });
  });
  afterAll(() => session.close());

  it("takes the name from the agent event stream's snapshot: no Connect call at all", async () => {
    session.connect.resetStats();
    const result = await decide(session, ALICE_PHONE);
    expect(availabilitySource(result)).toBe('INDEX');
    expect(result.decision.whisper).toBe(ALICE_WHISPER);
    expect(session.connect.stats.DescribeUser.requests).toBe(0);
    expect(session.connect.stats.GetCurrentUserData.requests).toBe(0);
  });
});

describe('a DescribeUser that fails or is slow costs the name, never the decision', () => {
  const withFault = (inject: Scenario['faults']['inject']) =>
    demoScenario({ faults: { seed: DEMO.faults.seed, inject } });
  const warnings: string[] = [];
  const logger = createLogger({ level: 'warn', sink: (line) => warnings.push(line) });

  it.each(['error500', 'throttle', 'malformed'] as const)(
    'DescribeUser %s: same route, the whisper says "an agent", a warning is logged',
    async (kind) => {
      warnings.length = 0;
      const session = await startLocalSession({
        scenario: withFault([{ operation: 'DescribeUser', kind, rate: 1, delayMs: 0 }]),
        env: {},
        logger,
      });
      try {
        const { decision } = await decide(session, ALICE_PHONE);
        expect(decision).toMatchObject({ route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE' });
        expect(decision.whisper).toBe('Returning caller, last spoke with an agent 2 days ago.');
        expect(warnings.join('\n')).toContain('agent first name unavailable');
        // Not cached: the next decision asks again.
        session.connect.resetStats();
        await decide(session, ALICE_PHONE);
        expect(session.connect.stats.DescribeUser.requests).toBeGreaterThan(0);
      } finally {
        await session.close();
      }
    },
  );

  it('DescribeUser slower than the budget: the decision is still made in time, without the name', async () => {
    const budgetMs = 600;
    const session = await startLocalSession({
      scenario: withFault([{ operation: 'DescribeUser', kind: 'slow', rate: 1, delayMs: 5_000 }]),
      env: { LAST_AGENT_DEADLINE_MS: String(budgetMs) },
      logger,
    });
    try {
      const started = performance.now();
      const { decision } = await decide(session, ALICE_PHONE);
      expect(performance.now() - started).toBeLessThan(budgetMs + 400);
      expect(decision).toMatchObject({ route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE' });
      expect(decision.whisper).toBe('Returning caller, last spoke with an agent 2 days ago.');
    } finally {
      await session.close();
    }
  });
});
