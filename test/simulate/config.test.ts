import { describe, expect, it } from 'vitest';
import { SimulationConfigError, parseSimulationConfig } from '../../simulate/config';
import {
  Rng,
  Z90,
  empiricalMean,
  lognormalSigma,
  meanOf,
  sampler,
  scaled,
} from '../../simulate/distributions';
import { expandPolicies } from '../../simulate/policies';

const valid = {
  hours: 10,
  agents: 2,
  callsPerHour: 10,
  handleSeconds: { dist: 'exponential', mean: 300 },
  patienceSeconds: null,
  policies: [{ name: 'none' }],
};

function errorOf(raw: unknown): string {
  try {
    parseSimulationConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(SimulationConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('simulation config', () => {
  it('fills in defaults', () => {
    expect(parseSimulationConfig(valid)).toMatchObject({
      seed: 1,
      warmupHours: 1,
      returnShare: 0,
      serviceLevelSeconds: 20,
      serviceLevelTolerance: 0.02,
      batches: 20,
      shifts: [],
    });
  });

  it.each([
    [{ ...valid, agnets: 3 }, 'unknown key "agnets"'],
    [
      { ...valid, policies: [{ name: 'none' }, { name: 'preferred-agent', expirySeconds: 2 }] },
      'policies[1].expirySeconds',
    ],
    [
      { ...valid, policies: [{ name: 'preferred-agent', expirySeconds: [10, 'x'] }] },
      'policies[0].expirySeconds[1]',
    ],
    [
      { ...valid, policies: [{ name: 'agent-queue', acceptShare: 1.5, maxWaitSeconds: 60 }] },
      'policies[0].acceptShare',
    ],
    [{ ...valid, policies: [{ name: 'round-robin' }] }, 'policies[0].name'],
    [{ ...valid, handleSeconds: { dist: 'gamma', mean: 3 } }, 'handleSeconds.dist'],
    [
      { ...valid, handleSeconds: { dist: 'lognormal', mean: 300 } },
      'handleSeconds: a lognormal needs exactly one of p90 or sigma',
    ],
    [{ ...valid, handleSeconds: { dist: 'lognormal', mean: 300, p90: 3000 } }, 'handleSeconds.p90'],
    [{ ...valid, patienceSeconds: undefined }, 'patienceSeconds'],
    [{ ...valid, returnShare: 0.3 }, 'returnDelayMinutes: required when returnShare > 0'],
    [{ ...valid, shifts: [{ agents: 2, start: '25:00', end: '10:00' }] }, 'shifts[0].start'],
    [{ ...valid, breaks: { everyMinutes: 10, durationMinutes: 15 } }, 'breaks.durationMinutes'],
    [{ ...valid, arrivalProfile: [1, 2, 3] }, 'arrivalProfile'],
    [{ ...valid, agents: 0 }, 'agents: at least one agent'],
    [{ ...valid, hours: -1 }, 'hours'],
    [{ ...valid, hours: 2_000_000 }, 'hours: Too big'],
    [{ ...valid, callsPerHour: 2_000_000 }, 'callsPerHour: Too big'],
    [{ ...valid, handleSeconds: { dist: 'exponential', mean: 1e9 } }, 'handleSeconds.mean: Too big'],
    [{ ...valid, patienceSeconds: { dist: 'fixed', value: 100_000 } }, 'patienceSeconds.value: Too big'],
    [{ ...valid, handleSeconds: { dist: 'lognormal', mean: 300, p90: 1e6 } }, 'handleSeconds.p90: Too big'],
    [
      { ...valid, returnShare: 0.3, returnDelayMinutes: { dist: 'exponential', mean: 1e7 } },
      'returnDelayMinutes.mean: Too big',
    ],
    [{ ...valid, breaks: { everyMinutes: 0.5, durationMinutes: 0.1 } }, 'breaks.everyMinutes: Too small'],
  ])('names the field in error %#', (raw, expected) => {
    expect(errorOf(raw)).toContain(expected);
  });

  const week = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 5));
  const weekly = { ...valid, callsPerHour: undefined, arrivalsPerHourByWeekday: week };
  const quantiles = Array.from({ length: 101 }, (_, i) => 10 * i);
  const empirical = (q: number[]) => ({ dist: 'empirical', quantiles: q });
  const { handleSeconds: _handle, ...noHandle } = valid;
  it.each([
    [
      { ...weekly, callsPerHour: 10 },
      'callsPerHour: give either callsPerHour or arrivalsPerHourByWeekday, not both',
    ],
    [{ ...weekly, arrivalProfile: Array(24).fill(1) }, 'arrivalProfile: not with arrivalsPerHourByWeekday'],
    [{ ...valid, callsPerHour: undefined }, 'callsPerHour: required (or arrivalsPerHourByWeekday)'],
    [
      { ...weekly, arrivalsPerHourByWeekday: week.slice(1) },
      'arrivalsPerHourByWeekday: must have 7 weekdays',
    ],
    [
      { ...weekly, arrivalsPerHourByWeekday: week.map((d, i) => (i === 2 ? d.slice(1) : d)) },
      'arrivalsPerHourByWeekday[2]: a weekday has 24 hourly values',
    ],
    [
      { ...weekly, arrivalsPerHourByWeekday: week.map((d) => d.map(() => 0)) },
      'arrivalsPerHourByWeekday: at least one hour must have calls',
    ],
    [
      {
        ...weekly,
        arrivalsPerHourByWeekday: week.map((d, i) => (i === 0 ? d.map((v, h) => (h === 5 ? -1 : v)) : d)),
      },
      'arrivalsPerHourByWeekday[0][5]: Too small',
    ],
    [{ ...valid, startWeekday: 7 }, 'startWeekday: Too big'],
    [
      { ...valid, shifts: [{ agents: 1, start: '08:00', end: '16:00', weekdays: [7] }] },
      'shifts[0].weekdays[0]: Too big',
    ],
    [
      { ...valid, shifts: [{ agents: 1, start: '08:00', end: '16:00', weekdays: [1, 1] }] },
      'shifts[0].weekdays: each weekday at most once',
    ],
    [
      { ...valid, shifts: [{ agents: 1, start: '08:00', end: '16:00', weekdays: [] }] },
      'shifts[0].weekdays: Too small',
    ],
    [
      { ...valid, acwSeconds: { dist: 'fixed', value: 30 } },
      'talkSeconds: required with acwSeconds, instead of handleSeconds',
    ],
    [{ ...noHandle, acwSeconds: { dist: 'fixed', value: 30 } }, 'talkSeconds: required with acwSeconds'],
    [{ ...valid, talkSeconds: { dist: 'fixed', value: 30 } }, 'handleSeconds: give either handleSeconds'],
    [noHandle, 'handleSeconds: required (or talkSeconds and acwSeconds)'],
    [
      { ...valid, outboundWork: { perIdleAgentHour: -1, handleSeconds: { dist: 'fixed', value: 60 } } },
      'outboundWork.perIdleAgentHour: Too small',
    ],
    [{ ...valid, outboundWork: { perIdleAgentHour: 1 } }, 'outboundWork.handleSeconds'],
    [
      { ...valid, transferWork: { share: 1.5, handleSeconds: { dist: 'fixed', value: 60 } } },
      'transferWork.share: Too big',
    ],
    [
      { ...valid, redial: { share: 0.5, delayMinutes: { dist: 'fixed', value: 1 }, delay: 3 } },
      'redial: unknown key "delay"',
    ],
    [
      { ...valid, handleSeconds: empirical(quantiles.slice(1)) },
      'handleSeconds.quantiles: must have 101 values (the percentiles p0, p1, …, p100), got 100',
    ],
    [
      { ...valid, handleSeconds: empirical(quantiles.map((v, i) => (i === 50 ? 5 : v))) },
      'handleSeconds.quantiles[50]: p50 (5) is below p49 (490): the percentiles must not decrease',
    ],
    [
      { ...valid, patienceSeconds: empirical(quantiles.map((v, i) => (i === 0 ? -1 : v))) },
      'patienceSeconds.quantiles[0]: a duration must be at least 0',
    ],
    [
      { ...valid, handleSeconds: empirical(quantiles.map((v, i) => (i === 100 ? 100_000 : v))) },
      'handleSeconds.quantiles[100]: Too big',
    ],
    [
      { ...valid, redial: { share: 0.5, delayMinutes: empirical(quantiles.map((v) => -v)) } },
      'redial.delayMinutes.quantiles[1]: a duration must be at least 0',
    ],
  ])('names the field of the extensions in error %#', (raw, expected) => {
    expect(errorOf(raw)).toContain(expected);
  });

  it('expands a list of expiry values into one policy each', () => {
    const config = parseSimulationConfig({
      ...valid,
      policies: [{ name: 'none' }, { name: 'preferred-agent', expirySeconds: [10, 30] }],
    });
    expect(expandPolicies(config.policies)).toEqual([
      { name: 'none' },
      { name: 'preferred-agent', expirySeconds: 10 },
      { name: 'preferred-agent', expirySeconds: 30 },
    ]);
  });
});

describe('distributions', () => {
  it('samples an empirical distribution by inverse CDF: its percentiles and its trapezoid mean', () => {
    // A skewed shape: p_i = 20 + 0.1 i², 20 s to 1,020 s.
    const q = Array.from({ length: 101 }, (_, i) => 20 + 0.1 * i * i);
    const trapezoid = (q.reduce((s, v) => s + v, 0) - (q[0] as number) / 2 - (q[100] as number) / 2) / 100;
    expect(empiricalMean(q)).toBeCloseTo(trapezoid, 9);
    expect(meanOf({ dist: 'empirical', quantiles: q })).toBeCloseTo(trapezoid, 9);
    const draw = sampler({ dist: 'empirical', quantiles: q });
    const rng = new Rng(5, 'test');
    const n = 200_000;
    const xs = Float64Array.from({ length: n }, () => draw(rng)).sort();
    const m = xs.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1));
    expect(Math.abs(m - trapezoid)).toBeLessThan((4 * sd) / Math.sqrt(n));
    for (const p of [1, 10, 25, 50, 75, 90, 99]) {
      // Within the sampling error of an order statistic: a few hundredths of a percentile.
      expect(Math.abs((xs[Math.floor((p / 100) * n)] as number) - (q[p] as number))).toBeLessThan(
        0.5 * (p / 5 + 1),
      );
    }
    expect(xs[0]).toBeGreaterThanOrEqual(20);
    expect(xs[n - 1]).toBeLessThanOrEqual(1020);
  });

  it('scales every distribution from minutes to seconds, an empirical one point by point', () => {
    expect(scaled({ dist: 'empirical', quantiles: [0, 1, 2] }, 60)).toEqual({
      dist: 'empirical',
      quantiles: [0, 60, 120],
    });
    expect(scaled({ dist: 'lognormal', mean: 2, p90: 3 }, 60)).toEqual({
      dist: 'lognormal',
      mean: 120,
      p90: 180,
      sigma: undefined,
    });
  });

  const mean = (draw: () => number, n: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += draw();
    return s / n;
  };

  it('gives a lognormal the requested mean and 90th percentile', () => {
    const sigma = lognormalSigma(300, 600);
    const mu = Math.log(300) - (sigma * sigma) / 2;
    expect(Math.exp(mu + Z90 * sigma)).toBeCloseTo(600, 6);
    const rng = new Rng(3, 'test');
    const draw = sampler({ dist: 'lognormal', mean: 300, p90: 600 });
    const n = 200_000;
    // sd of a lognormal = mean·sqrt(exp(σ²) − 1); 4 standard errors.
    const se = (300 * Math.sqrt(Math.exp(sigma * sigma) - 1)) / Math.sqrt(n);
    expect(Math.abs(mean(() => draw(rng), n) - 300)).toBeLessThan(4 * se);
  });

  it('gives an exponential its mean, and a fixed distribution its value', () => {
    const rng = new Rng(4, 'test');
    const n = 200_000;
    expect(Math.abs(mean(() => sampler({ dist: 'exponential', mean: 180 })(rng), n) - 180)).toBeLessThan(
      (4 * 180) / Math.sqrt(n),
    );
    expect(sampler({ dist: 'fixed', value: 42 })(rng)).toBe(42);
  });

  it('derives independent, reproducible streams from a seed and a name', () => {
    const a = new Rng(1, 'arrivals');
    const b = new Rng(1, 'arrivals');
    const c = new Rng(1, 'handle');
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
    for (let i = 0; i < 1000; i++) {
      const u = a.uniform();
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
    }
  });
});
