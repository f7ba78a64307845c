/**
 * The calibration: the center of the records as a configuration for `last-agent simulate`
 * (simulate.json), from the whole local days before go-live (window.ts), with the method of each
 * part in one line, and the handle model in the format LAST_AGENT_HANDLE_MODEL reads. Every
 * definition is generic (docs/analyze.md, "Calibration"): nothing here knows how the records
 * were made.
 */
import type { z } from 'zod';
import type { SimulationConfigSchema } from '../../simulate/config';
import type { Dist as DurationSpec } from '../../steps/lib/decision/handle-model';
import { LocalClock, zonedTime } from '../clock';
import type { Contact } from '../contact';
import type { ContactList } from '../contact-list';
import { releasePhaseMemory } from '../memory';
import { bytesOf, counted, floatsOf, kept } from '../typed';
import { REDIAL_WINDOW_MINUTES, queuedCallTable } from './calls';
import { type Demand, demandOf } from './demand';
import { type DurationFit, bounded, fitDuration } from './durations';
import { type PatienceFit, fitPatienceOf } from './patience';
import { SHIFT_ROUNDING_MINUTES, type Spans, type Staffing, staffingOf, waitingSpans } from './staffing';
import { type CalibrationWindow, calibrationWindow } from './window';
import { type OtherWork, type WorkWithoutRate, otherWorkOf, withIdleHours } from './work';

/** simulate.json: the simulator's configuration as JSON (times of day as "HH:MM"). */
export type SimulateJson = z.input<typeof SimulationConfigSchema>;

export interface GoLivePolicy {
  name: 'preferred-agent' | 'agent-queue';
  seconds: number;
}

export const DEFAULT_GO_LIVE_POLICY: GoLivePolicy = { name: 'preferred-agent', seconds: 30 };
/** The sweeps simulate.json asks for; the go-live setting is added when it is not among them. */
export const EXPIRY_SWEEP = [10, 20, 30, 45, 60, 90, 120];
export const MAX_WAIT_SWEEP = [30, 60, 120];
/** The share of callers who press 1 in agent-queue mode: the records do not say it; the simulator's example value. */
export const ACCEPT_SHARE = 0.8;
/** The service level the report compares at, and how far below none's a recommended setting may go. */
export const SERVICE_LEVEL_SECONDS = 20;
export const SERVICE_LEVEL_TOLERANCE = 0.02;

export interface Calibration {
  simulate: SimulateJson;
  handleModel: { talkSeconds: DurationSpec; acwSeconds?: DurationSpec };
  window: {
    from: string;
    to: string;
    days: number;
    /** Days new calls were counted on (those with a full lookback of records before them), from `countedFrom`. */
    countedDays: number;
    countedFrom: string;
    beforeGoLive: boolean;
  };
  /** One line per part of the configuration: how it was estimated. */
  methods: Record<string, string>;
  /** The counts behind the estimates. */
  counts: {
    queuedCalls: number;
    newCalls: number;
    returns: number;
    redials: number;
    answered: number;
    abandoned: number;
    agentDays: number;
    agentDaysLeftOut: number;
    workedHours: number;
    idleHours: number;
    awayHours: number;
    otherWork: Record<string, number>;
  };
}

export interface CalibrateOptions {
  lookbackDays: number;
  timeZone: string;
  /** Epoch ms of go-live (the first decided contact), if any. */
  goLive: number | undefined;
  goLivePolicy: GoLivePolicy;
  /** --since and --until (epoch ms): the window stays inside them. */
  since?: number | undefined;
  until?: number | undefined;
}

interface Parts {
  w: CalibrationWindow;
  demand: Demand;
  talk: DurationFit;
  acw: DurationFit | null;
  patience: PatienceFit;
  staffing: Staffing;
  work: OtherWork;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Midnight starting the first counted day. */
const dayStart = (w: CalibrationWindow, clock: LocalClock) =>
  iso(zonedTime(w.days[w.countFrom] as string, clock.timeZone));

/** The policies simulate.json sweeps: none, the preferred-agent expiries, the agent-queue waits. */
export function policiesFor(goLive: GoLivePolicy): SimulateJson['policies'] {
  const expiries = new Set(EXPIRY_SWEEP);
  const waits = new Set(MAX_WAIT_SWEEP);
  if (goLive.name === 'preferred-agent') expiries.add(goLive.seconds);
  else waits.add(goLive.seconds);
  return [
    { name: 'none' },
    { name: 'preferred-agent', expirySeconds: [...expiries].sort((a, b) => a - b) },
    { name: 'agent-queue', acceptShare: ACCEPT_SHARE, maxWaitSeconds: [...waits].sort((a, b) => a - b) },
  ];
}

/** The simulator's bounds on durations: seconds at most a day, minutes at most a year (simulate/config.ts). */
const S = (d: DurationSpec) => bounded(d, 86_400);
const MIN = (d: DurationSpec) => bounded(d, 525_600);

function simulateJson(p: Parts, goLive: GoLivePolicy): SimulateJson {
  const { demand, work } = p;
  return {
    seed: 1,
    hours: 168,
    warmupHours: 168,
    startWeekday: p.w.weekdays[0] as number,
    shifts: p.staffing.shifts,
    ...(p.staffing.breaks ? { breaks: p.staffing.breaks } : {}),
    arrivalsPerHourByWeekday: demand.arrivalsPerHourByWeekday,
    // The records hold only calls that reached the center in its open hours: callbacks and
    // re-dials are kept there too (a closed flow queues nothing).
    openHoursOnly: true,
    talkSeconds: S(p.talk.dist),
    ...(p.acw ? { acwSeconds: S(p.acw.dist) } : {}),
    patienceSeconds: p.patience.dist && S(p.patience.dist),
    returnShare: Math.min(0.95, demand.returns.share),
    ...(demand.returns.delayMinutes && demand.returns.share > 0
      ? { returnDelayMinutes: MIN(demand.returns.delayMinutes) }
      : {}),
    ...(demand.redials.delayMinutes && demand.redials.share > 0
      ? { redial: { share: demand.redials.share, delayMinutes: MIN(demand.redials.delayMinutes) } }
      : {}),
    ...(work.other.handle && work.other.perIdleAgentHour > 0
      ? {
          outboundWork: {
            perIdleAgentHour: Math.min(3600, work.other.perIdleAgentHour),
            handleSeconds: S(work.other.handle.dist),
          },
        }
      : {}),
    ...(work.transfer.handle && work.transfer.share > 0
      ? { transferWork: { share: work.transfer.share, handleSeconds: S(work.transfer.handle.dist) } }
      : {}),
    serviceLevelSeconds: SERVICE_LEVEL_SECONDS,
    serviceLevelTolerance: SERVICE_LEVEL_TOLERANCE,
    batches: 20,
    policies: policiesFor(goLive),
  };
}

function methods(p: Parts): Record<string, string> {
  const { demand, staffing, work } = p;
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  return {
    window: `${p.w.days.length} whole local days${p.w.beforeGoLive ? ' before the day of go-live' : ''}; new calls counted on the ${demand.countedDays} with a full lookback of records before them`,
    arrivals: `new calls (queued inbound voice calls that are neither returns nor re-dials) by weekday and hour of queue entry, each weekday averaged over its dates: ${demand.newCalls} calls`,
    returns: `returnShare ${pct(demand.returns.share)}: of ${demand.returns.of} answered calls, ${demand.returns.followed} were followed by the caller's next call within the lookback; returnDelayMinutes: their delays from release, 101 percentiles`,
    redials: `redial share ${pct(demand.redials.share)}: of ${demand.redials.of} abandoned calls, ${demand.redials.followed} were followed by the caller's next call within ${REDIAL_WINDOW_MINUTES} minutes; delays from hanging up, 101 percentiles`,
    talkSeconds: `interaction + hold of ${p.talk.n} answered calls: ${p.talk.method}`,
    acwSeconds: p.acw
      ? `after-contact work of ${p.acw.n} answered calls: ${p.acw.method}`
      : 'no after-contact work recorded',
    patienceSeconds: p.patience.method,
    shifts: `each agent's working days (first contact to last end) as a weekly pattern, hours rounded to ${SHIFT_ROUNDING_MINUTES} min: ${staffing.shifts.length} shift groups from ${staffing.agentDays} agent-days (${staffing.agentDaysLeftOut} on weekdays the agent seldom works left out)`,
    breaks: staffing.breaks
      ? `${staffing.awayGaps} gaps between an agent's contacts in which the agent was away (passed over by the routing, or a caller waited a minute): a break every ${staffing.breaks.everyMinutes} min of working time, as long as the median ${staffing.lengthWhileWaiting ? `of the ${staffing.awayGapsWhileWaiting} gaps while a caller waited` : 'gap (too few while a caller waited)'} (${staffing.breaks.durationMinutes} min; ${pct(staffing.awayShare)} of working time away)`
      : "no gap between an agent's contacts in which the agent was passed over or a caller waited: no breaks",
    transferWork: work.transfer.handle
      ? `${work.transfer.legs} of ${work.transfer.of} answered calls continued as a transfer leg (${pct(work.transfer.share)}); leg agent time: ${work.transfer.handle.method}`
      : 'no transfer legs',
    outboundWork: work.other.handle
      ? `${work.other.jobs} other contacts (${Object.entries(work.other.byKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(
            ', ',
          )}) over ${staffing.idleHours.toFixed(0)} idle agent-hours: ${work.other.perIdleAgentHour} per idle agent-hour; agent time: ${work.other.handle.method}`
      : 'no other agent work',
  };
}

/** What the calibration takes from the queued calls: small results, not the calls' table. */
interface FromCalls {
  queued: number;
  answered: number;
  returns: number;
  redials: number;
  talk: DurationFit;
  acw: DurationFit | null;
  demand: Demand;
  patience: PatienceFit;
  work: WorkWithoutRate;
  /** When some caller had waited AWAY_AFTER_SECONDS: all the staffing needs of the calls. */
  waiting: Spans;
}

/**
 * Everything the calibration needs from the queued calls, while their table is held. The table
 * (about 34 MB at 1 M records) is garbage when this returns, before the staffing builds its own
 * arrays: the two never take memory at the same time.
 */
function fromCalls(
  all: ContactList,
  w: CalibrationWindow,
  clock: LocalClock,
  o: CalibrateOptions,
): FromCalls | { problem: string } {
  const calls = queuedCallTable(all, o.lookbackDays);
  releasePhaseMemory(all.length);
  const inWindow = calls.between(w.from, w.to);
  const answered = kept(inWindow, (i) => calls.handled[i] === 1);
  const contact = (i: number) => calls.contacts.at(i) as Contact;
  const talk = fitDuration(floatsOf(answered, (i) => (contact(i).interaction ?? 0) + (contact(i).hold ?? 0)));
  if (!talk || talk.mean <= 0) return { problem: 'no call reached an agent in the calibration window' };
  const acwValues = floatsOf(answered, (i) => contact(i).acw ?? 0);
  return {
    queued: inWindow.length,
    answered: answered.length,
    returns: counted(inWindow, (i) => calls.isReturn(i)),
    redials: counted(inWindow, (i) => calls.isRedial(i)),
    talk,
    acw: acwValues.some((v) => v > 0) ? fitDuration(acwValues) : null,
    demand: demandOf(calls, inWindow, w, (ms) => clock.at(ms), o.lookbackDays),
    patience: fitPatienceOf({
      seconds: floatsOf(inWindow, (i) =>
        Math.max(0, ((calls.left[i] as number) - (calls.arrival[i] as number)) / 1000),
      ),
      abandoned: bytesOf(inWindow, (i) => 1 - (calls.handled[i] as number)),
    }),
    work: otherWorkOf(all, calls, answered, w),
    waiting: waitingSpans(calls),
  };
}

/** The calibration of the records, or why there is none. */
export function calibrate(all: ContactList, o: CalibrateOptions): Calibration | { problem: string } {
  const clock = new LocalClock(o.timeZone);
  const w = calibrationWindow(all, clock, o);
  if (!w) return { problem: 'there is no whole day of records before go-live to calibrate from' };
  const c = fromCalls(all, w, clock, o);
  if ('problem' in c) return c;
  // The calls' table and its working arrays are garbage: freed before the staffing builds its own.
  releasePhaseMemory(all.length);
  const staffing = staffingOf(all, c.waiting, clock, w);
  releasePhaseMemory(all.length);
  if (staffing.shifts.length === 0)
    return { problem: 'no agent works a regular weekly pattern in the calibration window' };
  const { talk, acw } = c;
  const parts: Parts = {
    w,
    demand: c.demand,
    talk,
    acw,
    patience: c.patience,
    staffing,
    work: withIdleHours(c.work, staffing.idleHours),
  };
  if (parts.demand.newCalls === 0) return { problem: 'no new call in the calibration window' };
  return {
    simulate: simulateJson(parts, o.goLivePolicy),
    handleModel: { talkSeconds: S(talk.dist), ...(acw ? { acwSeconds: S(acw.dist) } : {}) },
    window: {
      from: iso(w.from),
      to: iso(w.to),
      days: w.days.length,
      countedDays: parts.demand.countedDays,
      countedFrom: dayStart(w, clock),
      beforeGoLive: w.beforeGoLive,
    },
    methods: methods(parts),
    counts: {
      queuedCalls: c.queued,
      newCalls: parts.demand.newCalls,
      returns: c.returns,
      redials: c.redials,
      answered: c.answered,
      abandoned: c.queued - c.answered,
      agentDays: staffing.agentDays,
      agentDaysLeftOut: staffing.agentDaysLeftOut,
      workedHours: Math.round(staffing.workedHours * 10) / 10,
      idleHours: Math.round(staffing.idleHours * 10) / 10,
      awayHours: Math.round(staffing.awayHours * 10) / 10,
      otherWork: parts.work.other.byKind,
    },
  };
}
