/**
 * What a run will cost, estimated from the configuration before any of it runs, and the bound
 * `simulate` refuses to go past (docs/simulator.md, "Run size").
 *
 * The cost driver is the number of events the model handles (model.ts): per simulated hour and
 * policy, about 2.2–3.4 per offered call (arrival, end of the contact, a hang-up or preference
 * timer that pops), two per agent break and two per shift agent a day. Each policy runs the whole
 * warm-up and measured time, so the total is that rate × (warmupHours + hours) × policies. A
 * run with no patience and more load than agents also keeps every caller it cannot answer: the
 * queue, and the memory it holds, grows without bound.
 *
 * The other features add: after-contact work one event per call (the end of the talk); a
 * transfer leg one (its end); outbound work a timer each time an agent becomes idle (at most once
 * per call, leg, break and shift start) and two per outbound call (its end, the next timer), at
 * most perIdleAgentHour × the agents on duty an hour; re-dials more offered calls (below).
 */
import { agentSecondsPerCall, meanNewCallsPerHour, weekFraction } from './center';
import type { SimulationConfig } from './config';
import { meanOf } from './distributions';
import { expandPolicies } from './policies';

/** Events per offered call: the most measured was 3.4 (2,000 agents), the claims example 2.6. */
export const EVENTS_PER_CALL = 3.5;
/** A thinned-out candidate arrival (arrivalProfile) costs about a twentieth of an event (measured). */
const THINNING_COST = 0.05;
/** After-contact work: the end of the talk, one more event per call. */
const ACW_EVENTS = 1;
/** A transfer leg: its end (its callback is counted with the offered calls). */
const LEG_EVENTS = 1;
/** Outbound work: per outbound call, its end and the timer drawn when the agent is idle again. */
const OUTBOUND_EVENTS = 2;
/**
 * The largest estimated run `simulate` starts: about 2 minutes at the 1.1 million events/s the
 * claims example runs at on a 2-vCPU machine (0.5–2.1 million across the shapes measured).
 */
export const MAX_EVENTS = 150_000_000;
export const MEASURED_EVENTS_PER_SECOND = 1_100_000;
/** Callers waiting at the end of a run that never hangs up: about 300 bytes each (measured). */
export const MAX_BACKLOG = 2_000_000;

export interface RunEstimate {
  policies: number;
  /** warmupHours + hours. */
  simulatedHours: number;
  /** Offered calls an hour, callbacks included (as if every call were answered). */
  offeredPerHour: number;
  /** Events per simulated hour of one policy, from calls, from agents (breaks and shifts) and from outbound work. */
  callEventsPerHour: number;
  agentEventsPerHour: number;
  outboundEventsPerHour: number;
  events: number;
  /** Callers the queue gains an hour when nobody hangs up and the load exceeds the agents; else 0. */
  backlogPerHour: number;
  backlog: number;
}

function shiftHours(s: { start: number; end: number }): number {
  return ((((s.end - s.start) % 86_400) + 86_400) % 86_400 || 86_400) / 3600;
}

/**
 * Offered calls an hour, at most. Every offered call is followed by at most one more (a callback
 * if answered, with probability returnShare; a re-dial if it hangs up, with probability
 * redial.share), so at most new / (1 − the larger share). With redial.share 1 a caller who hangs
 * up dials again until the end, each attempt taking patience + delay on average.
 */
function offeredCallsPerHour(config: SimulationConfig, newPerHour: number, simulatedHours: number): number {
  const redial = config.patienceSeconds === null ? undefined : config.redial;
  const share = Math.max(config.returnShare, redial?.share ?? 0);
  if (share < 1) return newPerHour / (1 - share);
  const patience = meanOf(config.patienceSeconds as NonNullable<SimulationConfig['patienceSeconds']>);
  const cycle = patience + meanOf((redial as NonNullable<typeof redial>).delayMinutes) * 60;
  if (cycle <= 0) return Number.POSITIVE_INFINITY;
  return (newPerHour * (1 + (simulatedHours * 3600) / cycle)) / (1 - config.returnShare);
}

export function estimateRun(config: SimulationConfig): RunEstimate {
  const profile = config.arrivalProfile;
  const profileMax = profile ? Math.max(...profile) : 1;
  const simulatedHours = config.warmupHours + config.hours;
  const newPerHour = meanNewCallsPerHour(config);
  const offeredPerHour = offeredCallsPerHour(config, newPerHour, simulatedHours);
  const legShare = config.transferWork?.share ?? 0;
  const perCall = EVENTS_PER_CALL + (config.acwSeconds ? ACW_EVENTS : 0) + legShare * LEG_EVENTS;
  const callEventsPerHour =
    offeredPerHour * perCall + (profile ? (config.callsPerHour as number) * profileMax * THINNING_COST : 0);
  const onDuty =
    config.agents + config.shifts.reduce((s, x) => s + (x.agents * shiftHours(x) * weekFraction(x)) / 24, 0);
  const breakEvents = config.breaks ? (onDuty * 2 * 60) / config.breaks.everyMinutes : 0;
  const shiftEvents = config.shifts.reduce((s, x) => s + (x.agents * 2) / 24, 0);
  const agentEventsPerHour = breakEvents + shiftEvents;
  const outboundRate = config.outboundWork?.perIdleAgentHour ?? 0;
  const outboundEventsPerHour =
    outboundRate > 0
      ? outboundRate * onDuty * OUTBOUND_EVENTS + offeredPerHour * (1 + legShare) + agentEventsPerHour
      : 0;
  const policies = expandPolicies(config.policies).length;
  const events = (callEventsPerHour + agentEventsPerHour + outboundEventsPerHour) * simulatedHours * policies;
  // Without hang-ups every caller is answered in the end: the answered rate is the agents'
  // capacity, and only answered calls call back.
  const onBreak = config.breaks ? config.breaks.durationMinutes / config.breaks.everyMinutes : 0;
  const capacityPerHour = (onDuty * (1 - onBreak) * 3600) / agentSecondsPerCall(config);
  const backlogPerHour =
    config.patienceSeconds === null
      ? Math.max(0, newPerHour - (1 - config.returnShare) * capacityPerHour)
      : 0;
  return {
    policies,
    simulatedHours,
    offeredPerHour,
    callEventsPerHour,
    agentEventsPerHour,
    outboundEventsPerHour,
    events,
    backlogPerHour,
    backlog: backlogPerHour * simulatedHours,
  };
}

/** 1234567 → "1.2 million"; below a million, the integer with separators. */
export function approx(n: number): string {
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(2))} billion`;
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))} million`;
  return Math.round(n).toLocaleString('en-US');
}

const int = (n: number) => Math.floor(n).toLocaleString('en-US');
const list = (items: string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** How far `hours` can go with everything else as configured; null when the warm-up alone is too much. */
function maxHours(config: SimulationConfig, perHour: number, limit: number): string | null {
  const hours = limit / perHour - config.warmupHours;
  return hours >= 1 ? `hours at most ${int(hours)}` : null;
}

/** What drives the run's size, and how to shrink it, for the largest of the three sources of events. */
function driverOf(
  config: SimulationConfig,
  e: RunEstimate,
  budget: number,
): { driver: string; fix: string | null } {
  const { callEventsPerHour: calls, agentEventsPerHour: agents, outboundEventsPerHour: outbound } = e;
  if (outbound > calls && outbound >= agents) {
    const rate = (config.outboundWork as NonNullable<SimulationConfig['outboundWork']>).perIdleAgentHour;
    return {
      driver: `outboundWork.perIdleAgentHour ${rate.toLocaleString('en-US')}`,
      fix: 'a lower outboundWork.perIdleAgentHour',
    };
  }
  if (calls >= agents) {
    const scale = (budget - agents - outbound) / calls;
    const offered = `≈ ${approx(e.offeredPerHour)} offered calls/h with callbacks${config.redial ? ' and re-dials' : ''}`;
    if (config.callsPerHour === undefined) {
      return {
        driver: `arrivalsPerHourByWeekday (${offered})`,
        fix: scale > 0 ? `arrivalsPerHourByWeekday scaled by at most ${scale.toPrecision(2)}` : null,
      };
    }
    const most = scale * config.callsPerHour;
    return {
      driver: `callsPerHour ${config.callsPerHour.toLocaleString('en-US')} (${offered})`,
      fix: most > 0 ? `callsPerHour at most ${most >= 10 ? int(most) : most.toPrecision(2)}` : null,
    };
  }
  const onDuty = config.agents + config.shifts.reduce((s, x) => s + x.agents, 0);
  return config.breaks
    ? {
        driver: `breaks.everyMinutes ${config.breaks.everyMinutes} for ${int(onDuty)} agents`,
        fix: 'a larger breaks.everyMinutes',
      }
    : { driver: `shifts for ${int(onDuty)} agents`, fix: 'fewer shift agents' };
}

function tooManyEvents(config: SimulationConfig, e: RunEstimate): string {
  if (!Number.isFinite(e.events)) {
    return 'redial.share 1 with a mean patience and re-dial delay of 0 makes callers dial again endlessly at the same instant: give redial.delayMinutes a positive mean';
  }
  const perHour = (e.callEventsPerHour + e.agentEventsPerHour + e.outboundEventsPerHour) * e.policies;
  const budget = MAX_EVENTS / (e.simulatedHours * e.policies);
  const { driver, fix } = driverOf(config, e, budget);
  const fixes = [maxHours(config, perHour, MAX_EVENTS), fix];
  if (e.policies > 1) fixes.push(`fewer policies (${e.policies} after sweeping)`);
  return (
    `${driver} and hours ${config.hours.toLocaleString('en-US')} make too large a run: about ${approx(e.events)} simulated events ` +
    `(${approx(perHour / e.policies)} an hour × ${int(e.simulatedHours)} h of warmupHours and hours × ${e.policies} ${e.policies === 1 ? 'policy' : 'policies'}), ` +
    `over the limit of ${approx(MAX_EVENTS)} (about ${Math.round(MAX_EVENTS / MEASURED_EVENTS_PER_SECOND / 60)} minutes at the ${approx(MEASURED_EVENTS_PER_SECOND)} events/s measured): ` +
    `use ${list(fixes.filter((f): f is string => f !== null))}`
  );
}

function unboundedQueue(config: SimulationConfig, e: RunEstimate): string {
  const hours = MAX_BACKLOG / e.backlogPerHour - config.warmupHours;
  const fixes = [
    'give patienceSeconds',
    'add agents',
    config.callsPerHour === undefined ? 'lower arrivalsPerHourByWeekday' : 'lower callsPerHour',
  ];
  if (hours >= 1) fixes.push(`use hours at most ${int(hours)}`);
  return (
    `patienceSeconds is null and the offered load exceeds the agents: the queue would grow by about ${approx(e.backlogPerHour)} callers an hour, ` +
    `to about ${approx(e.backlog)} waiting by the end of the ${int(e.simulatedHours)} h, over the limit of ${approx(MAX_BACKLOG)} ` +
    `(each waiting caller holds memory): ${list(fixes)}`
  );
}

/** Why `simulate` should not start this run (it would not finish in a few minutes, or run out of memory); null when it may. */
export function runSizeProblem(config: SimulationConfig): string | null {
  const e = estimateRun(config);
  if (e.events > MAX_EVENTS) return tooManyEvents(config, e);
  if (e.backlog > MAX_BACKLOG) return unboundedQueue(config, e);
  return null;
}
