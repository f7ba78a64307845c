/**
 * What callers do, from the classified calls (calls.ts) of the calibration window:
 * - new calls per hour by weekday and hour of the center's clock (7 × 24, Monday first), counted
 *   on the days with a full lookback of records before them, each weekday averaged over its dates;
 * - returnShare: of the answered calls whose lookback after release is inside the records, the
 *   share the caller followed with a return; the return delays (minutes, from release to the
 *   return's arrival) of those, as 101 percentiles (they mix same-day and days-later returns, which
 *   no single textbook distribution follows);
 * - re-dials the same way, from abandoned calls: the share, and the delays from hanging up.
 * Calls of callers without a number can be neither followed nor told apart: they count as new
 * calls, and in the denominators of the shares, so the simulated total of calls is the observed one.
 */
import type { Dist as DurationSpec } from '../../steps/lib/decision/handle-model';
import { floatsOf, intsOf, kept } from '../typed';
import { type QueuedCalls, REDIAL_WINDOW_MINUTES } from './calls';
import { percentiles } from './durations';
import type { CalibrationWindow } from './window';

export interface FollowUp {
  share: number;
  /** Calls the share is of, and those followed. */
  of: number;
  followed: number;
  delayMinutes: DurationSpec | null;
}

export interface Demand {
  arrivalsPerHourByWeekday: number[][];
  newCalls: number;
  countedDays: number;
  returns: FollowUp;
  redials: FollowUp;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The share of `list` (calls) whose next call is of `kind`, and its delays; only calls whose follow-up window is in the records. */
function followUp(
  calls: QueuedCalls,
  list: Int32Array,
  kind: 'return' | 'redial',
  windowMs: number,
  recordsEnd: number,
): FollowUp {
  const complete = kept(list, (i) => (calls.release[i] as number) + windowMs <= recordsEnd);
  const base = complete.length > 0 ? complete : list;
  const isKind = (j: number) => j >= 0 && (kind === 'return' ? calls.isReturn(j) : calls.isRedial(j));
  const followers = kept(
    intsOf(base, (i) => calls.next[i] as number),
    isKind,
  );
  const delays = floatsOf(followers, (j) => (calls.delay[j] as number) / 60_000).sort();
  return {
    share: base.length ? round4(delays.length / base.length) : 0,
    of: base.length,
    followed: delays.length,
    delayMinutes: delays.length ? { dist: 'empirical', quantiles: percentiles(delays) } : null,
  };
}

/** The demand of the calls `list` (indices into `calls`) that arrived in the window. */
export function demandOf(
  calls: QueuedCalls,
  list: Int32Array,
  w: CalibrationWindow,
  weekdayHourOf: (ms: number) => { day: string; weekday: number; hour: number },
  lookbackDays: number,
): Demand {
  const inWindow = kept(
    list,
    (i) => (calls.arrival[i] as number) >= w.from && (calls.arrival[i] as number) < w.to,
  );
  const counted = new Set(w.days.slice(w.countFrom));
  const dates = new Array<number>(7).fill(0);
  w.days.forEach((d, i) => {
    if (counted.has(d)) (dates[w.weekdays[i] as number] as number)++;
  });
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let newCalls = 0;
  for (const i of inWindow) {
    if (calls.isReturn(i) || calls.isRedial(i)) continue;
    const t = weekdayHourOf(calls.arrival[i] as number);
    if (!counted.has(t.day)) continue;
    newCalls++;
    const row = grid[t.weekday] as number[];
    row[t.hour] = (row[t.hour] as number) + 1;
  }
  return {
    arrivalsPerHourByWeekday: grid.map((row, wd) =>
      row.map((n) => ((dates[wd] as number) > 0 ? round4(n / (dates[wd] as number)) : 0)),
    ),
    newCalls,
    countedDays: counted.size,
    returns: followUp(
      calls,
      kept(inWindow, (i) => calls.handled[i] === 1),
      'return',
      lookbackDays * 86_400_000,
      w.recordsEnd,
    ),
    redials: followUp(
      calls,
      kept(inWindow, (i) => calls.handled[i] !== 1),
      'redial',
      REDIAL_WINDOW_MINUTES * 60_000,
      w.recordsEnd,
    ),
  };
}
