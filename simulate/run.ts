/**
 * Runs every policy of a configuration over the same simulated contact center (same seed, so the
 * same new calls: common random numbers) and assembles the report: one row per policy, the
 * Erlang theory next to `none` when its assumptions hold, and the recommendation.
 */
import {
  agentSecondsPerCall,
  hasOtherWork,
  meanNewCallsPerHour,
  shiftSeconds,
  talkOf,
  weekFraction,
} from './center';
import type { SimulationConfig } from './config';
import { meanOf, scaled } from './distributions';
import { type QueueTheory, erlangAMetrics, erlangCMetrics } from './erlang';
import {
  type AgentPlan,
  type ModelOptions,
  type PolicyStats,
  type RandomSource,
  batchHalfWidth,
  runModel,
} from './model';
import { type PolicySpec, expandPolicies, knownAgentDepth, policyLabel } from './policies';

export interface Difference {
  difference: number;
  ci95: number | null;
}

/** A policy's row of the report: its parameters, then its statistics. */
export interface PolicyRow extends Omit<PolicyStats, 'policy' | 'perBatch' | 'events' | 'known' | 'ci95'> {
  name: PolicySpec['name'];
  label: string;
  expirySeconds?: number;
  acceptShare?: number;
  maxWaitSeconds?: number;
  preferBusyAgent?: boolean;
  /** Adaptive preference: the threshold of LAST_AGENT_MIN_FREE_PROBABILITY (absent: a fixed policy). */
  minFreeProbability?: number;
  /** Ranked preferred agents (LAST_AGENT_MAX_PREFERRED), when the policy sets it. */
  maxPreferred?: number;
  /** The second ring's wait (LAST_AGENT_KNOWN_AGENTS_SECONDS), when maxPreferred > 1. */
  knownAgentsSeconds?: number;
  /**
   * When a policy of the run sets maxPreferred: of the returning calls answered, the share
   * answered by one of the caller's last maxPreferred distinct agents (`none` and agent-queue: the
   * run's largest maxPreferred); equal to continuity when that is 1.
   */
  knownAgentShare?: number | null;
  /** When the run's largest maxPreferred is above 1: the same share for each k up to it ("1" is continuity). */
  knownAgentShareByK?: Record<string, number | null>;
  ci95: PolicyStats['ci95'] & { knownAgentShare?: number | null };
  /**
   * Differences from `none` (this policy minus none), with 95% half-widths from paired batch
   * means: both ran on the same seed and the same new calls, so the difference is known much
   * more precisely than either figure.
   */
  vsNone?: Record<'serviceLevel' | 'asaSeconds' | 'abandonRate', Difference> & {
    /** Absent when either policy had no returning call answered. Not in the JSON report. */
    continuity?: Difference;
  };
  theory?: QueueTheory;
}

export interface Recommendation {
  expirySeconds: number | null;
  /** The adaptive threshold of the recommended row, when it has one. */
  minFreeProbability?: number;
  /** The ranked preferred agents of the recommended row, when it sets them. */
  maxPreferred?: number;
  knownAgentsSeconds?: number;
  continuity: number | null;
  serviceLevel: number | null;
  noneServiceLevel: number;
  noneContinuity: number | null;
  tolerance: number;
  text: string;
}

export interface SimulationReport {
  meta: {
    seed: number;
    hours: number;
    warmupHours: number;
    agents: number;
    /** Mean agents on duty and not on a break. */
    staffedAgents: number;
    /** λ·E[handle], with callbacks estimated as if every call were answered: an upper bound. */
    offeredErlangs: number;
    serviceLevelSeconds: number;
    serviceLevelTolerance: number;
    batches: number;
    warnings: string[];
    /** Wall-clock figures: the only part of the report that differs between two runs of a seed. */
    performance: { events: number; wallSeconds: number; eventsPerSecond: number };
  };
  policies: PolicyRow[];
  recommendation: Recommendation | null;
}

/** The agents of a configuration: round-the-clock ones, then each shift's; breaks staggered within a group. */
export function agentPlans(config: SimulationConfig): AgentPlan[] {
  const plans: AgentPlan[] = [];
  const group = (count: number, shift?: AgentPlan['shift']) => {
    for (let j = 0; j < count; j++) {
      const plan: AgentPlan = shift ? { shift } : {};
      if (config.breaks) {
        const every = config.breaks.everyMinutes * 60;
        plan.breaks = {
          every,
          duration: config.breaks.durationMinutes * 60,
          phase: ((j + 0.5) / count) * every,
        };
      }
      plans.push(plan);
    }
  };
  group(config.agents);
  for (const s of config.shifts) {
    group(s.agents, { start: s.start, end: s.end, ...(s.weekdays ? { weekdays: s.weekdays } : {}) });
  }
  return plans;
}

function staffedAgents(config: SimulationConfig): number {
  const shiftHours = config.shifts.reduce(
    (sum, s) => sum + (s.agents * shiftSeconds(s) * weekFraction(s)) / 86_400,
    0,
  );
  const onBreak = config.breaks ? config.breaks.durationMinutes / config.breaks.everyMinutes : 0;
  return (config.agents + shiftHours) * (1 - onBreak);
}

/** Erlang C or A for `none`, when the model is exactly M/M/n (+M): else undefined. */
export function theoryFor(config: SimulationConfig): QueueTheory | undefined {
  const plain =
    talkOf(config).dist === 'exponential' &&
    !config.acwSeconds &&
    !hasOtherWork(config) &&
    (config.patienceSeconds === null || config.patienceSeconds.dist === 'exponential') &&
    config.returnShare === 0 &&
    !config.arrivalProfile &&
    config.shifts.length === 0 &&
    !config.breaks;
  // arrivalsPerHourByWeekday (no callsPerHour) is not a stationary Poisson stream.
  if (!plain || config.callsPerHour === undefined) return undefined;
  const q = {
    agents: config.agents,
    callsPerHour: config.callsPerHour,
    handleSeconds: meanOf(talkOf(config)),
    serviceLevelSeconds: config.serviceLevelSeconds,
  };
  if (config.patienceSeconds === null) {
    return (q.callsPerHour * q.handleSeconds) / 3600 < q.agents ? erlangCMetrics(q) : undefined;
  }
  return erlangAMetrics({ ...q, patienceSeconds: meanOf(config.patienceSeconds) });
}

function paired(s: PolicyStats, none: PolicyStats, key: 'serviceLevel' | 'asaSeconds' | 'abandonRate') {
  const a = s.perBatch[key];
  const b = none.perBatch[key];
  return { difference: s[key] - none[key], ci95: batchHalfWidth(a.map((v, i) => v - (b[i] as number))) };
}

function pairedContinuity(s: PolicyStats, none: PolicyStats): { continuity?: Difference } {
  if (s.continuity === null || none.continuity === null) return {};
  const b = none.perBatch.continuity;
  const ci95 = batchHalfWidth(s.perBatch.continuity.map((v, i) => v - (b[i] as number)));
  return { continuity: { difference: s.continuity - none.continuity, ci95 } };
}

function rowOf(
  s: PolicyStats,
  theory: QueueTheory | undefined,
  none: PolicyStats | undefined,
  known: { show: boolean; depth: number },
): PolicyRow {
  const p = s.policy;
  const shown = known.show;
  return {
    name: p.name,
    label: policyLabel(p),
    ...(p.name === 'preferred-agent'
      ? { expirySeconds: p.expirySeconds }
      : p.name === 'agent-queue'
        ? { acceptShare: p.acceptShare, maxWaitSeconds: p.maxWaitSeconds }
        : {}),
    ...(p.name !== 'none' && p.preferBusyAgent !== undefined ? { preferBusyAgent: p.preferBusyAgent } : {}),
    ...(p.name !== 'none' && p.minFreeProbability !== undefined
      ? { minFreeProbability: p.minFreeProbability }
      : {}),
    ...rankedParameters(p),
    offered: s.offered,
    answered: s.answered,
    abandoned: s.abandoned,
    abandonRate: s.abandonRate,
    pWait: s.pWait,
    asaSeconds: s.asaSeconds,
    serviceLevel: s.serviceLevel,
    continuity: s.continuity,
    ...(shown ? { knownAgentShare: s.known.share } : {}),
    ...(shown && known.depth > 1 ? { knownAgentShareByK: byKOf(s) } : {}),
    asaReturningSeconds: s.asaReturningSeconds,
    asaNewSeconds: s.asaNewSeconds,
    occupancy: s.occupancy,
    answeredAhead: s.answeredAhead,
    answeredAheadShare: s.answeredAheadShare,
    preferredAnsweredAhead: s.preferredAnsweredAhead,
    returning: shown ? { ...s.returning, knownAgents: knownRoutes(s) } : s.returning,
    ...(s.outbound ? { outbound: s.outbound } : {}),
    ...(s.transfers ? { transfers: s.transfers } : {}),
    ...(s.redials !== undefined ? { redials: s.redials } : {}),
    ci95: shown ? { ...s.ci95, knownAgentShare: s.known.ci95 } : s.ci95,
    ...(none && p.name !== 'none'
      ? {
          vsNone: {
            serviceLevel: paired(s, none, 'serviceLevel'),
            asaSeconds: paired(s, none, 'asaSeconds'),
            abandonRate: paired(s, none, 'abandonRate'),
            ...pairedContinuity(s, none),
          },
        }
      : {}),
    ...(p.name === 'none' && theory ? { theory } : {}),
  };
}

/** A preferred-agent row's maxPreferred and knownAgentsSeconds, as set. */
function rankedParameters(p: PolicySpec): Pick<PolicyRow, 'maxPreferred' | 'knownAgentsSeconds'> {
  if (p.name !== 'preferred-agent') return {};
  return {
    ...(p.maxPreferred !== undefined ? { maxPreferred: p.maxPreferred } : {}),
    ...(p.knownAgentsSeconds !== undefined ? { knownAgentsSeconds: p.knownAgentsSeconds } : {}),
  };
}

/** knownAgentShare for k = 1 … the run's depth: `{ "1": …, "2": …, "3": … }`, as analyze reports it. */
function byKOf(s: PolicyStats): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [j, v] of s.known.byK.entries()) out[String(j + 1)] = v;
  return out;
}

/** How the ranked rings went: callers with other known agents, routed to them first, moved to a second ring. */
function knownRoutes(s: PolicyStats): NonNullable<PolicyRow['returning']['knownAgents']> {
  return {
    withOthers: s.known.withOthers,
    othersFirst: s.known.othersFirst,
    secondRing: s.known.secondRing,
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const sec = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
const share = (x: number, y: number) => (y > 0 ? x / y : null);
const points = (d: { difference: number; ci95: number | null } | undefined) =>
  d === undefined
    ? 'difference n/a'
    : `difference ${(d.difference * 100).toFixed(1).replace(/^-(0\.0)$/, '$1')}${d.ci95 === null ? '' : ` ±${(d.ci95 * 100).toFixed(1)}`} points`;

/**
 * A continuity gain over none that counts: at least MIN_CONTINUITY_GAIN, and outside the
 * paired 95% interval when the run has one (both ran on the same calls, see pairedContinuity).
 */
export const MIN_CONTINUITY_GAIN = 0.01;

export function gainsContinuity(row: PolicyRow): boolean {
  const d = row.vsNone?.continuity;
  return d !== undefined && d.difference >= MIN_CONTINUITY_GAIN && (d.ci95 === null || d.difference > d.ci95);
}

const byGain = (a: PolicyRow, b: PolicyRow) =>
  (b.vsNone?.continuity?.difference ?? Number.NEGATIVE_INFINITY) -
  (a.vsNone?.continuity?.difference ?? Number.NEGATIVE_INFINITY);

/** "preferred-agent 5s at 5.2% (difference 0.1 ±0.3 points)": the row of `rows` with the largest gain. */
function bestOf(rows: PolicyRow[]): string {
  const best = [...rows].sort(byGain)[0];
  return best ? `${best.label} at ${pct(best.continuity)} (${points(best.vsNone?.continuity)})` : 'n/a';
}

/** The text when no preferred-agent expiry is recommended for want of a continuity gain that counts. */
function noGainText(rows: PolicyRow[], none: PolicyRow, tolerance: number): string {
  const preferred = rows.filter((r) => r.name === 'preferred-agent');
  const notAbove = `is not meaningfully above none's ${pct(none.continuity)} (a gain must be at least ${(MIN_CONTINUITY_GAIN * 100).toFixed(1)} point and outside its paired 95% interval)`;
  const helping = rows.filter(gainsContinuity);
  if (helping.length === 0) {
    return `no preference helps at this load: the best, ${bestOf(rows.filter((r) => r.name !== 'none'))}, ${notAbove}: stay with none`;
  }
  if (!preferred.some(gainsContinuity)) {
    return `no preferred-agent expiry helps at this load: the best, ${bestOf(preferred)}, ${notAbove}; ${bestOf(helping)} is, at the service level shown in the table`;
  }
  return `no preferred-agent expiry that keeps the service level within ${(tolerance * 100).toFixed(1)} points of none (${pct(none.serviceLevel)}) lifts continuity meaningfully above none's ${pct(none.continuity)}: stay with none, or add agents`;
}

/**
 * The preferred-agent expiry with the highest continuity whose service level is at least
 * none's minus the tolerance (ties: the shorter expiry), among those whose continuity gain over
 * none counts (gainsContinuity). Service levels are point estimates: the rows' ci95 say how far
 * to trust a close call.
 */
export function recommend(rows: PolicyRow[], tolerance: number): Recommendation | null {
  const none = rows.find((r) => r.name === 'none');
  const candidates = rows.filter((r) => r.name === 'preferred-agent');
  if (!none || candidates.length === 0) return null;
  const eligible = candidates
    .filter((r) => r.serviceLevel >= none.serviceLevel - tolerance)
    .sort(
      (a, b) => (b.continuity ?? 0) - (a.continuity ?? 0) || (a.expirySeconds ?? 0) - (b.expirySeconds ?? 0),
    );
  const best = eligible.find(gainsContinuity);
  const base = {
    noneServiceLevel: none.serviceLevel,
    noneContinuity: none.continuity,
    tolerance,
  };
  const nothing = (text: string): Recommendation => ({
    ...base,
    expirySeconds: null,
    continuity: null,
    serviceLevel: null,
    text,
  });
  if (!rows.some(gainsContinuity) || (eligible.length > 0 && !best)) {
    return nothing(noGainText(rows, none, tolerance));
  }
  if (!best) {
    return nothing(
      `no preferred-agent expiry keeps the service level within ${(tolerance * 100).toFixed(1)} points of none (${pct(none.serviceLevel)}): stay with none, or add agents`,
    );
  }
  return {
    ...base,
    expirySeconds: best.expirySeconds ?? null,
    ...(best.minFreeProbability !== undefined ? { minFreeProbability: best.minFreeProbability } : {}),
    ...(best.maxPreferred !== undefined ? { maxPreferred: best.maxPreferred } : {}),
    ...(best.knownAgentsSeconds !== undefined ? { knownAgentsSeconds: best.knownAgentsSeconds } : {}),
    continuity: best.continuity,
    serviceLevel: best.serviceLevel,
    text:
      `preferred-agent with expirySeconds ${best.expirySeconds}${best.minFreeProbability !== undefined ? ` and minFreeProbability ${best.minFreeProbability} (LAST_AGENT_MIN_FREE_PROBABILITY)` : ''}${rankedText(best)}: continuity ${pct(best.continuity)} (none ${pct(none.continuity)}), ` +
      `service level ${pct(best.serviceLevel)} against ${pct(none.serviceLevel)} for none (${points(best.vsNone?.serviceLevel)}; tolerance ${(tolerance * 100).toFixed(1)} points); ` +
      `returning callers wait ${sec(best.asaReturningSeconds)} s on average (none ${sec(none.asaReturningSeconds)} s) ` +
      `and ${pct(share(best.returning.abandoned, best.returning.offered))} of them hang up (none ${pct(share(none.returning.abandoned, none.returning.offered))})`,
  };
}

/** ", maxPreferred 3 and knownAgentsSeconds 30 (known-agent share 31.0%)" for a row that sets them. */
function rankedText(row: PolicyRow): string {
  if (row.maxPreferred === undefined) return '';
  const second =
    row.knownAgentsSeconds === undefined ? '' : ` and knownAgentsSeconds ${row.knownAgentsSeconds}`;
  return `, maxPreferred ${row.maxPreferred}${second} (known-agent share ${pct(row.knownAgentShare ?? null)})`;
}

/** Progress of a run: `done` of `total` policies finished, `fraction` (0–1) of the one running. */
export type RunProgress = (done: number, total: number, fraction: number) => void;

export function runSimulation(
  config: SimulationConfig,
  clock: () => number = performance.now.bind(performance),
  onProgress?: RunProgress,
): SimulationReport {
  const started = clock();
  const agents = agentPlans(config);
  const theory = theoryFor(config);
  const staffed = staffedAgents(config);
  const offeredErlangs =
    (meanNewCallsPerHour(config) / (1 - config.returnShare)) * (agentSecondsPerCall(config) / 3600);
  const warnings: string[] = [];
  if (offeredErlangs >= staffed) {
    warnings.push(
      `offered load about ${offeredErlangs.toFixed(1)} Erlang against ${staffed.toFixed(1)} staffed agents: the queue is stable only through callers hanging up`,
    );
  }
  let events = 0;
  const policies = expandPolicies(config.policies);
  const end = (config.warmupHours + config.hours) * 3600;
  const stats = policies.map((policy, i) => {
    onProgress?.(i, policies.length, 0);
    const result = runModel({
      ...modelOptionsOf(config, policy, agents, knownAgentDepth(policies)),
      ...(onProgress ? { progress: (t: number) => onProgress(i, policies.length, t / end) } : {}),
    });
    events += result.events;
    return result;
  });
  onProgress?.(policies.length, policies.length, 1);
  const none = stats.find((s) => s.policy.name === 'none');
  const known = {
    show: policies.some((p) => p.name === 'preferred-agent' && p.maxPreferred !== undefined),
    depth: knownAgentDepth(policies),
  };
  const rows = stats.map((s) => rowOf(s, theory, none, known));
  const wallSeconds = (clock() - started) / 1000;
  return {
    meta: {
      seed: config.seed,
      hours: config.hours,
      warmupHours: config.warmupHours,
      agents: agents.length,
      staffedAgents: staffed,
      offeredErlangs,
      serviceLevelSeconds: config.serviceLevelSeconds,
      serviceLevelTolerance: config.serviceLevelTolerance,
      batches: config.batches,
      warnings,
      performance: {
        events,
        wallSeconds: Number(wallSeconds.toFixed(3)),
        eventsPerSecond: wallSeconds > 0 ? Math.round(events / wallSeconds) : 0,
      },
    },
    policies: rows,
    recommendation: recommend(rows, config.serviceLevelTolerance),
  };
}

/** The model's options for one policy of a configuration: what `simulate` runs (tests add a trace). */
export function modelOptionsOf(
  config: SimulationConfig,
  policy: PolicySpec,
  agents: AgentPlan[] = agentPlans(config),
  knownAgentDepth = 1,
): ModelOptions {
  return {
    policy,
    agents,
    ...(knownAgentDepth > 1 ? { knownAgentDepth } : {}),
    warmupSeconds: config.warmupHours * 3600,
    measureSeconds: config.hours * 3600,
    startWeekday: config.startWeekday,
    serviceLevelSeconds: config.serviceLevelSeconds,
    batches: config.batches,
    random: randomSourceOf(config),
  };
}

/** The random part of the model: arrivals, durations and the features configured (delays in seconds). */
function randomSourceOf(config: SimulationConfig): RandomSource {
  const { outboundWork, transferWork, redial } = config;
  return {
    seed: config.seed,
    callsPerHour: config.callsPerHour ?? 0,
    arrivalProfile: config.arrivalProfile,
    weeklyArrivals: config.arrivalsPerHourByWeekday,
    handle: talkOf(config),
    acw: config.acwSeconds,
    patience: config.patienceSeconds,
    returnShare: config.returnShare,
    returnDelay: config.returnDelayMinutes ? scaled(config.returnDelayMinutes, 60) : undefined,
    ...(config.openHoursOnly ? { openHoursOnly: true } : {}),
    outbound: outboundWork && {
      perIdleAgentHour: outboundWork.perIdleAgentHour,
      handle: outboundWork.handleSeconds,
    },
    transfer: transferWork && { share: transferWork.share, handle: transferWork.handleSeconds },
    redial: redial && { share: redial.share, delay: scaled(redial.delayMinutes, 60) },
  };
}
