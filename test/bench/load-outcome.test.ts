import { describe, expect, it } from 'vitest';
import { formatLoad, runLoad } from '../../bench/load';

describe('load reports the preferred-agent outcome (issue 25)', () => {
  it('replays the answered calls’ CONNECTED_TO_AGENT events: reached = calls routed to an available last agent', async () => {
    const report = await runLoad({
      calls: 80,
      concurrency: 10,
      quotas: 'off',
      latency: null,
      deadlineMs: 3000,
      seed: 2,
    });
    const outcome = report.outcome;
    expect(outcome).toBeDefined();
    // In the model (local/outcomes.ts) an available last agent answers, a busy one does not.
    expect(outcome?.reached).toBe(report.byReason.LAST_AGENT_AVAILABLE ?? 0);
    expect(outcome?.reached).toBeGreaterThan(0);
    // Every event is delivered twice and counted once.
    expect(outcome?.repeats).toBe((outcome?.reached ?? 0) + (outcome?.missed ?? 0));
    expect(formatLoad(report)).toMatch(/^preferred agent reached: \d+ of \d+ \(\d+\.\d %\)$/m);
  }, 60_000);
});
