/**
 * Adaptive preference (LAST_AGENT_MIN_FREE_PROBABILITY with LAST_AGENT_HANDLE_MODEL) through the
 * local Connect, on both sources: the search source reads the held contact from
 * GetCurrentUserData, the index sources from the agent event stream's snapshot.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../local/connect/scenario';
import { loadConfig } from '../../steps/lib/runtime/config';
import { DEMO, callFrom, demoPhone, demoScenario, withSession } from '../helpers';

const BOB = demoPhone('(Bob)');
const LOGNORMAL = '{"talkSeconds":{"dist":"lognormal","mean":300,"p90":600}}';
const FIXED = '{"talkSeconds":{"dist":"fixed","value":300},"acwSeconds":{"dist":"fixed","value":30}}';

/** The demo with Bob's held call in a given state since a given time (the scenario's now is 10:00:00). */
function bobHolding(state: 'CONNECTED' | 'ENDED', since: string): Scenario {
  return demoScenario({
    agents: DEMO.agents.map((a) =>
      a.username !== 'bob'
        ? a
        : {
            ...a,
            contacts: a.contacts.map((c) => ({
              ...c,
              state,
              connectedToAgentTimestamp: '2026-11-20T09:55:00Z',
              stateStartTimestamp: since,
            })),
          },
    ),
  });
}

const SOURCES = ['search', 'index', 'index-then-search'] as const;

describe.each(SOURCES)('adaptive preference, LAST_AGENT_SOURCE=%s', (source) => {
  const decide = (scenario: Scenario, env: Record<string, string>) =>
    withSession({ scenario, env: { LAST_AGENT_SOURCE: source, ...env } }, async (session) => {
      const { decision, trace } = await session.decide(callFrom(session, BOB));
      const availability = trace.find((t) => t.state === 'Check Agent Availability')?.output as {
        freeWithinProbability?: number;
      };
      return { decision, probability: availability?.freeWithinProbability };
    });

  it('5 s into a call, talk lognormal mean 300 s p90 600 s, no ACW, 30 s window, threshold 0.5: AGENT_BUSY_UNLIKELY_FREE', async () => {
    const { decision, probability } = await decide(DEMO, {
      LAST_AGENT_HANDLE_MODEL: LOGNORMAL,
      LAST_AGENT_MIN_FREE_PROBABILITY: '0.5',
    });
    expect(decision).toMatchObject({ route: 'DEFAULT', reason: 'AGENT_BUSY_UNLIKELY_FREE' });
    expect(probability).toBeLessThan(0.05);
    expect(decision.freeWithinProbability).toBe((probability as number).toFixed(2));
  });

  it('10 s into a fixed 30 s after-contact work: LAST_AGENT (free in 20 s)', async () => {
    const { decision, probability } = await decide(bobHolding('ENDED', '2026-11-20T09:59:50Z'), {
      LAST_AGENT_HANDLE_MODEL: FIXED,
      LAST_AGENT_MIN_FREE_PROBABILITY: '0.5',
    });
    expect(probability).toBe(1);
    expect(decision).toMatchObject({
      route: 'LAST_AGENT',
      reason: 'AGENT_BUSY',
      freeWithinProbability: '1.00',
    });
  });

  it('threshold unset: LAST_AGENT / AGENT_BUSY as today, with or without the model', async () => {
    for (const env of [{}, { LAST_AGENT_HANDLE_MODEL: LOGNORMAL }] as Record<string, string>[]) {
      const { decision } = await decide(DEMO, env);
      expect(decision).toMatchObject({ route: 'LAST_AGENT', reason: 'AGENT_BUSY' });
      expect(decision.freeWithinProbability).toBe('LAST_AGENT_HANDLE_MODEL' in env ? '0.01' : '');
    }
  });

  it('with the last-queue fallback on, an unlikely-free agent sends the call to the last queue', async () => {
    const { decision } = await decide(DEMO, {
      LAST_AGENT_HANDLE_MODEL: LOGNORMAL,
      LAST_AGENT_MIN_FREE_PROBABILITY: '0.5',
      LAST_AGENT_LAST_QUEUE_FALLBACK: 'true',
    });
    expect(decision).toMatchObject({ route: 'LAST_QUEUE', reason: 'AGENT_BUSY_UNLIKELY_FREE' });
  });
});

describe('the adaptive preference settings', () => {
  it.each([
    [
      { LAST_AGENT_MIN_FREE_PROBABILITY: '0.5' },
      /LAST_AGENT_HANDLE_MODEL: required when LAST_AGENT_MIN_FREE_PROBABILITY/,
    ],
    [
      { LAST_AGENT_MIN_FREE_PROBABILITY: '1.5', LAST_AGENT_HANDLE_MODEL: LOGNORMAL },
      /a probability from 0 to 1/,
    ],
    [
      { LAST_AGENT_MIN_FREE_PROBABILITY: '-0.1', LAST_AGENT_HANDLE_MODEL: LOGNORMAL },
      /a probability from 0 to 1/,
    ],
    [
      { LAST_AGENT_HANDLE_MODEL: '{"talkSeconds":{"dist":"weibull","mean":3}}' },
      /LAST_AGENT_HANDLE_MODEL: talkSeconds.dist: unknown distribution/,
    ],
    [{ LAST_AGENT_HANDLE_MODEL: '{"talkSeconds":{"dist":"exponential","mean":-1}}' }, /must be > 0/],
    [{ LAST_AGENT_HANDLE_MODEL: 'talk=300' }, /not valid JSON/],
    [{ LAST_AGENT_PREFERRED_SECONDS: '2' }, /LAST_AGENT_PREFERRED_SECONDS/],
  ])('%j is a configuration error naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('the window defaults to 30 s for the local tools', () => {
    expect(loadConfig({}).preferredSeconds).toBe(30);
  });
});
