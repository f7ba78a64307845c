import type { LocalClock } from '../clock';
/**
 * When calls arrive and when agents work, on the center's clock: arrivals per hour of day
 * (averaged over the days that have contacts), the same by weekday (7 × 24, Monday first), and
 * agents working per weekday and hour (7 × 24): an agent works a day from the connection of
 * their first contact to the end of their last one, and counts in every hour that span touches;
 * each weekday's figure is averaged over the days of that weekday that have contacts.
 */
import type { Contact } from '../contact';
import type { ContactList } from '../contact-list';
import { busyUntil } from './agents';

const QUARTER_HOUR = 900_000;

const grid = (): number[][] => Array.from({ length: 7 }, () => new Array<number>(24).fill(0));

function bump(g: number[][], weekday: number, hour: number): void {
  const row = g[weekday] as number[];
  row[hour] = (row[hour] as number) + 1;
}

export interface Volume {
  arrivalsPerHour: number[];
  arrivalsPerHourByWeekday: number[][];
  staffing: number[][];
  /** Days that have contacts, and how many of each weekday. */
  days: number;
  daysByWeekday: number[];
}

export function arrivals(contacts: ContactList, clock: LocalClock): Volume {
  const byHour = new Array<number>(24).fill(0);
  const byWeekdayHour = grid();
  const days = new Map<string, number>();
  for (const c of contacts) {
    const t = clock.at(c.initiation);
    (byHour[t.hour] as number)++;
    bump(byWeekdayHour, t.weekday, t.hour);
    days.set(t.day, t.weekday);
  }
  const daysByWeekday = new Array<number>(7).fill(0);
  for (const weekday of days.values()) (daysByWeekday[weekday] as number)++;
  return {
    arrivalsPerHour: byHour.map((n) => (days.size ? n / days.size : 0)),
    arrivalsPerHourByWeekday: byWeekdayHour.map((row, w) => {
      const n = daysByWeekday[w] as number;
      return row.map((v) => (n ? v / n : 0));
    }),
    staffing: grid(),
    days: days.size,
    daysByWeekday,
  };
}

/**
 * Agents working per weekday and hour, from every agent-connected contact (any channel, any
 * way it started) that `keep` keeps, averaged over `daysByWeekday` (the days with contacts).
 */
export function staffing(
  all: ContactList,
  clock: LocalClock,
  daysByWeekday: number[],
  keep: (c: Contact) => boolean = () => true,
): number[][] {
  // agent → local day → [first connection, last end]
  const byAgent = new Map<string, Map<string, [number, number]>>();
  for (const c of all) {
    if (c.connected === undefined || c.agentArn === undefined || !keep(c)) continue;
    const day = clock.at(c.connected).day;
    const end = busyUntil(c as Contact & { connected: number });
    let spans = byAgent.get(c.agentArn);
    if (!spans) {
      spans = new Map();
      byAgent.set(c.agentArn, spans);
    }
    const span = spans.get(day);
    if (!span) spans.set(day, [c.connected, end]);
    else {
      span[0] = Math.min(span[0], c.connected);
      span[1] = Math.max(span[1], end);
    }
  }
  const totals = grid();
  for (const [first, last] of [...byAgent.values()].flatMap((spans) => [...spans.values()])) {
    // Every local hour the span touches, counted once (the wall clock may repeat an hour in autumn).
    const seen = new Set<string>();
    // In quarter hours: with a half-hour offset (India, +05:30) a local hour straddles two UTC hours.
    for (let t = first; ; t = Math.min(t + QUARTER_HOUR, last)) {
      const local = clock.at(t);
      const key = `${local.day} ${local.hour}`;
      if (!seen.has(key)) {
        seen.add(key);
        bump(totals, local.weekday, local.hour);
      }
      if (t >= last) break;
    }
  }
  return totals.map((row, w) => {
    const n = daysByWeekday[w] as number;
    return row.map((v) => (n ? v / n : 0));
  });
}
