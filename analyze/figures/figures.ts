/**
 * The center in numbers, from its de-duplicated contacts, exactly as docs/analyze.md defines
 * each figure (the --json field names are the interface). `contacts` are the inbound voice calls
 * initiated in [since, until); every record, in the window or before it, serves as history
 * (previous agents, busy agents).
 */
import { LocalClock } from '../clock';
import type { Contact } from '../contact';
import { contactsById } from '../contact-table';
import { CONTACT_CHANNEL, CONTACT_METHOD, KNOWN_AGENT_RANKS } from '../definitions';
import { type Summary, share, summary } from '../quantiles';
import { AgentTimelines } from './agents';
import { CallerHistory, callerResolver } from './history';
import { type Outcome, outcome, periodFigures, queueWait } from './outcome';
import { arrivals, staffing } from './volume';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface FigureOptions {
  lookbackDays: number;
  /** Epoch milliseconds; contacts initiated at or after since and before until. */
  since?: number | undefined;
  until?: number | undefined;
  timeZone: string;
}

export interface Figures {
  contacts: number;
  callers: number;
  handled: number;
  agents: number;
  returning: number;
  returningShare: number | null;
  sameAgentShare: number | null;
  lastAgentFreeShare: number | null;
  /** By k ("1", "2", "3"): of the returning contacts handled, the share one of the last k agents handled. */
  knownAgentShare: KnownAgentShares;
  /** By k: of the returning contacts queued, the share where one of the last k agents was free at enqueue. */
  knownAgentFreeShare: KnownAgentShares;
  returnIntervalHours: { p50: number | null; p90: number | null };
  handleTimeSeconds: Summary;
  talkSeconds: Summary;
  acwSeconds: Summary;
  queueWaitSeconds: Summary;
  abandonRate: number | null;
  arrivalsPerHour: number[];
  arrivalsPerHourByWeekday: number[][];
  staffing: number[][];
  outcome: Outcome;
}

/** A share for each k of KNOWN_AGENT_RANKS, keyed by k as text; null where nothing to count. */
export type KnownAgentShares = Record<string, number | null>;

/** Inbound voice calls initiated in the window: the contacts the figures are about. */
export function inWindow(all: readonly Contact[], o: FigureOptions): Contact[] {
  return all.filter(
    (c) =>
      c.channel === CONTACT_CHANNEL &&
      c.method === CONTACT_METHOD &&
      (o.since === undefined || c.initiation >= o.since) &&
      (o.until === undefined || c.initiation < o.until),
  );
}

/** Agent-connected contacts of any kind, connected in the window: who worked when. */
function connectedInWindow(all: readonly Contact[], o: FigureOptions): Contact[] {
  return all.filter(
    (c) =>
      c.connected !== undefined &&
      (o.since === undefined || c.connected >= o.since) &&
      (o.until === undefined || c.connected < o.until),
  );
}

interface Returning {
  previousAgent: Map<Contact, string>;
  intervalsHours: number[];
  free: number;
  queued: number;
  /** Returning contacts handled; of them, by rank r (0-based), those the r-th last agent handled. */
  handled: number;
  handledByRank: number[];
  /** Of the queued ones, by rank r, those whose first free last agent at enqueue was the r-th. */
  firstFreeByRank: number[];
}

/** The share counted at ranks below k, for each k of KNOWN_AGENT_RANKS. */
function byK(byRank: readonly number[], whole: number): KnownAgentShares {
  const below = (k: number) => byRank.slice(0, k).reduce((a, b) => a + b, 0);
  return Object.fromEntries(KNOWN_AGENT_RANKS.map((k) => [String(k), share(below(k), whole)]));
}

/**
 * Which contacts are returning, their previous agent, whether that agent was free at enqueue, and
 * the same for the caller's last agents (knownAgentShare, knownAgentFreeShare).
 */
function returningContacts(
  all: readonly Contact[],
  contacts: readonly Contact[],
  lookbackDays: number,
): Returning {
  const history = new CallerHistory(all, callerResolver(contactsById(all)));
  const timelines = new AgentTimelines(all);
  const ranks = Math.max(...KNOWN_AGENT_RANKS);
  const r: Returning = {
    previousAgent: new Map(),
    intervalsHours: [],
    free: 0,
    queued: 0,
    handled: 0,
    handledByRank: new Array<number>(ranks).fill(0),
    firstFreeByRank: new Array<number>(ranks).fill(0),
  };
  for (const c of contacts) {
    if (c.caller === undefined) continue;
    const known = history.lastAgents(c.caller, c.initiation, c.initiation - lookbackDays * DAY);
    const prev = known[0];
    if (!prev) continue;
    r.previousAgent.set(c, prev.agentArn);
    r.intervalsHours.push((c.initiation - prev.connected) / HOUR);
    if (c.connected !== undefined) {
      r.handled++;
      const rank = known.findIndex((k) => k.agentArn === c.agentArn);
      if (rank >= 0) (r.handledByRank[rank] as number)++;
    }
    const enqueue = c.enqueue;
    if (enqueue !== undefined) {
      r.queued++;
      const rank = known.findIndex((k) => timelines.isFree(k.agentArn, enqueue));
      if (rank === 0) r.free++;
      if (rank >= 0) (r.firstFreeByRank[rank] as number)++;
    }
  }
  return r;
}

function handleTimes(handled: readonly Contact[]) {
  const talk = handled.map((c) => (c.interaction ?? 0) + (c.hold ?? 0));
  const acw = handled.map((c) => c.acw ?? 0);
  return {
    handleTimeSeconds: summary(talk.map((t, i) => t + (acw[i] as number))),
    talkSeconds: summary(talk),
    acwSeconds: summary(acw),
  };
}

export function computeFigures(all: readonly Contact[], o: FigureOptions): Figures {
  const contacts = inWindow(all, o);
  const known = contacts.filter((c) => c.caller !== undefined);
  const handled = contacts.filter((c) => c.connected !== undefined);
  const returning = returningContacts(all, contacts, o.lookbackDays);
  const previousAgent = (c: Contact) => returning.previousAgent.get(c);
  const period = periodFigures(contacts, previousAgent);
  const clock = new LocalClock(o.timeZone);
  const volume = arrivals(contacts, clock);
  const interval = summary(returning.intervalsHours);
  return {
    contacts: contacts.length,
    callers: new Set(known.map((c) => c.caller)).size,
    handled: handled.length,
    agents: new Set(handled.map((c) => c.agentArn).filter((a) => a !== undefined)).size,
    returning: returning.previousAgent.size,
    returningShare: share(returning.previousAgent.size, known.length),
    sameAgentShare: period.sameAgentShare,
    lastAgentFreeShare: share(returning.free, returning.queued),
    knownAgentShare: byK(returning.handledByRank, returning.handled),
    knownAgentFreeShare: byK(returning.firstFreeByRank, returning.queued),
    returnIntervalHours: { p50: interval.p50, p90: interval.p90 },
    ...handleTimes(handled),
    queueWaitSeconds: summary(contacts.map(queueWait).filter((w) => w !== undefined)),
    abandonRate: period.abandonRate,
    arrivalsPerHour: volume.arrivalsPerHour,
    arrivalsPerHourByWeekday: volume.arrivalsPerHourByWeekday,
    staffing: staffing(connectedInWindow(all, o), clock, volume.daysByWeekday),
    outcome: outcome(contacts, previousAgent),
  };
}
