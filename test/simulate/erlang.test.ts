import { describe, expect, it } from 'vitest';
import { erlangAMetrics, erlangB, erlangC, erlangCMetrics } from '../../simulate/erlang';

const center = { agents: 20, callsPerHour: 200, handleSeconds: 300, serviceLevelSeconds: 20 };

/** The M/M/n+M stationary distribution by plain products (no logs): an independent computation. */
function stationary(n: number, lambda: number, mu: number, theta: number, states: number): number[] {
  const p = [1];
  for (let k = 1; k < states; k++) {
    p.push(((p[k - 1] as number) * lambda) / (Math.min(k, n) * mu + Math.max(k - n, 0) * theta));
  }
  const total = p.reduce((s, v) => s + v, 0);
  return p.map((v) => v / total);
}

function poisson(mean: number, k: number): number {
  let p = Math.exp(-mean);
  for (let i = 1; i <= k; i++) p *= mean / i;
  return p;
}

describe('Erlang B and C', () => {
  it('match the textbook values for 3 agents and 2 Erlangs: B = 4/19, C = 4/9', () => {
    // B(3, 2) = (2³/3!) / (1 + 2 + 2²/2! + 2³/3!) = 4/19; C = n·B / (n − a(1 − B)) = 4/9.
    expect(erlangB(3, 2)).toBeCloseTo(4 / 19, 12);
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
  });

  it('gives the M/M/1 values for one agent: P(wait) = ρ, mean wait = ρ/(μ − λ)', () => {
    const m = erlangCMetrics({ agents: 1, callsPerHour: 9, handleSeconds: 300, serviceLevelSeconds: 60 });
    const rho = 9 / 12;
    expect(m.pWait).toBeCloseTo(rho, 12);
    expect(m.asaSeconds).toBeCloseTo(rho / (1 / 300 - 9 / 3600), 9);
    expect(m.serviceLevel).toBeCloseTo(1 - rho * Math.exp(-(1 / 300 - 9 / 3600) * 60), 12);
  });

  it('refuses an offered load at or above the number of agents', () => {
    expect(() => erlangCMetrics({ ...center, callsPerHour: 240 })).toThrow(/offered load/);
  });
});

describe('Erlang A (M/M/n+M)', () => {
  it('tends to Erlang C as patience grows without bound, service level included', () => {
    const c = erlangCMetrics(center);
    const a = erlangAMetrics({ ...center, patienceSeconds: 1e9 });
    expect(a.pWait).toBeCloseTo(c.pWait, 5);
    expect(a.asaSeconds).toBeCloseTo(c.asaSeconds, 3);
    expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 5);
    expect(a.abandonRate).toBeLessThan(1e-6);
  });

  it('is the M/M/∞ queue when patience equals handle time: Poisson(a) callers in the system', () => {
    // With θ = μ every caller leaves at rate μ whether served or waiting, so N ~ Poisson(a) exactly
    // and P(hang up) = E[(N − n)⁺] / a.
    const a = (200 * 300) / 3600;
    let expectedQueue = 0;
    let pAllBusy = 0;
    for (let k = 20; k < 200; k++) {
      expectedQueue += (k - 20) * poisson(a, k);
      pAllBusy += poisson(a, k);
    }
    const m = erlangAMetrics({ ...center, patienceSeconds: 300 });
    expect(m.abandonRate).toBeCloseTo(expectedQueue / a, 10);
    // Answered callers who waited: P(all busy and served) / P(served), with P(served | i ahead) = n/(n + i + 1).
    let servedAfterWait = 0;
    for (let k = 20; k < 200; k++) servedAfterWait += poisson(a, k) * (20 / (20 + (k - 20) + 1));
    expect(m.pWait).toBeCloseTo(servedAfterWait / (1 - expectedQueue / a), 10);
    expect(pAllBusy).toBeGreaterThan(m.pWait * (1 - m.abandonRate));
  });

  it("agrees with Little's law: callers hang up at rate θ·E[queue], so P(hang up) = θ·E[Q] / λ", () => {
    const lambda = 230 / 3600;
    const theta = 1 / 120;
    const p = stationary(20, lambda, 1 / 300, theta, 400);
    const meanQueue = p.reduce((s, v, k) => s + Math.max(k - 20, 0) * v, 0);
    const m = erlangAMetrics({ ...center, callsPerHour: 230, patienceSeconds: 120 });
    expect(m.abandonRate).toBeCloseTo((theta * meanQueue) / lambda, 10);
    const busy = p.reduce((s, v, k) => s + Math.min(k, 20) * v, 0);
    expect(m.occupancy).toBeCloseTo(busy / 20, 10);
    // Answered calls = busy agents × μ / λ (flow balance).
    expect(1 - m.abandonRate).toBeCloseTo(busy / 300 / lambda, 10);
  });

  it('tends to Erlang B as patience goes to zero: a caller who finds everyone busy hangs up', () => {
    const m = erlangAMetrics({ ...center, patienceSeconds: 1e-4 });
    expect(m.abandonRate).toBeCloseTo(erlangB(20, (200 * 300) / 3600), 5);
    expect(m.asaSeconds).toBeLessThan(1e-3);
  });

  it('is stable above 100% load, where Erlang C has no answer', () => {
    const m = erlangAMetrics({ ...center, callsPerHour: 300, patienceSeconds: 180 });
    expect(m.abandonRate).toBeGreaterThan(0.1);
    expect(m.serviceLevel).toBeGreaterThan(0);
    expect(m.serviceLevel).toBeLessThan(1 - m.abandonRate);
  });
});
