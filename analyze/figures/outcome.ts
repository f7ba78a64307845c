/**
 * Is the product working? From the attributes its flow stores on each contact (route, reason,
 * the last agent's ARN): how many calls it decided, how many it routed to the last agent, and of
 * those that reached an agent, the share that reached the stored agent (the dashboard's
 * Reached / (Reached + Missed)); waits by route; and the center before and after go-live (split
 * at the first decided contact).
 */
import type { Contact } from '../contact';
import { type ContactList, select } from '../contact-list';
import { LAST_AGENT_ROUTE } from '../definitions';
import { type Summary, share, summary, summaryInPlace } from '../quantiles';

export interface PeriodFigures {
  contacts: number;
  sameAgentShare: number | null;
  abandonRate: number | null;
  queueWaitSeconds: Summary;
}

export interface Outcome {
  decided: number;
  routedLastAgent: number;
  reachedLastAgentShare: number | null;
  byReason: Record<string, number>;
  queueWaitByRoute: Record<string, Summary>;
  /** The first decided contact's InitiationTimestamp (ISO), or null when nothing was decided. */
  goLive: string | null;
  beforeGoLive: PeriodFigures | null;
  afterGoLive: PeriodFigures | null;
}

/** The previous agent of each contact (by its index in the contacts), when it is returning (figures.ts decides). */
export type PreviousAgents = readonly (string | undefined)[];

/** Queue.Duration of a queued contact, answered or not. */
export const queueWait = (c: Contact): number | undefined =>
  c.enqueue === undefined ? undefined : (c.queueSeconds ?? undefined);

/** The period figures of the contacts `keep` keeps (all by default). */
export function periodFigures(
  contacts: ContactList,
  previous: PreviousAgents,
  keep: (c: Contact) => boolean = () => true,
): PeriodFigures {
  let kept = 0;
  let returningHandled = 0;
  let same = 0;
  let queued = 0;
  let abandoned = 0;
  const waits = new Float64Array(contacts.length);
  let n = 0;
  for (let i = 0; i < contacts.length; i++) {
    const c = contacts.at(i) as Contact;
    if (!keep(c)) continue;
    kept++;
    const prev = previous[i];
    if (prev !== undefined && c.connected !== undefined) {
      returningHandled++;
      if (c.agentArn === prev) same++;
    }
    if (c.enqueue !== undefined) {
      queued++;
      if (c.connected === undefined) abandoned++;
      const w = queueWait(c);
      if (w !== undefined) waits[n++] = w;
    }
  }
  return {
    contacts: kept,
    sameAgentShare: share(same, returningHandled),
    abandonRate: share(abandoned, queued),
    queueWaitSeconds: summaryInPlace(waits.subarray(0, n)),
  };
}

export function outcome(contacts: ContactList, previous: PreviousAgents): Outcome {
  const decided = select(contacts, (c) => c.route !== '');
  const routed = select(decided, (c) => c.route === LAST_AGENT_ROUTE);
  const reachedAny = select(routed, (c) => c.connected !== undefined);
  const reached = select(reachedAny, (c) => c.storedAgentArn !== '' && c.agentArn === c.storedAgentArn);
  const byReason: Record<string, number> = {};
  const waitsByRoute = new Map<string, number[]>();
  for (const c of decided) {
    if (c.reason !== '') byReason[c.reason] = (byReason[c.reason] ?? 0) + 1;
    const w = queueWait(c);
    if (w === undefined) continue;
    const list = waitsByRoute.get(c.route) ?? [];
    list.push(w);
    waitsByRoute.set(c.route, list);
  }
  let first: number | undefined;
  for (const c of decided) if (first === undefined || c.initiation < first) first = c.initiation;
  const goLive = first;
  return {
    decided: decided.length,
    routedLastAgent: routed.length,
    reachedLastAgentShare: share(reached.length, reachedAny.length),
    byReason: Object.fromEntries(Object.entries(byReason).sort(([a], [b]) => a.localeCompare(b))),
    queueWaitByRoute: Object.fromEntries(
      [...waitsByRoute].sort(([a], [b]) => a.localeCompare(b)).map(([route, w]) => [route, summary(w)]),
    ),
    goLive: goLive === undefined ? null : new Date(goLive).toISOString(),
    beforeGoLive:
      goLive === undefined ? null : periodFigures(contacts, previous, (c) => c.initiation < goLive),
    afterGoLive:
      goLive === undefined ? null : periodFigures(contacts, previous, (c) => c.initiation >= goLive),
  };
}
