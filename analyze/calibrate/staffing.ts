/**
 * Who works when, from the agents' contacts: an agent works a local day from the connection of
 * their first contact (any channel, any kind) to the end of their last. Each agent's days become
 * a weekly pattern: the weekdays they worked on at least half the dates of that weekday in the
 * window, at their median start and end rounded to SHIFT_ROUNDING_MINUTES; weekdays whose hours
 * differ from the agent's usual ones by more than that become shifts of their own. Agents with
 * the same pattern are one shift group `{agents, start, end, weekdays}`, so a simulated agent
 * works the same weekdays and hours as the agent behind it (a caller's last agent is on duty
 * again when that agent would be).
 *
 * Breaks, from the gaps between an agent's contacts. Connect offers a contact to the agent idle
 * the longest, so an agent was away (on a break, not merely idle) during a gap in which another
 * agent, free only since later, was given a routed contact first ("passed over"), or in which a
 * caller had been waiting AWAY_AFTER_SECONDS. How often: one break per such gap, per working
 * minute. How long: the median of those gaps during which a caller waited (then an agent back
 * from a break is answered at once, so the gap is the break; in a quiet hour the gap also holds
 * idle time). Idle time is working time neither on a contact nor on a break: outbound and other
 * work is counted per idle agent-hour.
 */
import type { LocalClock } from '../clock';
import { zonedTime } from '../clock';
import type { Contact } from '../contact';
import type { ContactList } from '../contact-list';
import { busyUntil } from '../figures/agents';
import { indices, intsOf, sortStable } from '../typed';
import { type QueuedCall, type QueuedCalls, queueSpans } from './calls';
import type { CalibrationWindow } from './window';

export const SHIFT_ROUNDING_MINUTES = 30;
export const AWAY_AFTER_SECONDS = 60;
/** Fewer gaps while callers waited than this: the break's length is the median of every away gap. */
const MIN_GAPS_FOR_LENGTH = 10;
const ROUND = SHIFT_ROUNDING_MINUTES * 60;
const DAY_S = 86_400;
/** The simulator takes at most 100 shift groups. */
const MAX_GROUPS = 100;

/** Intervals (epoch ms) column by column; `routed` 1: a busy interval's contact was routed to the agent from a queue. */
interface Columns {
  starts: Float64Array;
  ends: Float64Array;
  routed: Uint8Array;
}

const columns = (n: number): Columns => ({
  starts: new Float64Array(n),
  ends: new Float64Array(n),
  routed: new Uint8Array(n),
});

/** The `length` intervals of `c` from `from`: no object per interval. */
export class Spans {
  constructor(
    private readonly c: Columns,
    private readonly from: number,
    readonly length: number,
  ) {}

  get columns(): Columns {
    return this.c;
  }

  /** Where interval i is in the columns. */
  position(i: number): number {
    return this.from + i;
  }

  start(i: number): number {
    return this.c.starts[this.from + i] as number;
  }

  end(i: number): number {
    return this.c.ends[this.from + i] as number;
  }

  isRouted(i: number): boolean {
    return this.c.routed[this.from + i] === 1;
  }
}

interface AgentDay {
  agent: string;
  day: string;
  weekday: number;
  /** Seconds after local midnight (rounded to the shift grid), end possibly past 24:00. */
  start: number;
  end: number;
  span: number;
  busy: Spans;
}

export interface ShiftGroup {
  agents: number;
  start: string;
  end: string;
  weekdays: number[];
}

export interface Staffing {
  shifts: ShiftGroup[];
  breaks: { everyMinutes: number; durationMinutes: number } | null;
  /** Agent-hours worked (first contact to last end) in the window, of them idle and away. */
  workedHours: number;
  idleHours: number;
  awayHours: number;
  /** Of the agents' working time while a caller waited, the share not on a contact. */
  awayShare: number;
  awayGaps: number;
  /** Of them, gaps during which a caller waited: their median is the break's length. */
  awayGapsWhileWaiting: number;
  /** Whether the break's length is the median of those (else of every away gap: too few while callers waited). */
  lengthWhileWaiting: boolean;
  agentDays: number;
  /** Agent-days outside every agent's weekly pattern (worked on a weekday they seldom work). */
  agentDaysLeftOut: number;
}

const hhmm = (s: number) => {
  const m = Math.round(s / 60) % (24 * 60 + 1);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};
const onGrid = (s: number) => Math.round(s / ROUND) * ROUND;
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

/**
 * The intervals [from, to) of `src`, sorted and overlapping ones merged (routed when one starting
 * with the merged one was), written into `dst` from `at`; returns how many.
 */
function mergeInto(src: Columns, from: number, to: number, dst: Columns, at: number): number {
  const start = (i: number) => src.starts[i] as number;
  const end = (i: number) => src.ends[i] as number;
  // By start, then end; equal ones keep their order (sortStable: no boxed a − b of two times).
  const order = sortStable(
    indices(to - from, from),
    (a, b) => start(a) < start(b) || (start(a) === start(b) && end(a) < end(b)),
  );
  let last = at - 1;
  for (const i of order) {
    if (last >= at && start(i) <= (dst.ends[last] as number)) {
      dst.ends[last] = Math.max(dst.ends[last] as number, end(i));
      if (start(i) === dst.starts[last])
        dst.routed[last] = (dst.routed[last] as number) | (src.routed[i] as number);
    } else {
      last++;
      dst.starts[last] = start(i);
      dst.ends[last] = end(i);
      dst.routed[last] = src.routed[i] as number;
    }
  }
  return last - at + 1;
}

interface DayOfAgent {
  agent: string;
  day: string;
  weekday: number;
  /** Where its busy intervals start in agentDays' arrays, and how many. */
  from: number;
  n: number;
}

/** The agent-day of each contact connected in the window (−1: none), and the agent-days. */
function dayOfContacts(
  all: ContactList,
  clock: LocalClock,
  w: CalibrationWindow,
): { dayOf: Int32Array; days: DayOfAgent[] } {
  // agent → local day → its index in days
  const byAgent = new Map<string, Map<string, number>>();
  const days: DayOfAgent[] = [];
  const dayOf = new Int32Array(all.length).fill(-1);
  for (let i = 0; i < all.length; i++) {
    const c = all.at(i) as Contact;
    if (c.connected === undefined || c.agentArn === undefined) continue;
    if (c.connected < w.from || c.connected >= w.to) continue;
    const local = clock.at(c.connected);
    let byDay = byAgent.get(c.agentArn);
    if (!byDay) {
      byDay = new Map();
      byAgent.set(c.agentArn, byDay);
    }
    let k = byDay.get(local.day);
    if (k === undefined) {
      k = days.length;
      days.push({ agent: c.agentArn, day: local.day, weekday: local.weekday, from: 0, n: 0 });
      byDay.set(local.day, k);
    }
    (days[k] as DayOfAgent).n++;
    dayOf[i] = k;
  }
  return { dayOf, days };
}

/** Each agent's working days in the window, with their busy intervals (epoch ms). */
function agentDays(all: ContactList, clock: LocalClock, w: CalibrationWindow): AgentDay[] {
  const { dayOf, days } = dayOfContacts(all, clock, w);
  let m = 0;
  for (const d of days) {
    d.from = m;
    m += d.n;
    d.n = 0;
  }
  // Every agent-day's intervals side by side, each day's in the order of `all`; then each day's
  // merged in place (through a scratch of one day's size), so one set of columns serves both.
  const busyAll = columns(m);
  let largest = 0;
  for (let i = 0; i < all.length; i++) {
    const d = days[dayOf[i] as number];
    if (d === undefined) continue;
    const c = all.at(i) as Contact & { connected: number };
    const at = d.from + d.n++;
    busyAll.starts[at] = c.connected;
    busyAll.ends[at] = busyUntil(c);
    busyAll.routed[at] = c.enqueue !== undefined ? 1 : 0;
    largest = Math.max(largest, d.n);
  }
  const scratch = columns(largest);
  const merged = (d: DayOfAgent): number => {
    scratch.starts.set(busyAll.starts.subarray(d.from, d.from + d.n));
    scratch.ends.set(busyAll.ends.subarray(d.from, d.from + d.n));
    scratch.routed.set(busyAll.routed.subarray(d.from, d.from + d.n));
    return mergeInto(scratch, 0, d.n, busyAll, d.from);
  };
  return days
    .sort((a, b) => a.agent.localeCompare(b.agent) || a.day.localeCompare(b.day))
    .map((d) => {
      const busy = new Spans(busyAll, d.from, merged(d));
      const first = busy.start(0);
      const last = busy.end(busy.length - 1);
      const start = (first - zonedTime(d.day, clock.timeZone)) / 1000;
      return {
        agent: d.agent,
        day: d.day,
        weekday: d.weekday,
        busy,
        start: onGrid(start),
        end: onGrid(start + (last - first) / 1000),
        span: last - first,
      };
    });
}

interface Pattern {
  start: number;
  end: number;
  weekdays: number[];
}

/** Each agent's weekly pattern (one or more shifts), and the agent-days no pattern covers. */
function agentPatterns(days: AgentDay[], w: CalibrationWindow): { patterns: Pattern[][]; leftOut: number } {
  const datesOf = new Array<number>(7).fill(0);
  for (const wd of w.weekdays) (datesOf[wd] as number)++;
  const byAgent = new Map<string, AgentDay[]>();
  for (const d of days) {
    const list = byAgent.get(d.agent);
    if (list) list.push(d);
    else byAgent.set(d.agent, [d]);
  }
  const patterns: Pattern[][] = [];
  let leftOut = 0;
  for (const list of byAgent.values()) {
    const byWeekday = Array.from({ length: 7 }, (_, wd) => list.filter((d) => d.weekday === wd));
    const worked = byWeekday.filter((l, wd) => l.length > 0 && l.length * 2 >= (datesOf[wd] as number));
    leftOut += list.length - worked.reduce((n, l) => n + l.length, 0);
    if (worked.length === 0) continue;
    const usual = worked.flat();
    const start = onGrid(median(usual.map((d) => d.start)));
    const end = onGrid(median(usual.map((d) => d.end)));
    const shifts = new Map<string, Pattern>();
    for (const l of worked) {
      const s = onGrid(median(l.map((d) => d.start)));
      const e = onGrid(median(l.map((d) => d.end)));
      const same = Math.abs(s - start) <= ROUND && Math.abs(e - end) <= ROUND;
      const shift = same ? { start, end } : { start: s, end: e };
      const key = `${shift.start} ${shift.end}`;
      const p = shifts.get(key) ?? { ...shift, weekdays: [] };
      p.weekdays.push((l[0] as AgentDay).weekday);
      shifts.set(key, p);
    }
    patterns.push([...shifts.values()]);
  }
  return { patterns, leftOut };
}

/** Agents with the same shift (hours and weekdays) as one group, in a stable order. */
function groupsOf(shifts: Pattern[]): ShiftGroup[] {
  const counts = new Map<string, number>();
  for (const p of shifts) {
    const key = `${p.start} ${p.end} ${p.weekdays.join(',')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const out: ShiftGroup[] = [];
  for (const [key, agents] of [...counts].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const [s, e, wds] = key.split(' ') as [string, string, string];
    const start = Number(s) % DAY_S;
    const end = Math.min(Number(e), Number(s) + DAY_S - ROUND) % DAY_S || DAY_S;
    if (start === end % DAY_S) continue;
    out.push({ agents, start: hhmm(start), end: hhmm(end), weekdays: wds.split(',').map(Number) });
  }
  return out;
}

/**
 * The shift groups: one per distinct pattern; beyond the simulator's MAX_GROUPS, one per weekday
 * and hours (an agent's identity across weekdays is then lost), the largest MAX_GROUPS kept.
 */
function shiftGroups(days: AgentDay[], w: CalibrationWindow): { shifts: ShiftGroup[]; leftOut: number } {
  const { patterns, leftOut } = agentPatterns(days, w);
  const shifts = groupsOf(patterns.flat());
  if (shifts.length <= MAX_GROUPS) return { shifts, leftOut };
  const daily = groupsOf(patterns.flat().flatMap((p) => p.weekdays.map((wd) => ({ ...p, weekdays: [wd] }))));
  return { shifts: [...daily].sort((a, b) => b.agents - a.agents).slice(0, MAX_GROUPS), leftOut };
}

/**
 * Connections of queued (routed) contacts that ended a gap, oldest first: who (`agent`, a number
 * in `agents`) was given a contact at `at(k)` while free since `freeSince(k)` (when their
 * previous contact that day ended). Read from the agent-days' busy columns through `pos`, an
 * index into them: no copy of the times.
 */
class RoutedConnects {
  readonly length: number;
  constructor(
    private readonly busy: Columns,
    private readonly pos: Int32Array,
    readonly agent: Int32Array,
    readonly agents: Map<string, number>,
  ) {
    this.length = pos.length;
  }

  at(k: number): number {
    return this.busy.starts[this.pos[k] as number] as number;
  }

  freeSince(k: number): number {
    return this.busy.ends[(this.pos[k] as number) - 1] as number;
  }
}

function routedConnects(days: AgentDay[]): RoutedConnects {
  let n = 0;
  for (const d of days) for (let i = 1; i < d.busy.length; i++) if (d.busy.isRouted(i)) n++;
  const pos = new Int32Array(n);
  const agent = new Int32Array(n);
  const agents = new Map<string, number>();
  // Every agent-day's intervals are in the same columns (agentDays' busyAll).
  const busy = days[0]?.busy.columns ?? columns(0);
  let k = 0;
  for (const d of days)
    for (let i = 1; i < d.busy.length; i++) {
      if (!d.busy.isRouted(i)) continue;
      if (!agents.has(d.agent)) agents.set(d.agent, agents.size);
      pos[k] = d.busy.position(i);
      agent[k++] = agents.get(d.agent) as number;
    }
  // Oldest first; equal times keep the order above.
  const start = (k: number) => busy.starts[pos[k] as number] as number;
  const order = sortStable(indices(pos.length), (a, b) => start(a) < start(b));
  return new RoutedConnects(
    busy,
    intsOf(order, (k) => pos[k] as number),
    intsOf(order, (k) => agent[k] as number),
    agents,
  );
}

/** The first connect after t. */
function after(connects: RoutedConnects, t: number): number {
  let lo = 0;
  let hi = connects.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (connects.at(mid) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Was the agent passed over during the gap (another agent, free only since later, given a routed contact first)? */
function passedOver(connects: RoutedConnects, agentArn: string, gapStart: number, gapEnd: number): boolean {
  const agent = connects.agents.get(agentArn) ?? -1;
  for (let i = after(connects, gapStart); i < connects.length; i++) {
    if (connects.at(i) >= gapEnd) return false;
    if (connects.agent[i] !== agent && connects.freeSince(i) > gapStart) return true;
  }
  return false;
}

/** Whether some caller had been waiting AWAY_AFTER_SECONDS at a moment inside the gap. */
function waitedDuring(waiting: Spans, gapStart: number, gapEnd: number): boolean {
  let lo = 0;
  let hi = waiting.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (waiting.end(mid) <= gapStart) lo = mid + 1;
    else hi = mid;
  }
  return lo < waiting.length && waiting.start(lo) < gapEnd;
}

/** When some caller had been waiting AWAY_AFTER_SECONDS, merged. */
export function waitingSpans(calls: QueuedCalls | readonly QueuedCall[]): Spans {
  const { arrival, left } = queueSpans(calls);
  const waited = (i: number) => (left[i] as number) - (arrival[i] as number) > AWAY_AFTER_SECONDS * 1000;
  let n = 0;
  for (let i = 0; i < arrival.length; i++) if (waited(i)) n++;
  const raw = columns(n);
  n = 0;
  for (let i = 0; i < arrival.length; i++) {
    if (!waited(i)) continue;
    raw.starts[n] = (arrival[i] as number) + AWAY_AFTER_SECONDS * 1000;
    raw.ends[n++] = left[i] as number;
  }
  const out = columns(n);
  return new Spans(out, 0, mergeInto(raw, 0, n, out, 0));
}

/** The staffing of the window, from the agents' contacts and when callers waited (`waitingSpans`). */
export function staffingOf(
  all: ContactList,
  waiting: Spans,
  clock: LocalClock,
  w: CalibrationWindow,
): Staffing {
  const days = agentDays(all, clock, w);
  const { shifts, leftOut } = shiftGroups(days, w);
  const connects = routedConnects(days);
  let worked = 0;
  let busyTime = 0;
  let gaps = 0;
  const whileWaiting: number[] = [];
  const allGaps: number[] = [];
  for (const d of days) {
    worked += d.span;
    for (let i = 0; i < d.busy.length; i++) {
      busyTime += d.busy.end(i) - d.busy.start(i);
      if (i + 1 === d.busy.length || d.busy.start(i + 1) <= d.busy.end(i)) continue;
      const start = d.busy.end(i);
      const end = d.busy.start(i + 1);
      const waited = waitedDuring(waiting, start, end);
      if (!waited && !passedOver(connects, d.agent, start, end)) continue;
      gaps++;
      allGaps.push(end - start);
      if (waited) whileWaiting.push(end - start);
    }
  }
  // How long: gaps while callers waited (an agent back from a break is answered at once); else all.
  const lengths = whileWaiting.length >= MIN_GAPS_FOR_LENGTH ? whileWaiting : allGaps;
  const duration = lengths.length ? median(lengths) / 60_000 : 0;
  const every = gaps > 0 ? worked / 60_000 / gaps : 0;
  const awayTime = Math.min(worked - busyTime, gaps * duration * 60_000);
  return {
    shifts,
    breaks:
      gaps > 0 && duration >= 0.1 && every > duration && every <= 1440
        ? { everyMinutes: Math.round(every), durationMinutes: Math.round(duration * 10) / 10 }
        : null,
    workedHours: worked / 3_600_000,
    idleHours: Math.max(0, worked - busyTime - awayTime) / 3_600_000,
    awayHours: awayTime / 3_600_000,
    awayShare: worked > 0 ? awayTime / worked : 0,
    awayGapsWhileWaiting: whileWaiting.length,
    lengthWhileWaiting: lengths === whileWaiting,
    awayGaps: gaps,
    agentDays: days.length,
    agentDaysLeftOut: leftOut,
  };
}
