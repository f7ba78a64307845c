/**
 * Durations as the simulator's distributions (DIST): a lognormal fitted by moments (the sample's
 * mean, and sigma from its coefficient of variation: σ² = ln(1 + cv²)), kept when it is close to
 * the sample (Kolmogorov–Smirnov distance at most LOGNORMAL_MAX_KS: no duration's cumulative
 * share off by more than 3 points, and fewer than 1% zeros, which no lognormal draws); else the
 * sample's own 101 percentiles ("empirical"), which the simulator and the product's handle model
 * both read. A lognormal is compact and smooth; the percentiles are faithful whatever the shape.
 */
import type { Dist as DurationSpec } from '../../steps/lib/decision/handle-model';
import { survival } from '../../steps/lib/decision/handle-model';
import { keptFloats } from '../typed';

export const LOGNORMAL_MAX_KS = 0.03;
const MAX_ZERO_SHARE = 0.01;

export interface DurationFit {
  dist: DurationSpec;
  /** Why this form: the KS distance of the lognormal, or why none could be fitted. */
  method: string;
  n: number;
  mean: number;
  ks: number | null;
}

/** The 101 percentiles p0 … p100 of values sorted ascending, linear between order statistics. */
export function percentiles(sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  return Array.from({ length: 101 }, (_, k) => {
    const position = (k / 100) * (n - 1);
    const i = Math.floor(position);
    const lo = sorted[i] as number;
    const hi = sorted[Math.min(n - 1, i + 1)] as number;
    return round3(lo + (position - i) * (hi - lo));
  });
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** The largest gap between the sample's cumulative shares and a distribution's CDF. */
export function ksDistance(sorted: ArrayLike<number>, dist: DurationSpec): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i] as number;
    // Ties: compare at the last of equal values (the step's top) and the first (its bottom).
    if (i + 1 < n && sorted[i + 1] === v) continue;
    let first = i;
    while (first > 0 && sorted[first - 1] === v) first--;
    const cdf = 1 - survival(dist, v);
    d = Math.max(d, Math.abs((i + 1) / n - cdf), Math.abs(first / n - cdf));
  }
  return d;
}

/** The lognormal with the sample's mean and coefficient of variation. */
export function lognormalByMoments(values: ArrayLike<number>): DurationSpec | null {
  const n = values.length;
  if (n < 2) return null;
  const mean = sum(values, (v) => v) / n;
  const variance = sum(values, (v) => (v - mean) ** 2) / (n - 1);
  if (!(mean > 0) || !(variance > 0)) return null;
  const sigma = Math.sqrt(Math.log(1 + variance / (mean * mean)));
  return { dist: 'lognormal', mean: round3(mean), sigma: Math.round(sigma * 1e4) / 1e4 };
}

/** Σ f(v) over the values, in order. */
function sum(values: ArrayLike<number>, f: (v: number) => number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += f(values[i] as number);
  return s;
}

/** The values that are finite and ≥ 0, sorted ascending. */
const usable = (values: ArrayLike<number>): Float64Array =>
  keptFloats(values, (v) => Number.isFinite(v) && v >= 0).sort();

/** A DIST for the values (seconds or minutes, ≥ 0); null when there are none. */
export function fitDuration(values: ArrayLike<number>): DurationFit | null {
  const list = usable(values);
  const n = list.length;
  if (n === 0) return null;
  const mean = sum(list, (v) => v) / n;
  const empirical = (method: string, ks: number | null): DurationFit => ({
    dist: { dist: 'empirical', quantiles: percentiles(list) },
    method,
    n,
    mean,
    ks,
  });
  const zeros = sum(list, (v) => (v === 0 ? 1 : 0)) / n;
  const lognormal = lognormalByMoments(list);
  if (!lognormal) return empirical('empirical: the values do not vary, or are all 0', null);
  const ks = ksDistance(list, lognormal);
  const at = `lognormal by moments is ${(ks * 100).toFixed(1)} points off at worst (KS)`;
  if (zeros >= MAX_ZERO_SHARE)
    return empirical(`empirical: ${(zeros * 100).toFixed(1)} % are 0, which no lognormal draws`, ks);
  if (ks > LOGNORMAL_MAX_KS)
    return empirical(`empirical: ${at}, more than ${LOGNORMAL_MAX_KS * 100} points`, ks);
  return { dist: lognormal, method: `${at}, within ${LOGNORMAL_MAX_KS * 100} points`, n, mean, ks };
}

/** The distribution with every duration at most `max` (the simulator's bound on the field). */
export function bounded(d: DurationSpec, max: number): DurationSpec {
  switch (d.dist) {
    case 'exponential':
      return { dist: 'exponential', mean: Math.min(d.mean, max) };
    case 'fixed':
      return { dist: 'fixed', value: Math.min(d.value, max) };
    case 'lognormal':
      return {
        ...d,
        mean: Math.min(d.mean, max),
        ...(d.sigma !== undefined ? { sigma: Math.min(d.sigma, 5) } : {}),
      };
    case 'empirical':
      return { dist: 'empirical', quantiles: d.quantiles.map((v) => Math.min(v, max)) };
  }
}
