import { describe, expect, it } from 'vitest';
import { SimulationConfigError, parseSimulationConfig } from '../../simulate/config';
import { Rng, Z90, lognormalSigma, sampler } from '../../simulate/distributions';
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
