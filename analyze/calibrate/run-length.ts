/**
 * How long the simulation runs: long enough that its own 95% half-width on continuity is about a
 * third of the backtest's tolerance (so "well inside": at most half of it, backtest.ts), in whole
 * weeks (each batch of the batch-means interval then holds the same weekdays), at least
 * MIN_WEEKS, at most MAX_WEEKS and within EVENT_BUDGET simulated events over every policy.
 *
 * Returning calls answered by their last agent are a share p of the returning calls answered,
 * so n of them give a half-width of about 1.96·√(p(1−p)/n), times BATCH_INFLATION for the
 * batch means (measured on the calibrated centers); returning calls arrive at the rate the
 * records show.
 */
import { estimateRun } from '../../simulate/budget';
import { parseSimulationConfig } from '../../simulate/config';
import type { SimulateJson } from './calibrate';

export const MIN_WEEKS = 10;
export const MAX_WEEKS = 400;
/** About 10 s of simulation on a 2-vCPU machine at the simulator's measured rate. */
export const EVENT_BUDGET = 12_000_000;
const BATCH_INFLATION = 1.5;
const WEEK = 168;

export interface RunLength {
  hours: number;
  batches: number;
  /** The half-width aimed at, and the events the run is estimated to cost. */
  targetHalfWidth: number;
  events: number;
  /** Set when the budget cut the run short of the target. */
  limitedBy: string | null;
}

/** Returning calls answered an hour `returningPerHour`, continuities `shares` each with its tolerance. */
export function runLength(
  config: SimulateJson,
  returningPerHour: number,
  targets: { share: number; tolerance: number }[],
): RunLength {
  let hours = MIN_WEEKS * WEEK;
  let aim = Number.POSITIVE_INFINITY;
  for (const t of targets) {
    const p = Math.min(0.95, Math.max(0.05, t.share));
    const hw = t.tolerance / 3;
    aim = Math.min(aim, hw);
    const n = (BATCH_INFLATION * 1.96 ** 2 * p * (1 - p)) / (hw * hw);
    if (returningPerHour > 0) hours = Math.max(hours, n / returningPerHour);
  }
  const warmup = config.warmupHours ?? 1;
  const perWeek =
    (estimateRun(parseSimulationConfig({ ...config, hours: WEEK })).events / (WEEK + warmup)) * WEEK;
  const affordable = Math.max(1, Math.floor(EVENT_BUDGET / Math.max(1, perWeek) - warmup / WEEK));
  let weeks = Math.ceil(hours / WEEK);
  // Whole batches of whole weeks: up to 20 weeks one a batch, beyond that 20 batches.
  if (weeks > 20) weeks = Math.ceil(weeks / 20) * 20;
  let limitedBy: string | null = null;
  if (weeks > Math.min(MAX_WEEKS, affordable)) {
    limitedBy =
      affordable < MAX_WEEKS
        ? `the budget of ${EVENT_BUDGET.toLocaleString('en-US')} simulated events`
        : `at most ${MAX_WEEKS} simulated weeks`;
    weeks = Math.min(MAX_WEEKS, affordable);
    if (weeks > 20) weeks = Math.floor(weeks / 20) * 20;
  }
  const batches = Math.min(20, Math.max(5, weeks));
  const total = weeks * WEEK;
  return {
    hours: total,
    batches,
    targetHalfWidth: aim,
    events: Math.round(perWeek * (weeks + warmup / WEEK)),
    limitedBy,
  };
}
