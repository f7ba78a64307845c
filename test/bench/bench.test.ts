import { describe, expect, it } from 'vitest';
import { generateContactCenter } from '../../bench/generator';
import { runLoad } from '../../bench/load';
import { formatReport, runBenchmark } from '../../bench/run';
import { percentile } from '../../bench/stats';

describe('synthetic contact center', () => {
  const options = { seed: 3, agents: 8, customers: 60, calls: 30, meanHistory: 5, historyDays: 21 };

  it('is deterministic for a seed', () => {
    expect(generateContactCenter(options)).toEqual(generateContactCenter(options));
    expect(generateContactCenter({ ...options, seed: 4 }).scenario.contacts).not.toEqual(
      generateContactCenter(options).scenario.contacts,
    );
  });

  it('has IVR-only, abandoned, transferred, callback and never-answered contacts, all ended before now', () => {
    const { scenario } = generateContactCenter({ ...options, customers: 200 });
    const kinds = new Set(
      scenario.contacts.map((c) =>
        c.initiationMethod === 'TRANSFER'
          ? 'transfer'
          : ['CALLBACK', 'OUTBOUND'].includes(c.initiationMethod)
            ? 'callback'
            : c.agentId && !c.connectedToAgentTimestamp
              ? 'missed'
              : c.agentId
                ? 'handled'
                : c.queueId
                  ? 'abandoned'
                  : 'ivr',
      ),
    );
    expect(kinds).toEqual(new Set(['transfer', 'callback', 'missed', 'handled', 'abandoned', 'ivr']));
    const now = Date.parse(scenario.now);
    for (const c of scenario.contacts)
      expect(Date.parse(c.disconnectTimestamp ?? c.initiationTimestamp)).toBeLessThan(now);
  });
});

describe('benchmark smoke (correctness only, no timing assertions)', () => {
  it('the pipeline identifies every last agent, the simple approach misses some, and the draws pair up', async () => {
    const report = await runBenchmark({
      size: 'small',
      seed: 42,
      concurrency: 4,
      // A small model keeps the run short; the pairing is checked all the same.
      latency: { median: 1, p99: 3 },
      scaling: false,
      cold: null,
      warmup: 2,
    });
    const byName = Object.fromEntries(report.contenders.map((c) => [c.name, c]));

    expect(byName.pipeline).toMatchObject({ precision: 1, recall: 1 });
    expect(byName['pipeline-initiated']).toMatchObject({ precision: 1, recall: 1 });
    expect(byName.simple?.recall).toBeLessThan(1);
    expect(byName.pipeline?.apiCallsPerDecision.SearchContacts).toBe(1);
    expect(report.pairing.ok).toBe(true);
    expect(report.pairing.shared.SearchContacts).toBeGreaterThan(0);
    expect(report.pairing.shared.GetCurrentUserData).toBeGreaterThan(0);
    const shipped = report.designs.find((d) => d.name === 'shipped');
    const before = report.designs.find((d) => d.name.startsWith('shipped before'));
    // Search, pick and the availability check; the baseline commit had the route choice as a fourth.
    expect(shipped?.lambdaHops).toBe(3);
    expect(before?.lambdaHops).toBe(4);
    expect(shipped?.allCold).toBeUndefined();
    expect(formatReport(report)).toContain('Pairing check: passed');
  });
});

describe('load command', () => {
  it('answers every call, throttled ones included, with the reasons counted', async () => {
    const report = await runLoad({
      calls: 60,
      concurrency: 20,
      quotas: 'connect-defaults',
      latency: null,
      deadlineMs: 3000,
      seed: 1,
    });
    expect(report.answered).toBe(60);
    expect(report.unanswered).toBe(0);
    expect(Object.values(report.byReason).reduce((a, b) => a + b, 0)).toBe(60);
    expect(report.byReason.LOOKUP_THROTTLED).toBeGreaterThan(0);
  });
});

describe('percentile', () => {
  it('is nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([], 50)).toBe(0);
  });
});
