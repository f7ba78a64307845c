/**
 * How long callers are willing to wait, from the queue: a caller who hung up (left the queue with
 * no agent) shows their patience; a caller an agent answered shows only that their patience was
 * longer than their wait (censored). The Kaplan–Meier estimate takes both into account: at each
 * wait at which someone hung up, the share still waiting drops by those who hung up out of those
 * who had waited that long. Answered callers would otherwise make patience look shorter than it
 * is (counting hang-ups only) or hang-ups rarer (counting all calls as patient).
 *
 * Beyond the longest wait seen, the curve says nothing; the tail rule: patience goes on
 * exponentially, with the hazard (hang-ups per second waited) seen over the longest-waiting tenth
 * of the calls that waited (over all that waited when none of that tenth hung up). The last percentile interval (p99 to p100) is stretched to twice
 * that tail's mean, so linear interpolation in it keeps the tail's mean.
 */
import type { Dist as DurationSpec } from '../../steps/lib/decision/handle-model';
import { indices, keptFloats, sortStable } from '../typed';

export interface QueueWait {
  seconds: number;
  /** Hung up (true) or answered (false: censored). */
  abandoned: boolean;
}

export interface PatienceFit {
  dist: DurationSpec | null;
  method: string;
  /** Survival (share still waiting) at the longest wait seen, and that wait. */
  survivalAtLongest: number;
  longestWait: number;
  tailHazardPerSecond: number | null;
  abandoned: number;
  answered: number;
}

/** Queue waits column by column: seconds, and 1 where the caller hung up. */
export interface QueueWaits {
  seconds: Float64Array;
  abandoned: Uint8Array;
}

const columns = (waits: readonly QueueWait[]): QueueWaits => ({
  seconds: Float64Array.from(waits, (w) => w.seconds),
  abandoned: Uint8Array.from(waits, (w) => (w.abandoned ? 1 : 0)),
});

/** The Kaplan–Meier steps: [time, survival after it], at each time someone hung up. */
export function kaplanMeier(waits: readonly QueueWait[]): [number, number][] {
  return stepsOf(columns(waits));
}

function stepsOf(w: QueueWaits): [number, number][] {
  const { seconds, abandoned } = w;
  // By time, and at equal times hang-ups first.
  const sorted = sortStable(
    indices(seconds.length),
    (a, b) =>
      (seconds[a] as number) < (seconds[b] as number) ||
      (seconds[a] === seconds[b] && (abandoned[a] as number) > (abandoned[b] as number)),
  );
  const steps: [number, number][] = [];
  let atRisk = sorted.length;
  let s = 1;
  for (let i = 0; i < sorted.length; ) {
    const t = seconds[sorted[i] as number] as number;
    let events = 0;
    let leaving = 0;
    while (i < sorted.length && seconds[sorted[i] as number] === t) {
      if (abandoned[sorted[i] as number] === 1) events++;
      leaving++;
      i++;
    }
    if (events > 0) {
      s *= 1 - events / atRisk;
      steps.push([t, s]);
    }
    atRisk -= leaving;
  }
  return steps;
}

/** Hang-ups per second waited beyond `from`, by the calls that waited that long (`waited`: their waits, sorted). */
function hazardFrom(w: QueueWaits, waited: Float64Array, from: number): number | null {
  let exposure = 0;
  for (const s of waited) if (s >= from) exposure += s - from;
  let events = 0;
  for (let i = 0; i < w.seconds.length; i++) {
    const s = w.seconds[i] as number;
    if (s > 0 && s >= from && w.abandoned[i] === 1) events++;
  }
  return events > 0 && exposure > 0 ? events / exposure : null;
}

/**
 * Hang-ups per second waited over the longest-waiting tenth of the calls that waited at all;
 * when none of those hung up, over every call that waited.
 */
function tailHazard(w: QueueWaits): number | null {
  const waited = keptFloats(w.seconds, (s) => s > 0).sort();
  if (waited.length === 0) return null;
  const from = waited[Math.floor(waited.length * 0.9)] as number;
  return hazardFrom(w, waited, from) ?? hazardFrom(w, waited, 0);
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const MAX_SECONDS = 86_400;

/** Patience as 101 percentiles, or null (callers never hang up) when nobody did. */
export function fitPatience(waits: readonly QueueWait[]): PatienceFit {
  return fitPatienceOf(columns(waits));
}

/** fitPatience over the waits column by column. */
export function fitPatienceOf(waits: QueueWaits): PatienceFit {
  const steps = stepsOf(waits);
  const n = waits.seconds.length;
  const abandoned = waits.abandoned.reduce((sum, a) => sum + a, 0);
  const base = { abandoned, answered: n - abandoned };
  const longestWait = waits.seconds.reduce((m, s) => Math.max(m, s), 0);
  if (steps.length === 0)
    return {
      dist: null,
      method: 'no caller hung up: patience is unlimited (null)',
      survivalAtLongest: 1,
      longestWait,
      tailHazardPerSecond: null,
      ...base,
    };
  const last = (steps.at(-1) as [number, number])[1];
  const hazard = last > 0 ? tailHazard(waits) : null;
  const quantile = (q: number): number => {
    const step = steps.find(([, s]) => 1 - s >= q - 1e-12);
    if (step) return step[0];
    // The tail: S(t) = last · exp(−h (t − longest)).
    if (hazard === null) return MAX_SECONDS;
    return Math.min(MAX_SECONDS, longestWait + Math.log(last / (1 - q)) / hazard);
  };
  const quantiles = Array.from({ length: 101 }, (_, k) => (k === 0 ? 0 : round1(quantile(k / 100))));
  if (last > 0) {
    const p99 = quantiles[99] as number;
    quantiles[100] = round1(Math.min(MAX_SECONDS, Math.max(p99, hazard === null ? p99 : p99 + 2 / hazard)));
  }
  for (let k = 1; k <= 100; k++) quantiles[k] = Math.max(quantiles[k] as number, quantiles[k - 1] as number);
  return {
    dist: { dist: 'empirical', quantiles },
    method:
      last > 0
        ? `Kaplan–Meier over ${n} queue waits (${abandoned} hung up, the rest answered: censored), ${(100 * (1 - last)).toFixed(0)} % of callers' patience seen; beyond the longest wait (${longestWait} s) an exponential tail with the hazard of the longest-waiting tenth`
        : `Kaplan–Meier over ${n} queue waits (${abandoned} hung up, the rest answered: censored)`,
    survivalAtLongest: last,
    longestWait,
    tailHazardPerSecond: hazard,
    ...base,
  };
}
