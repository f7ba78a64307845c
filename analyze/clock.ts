/**
 * Hours and days on the center's clock (`--timezone`, an IANA name; default UTC): a center's
 * shifts follow its local time, through daylight-saving changes. Converting with Intl costs a
 * few microseconds, so results are cached per quarter hour (every UTC offset in use is a
 * multiple of 15 minutes).
 */

export interface LocalTime {
  /** The local calendar day, YYYY-MM-DD. */
  day: string;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** 0-23. */
  hour: number;
}

const QUARTER_HOUR = 15 * 60_000;
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Whether `zone` is a time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class LocalClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, LocalTime>();

  constructor(readonly timeZone = 'UTC') {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      weekday: 'short',
    });
  }

  at(ms: number): LocalTime {
    const key = Math.floor(ms / QUARTER_HOUR);
    let local = this.cache.get(key);
    if (local === undefined) {
      local = this.convert(key * QUARTER_HOUR);
      this.cache.set(key, local);
    }
    return local;
  }

  private convert(ms: number): LocalTime {
    const parts: Record<string, string> = {};
    for (const p of this.format.formatToParts(ms)) parts[p.type] = p.value;
    return {
      day: `${parts.year}-${parts.month}-${parts.day}`,
      weekday: WEEKDAYS[parts.weekday as string] ?? 0,
      hour: Number(parts.hour) % 24,
    };
  }
}

const midnights = new Map<string, number>();

/** Epoch milliseconds of midnight starting `date` (YYYY-MM-DD) in `timeZone`; NaN for an invalid date. */
export function zonedTime(date: string, timeZone: string): number {
  const key = `${timeZone} ${date}`;
  let t = midnights.get(key);
  if (t === undefined) {
    t = midnight(date, timeZone);
    midnights.set(key, t);
  }
  return t;
}

function midnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  if (Number.isNaN(guess) || new Date(guess).toISOString().slice(0, 10) !== date) return Number.NaN;
  // The zone's offset at the guess, then at the corrected time (a change of offset that night).
  let t = guess;
  for (let i = 0; i < 2; i++) t = guess - offsetMs(t, timeZone);
  return t;
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  let format = wallClocks.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(ms)) parts[p.type] = p.value;
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour) % 24,
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(ms / 1000) * 1000;
}
