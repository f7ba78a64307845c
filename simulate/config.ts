/**
 * The simulator's configuration: a JSON file validated with zod. Unknown keys are errors (a typo
 * such as "agnets" must not silently fall back to a default), and every error names the field
 * by its path, e.g. `policies[1].expirySeconds`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type DurationSpec, EMPIRICAL_POINTS, Z90 } from './distributions';

export class SimulationConfigError extends Error {
  override readonly name = 'SimulationConfigError';
}

const positive = z.number().positive();

/** A distribution of a duration, each parameter at most `max` (in the field's unit). */
const durationOf = (max: number) =>
  z
    .discriminatedUnion('dist', [
      z.strictObject({ dist: z.literal('exponential'), mean: positive.max(max) }),
      z.strictObject({
        dist: z.literal('lognormal'),
        mean: positive.max(max),
        p90: positive.max(max).optional(),
        sigma: positive.max(5).optional(),
      }),
      z.strictObject({ dist: z.literal('fixed'), value: z.number().nonnegative().max(max) }),
      z.strictObject({
        dist: z.literal('empirical'),
        quantiles: z.array(z.number().min(0, 'a duration must be at least 0').max(max)),
      }),
    ])
    .superRefine((d, ctx) => {
      if (d.dist === 'empirical') checkQuantiles(d.quantiles, ctx);
      if (d.dist !== 'lognormal') return;
      if ((d.p90 === undefined) === (d.sigma === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'a lognormal needs exactly one of p90 or sigma' });
      } else if (d.p90 !== undefined && d.p90 > d.mean * Math.exp((Z90 * Z90) / 2)) {
        ctx.addIssue({
          code: 'custom',
          path: ['p90'],
          message: `no lognormal has this mean and p90: p90 must be at most ${Math.exp((Z90 * Z90) / 2).toFixed(2)} × mean (give sigma for heavier tails)`,
        });
      }
    });

/** An empirical distribution: exactly the 101 percentiles p0 … p100, never decreasing. */
function checkQuantiles(q: readonly number[], ctx: z.core.$RefinementCtx): void {
  if (q.length !== EMPIRICAL_POINTS) {
    ctx.addIssue({
      code: 'custom',
      path: ['quantiles'],
      message: `must have ${EMPIRICAL_POINTS} values (the percentiles p0, p1, …, p100), got ${q.length}`,
    });
    return;
  }
  const i = q.findIndex((v, j) => j > 0 && v < (q[j - 1] as number));
  if (i > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['quantiles', i],
      message: `p${i} (${q[i]}) is below p${i - 1} (${q[i - 1]}): the percentiles must not decrease`,
    });
  }
}

/** Handle time and patience: at most a day, in seconds. */
const DurationSeconds = durationOf(86_400);
/** The delay before a callback: at most a year, in minutes. */
const DurationMinutes = durationOf(525_600);

/** "HH:MM", 00:00–24:00. */
const ClockTime = z
  .string()
  .regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'a time of day "HH:MM"')
  .transform((s) => Number(s.slice(0, 2)) * 3600 + Number(s.slice(3)) * 60)
  .refine((s) => s <= 86_400, 'at most 24:00');

/** A value or a list of values to sweep (each value is one policy row). */
const sweep = (schema: z.ZodNumber) =>
  z.union([schema, z.array(schema).min(1).max(50)]).transform((v) => (Array.isArray(v) ? v : [v]));

// Ranges are the shipped flow's (infra/contact-flow.ts): a recommended value can be deployed as is.
const Policy = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('none') }),
  z.strictObject({
    name: z.literal('preferred-agent'),
    expirySeconds: sweep(z.number().int().min(5).max(600)),
    preferBusyAgent: z.boolean().optional(),
    /** Adaptive preference (LAST_AGENT_MIN_FREE_PROBABILITY), 0-1; a list sweeps, crossed with expirySeconds. */
    minFreeProbability: sweep(z.number().min(0).max(1)).optional(),
    /** Ranked preferred agents (LAST_AGENT_MAX_PREFERRED), 1–5: the caller's last k distinct agents; a list sweeps. */
    maxPreferred: sweep(z.number().int().min(1).max(5)).optional(),
    /** The second ring's wait (LAST_AGENT_KNOWN_AGENTS_SECONDS), for the other known agents; a list sweeps. */
    knownAgentsSeconds: sweep(z.number().int().min(5).max(600)).optional(),
  }),
  z.strictObject({
    name: z.literal('agent-queue'),
    acceptShare: z.number().min(0).max(1),
    maxWaitSeconds: sweep(z.number().int().min(20).max(600)),
    preferBusyAgent: z.boolean().optional(),
    minFreeProbability: sweep(z.number().min(0).max(1)).optional(),
  }),
]);

/** Weekdays, 0 = Monday … 6 = Sunday, each at most once. */
const Weekdays = z
  .array(z.number().int().min(0).max(6))
  .min(1)
  .max(7)
  .refine((d) => new Set(d).size === d.length, 'each weekday at most once');

const Shift = z
  .strictObject({
    agents: z.number().int().min(1).max(10_000),
    start: ClockTime,
    end: ClockTime,
    /** The weekdays the shift starts on (0 = Monday); absent: every day. */
    weekdays: Weekdays.optional(),
  })
  .refine((s) => s.start % 86_400 !== s.end % 86_400, {
    message: 'start and end must differ',
    path: ['end'],
  });

export const SimulationConfigSchema = z
  .strictObject({
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    /** Measured hours, after the warm-up. */
    hours: z.number().positive().max(1_000_000),
    warmupHours: z.number().min(0).max(10_000).default(1),
    /** Agents on duty around the clock. */
    agents: z.number().int().min(0).max(10_000).default(0),
    /** Agents on a daily shift, on top of `agents`. */
    shifts: z.array(Shift).max(100).default([]),
    breaks: z
      .strictObject({ everyMinutes: z.number().min(1).max(1440), durationMinutes: positive.max(1440) })
      .refine((b) => b.durationMinutes < b.everyMinutes, {
        message: 'must be shorter than everyMinutes',
        path: ['durationMinutes'],
      })
      .optional(),
    /** The weekday (0 = Monday) of the simulated clock's hour 0 (the start of the warm-up). */
    startWeekday: z.number().int().min(0).max(6).default(0),
    /** New calls per hour (Poisson); callbacks come on top. Or arrivalsPerHourByWeekday. */
    callsPerHour: z.number().positive().max(1_000_000).optional(),
    /** 24 multipliers of callsPerHour, one per hour of the day (00–01, 01–02, …). */
    arrivalProfile: z
      .array(z.number().min(0).max(100))
      .length(24)
      .refine((p) => p.some((v) => v > 0), 'at least one hour must have calls')
      .optional(),
    /** New calls per hour by weekday (7 rows, Monday first) and hour (24 values): instead of callsPerHour. */
    arrivalsPerHourByWeekday: z
      .array(z.array(z.number().min(0).max(1_000_000)).length(24, 'a weekday has 24 hourly values'))
      .length(7, 'must have 7 weekdays (Monday first) of 24 hourly values')
      .refine((w) => w.some((day) => day.some((v) => v > 0)), 'at least one hour must have calls')
      .optional(),
    /** Talk and after-contact work together; or talkSeconds (and acwSeconds). */
    handleSeconds: DurationSeconds.optional(),
    /** The caller's time with the agent; after it the caller is released. */
    talkSeconds: DurationSeconds.optional(),
    /** After-contact work: the agent stays busy, the caller is gone. */
    acwSeconds: DurationSeconds.optional(),
    /** null: callers never hang up. */
    patienceSeconds: DurationSeconds.nullable(),
    /** Share of answered calls (new or returning) after which the customer calls back. */
    returnShare: z.number().min(0).max(0.95).default(0),
    returnDelayMinutes: DurationMinutes.optional(),
    /** Idle agents call out at this rate (per idle agent-hour), each call busy for handleSeconds. */
    outboundWork: z
      .strictObject({ perIdleAgentHour: z.number().min(0).max(3600), handleSeconds: DurationSeconds })
      .optional(),
    /** This share of answered calls continues, after its talk, as a leg to another agent. */
    transferWork: z
      .strictObject({ share: z.number().min(0).max(1), handleSeconds: DurationSeconds })
      .optional(),
    /** This share of callers who hang up dial again after delayMinutes. */
    redial: z.strictObject({ share: z.number().min(0).max(1), delayMinutes: DurationMinutes }).optional(),
    /**
     * Callbacks and re-dials arrive only when the center takes new calls (an hour whose new-call
     * rate, in arrivalsPerHourByWeekday or arrivalProfile, is above 0): a delay landing in a closed
     * hour is drawn again. A real flow plays a closed message and queues nothing then.
     */
    openHoursOnly: z.boolean().default(false),
    serviceLevelSeconds: z.number().min(0).max(86_400).default(20),
    /** How far below `none`'s service level a recommended expiry may go (absolute share, 0.02 = 2 points). */
    serviceLevelTolerance: z.number().min(0).max(1).default(0.02),
    /** Batches for the confidence half-widths (batch means). */
    batches: z.number().int().min(5).max(200).default(20),
    policies: z.array(Policy).min(1).max(50),
  })
  .superRefine((c, ctx) => {
    if (c.agents + c.shifts.reduce((s, x) => s + x.agents, 0) < 1) {
      ctx.addIssue({ code: 'custom', path: ['agents'], message: 'at least one agent (agents or shifts)' });
    }
    if (c.returnShare > 0 && !c.returnDelayMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['returnDelayMinutes'],
        message: 'required when returnShare > 0',
      });
    }
    const issues = [...arrivalIssues(c), ...handleIssues(c), ...knownAgentIssues(c.policies)];
    for (const issue of issues) ctx.addIssue({ code: 'custom', ...issue });
  });

interface FieldIssue {
  path: Array<string | number>;
  message: string;
}

/** Exactly one of callsPerHour or arrivalsPerHourByWeekday; the weekly table has no arrivalProfile. */
function arrivalIssues(c: {
  callsPerHour?: number | undefined;
  arrivalProfile?: unknown;
  arrivalsPerHourByWeekday?: unknown;
}): FieldIssue[] {
  if (c.arrivalsPerHourByWeekday === undefined) {
    return c.callsPerHour === undefined
      ? [{ path: ['callsPerHour'], message: 'required (or arrivalsPerHourByWeekday)' }]
      : [];
  }
  const issues: FieldIssue[] = [];
  if (c.callsPerHour !== undefined) {
    issues.push({
      path: ['callsPerHour'],
      message: 'give either callsPerHour or arrivalsPerHourByWeekday, not both',
    });
  }
  if (c.arrivalProfile !== undefined) {
    issues.push({
      path: ['arrivalProfile'],
      message: 'not with arrivalsPerHourByWeekday (its 7 × 24 values are the calls of every hour)',
    });
  }
  return issues;
}

/**
 * A second ring needs both its size and its wait: knownAgentsSeconds only with a maxPreferred
 * above 1 (with 1 there is nobody to ring second), and required when there is one.
 */
function knownAgentIssues(
  policies: ReadonlyArray<{
    name: string;
    maxPreferred?: unknown;
    knownAgentsSeconds?: unknown;
  }>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [i, p] of policies.entries()) {
    // Also runs when a field failed its own check (then as given, a number or a list).
    const values: unknown[] = p.maxPreferred === undefined ? [] : [p.maxPreferred].flat();
    const several = values.some((k) => typeof k === 'number' && k > 1);
    if (several && p.knownAgentsSeconds === undefined) {
      issues.push({
        path: ['policies', i, 'knownAgentsSeconds'],
        message: "required when maxPreferred is above 1 (the wait for the caller's other known agents)",
      });
    } else if (!several && p.knownAgentsSeconds !== undefined) {
      issues.push({
        path: ['policies', i, 'knownAgentsSeconds'],
        message: 'needs a maxPreferred above 1 (with one preferred agent there is no second ring)',
      });
    }
  }
  return issues;
}

/** handleSeconds, or talkSeconds with an optional acwSeconds: never both. */
function handleIssues(c: {
  handleSeconds?: unknown;
  talkSeconds?: unknown;
  acwSeconds?: unknown;
}): FieldIssue[] {
  const handle = c.handleSeconds !== undefined;
  const talk = c.talkSeconds !== undefined;
  if (c.acwSeconds !== undefined && !talk) {
    return [
      {
        path: ['talkSeconds'],
        message: handle
          ? 'required with acwSeconds, instead of handleSeconds (talkSeconds + acwSeconds is the handle time)'
          : 'required with acwSeconds',
      },
    ];
  }
  if (handle && talk) {
    return [
      {
        path: ['handleSeconds'],
        message: 'give either handleSeconds (talk and after-contact work together) or talkSeconds, not both',
      },
    ];
  }
  if (!handle && !talk)
    return [{ path: ['handleSeconds'], message: 'required (or talkSeconds and acwSeconds)' }];
  return [];
}

export type SimulationConfig = z.output<typeof SimulationConfigSchema>;
export type PolicyConfig = SimulationConfig['policies'][number];
export type { DurationSpec };

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${pathOf(issue.path)}: ` : '';
    return `${where}unknown ${issue.keys.length > 1 ? 'keys' : 'key'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A value-or-list field: report the branch that got furthest (a bad list element, say).
    const depth = (branch: z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length));
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    const inner = best[0];
    if (inner) return describeIssue({ ...inner, path: [...issue.path, ...inner.path] });
  }
  return `${pathOf(issue.path)}: ${issue.message}`;
}

/** Validates a parsed configuration; throws a SimulationConfigError naming every bad field. */
export function parseSimulationConfig(raw: unknown): SimulationConfig {
  const parsed = SimulationConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SimulationConfigError(
      `invalid simulation config: ${parsed.error.issues.map(describeIssue).join('; ')}`,
    );
  }
  return parsed.data;
}

export function loadSimulationConfig(file: string): SimulationConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SimulationConfigError(`cannot read config ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SimulationConfigError(`config ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseSimulationConfig(raw);
}
