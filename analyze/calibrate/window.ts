/**
 * The stretch of records the simulator is calibrated from: whole local days (on the center's
 * clock) before the day of go-live, since after it the product changes who answers and how long
 * callers wait; all the days when nothing was decided. Inside it, the days that have a full
 * lookback of records before them: only there can a call be told a return from a new call.
 */
import { type LocalClock, zonedTime } from '../clock';
import type { Contact } from '../contact';
import type { ContactList } from '../contact-list';

const DAY = 86_400_000;

export interface CalibrationWindow {
  /** Epoch ms: midnight starting the first local day, midnight ending the last. */
  from: number;
  to: number;
  /** The local days, YYYY-MM-DD, oldest first, and their weekdays (0 = Monday). */
  days: string[];
  weekdays: number[];
  /** Days from which new calls are counted: those with `lookbackDays` of records before them (all when fewer than 7). */
  countFrom: number;
  /**
   * The newest time any record shows, or --until if earlier: follow-ups (returns, re-dials) are
   * looked for up to it. Nothing at or after --until is read for them, so the data lake's extract,
   * which stops a day after --until, calibrates the same center (test/analyze/sql.test.ts).
   */
  recordsEnd: number;
  /** Whether the window ends at a go-live. */
  beforeGoLive: boolean;
}

/** The next local day, YYYY-MM-DD (date arithmetic, whatever the zone's offsets do). */
function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The calibration window of `contacts` (any order), `goLive` in epoch ms or undefined; null when empty. */
export function calibrationWindow(
  contacts: ContactList,
  clock: LocalClock,
  o: {
    goLive: number | undefined;
    lookbackDays: number;
    since?: number | undefined;
    until?: number | undefined;
  },
): CalibrationWindow | null {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const c of contacts) {
    first = Math.min(first, c.initiation);
    last = Math.max(last, c.disconnect ?? c.initiation, c.acwEnd ?? c.initiation);
  }
  if (!Number.isFinite(first)) return null;
  const recordsStart = clock.at(first).day;
  const firstDay = o.since !== undefined && o.since > first ? clock.at(o.since).day : recordsStart;
  let endDay = o.goLive === undefined ? nextDay(clock.at(last).day) : clock.at(o.goLive).day;
  if (o.until !== undefined && clock.at(o.until).day < endDay) endDay = clock.at(o.until).day;
  let lookedBack = recordsStart;
  for (let i = 0; i < o.lookbackDays; i++) lookedBack = nextDay(lookedBack);
  const days: string[] = [];
  const weekdays: number[] = [];
  for (let d = firstDay; d < endDay; d = nextDay(d)) {
    days.push(d);
    weekdays.push(clock.at(zonedTime(d, clock.timeZone) + DAY / 2).weekday);
  }
  if (days.length === 0) return null;
  const full = days.findIndex((d) => d >= lookedBack);
  return {
    from: zonedTime(firstDay, clock.timeZone),
    to: zonedTime(endDay, clock.timeZone),
    days,
    weekdays,
    countFrom: full >= 0 && days.length - full >= 7 ? full : 0,
    recordsEnd: o.until === undefined ? last : Math.min(last, o.until),
    beforeGoLive: o.goLive !== undefined,
  };
}
