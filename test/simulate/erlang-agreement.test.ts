/**
 * The simulator against queueing theory. With policy `none`, no callbacks, exponential handle
 * times and no or exponential patience, the model is exactly M/M/n (Erlang C) or M/M/n+M
 * (Erlang A), so the simulated figures must agree with the formulas within sampling error.
 *
 * Tolerance: 4 standard errors, the standard error from batch means (25 batches, so the
 * half-width / t(24, 0.975)). For a correct model a deviation beyond 4 SE has probability below
 * 0.1% per figure; the seeds are fixed, so the test is deterministic. The controls show the same
 * check rejects a theory computed for one agent more: the test can fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSimulationConfig } from '../../simulate/config';
import { erlangAMetrics } from '../../simulate/erlang';
import { t975 } from '../../simulate/model';
import { type PolicyRow, runSimulation } from '../../simulate/run';

const BATCHES = 25;
const TOLERANCE_SE = 4;

/** Erlang C written out again, independently of simulate/erlang.ts (series form of the formula). */
function erlangC(n: number, lambdaPerHour: number, handleSeconds: number, slSeconds: number) {
  const a = (lambdaPerHour * handleSeconds) / 3600;
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < n; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = (term * n) / (n - a); // a^n / n! · n / (n − a)
  const c = top / (sum + top);
  const drain = n / handleSeconds - lambdaPerHour / 3600;
  return { pWait: c, asaSeconds: c / drain, serviceLevel: 1 - c * Math.exp(-drain * slSeconds) };
}

type Figure = 'pWait' | 'asaSeconds' | 'serviceLevel' | 'abandonRate';

function simulateNone(o: {
  agents: number;
  callsPerHour: number;
  hours: number;
  patience: number | null;
  seed: number;
}) {
  const report = runSimulation(
    parseSimulationConfig({
      seed: o.seed,
      hours: o.hours,
      warmupHours: 10,
      agents: o.agents,
      callsPerHour: o.callsPerHour,
      handleSeconds: { dist: 'exponential', mean: 300 },
      patienceSeconds: o.patience === null ? null : { dist: 'exponential', mean: o.patience },
      serviceLevelSeconds: 20,
      batches: BATCHES,
      policies: [{ name: 'none' }],
    }),
  );
  return report.policies[0] as PolicyRow;
}

/** How many standard errors the simulated figure is from the theoretical one. */
function zScore(row: PolicyRow, figure: Figure, theory: number): number {
  const halfWidth = row.ci95[figure];
  if (halfWidth === null || halfWidth <= 0) throw new Error(`no confidence interval for ${figure}`);
  return (row[figure] - theory) / (halfWidth / t975(BATCHES - 1));
}

describe('policy none against Erlang C (no abandonment)', () => {
  const bigTheory = erlangC(20, 200, 300, 20);
  const smallTheory = erlangC(5, 48, 300, 20);
  let big: PolicyRow;
  let small: PolicyRow;
  beforeAll(() => {
    // 20 agents, 200 calls/h, 300 s: 16.7 Erlang, 83% occupancy. 4000 h ≈ 800,000 calls.
    big = simulateNone({ agents: 20, callsPerHour: 200, hours: 4000, patience: null, seed: 11 });
    // 5 agents, 48 calls/h, 300 s: 4 Erlang, 80% occupancy, long waits (ASA ≈ 166 s).
    small = simulateNone({ agents: 5, callsPerHour: 48, hours: 10_000, patience: null, seed: 12 });
  });

  for (const figure of ['pWait', 'asaSeconds', 'serviceLevel'] as const) {
    it(`20 agents: ${figure} within ${TOLERANCE_SE} standard errors of Erlang C`, () => {
      expect(Math.abs(zScore(big, figure, bigTheory[figure]))).toBeLessThan(TOLERANCE_SE);
    });

    it(`5 agents: ${figure} within ${TOLERANCE_SE} standard errors of Erlang C`, () => {
      expect(Math.abs(zScore(small, figure, smallTheory[figure]))).toBeLessThan(TOLERANCE_SE);
    });
  }

  it('prints the same Erlang C figures as the independent formula next to none', () => {
    expect(big.theory?.model).toBe('Erlang C');
    expect(big.theory?.pWait).toBeCloseTo(bigTheory.pWait, 10);
    expect(big.theory?.asaSeconds).toBeCloseTo(bigTheory.asaSeconds, 8);
    expect(big.theory?.serviceLevel).toBeCloseTo(bigTheory.serviceLevel, 10);
  });

  it('control: the same check rejects Erlang C computed for one agent more (21, and 6 in the small case)', () => {
    const wrongBig = erlangC(21, 200, 300, 20);
    const wrongSmall = erlangC(6, 48, 300, 20);
    expect(Math.abs(zScore(big, 'pWait', wrongBig.pWait))).toBeGreaterThan(TOLERANCE_SE);
    expect(Math.abs(zScore(big, 'asaSeconds', wrongBig.asaSeconds))).toBeGreaterThan(TOLERANCE_SE);
    expect(Math.abs(zScore(small, 'asaSeconds', wrongSmall.asaSeconds))).toBeGreaterThan(TOLERANCE_SE);
  });

  it('answers everyone in arrival order: nobody answered ahead, occupancy a/n', () => {
    expect(big.abandoned).toBe(0);
    expect(big.answeredAhead).toBe(0);
    expect(big.occupancy).toBeCloseTo(200 / 12 / 20, 2);
  });
});

describe('policy none against Erlang A (exponential patience)', () => {
  const cases = [
    {
      name: '20 agents, 200 calls/h, patience 180 s',
      agents: 20,
      callsPerHour: 200,
      patience: 180,
      hours: 2000,
    },
    {
      name: '5 agents overloaded (117%), patience 120 s',
      agents: 5,
      callsPerHour: 70,
      patience: 120,
      hours: 4000,
    },
  ];
  for (const [i, c] of cases.entries()) {
    let row: PolicyRow;
    beforeAll(() => {
      row = simulateNone({ ...c, seed: 21 + i });
    });
    const theory = erlangAMetrics({
      agents: c.agents,
      callsPerHour: c.callsPerHour,
      handleSeconds: 300,
      patienceSeconds: c.patience,
      serviceLevelSeconds: 20,
    });
    for (const figure of ['pWait', 'asaSeconds', 'serviceLevel', 'abandonRate'] as const) {
      it(`${c.name}: ${figure} within ${TOLERANCE_SE} standard errors of Erlang A`, () => {
        expect(Math.abs(zScore(row, figure, theory[figure]))).toBeLessThan(TOLERANCE_SE);
      });
    }

    it(`${c.name}: control, Erlang C would be rejected (it ignores hanging up)`, () => {
      expect(row.theory?.model).toBe('Erlang A');
      if (c.callsPerHour * 300 < c.agents * 3600) {
        const c0 = erlangC(c.agents, c.callsPerHour, 300, 20);
        expect(Math.abs(zScore(row, 'asaSeconds', c0.asaSeconds))).toBeGreaterThan(TOLERANCE_SE);
      } else {
        expect(row.abandonRate).toBeGreaterThan(0.1); // Erlang C has no steady state at all here
      }
    });
  }
});
