/**
 * The center's local clock. The model runs in UTC epoch seconds (what contact records hold);
 * shifts, opening hours and the arrival profile are local wall-clock times in a named time zone,
 * converted with Intl, so a month that crosses a daylight-saving change keeps its 08:00 shifts
 * at 08:00 local. Offsets are cached per UTC hour (zone changes fall on hour boundaries for the
 * zones a center uses). "UTC" works too.
 */

const DAY = 86_400;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const datePart = new Map<number, string>();

/** ISO 8601 in UTC at second precision, as contact records write it: 2019-08-07T19:31:06Z. */
export function iso(utcSeconds: number): string {
  const day = Math.floor(utcSeconds / DAY);
  let date = datePart.get(day);
  if (date === undefined) {
    date = new Date(day * DAY * 1000).toISOString().slice(0, 11);
    datePart.set(day, date);
  }
  const s = Math.floor(utcSeconds) - day * DAY;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${date}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s % 60]}Z`;
}

/** Seconds since the epoch of an ISO 8601 timestamp. */
export function epochSeconds(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${text}`);
  return Math.floor(ms / 1000);
}

export class LocalClock {
  /** Wall-clock seconds ("local epoch": the local date and time read as if UTC) of day 0, 00:00. */
  readonly startLocal: number;
  /** Weekday of day 0: 0 Monday … 6 Sunday. */
  readonly startWeekday: number;
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(
    readonly timeZone: string,
    startDate: string,
  ) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startDate);
    if (!m) throw new RangeError(`start must be YYYY-MM-DD, got ${startDate}`);
    this.startLocal = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000;
    this.startWeekday = (new Date(this.startLocal * 1000).getUTCDay() + 6) % 7;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local minus UTC, in seconds, at a UTC instant. */
  offset(utc: number): number {
    const hour = Math.floor(utc / 3600);
    const cached = this.offsets.get(hour);
    if (cached !== undefined) return cached;
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(hour * 3600 * 1000)))
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const local =
      Date.UTC(
        parts.year as number,
        (parts.month as number) - 1,
        parts.day as number,
        parts.hour as number,
        parts.minute as number,
        parts.second as number,
      ) / 1000;
    const value = local - hour * 3600;
    this.offsets.set(hour, value);
    return value;
  }

  /** UTC seconds of a local time: day index from the start, seconds after local midnight. */
  toUtc(day: number, secondOfDay: number): number {
    const local = this.startLocal + day * DAY + secondOfDay;
    const guess = local - this.offset(local);
    return local - this.offset(guess);
  }

  /** Local day index (0 = the start date) of a UTC instant. */
  dayOf(utc: number): number {
    return Math.floor((utc + this.offset(utc) - this.startLocal) / DAY);
  }

  /** Seconds after local midnight of a UTC instant. */
  secondOfDay(utc: number): number {
    const s = (utc + this.offset(utc) - this.startLocal) % DAY;
    return s < 0 ? s + DAY : s;
  }

  /** Weekday (0 Monday … 6 Sunday) of a day index. */
  weekday(day: number): number {
    return (((this.startWeekday + day) % 7) + 7) % 7;
  }
}
