import { describe, expect, it } from 'vitest';
import type { FaultKind, Operation } from '../../local/connect/scenario';
import { callFrom, demoPhone, demoScenario, withSession } from '../helpers';

const BUDGET_MS = 600;
/** Scheduling slack on a shared CI machine; the answer must still come well inside Connect's 8 s. */
const SLACK_MS = 250;

const EXPECTED: Record<FaultKind, string> = {
  throttle: 'LOOKUP_THROTTLED',
  error500: 'LOOKUP_ERROR',
  error503: 'LOOKUP_ERROR',
  malformed: 'LOOKUP_ERROR',
  reset: 'LOOKUP_ERROR',
  slow: 'LOOKUP_TIMEOUT',
};
/** Every Connect operation the pipeline calls (the CSAT gate is on so all three are on the path). */
const OPERATIONS: Operation[] = ['SearchContacts', 'GetCurrentUserData', 'GetContactAttributes'];

const cases = OPERATIONS.flatMap((operation) =>
  (Object.keys(EXPECTED) as FaultKind[]).map((kind) => ({ operation, kind, reason: EXPECTED[kind] })),
);

describe('fault matrix: every fault on every Connect operation ends in a documented reason, in budget', () => {
  it.each(cases)('$kind on $operation → $reason', async ({ operation, kind, reason }) => {
    const scenario = demoScenario({
      faults: { seed: 5, inject: [{ operation, kind, rate: 1, delayMs: 5_000 }] },
    });
    const env = {
      LAST_AGENT_DEADLINE_MS: String(BUDGET_MS),
      LAST_AGENT_CSAT_ATTRIBUTE: 'csat',
    };
    await withSession({ scenario, env }, async (session) => {
      const started = performance.now();

      const { decision } = await session.decide(callFrom(session, demoPhone('Alice) is free')));

      const elapsed = performance.now() - started;
      expect(decision).toMatchObject({ route: 'DEFAULT', reason });
      expect(elapsed).toBeLessThan(BUDGET_MS + SLACK_MS);
      expect(Number(decision.decisionMs)).toBeLessThanOrEqual(BUDGET_MS + SLACK_MS);
    });
  });

  it('a transient fault on some requests is absorbed by the bounded retry', async () => {
    const scenario = demoScenario({
      faults: {
        seed: 11,
        inject: [{ operation: 'SearchContacts', kind: 'error503', rate: 0.5, delayMs: 0 }],
      },
    });
    await withSession({ scenario }, async (session) => {
      const reasons = [];
      for (let i = 0; i < 10; i++) {
        reasons.push((await session.decide(callFrom(session, demoPhone('Alice) is free')))).decision.reason);
      }
      // 3 attempts at a 50% fault rate: most calls still get the real answer.
      expect(reasons.filter((r) => r === 'LAST_AGENT_AVAILABLE').length).toBeGreaterThanOrEqual(7);
      expect(session.connect.stats.SearchContacts.faults).toBeGreaterThan(0);
    });
  });

  it("Connect's default SearchContacts quota (0.5 rps, burst 1) lets one of a burst of 12 calls through, and every call is still answered", async () => {
    const scenario = demoScenario({ faults: { seed: 1, inject: [], throttle: 'connect-defaults' } });
    await withSession({ scenario }, async (session) => {
      const results = await Promise.all(
        Array.from({ length: 12 }, () => session.decide(callFrom(session, demoPhone('Alice) is free')))),
      );
      const reasons = results.map((r) => r.decision.reason);
      expect(reasons).toHaveLength(12);
      // The retries (tens of ms apart) cannot outwait a bucket that refills one token per 2 s.
      expect(reasons.filter((r) => r === 'LAST_AGENT_AVAILABLE')).toHaveLength(1);
      expect(reasons.filter((r) => r === 'LOOKUP_THROTTLED')).toHaveLength(11);
      expect(session.connect.stats.SearchContacts.throttled).toBeGreaterThanOrEqual(11);
    });
  });
});
