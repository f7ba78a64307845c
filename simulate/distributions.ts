/**
 * Seeded random numbers and the time distributions of the simulator.
 *
 * Each purpose (arrivals, handle times, patience, …) draws from its own stream, derived from the
 * seed and a stream name, so two policies run with the same seed see the same new calls with the
 * same handle times and patience (common random numbers): the differences between policies in a
 * report come from the policies, not from luck.
 */

import { Z90, lognormalSigma } from '../steps/lib/decision/handle-model';

/** The p90 rule of a lognormal (exp(mu + Z90 sigma)): the product's, so both read a configuration alike. */
export { Z90, lognormalSigma };

/** splitmix32: turns a seed and a stream name into well-mixed generator state. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashName(name: string): number {
  // FNV-1a, 32 bits: stable across platforms and Node versions.
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** xoshiro128**: small, fast, good statistical quality; 32-bit integer arithmetic only. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = '') {
    const mix = splitmix32(
      (seed >>> 0) ^ Math.imul(hashName(stream), 0x27d4eb2d) ^ Math.floor(seed / 2 ** 32),
    );
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform on the open interval (0, 1): never 0, so -log(u) is finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A distribution of durations in seconds, as the configuration gives it (validated there). */
export type DurationSpec =
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; mean: number; p90?: number | undefined; sigma?: number | undefined }
  | { dist: 'fixed'; value: number }
  | { dist: 'empirical'; quantiles: readonly number[] };

/** An empirical distribution is given by its 101 percentiles, p0 … p100. */
export const EMPIRICAL_POINTS = 101;

export type Sampler = (rng: Rng) => number;

/** Compiles a distribution into a sampler (a closure: no branching on the kind per draw). */
export function sampler(spec: DurationSpec): Sampler {
  switch (spec.dist) {
    case 'exponential': {
      const mean = spec.mean;
      return (rng) => -mean * Math.log(rng.uniform());
    }
    case 'fixed': {
      const value = spec.value;
      return () => value;
    }
    case 'lognormal': {
      const sigma = spec.sigma ?? lognormalSigma(spec.mean, spec.p90 as number);
      const mu = Math.log(spec.mean) - (sigma * sigma) / 2;
      // Box-Muller, one normal per draw (the second is dropped to keep each draw independent of
      // the previous one, which keeps streams aligned across policies).
      return (rng) => {
        const z = Math.sqrt(-2 * Math.log(rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
        return Math.exp(mu + sigma * z);
      };
    }
    case 'empirical':
      return empiricalSampler(spec.quantiles);
  }
}

/**
 * Inverse-CDF sampling of 101 percentiles with linear interpolation between them: u ∈ (0, 1)
 * sits at position u·100 between p⌊u·100⌋ and the next one. One uniform per draw.
 */
function empiricalSampler(quantiles: readonly number[]): Sampler {
  const q = Float64Array.from(quantiles);
  const last = q.length - 1;
  return (rng) => {
    const position = rng.uniform() * last;
    const i = Math.min(Math.floor(position), last - 1);
    const lo = q[i] as number;
    return lo + (position - i) * ((q[i + 1] as number) - lo);
  };
}

/** The mean of the piecewise-linear quantile function: the trapezoid rule over the 100 intervals. */
export function empiricalMean(quantiles: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < quantiles.length; i++)
    sum += ((quantiles[i - 1] as number) + (quantiles[i] as number)) / 2;
  return sum / (quantiles.length - 1);
}

/** The mean of a distribution, for the offered-load estimate, the run-size bound and the theory columns. */
export function meanOf(spec: DurationSpec): number {
  switch (spec.dist) {
    case 'fixed':
      return spec.value;
    case 'empirical':
      return empiricalMean(spec.quantiles);
    default:
      return spec.mean;
  }
}

/** The distribution with every duration multiplied by `factor` (minutes to seconds). */
export function scaled(spec: DurationSpec, factor: number): DurationSpec {
  switch (spec.dist) {
    case 'exponential':
      return { dist: 'exponential', mean: spec.mean * factor };
    case 'fixed':
      return { dist: 'fixed', value: spec.value * factor };
    case 'lognormal':
      return {
        dist: 'lognormal',
        mean: spec.mean * factor,
        p90: spec.p90 === undefined ? undefined : spec.p90 * factor,
        sigma: spec.sigma,
      };
    case 'empirical':
      return { dist: 'empirical', quantiles: spec.quantiles.map((v) => v * factor) };
  }
}
