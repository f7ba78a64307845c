/**
 * The center shapes the generator can produce, and the weekly roster that staffs them.
 *
 * A shape is everything the model needs to know about a center: when it is open, how many agents
 * work each weekday and on which shifts, how many callers ring by weekday and hour, how long they
 * talk, wait and wrap up, how often they give up, re-dial, come back, get transferred, and whether
 * (and from which day) the returning-caller product is on. Two shapes ship:
 *
 * - "month-24": 30 days from Monday 3 March 2025 (America/New_York, so the 9 March DST change is
 *   inside), 24 agents on weekday and weekend shifts, about 35,000 records;
 * - "small-long-calls": 6 agents, weekdays only, long calls and many returning callers.
 *
 * Both take overrides (e.g. `{ goLiveDay: 14 }`) for tests and later calibration.
 */
import type { Spread } from './random';

export type ShapeName = 'month-24' | 'small-long-calls';

/** A shift in local wall-clock time ("HH:MM"), with an optional unpaid break. */
export interface ShiftTemplate {
  start: string;
  end: string;
  breakAt?: string;
  breakMinutes?: number;
}

export interface CenterShape {
  name: string;
  seed: number;
  /** Local date of day 0, YYYY-MM-DD. */
  start: string;
  days: number;
  timeZone: string;
  agents: number;
  /** Agents rostered per weekday, Monday first (7 values). */
  staffing: readonly number[];
  /** Shifts per weekday (7 lists); agent a works shift a mod length. */
  shifts: readonly (readonly ShiftTemplate[])[];
  /** Opening hours per weekday [open, close) in local whole hours, or null when closed (7 values). */
  hours: readonly (readonly [number, number] | null)[];
  /** New inbound voice calls on a day with weekday factor 1. */
  dailyCalls: number;
  /** Volume factor per weekday, Monday first (7 values). */
  weekdayFactor: readonly number[];
  /** Relative arrival weight per local hour 0–23 (used inside the opening hours). */
  hourWeights: readonly number[];
  /** Day-to-day volume noise (coefficient of variation of a day's volume). */
  dayNoise: number;
  /** Calls per closed hour (each gets the closed message: a flow-only record). */
  closedCallsPerHour: number;
  /** Chats per inbound voice call while open. */
  chatShare: number;
  /** Distinct caller numbers; new calls draw from it (skewed), so numbers recur. */
  callerPool: number;
  /** Share of callers who withhold their number (half appear as "anonymous", half without endpoint). */
  withheldShare: number;
  /** Seconds in the inbound flow before the queue [min, max]. */
  flowSeconds: readonly [number, number];
  talk: Spread;
  chatTalk: Spread;
  outboundTalk: Spread;
  afterWork: Spread;
  patience: Spread;
  chatPatience: Spread;
  /** Chance a handled call has holds; each further hold has the same chance again (max 4). */
  holdChance: number;
  hold: Spread;
  /** Chance an abandoning caller re-dials, and the mean minutes before they do. */
  redialChance: number;
  redialMeanMinutes: number;
  /** Chance a handled caller calls again hours or days later, and the mean days later. */
  returnChance: number;
  returnMeanDays: number;
  /** Chance a handled inbound call is transferred to another agent (a second record). */
  transferChance: number;
  /** Chance an agent who becomes free with nobody waiting makes an outbound call soon after. */
  outboundChance: number;
  outboundAnswered: number;
  outboundPerAgentDay: number;
  /** Queued callback: offered when this many callers wait, accepted with this chance (0 disables). */
  callbackQueueLength: number;
  callbackAccept: number;
  /** Local day index from which the product is on (attributes, preferred-agent routing); null: never. */
  goLiveDay: number | null;
  /** Route to a busy last agent too (the product's preferBusy), waiting `preferredSeconds` for them. */
  preferBusy: boolean;
  preferredSeconds: number;
  /** How far back the product looks for the caller's last agent. */
  lookbackDays: number;
}

const WEEKDAY_HOURS: readonly number[] = [
  0, 0, 0, 0, 0, 0, 0.3, 0.55, 1, 1.3, 1.4, 1.3, 1.1, 1.15, 1.25, 1.15, 0.95, 0.7, 0.45, 0.3, 0.2, 0.1, 0, 0,
];

const MONTH_24: CenterShape = {
  name: 'month-24',
  seed: 24,
  start: '2025-03-03',
  days: 30,
  timeZone: 'America/New_York',
  agents: 24,
  staffing: [21, 20, 20, 19, 19, 9, 5],
  shifts: [
    ...Array.from({ length: 5 }, () => [
      { start: '07:00', end: '15:30', breakAt: '11:00', breakMinutes: 30 },
      { start: '08:00', end: '16:30', breakAt: '12:00', breakMinutes: 30 },
      { start: '10:00', end: '18:30', breakAt: '13:30', breakMinutes: 30 },
      { start: '11:30', end: '20:00', breakAt: '14:30', breakMinutes: 30 },
      { start: '07:00', end: '15:30', breakAt: '11:30', breakMinutes: 30 },
      { start: '08:00', end: '16:30', breakAt: '12:30', breakMinutes: 30 },
      { start: '11:30', end: '20:00', breakAt: '15:30', breakMinutes: 30 },
    ]),
    [
      { start: '09:00', end: '17:00', breakAt: '12:00', breakMinutes: 30 },
      { start: '09:00', end: '17:00', breakAt: '13:00', breakMinutes: 30 },
      { start: '09:00', end: '17:00', breakAt: '12:30', breakMinutes: 30 },
    ],
    [{ start: '10:00', end: '16:00' }],
  ],
  hours: [
    [7, 20],
    [7, 20],
    [7, 20],
    [7, 20],
    [7, 20],
    [9, 17],
    [10, 16],
  ],
  dailyCalls: 1050,
  weekdayFactor: [1.15, 1.05, 1, 0.98, 0.92, 0.3, 0.15],
  hourWeights: WEEKDAY_HOURS,
  dayNoise: 0.07,
  closedCallsPerHour: 1.2,
  chatShare: 0.08,
  callerPool: 60_000,
  withheldShare: 0.04,
  flowSeconds: [6, 20],
  talk: { mean: 255, cv: 0.85 },
  chatTalk: { mean: 420, cv: 0.7 },
  outboundTalk: { mean: 150, cv: 0.9 },
  afterWork: { mean: 40, cv: 0.7 },
  patience: { mean: 180, cv: 1 },
  chatPatience: { mean: 420, cv: 0.9 },
  holdChance: 0.22,
  hold: { mean: 55, cv: 0.9 },
  redialChance: 0.55,
  redialMeanMinutes: 4,
  returnChance: 0.11,
  returnMeanDays: 2.5,
  transferChance: 0.05,
  outboundChance: 0.05,
  outboundAnswered: 0.65,
  outboundPerAgentDay: 8,
  callbackQueueLength: 10,
  callbackAccept: 0.3,
  goLiveDay: null,
  preferBusy: true,
  preferredSeconds: 30,
  lookbackDays: 30,
};

const SMALL_LONG_CALLS: CenterShape = {
  ...MONTH_24,
  name: 'small-long-calls',
  seed: 6,
  agents: 6,
  staffing: [6, 6, 5, 5, 5, 0, 0],
  shifts: [
    ...Array.from({ length: 5 }, () => [
      { start: '08:00', end: '16:30', breakAt: '12:00', breakMinutes: 30 },
      { start: '09:30', end: '18:00', breakAt: '13:30', breakMinutes: 30 },
    ]),
    [],
    [],
  ],
  hours: [[8, 18], [8, 18], [8, 18], [8, 18], [8, 18], null, null],
  dailyCalls: 55,
  weekdayFactor: [1.15, 1.05, 1, 0.97, 0.9, 0, 0],
  closedCallsPerHour: 0.15,
  chatShare: 0.03,
  callerPool: 2_500,
  withheldShare: 0.03,
  talk: { mean: 840, cv: 0.9 },
  chatTalk: { mean: 900, cv: 0.7 },
  outboundTalk: { mean: 420, cv: 0.9 },
  afterWork: { mean: 150, cv: 0.8 },
  patience: { mean: 300, cv: 1 },
  holdChance: 0.4,
  hold: { mean: 110, cv: 0.9 },
  redialChance: 0.7,
  returnChance: 0.35,
  returnMeanDays: 1.5,
  transferChance: 0.08,
  outboundChance: 0.08,
  outboundPerAgentDay: 4,
  callbackQueueLength: 3,
  callbackAccept: 0.35,
};

export const SHAPES: Readonly<Record<ShapeName, CenterShape>> = {
  'month-24': MONTH_24,
  'small-long-calls': SMALL_LONG_CALLS,
};

/** A shape by name (or as given) with overrides applied, checked for the model's assumptions. */
export function centerShape(
  base: ShapeName | CenterShape,
  overrides: Partial<CenterShape> = {},
): CenterShape {
  const from = typeof base === 'string' ? SHAPES[base] : base;
  if (!from) throw new RangeError(`unknown center shape: ${String(base)}`);
  const shape = { ...from, ...overrides };
  const seven = ['staffing', 'shifts', 'hours', 'weekdayFactor'] as const;
  for (const key of seven)
    if (shape[key].length !== 7) throw new RangeError(`${key} needs 7 values, Monday first`);
  if (shape.hourWeights.length !== 24) throw new RangeError('hourWeights needs 24 values');
  if (!(shape.days >= 1) || !Number.isInteger(shape.days))
    throw new RangeError('days must be a whole number ≥ 1');
  if (!(shape.agents >= 1)) throw new RangeError('agents must be ≥ 1');
  if (shape.staffing.some((n, w) => n > shape.agents || (n > 0 && (shape.shifts[w]?.length ?? 0) === 0)))
    throw new RangeError('staffing exceeds the agents, or a staffed weekday has no shift');
  if (shape.callerPool < 1 || shape.callerPool > 900_000)
    throw new RangeError('callerPool must be 1..900000');
  return shape;
}

/** One stretch of work: local day index and seconds after local midnight [start, end). */
export interface WorkSegment {
  day: number;
  start: number;
  end: number;
}

function secondsOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`time must be HH:MM, got ${hhmm}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60;
}

/** The segments of one shift on one day (split around its break). */
function segmentsOf(day: number, shift: ShiftTemplate): WorkSegment[] {
  const start = secondsOf(shift.start);
  const end = secondsOf(shift.end);
  if (!shift.breakAt || !shift.breakMinutes) return [{ day, start, end }];
  const pause = secondsOf(shift.breakAt);
  return [
    { day, start, end: pause },
    { day, start: pause + shift.breakMinutes * 60, end },
  ];
}

/**
 * Who works when: for each weekday, the `staffing` count of agents with the fewest days so far
 * (ties rotate with the weekday, so days off spread out), each on their own shift of that weekday.
 * Returns the work segments of every agent over the whole horizon, in time order.
 */
export function roster(shape: CenterShape, weekdayOf: (day: number) => number): WorkSegment[][] {
  const weekly: (ShiftTemplate | null)[][] = Array.from({ length: shape.agents }, () => Array(7).fill(null));
  const worked = new Array<number>(shape.agents).fill(0);
  for (let w = 0; w < 7; w++) {
    const order = Array.from({ length: shape.agents }, (_, a) => a).sort(
      (a, b) =>
        (worked[a] as number) - (worked[b] as number) ||
        ((a + 3 * w) % shape.agents) - ((b + 3 * w) % shape.agents),
    );
    const shifts = shape.shifts[w] ?? [];
    for (const a of order.slice(0, shape.staffing[w] ?? 0)) {
      (weekly[a] as (ShiftTemplate | null)[])[w] = shifts[a % shifts.length] as ShiftTemplate;
      worked[a] = (worked[a] as number) + 1;
    }
  }
  return weekly.map((week) => {
    const out: WorkSegment[] = [];
    for (let day = 0; day < shape.days; day++) {
      const shift = week[weekdayOf(day)];
      if (shift) out.push(...segmentsOf(day, shift));
    }
    return out;
  });
}
