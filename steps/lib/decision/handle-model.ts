/**
 * The center's handle model (LAST_AGENT_HANDLE_MODEL) and the chance that a busy agent is free in
 * time: P(the agent's current contact and its after-contact work end within the preference window
 * | the time already spent). Talk (talk plus hold) and after-contact work (ACW) are independent
 * durations, each a distribution as the simulator writes them: exponential, lognormal (mean and
 * p90, or sigma), fixed, or empirical (101 quantiles, p0…p100, linear between them). `analyze`
 * writes the model of a center from its contact records (`handleModel` in analysis.json).
 */
import * as z from 'zod/mini';

const positive = z.number().check(z.positive());

export const Dist = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('exponential'), mean: positive }),
  z
    .strictObject({
      dist: z.literal('lognormal'),
      mean: positive,
      p90: z.optional(positive),
      sigma: z.optional(positive),
    })
    .check(
      z.refine(
        (d) => (d.p90 === undefined) !== (d.sigma === undefined),
        'a lognormal needs exactly one of p90 or sigma',
      ),
      z.refine(
        (d) => d.p90 === undefined || d.p90 <= d.mean * Math.exp((Z90 * Z90) / 2),
        'no lognormal has this mean and p90: p90 must be at most 2.27 × mean (give sigma for heavier tails)',
      ),
    ),
  z.strictObject({ dist: z.literal('fixed'), value: z.number().check(z.gte(0)) }),
  z.strictObject({
    dist: z.literal('empirical'),
    quantiles: z.array(z.number().check(z.gte(0))).check(
      z.length(101, '101 values: p0, p1, …, p100'),
      z.refine((q) => q.every((v, i) => i === 0 || v >= (q[i - 1] as number)), 'quantiles must not decrease'),
    ),
  }),
]);
export type Dist = z.infer<typeof Dist>;

export const HandleModel = z.strictObject({ talkSeconds: Dist, acwSeconds: z.optional(Dist) });
export type HandleModel = z.infer<typeof HandleModel>;

/** The standard normal quantile at 0.9: a lognormal's p90 is exp(mu + Z90 · sigma). */
export const Z90 = 1.2815515655446004;

/**
 * The sigma of a lognormal with this mean and p90: ln(p90/mean) = Z90·s − s²/2 has a solution only
 * when p90 ≤ mean · exp(Z90²/2) ≈ 2.27 · mean; when p90 > mean there are two, and the smaller (the
 * lighter tail) is taken: give `sigma` for a heavier tail. The one rule the step and the simulator
 * (simulate/distributions.ts) read a lognormal by.
 */
export function lognormalSigma(mean: number, p90: number): number {
  const r = Math.log(p90 / mean);
  const disc = Z90 * Z90 - 2 * r;
  if (disc < 0) {
    throw new RangeError(
      `p90 must be at most ${Math.exp((Z90 * Z90) / 2).toFixed(3)} × mean for a lognormal`,
    );
  }
  return r > 0 ? Z90 - Math.sqrt(disc) : Z90 + Math.sqrt(disc);
}

/** The standard normal CDF (Abramowitz and Stegun 7.1.26 on erf; absolute error below 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** P(X > t): the survival function of a distribution. */
export function survival(d: Dist, t: number): number {
  if (t < 0) return 1;
  switch (d.dist) {
    case 'exponential':
      return Math.exp(-t / d.mean);
    case 'fixed':
      return t < d.value ? 1 : 0;
    case 'lognormal': {
      if (t === 0) return 1;
      const sigma = d.sigma ?? lognormalSigma(d.mean, d.p90 as number);
      const mu = Math.log(d.mean) - (sigma * sigma) / 2;
      return 1 - normalCdf((Math.log(t) - mu) / sigma);
    }
    case 'empirical':
      return 1 - empiricalCdf(d.quantiles, t);
  }
}

/** The CDF of a piecewise-linear quantile function through (k/100, q[k]). */
function empiricalCdf(q: readonly number[], t: number): number {
  if (t < (q[0] as number)) return 0;
  if (t >= (q[100] as number)) return 1;
  // The last k with q[k] <= t; between k and k+1 the quantile function is linear.
  let k = 0;
  while (k < 99 && (q[k + 1] as number) <= t) k++;
  const lo = q[k] as number;
  const hi = q[k + 1] as number;
  return (k + (hi > lo ? (t - lo) / (hi - lo) : 1)) / 100;
}

/** Where the agent is in their contact, and for how long (seconds). */
export interface ContactPhase {
  phase: 'talk' | 'acw';
  elapsedSeconds: number;
}

/** Steps of the talk-time integral: the error is far below the two decimals the flow gets. */
const STEPS = 200;

/**
 * P(the contact and its ACW end within `windowSeconds` | the time already spent). In ACW only the
 * rest of the ACW counts; in talk, the rest of the talk plus a whole ACW:
 * ∫ P(A ≤ e + w − t) dF_T(t | T > e) over t in (e, e + w]. An agent already past every time the
 * model allows (the survival is 0) is taken to be about to finish: probability 1.
 */
export function freeWithinProbability(model: HandleModel, at: ContactPhase, windowSeconds: number): number {
  const e = Math.max(0, at.elapsedSeconds);
  const w = Math.max(0, windowSeconds);
  const acw = model.acwSeconds;
  if (at.phase === 'acw') return acw ? conditionalEnd(acw, e, w) : 1;
  const alive = survival(model.talkSeconds, e);
  if (alive <= 0) return acw ? 1 - survival(acw, w) : 1;
  if (!acw) return conditionalEnd(model.talkSeconds, e, w);
  let p = 0;
  let before = alive;
  for (let i = 1; i <= STEPS; i++) {
    const t = e + (w * i) / STEPS;
    const after = survival(model.talkSeconds, t);
    // Talk ends in this slice (probability before − after); ACW must fit in what is left.
    const left = e + w - (t - w / (2 * STEPS));
    p += (before - after) * (1 - survival(acw, left));
    before = after;
  }
  return clamp01(p / alive);
}

/** A contact an agent holds, as GetCurrentUserData (AgentContactReference) or the index gives it. */
export interface HeldContact {
  Channel?: string | undefined;
  AgentContactState?: string | undefined;
  StateStartTimestamp?: Date | undefined;
  ConnectedToAgentTimestamp?: Date | undefined;
}

/**
 * Where a held contact is (docs/aws-evidence.md, "Adaptive preference"): CONNECTED and
 * CONNECTED_ONHOLD are talk, timed from ConnectedToAgentTimestamp (talk includes hold; the SDK
 * model says StateStartTimestamp keeps the CONNECTED time during hold, and the stream's page says
 * nothing, so the connection time is the one both sources agree on); ENDED is after-contact work,
 * timed from StateStartTimestamp; INCOMING, PENDING and CONNECTING are about to be talk (elapsed
 * 0). MISSED, REJECTED, ERROR and unknown states say nothing.
 */
export function phaseOf(c: HeldContact, now: number): ContactPhase | undefined {
  const since = (d: Date | undefined) => (d ? Math.max(0, (now - d.getTime()) / 1000) : undefined);
  switch (c.AgentContactState) {
    case 'CONNECTED':
    case 'CONNECTED_ONHOLD': {
      const elapsed = since(c.ConnectedToAgentTimestamp) ?? since(c.StateStartTimestamp);
      return elapsed === undefined ? undefined : { phase: 'talk', elapsedSeconds: elapsed };
    }
    case 'ENDED': {
      const elapsed = since(c.StateStartTimestamp);
      return elapsed === undefined ? undefined : { phase: 'acw', elapsedSeconds: elapsed };
    }
    case 'INCOMING':
    case 'PENDING':
    case 'CONNECTING':
      return { phase: 'talk', elapsedSeconds: 0 };
    default:
      return undefined;
  }
}

/**
 * The chance that an agent holding `contacts` has a slot free on `channel` within the window: one
 * held contact ending frees a slot, so 1 − Π(1 − p) over the contacts on that channel whose phase
 * is known; undefined when none is.
 */
export function agentFreeWithin(
  model: HandleModel,
  contacts: readonly HeldContact[],
  channel: string,
  now: number,
  windowSeconds: number,
): number | undefined {
  let none = 1;
  let known = false;
  for (const c of contacts) {
    if ((c.Channel ?? channel) !== channel) continue;
    const at = phaseOf(c, now);
    if (!at) continue;
    known = true;
    none *= 1 - freeWithinProbability(model, at, windowSeconds);
  }
  return known ? 1 - none : undefined;
}

/** P(X ≤ e + w | X > e). */
function conditionalEnd(d: Dist, e: number, w: number): number {
  const alive = survival(d, e);
  if (alive <= 0) return 1;
  return clamp01((alive - survival(d, e + w)) / alive);
}

const clamp01 = (p: number) => Math.min(1, Math.max(0, p));

/** Parses LAST_AGENT_HANDLE_MODEL's JSON; the message names what is wrong. */
export function parseHandleModel(text: string): HandleModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON: give {"talkSeconds": DIST, "acwSeconds": DIST}');
  }
  const parsed = HandleModel.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new Error(`${issue.path.join('.') || '(root)'}: ${issueText(issue)}`);
  }
  return parsed.data;
}

/** zod/mini says "Invalid input" for everything: say what is wrong. */
function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_union':
      return 'unknown distribution: exponential, lognormal, fixed or empirical';
    case 'too_small':
      return issue.origin === 'array'
        ? '101 values: p0, p1, …, p100'
        : `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`;
    case 'too_big':
      return '101 values: p0, p1, …, p100';
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}`;
    default:
      return issue.message;
  }
}
