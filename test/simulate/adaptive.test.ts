/**
 * Adaptive preference in the simulator (issue 24): policies take minFreeProbability, the simulated
 * decision runs the step's own probability and the product's route choice, and the thresholds
 * sweep crossed with the waits.
 */
import { describe, expect, it } from 'vitest';
import { parseSimulationConfig } from '../../simulate/config';
import { type PolicyRow, runSimulation } from '../../simulate/run';

/** A small busy center; returning callers often find their last agent busy. */
const center = (extra: object) => ({
  seed: 7,
  hours: 60,
  warmupHours: 1,
  agents: 8,
  callsPerHour: 80,
  patienceSeconds: { dist: 'exponential', mean: 240 },
  returnShare: 0.4,
  returnDelayMinutes: { dist: 'exponential', mean: 60 },
  ...extra,
});

const rows = (config: object) => runSimulation(parseSimulationConfig(config)).policies;
const numbers = (r: PolicyRow) => {
  const { label: _l, minFreeProbability: _m, ...rest } = r as PolicyRow & { minFreeProbability?: number };
  return rest;
};

describe('adaptive preference in the simulator', () => {
  it('a threshold of 0 reproduces the fixed policy exactly (same seed, same numbers)', () => {
    const [fixed, zero] = rows(
      center({
        talkSeconds: { dist: 'lognormal', mean: 300, p90: 600 },
        acwSeconds: { dist: 'fixed', value: 30 },
        policies: [
          { name: 'preferred-agent', expirySeconds: 30 },
          { name: 'preferred-agent', expirySeconds: 30, minFreeProbability: 0 },
        ],
      }),
    ) as [PolicyRow, PolicyRow];
    expect(zero.minFreeProbability).toBe(0);
    expect(fixed.minFreeProbability).toBeUndefined();
    expect(numbers(zero)).toEqual(numbers(fixed));
  });

  it('with exponential talk and no ACW the chance is 1 − e^(−w/mean) whatever the elapsed time: a threshold above it is "idle only", below it the fixed policy', () => {
    const p = 1 - Math.exp(-30 / 300); // 0.095
    const [busyOk, idleOnly, below, above] = rows(
      center({
        handleSeconds: { dist: 'exponential', mean: 300 },
        policies: [
          { name: 'preferred-agent', expirySeconds: 30 },
          { name: 'preferred-agent', expirySeconds: 30, preferBusyAgent: false },
          { name: 'preferred-agent', expirySeconds: 30, minFreeProbability: [p - 0.01, p + 0.01] },
        ],
      }),
    ) as PolicyRow[];
    expect(numbers(below as PolicyRow)).toEqual(numbers(busyOk as PolicyRow));
    const { preferBusyAgent: _b, ...idle } = numbers(idleOnly as PolicyRow) as PolicyRow;
    expect(numbers(above as PolicyRow)).toEqual(idle);
  });

  it('thresholds sweep crossed with the waits, each row naming its own values; agent-queue takes them too', () => {
    const report = rows(
      center({
        talkSeconds: { dist: 'lognormal', mean: 300, p90: 600 },
        acwSeconds: { dist: 'exponential', mean: 40 },
        hours: 10,
        policies: [
          { name: 'none' },
          { name: 'preferred-agent', expirySeconds: [15, 30], minFreeProbability: [0.2, 0.5] },
          { name: 'agent-queue', acceptShare: 0.8, maxWaitSeconds: 60, minFreeProbability: 0.3 },
        ],
      }),
    );
    expect(
      report.map((r) => [r.name, r.expirySeconds ?? r.maxWaitSeconds ?? null, r.minFreeProbability ?? null]),
    ).toEqual([
      ['none', null, null],
      ['preferred-agent', 15, 0.2],
      ['preferred-agent', 15, 0.5],
      ['preferred-agent', 30, 0.2],
      ['preferred-agent', 30, 0.5],
      ['agent-queue', 60, 0.3],
    ]);
    expect(report.map((r) => r.label)).toContain('preferred-agent 30s p≥0.5');
  });

  it('a stricter threshold never buys more continuity beyond the paired half-width', () => {
    const report = rows(
      center({
        talkSeconds: { dist: 'lognormal', mean: 300, p90: 600 },
        acwSeconds: { dist: 'lognormal', mean: 60, p90: 120 },
        policies: [
          { name: 'none' },
          { name: 'preferred-agent', expirySeconds: 60, minFreeProbability: [0, 0.1, 0.3, 0.6, 0.9] },
        ],
      }),
    ).slice(1);
    for (let i = 1; i < report.length; i++) {
      const looser = report[i - 1] as PolicyRow;
      const stricter = report[i] as PolicyRow;
      // Both are paired with none on the same seed: their continuity gains compare within the half-widths.
      const slack = (looser.vsNone?.continuity?.ci95 ?? 0) + (stricter.vsNone?.continuity?.ci95 ?? 0);
      expect(stricter.continuity as number).toBeLessThanOrEqual((looser.continuity as number) + slack);
    }
    // And the strictest buys less than the fixed policy: the rule does something.
    expect((report.at(-1) as PolicyRow).continuity as number).toBeLessThan(
      (report[0] as PolicyRow).continuity as number,
    );
  });

  it('refuses a threshold outside 0-1, naming the field', () => {
    expect(() =>
      parseSimulationConfig(
        center({
          handleSeconds: { dist: 'exponential', mean: 300 },
          policies: [{ name: 'preferred-agent', expirySeconds: 30, minFreeProbability: 1.5 }],
        }),
      ),
    ).toThrow(/policies\[0\]\.minFreeProbability/);
  });
});
