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
 */
import type { SimulationConfig } from './config';
import { meanOf } from './distributions';
import { expandPolicies } from './policies';

/** Events per offered call: the most measured was 3.4 (2,000 agents), the claims example 2.6. */
export const EVENTS_PER_CALL = 3.5;
/** A thinned-out candidate arrival (arrivalProfile) costs about a twentieth of an event (measured). */
const THINNING_COST = 0.05;
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
  /** Events per simulated hour of one policy, from calls and from agents (breaks and shifts). */
  callEventsPerHour: number;
  agentEventsPerHour: number;
  events: number;
  /** Callers the queue gains an hour when nobody hangs up and the load exceeds the agents; else 0. */
  backlogPerHour: number;
  backlog: number;
}

function shiftHours(s: { start: number; end: number }): number {
  return ((((s.end - s.start) % 86_400) + 86_400) % 86_400 || 86_400) / 3600;
}

export function estimateRun(config: SimulationConfig): RunEstimate {
  const profile = config.arrivalProfile;
  const profileMean = profile ? profile.reduce((s, v) => s + v, 0) / profile.length : 1;
  const profileMax = profile ? Math.max(...profile) : 1;
  const newPerHour = config.callsPerHour * profileMean;
  const offeredPerHour = newPerHour / (1 - config.returnShare);
  const callEventsPerHour =
    offeredPerHour * EVENTS_PER_CALL + (profile ? config.callsPerHour * profileMax * THINNING_COST : 0);
  const onDuty = config.agents + config.shifts.reduce((s, x) => s + (x.agents * shiftHours(x)) / 24, 0);
  const breakEvents = config.breaks ? (onDuty * 2 * 60) / config.breaks.everyMinutes : 0;
  const shiftEvents = config.shifts.reduce((s, x) => s + (x.agents * 2) / 24, 0);
  const agentEventsPerHour = breakEvents + shiftEvents;
  const policies = expandPolicies(config.policies).length;
  const simulatedHours = config.warmupHours + config.hours;
  const events = (callEventsPerHour + agentEventsPerHour) * simulatedHours * policies;
  // Without hang-ups every caller is answered in the end: the answered rate is the agents'
  // capacity, and only answered calls call back.
  const onBreak = config.breaks ? config.breaks.durationMinutes / config.breaks.everyMinutes : 0;
  const capacityPerHour = (onDuty * (1 - onBreak) * 3600) / meanOf(config.handleSeconds);
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

function tooManyEvents(config: SimulationConfig, e: RunEstimate): string {
  const perHour = (e.callEventsPerHour + e.agentEventsPerHour) * e.policies;
  const budget = MAX_EVENTS / (e.simulatedHours * e.policies);
  const byCalls = e.callEventsPerHour >= e.agentEventsPerHour;
  const fixes = [maxHours(config, perHour, MAX_EVENTS)];
  let driver: string;
  if (byCalls) {
    driver = `callsPerHour ${config.callsPerHour.toLocaleString('en-US')} (≈ ${approx(e.offeredPerHour)} offered calls/h with callbacks)`;
    const calls = ((budget - e.agentEventsPerHour) / e.callEventsPerHour) * config.callsPerHour;
    fixes.push(calls > 0 ? `callsPerHour at most ${calls >= 10 ? int(calls) : calls.toPrecision(2)}` : null);
  } else {
    const onDuty = config.agents + config.shifts.reduce((s, x) => s + x.agents, 0);
    driver = config.breaks
      ? `breaks.everyMinutes ${config.breaks.everyMinutes} for ${int(onDuty)} agents`
      : `shifts for ${int(onDuty)} agents`;
    fixes.push(config.breaks ? 'a larger breaks.everyMinutes' : 'fewer shift agents');
  }
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
  const fixes = ['give patienceSeconds', 'add agents', 'lower callsPerHour'];
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
