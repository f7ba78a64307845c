/**
 * The center in numbers, from its de-duplicated contacts, exactly as docs/analyze.md defines
 * each figure (the --json field names are the interface). `contacts` are the inbound voice calls
 * initiated in [since, until); every record, in the window or before it, serves as history
 * (previous agents, busy agents).
 */
import { LocalClock } from '../clock';
import type { Contact } from '../contact';
import { type ContactList, contactsById, select } from '../contact-list';
import { CONTACT_CHANNEL, CONTACT_METHOD, KNOWN_AGENT_RANKS } from '../definitions';
import { releasePhaseMemory } from '../memory';
import { type Summary, share, summaryInPlace } from '../quantiles';
import { AgentTimelines } from './agents';
import { CallerHistory, callerResolver } from './history';
import { type Outcome, outcome, periodFigures } from './outcome';
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
export function inWindow(all: ContactList, o: FigureOptions): ContactList {
  return select(
    all,
    (c) =>
      c.channel === CONTACT_CHANNEL &&
      c.method === CONTACT_METHOD &&
      (o.since === undefined || c.initiation >= o.since) &&
      (o.until === undefined || c.initiation < o.until),
  );
}

/** Agent-connected contacts of any kind, connected in the window: who worked when. */
function connectedInWindow(o: FigureOptions): (c: Contact) => boolean {
  return (c) =>
    c.connected !== undefined &&
    (o.since === undefined || c.connected >= o.since) &&
    (o.until === undefined || c.connected < o.until);
}

interface Returning {
  /** By index in the contacts: the previous agent of a returning contact; and how many are returning. */
  previous: (string | undefined)[];
  count: number;
  /** The first `count`: each returning contact's hours since its previous contact. */
  intervalsHours: Float64Array;
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
function returningContacts(all: ContactList, contacts: ContactList, lookbackDays: number): Returning {
  const history = new CallerHistory(all, callerResolver(contactsById(all)));
  const timelines = new AgentTimelines(all);
  const ranks = Math.max(...KNOWN_AGENT_RANKS);
  const r: Returning = {
    previous: new Array<string | undefined>(contacts.length).fill(undefined),
    count: 0,
    intervalsHours: new Float64Array(contacts.length),
    free: 0,
    queued: 0,
    handled: 0,
    handledByRank: new Array<number>(ranks).fill(0),
    firstFreeByRank: new Array<number>(ranks).fill(0),
  };
  for (let i = 0; i < contacts.length; i++) {
    const c = contacts.at(i) as Contact;
    if (c.caller === undefined) continue;
    const known = history.lastAgents(c.caller, c.initiation, c.initiation - lookbackDays * DAY);
    const prev = known[0];
    if (!prev) continue;
    r.previous[i] = prev.agentArn;
    r.intervalsHours[r.count++] = (c.initiation - prev.connected) / HOUR;
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

/** Callers, handled contacts, their agents and handle times, in one pass over the contacts. */
function handling(contacts: ContactList) {
  const callers = new Set<string>();
  const agents = new Set<string>();
  const talk = new Float64Array(contacts.length);
  const acw = new Float64Array(contacts.length);
  let known = 0;
  let handled = 0;
  for (const c of contacts) {
    if (c.caller !== undefined) {
      known++;
      callers.add(c.caller);
    }
    if (c.connected === undefined) continue;
    if (c.agentArn !== undefined) agents.add(c.agentArn);
    talk[handled] = (c.interaction ?? 0) + (c.hold ?? 0);
    acw[handled++] = c.acw ?? 0;
  }
  return { known, callers: callers.size, handled, agents: agents.size, ...handleTimes(talk, acw, handled) };
}

/** The three summaries; talk and acw are this function's to sort (the handle times are summed first). */
function handleTimes(allTalk: Float64Array, allAcw: Float64Array, n: number) {
  const talk = allTalk.subarray(0, n);
  const acw = allAcw.subarray(0, n);
  const handleTimeSeconds = summaryInPlace(talk.map((t, i) => t + (acw[i] as number)));
  return { handleTimeSeconds, talkSeconds: summaryInPlace(talk), acwSeconds: summaryInPlace(acw) };
}

export function computeFigures(all: ContactList, o: FigureOptions): Figures {
  const contacts = inWindow(all, o);
  const h = handling(contacts);
  const returning = returningContacts(all, contacts, o.lookbackDays);
  // The callers' histories and the agents' timelines are garbage now: freed before the rest.
  releasePhaseMemory(all.length);
  const period = periodFigures(contacts, returning.previous);
  const clock = new LocalClock(o.timeZone);
  const volume = arrivals(contacts, clock);
  const interval = summaryInPlace(returning.intervalsHours.subarray(0, returning.count));
  const figures: Figures = {
    contacts: contacts.length,
    callers: h.callers,
    handled: h.handled,
    agents: h.agents,
    returning: returning.count,
    returningShare: share(returning.count, h.known),
    sameAgentShare: period.sameAgentShare,
    lastAgentFreeShare: share(returning.free, returning.queued),
    knownAgentShare: byK(returning.handledByRank, returning.handled),
    knownAgentFreeShare: byK(returning.firstFreeByRank, returning.queued),
    returnIntervalHours: { p50: interval.p50, p90: interval.p90 },
    handleTimeSeconds: h.handleTimeSeconds,
    talkSeconds: h.talkSeconds,
    acwSeconds: h.acwSeconds,
    // The whole period's: the same waits, in the same order, as the figure over all contacts.
    queueWaitSeconds: period.queueWaitSeconds,
    abandonRate: period.abandonRate,
    arrivalsPerHour: volume.arrivalsPerHour,
    arrivalsPerHourByWeekday: volume.arrivalsPerHourByWeekday,
    staffing: staffing(all, clock, volume.daysByWeekday, connectedInWindow(o)),
    outcome: outcome(contacts, returning.previous),
  };
  // The working arrays of the figures are garbage now; the calibration comes next.
  releasePhaseMemory(all.length);
  return figures;
}
