/**
 * Calls: where a call is (its `where` state), the order of the normal queue, and the making of
 * new calls with their place in the measured window. An agent's other work (an outbound call, a
 * transfer leg) is a Call too, of another kind, so an agent's contact is always one object.
 */
import type { Agent } from './agents';
import type { MeasureWindow } from './statistics';

// Where a call is.
export const W_NONE = 0;
export const W_OPEN = 1; // normal queue, any agent (entered at arrival or moved from an agent queue)
export const W_EXPIRED = 2; // normal queue, preference expired: any agent, at its original place
export const W_RESTRICTED = 3; // normal queue, only its last agent (preference running)
export const W_AGENT_QUEUE = 4; // the last agent's own queue
export const W_ANSWERED = 5;
export const W_ABANDONED = 6;
export const W_LEG_QUEUE = 7; // a transfer leg waiting for an agent other than the first
export const W_KNOWN = 8; // normal queue, only the caller's other known agents (the second ring)

// What a contact is.
export const K_INBOUND = 0; // a call from a customer (new, callback or re-dial)
export const K_OUTBOUND = 1; // an outbound call an idle agent makes (outboundWork)
export const K_TRANSFER = 2; // the transfer leg of an answered call (transferWork)

export interface Call {
  id: number;
  kind: number;
  arrival: number;
  /** Seconds the caller is connected (talk); the agent is busy `handle + acw`. Other work: its handle time. */
  handle: number;
  /** After-contact work (s): the agent stays busy after the caller is released; 0: none. */
  acw: number;
  /** Handle time of the transfer leg that continues this call when its talk ends; < 0: none. */
  legHandle: number;
  abandonAt: number;
  /** Seconds after the end of this call when the customer calls back; < 0: never. */
  returnAfter: number;
  lastAgent: Agent | null;
  /**
   * The caller's other known agents, newest first: the distinct agents of their earlier answered
   * calls after `lastAgent`, at most the run's depth − 1 (NO_AGENTS when it keeps only the last).
   */
  others: readonly Agent[];
  /** preferred-agent with ranked agents: the second ring, for when the first expires; null: none. */
  ring2: readonly Agent[] | null;
  /** The id of the call this one follows (a callback's answered call, a re-dial's abandoned one); -1: none. */
  after: number;
  redial: boolean;
  /** Two-phase contacts (acw > 0): the caller has been released, the agent is in after-contact work. */
  talkEnded: boolean;
  /** A transfer leg: the call it continues. */
  origin: Call | null;
  /** A transfer leg: the agent it must not go to (the first agent); null: any. */
  from: Agent | null;
  accepts: boolean | undefined;
  where: number;
  /** Place in the normal queue (time it entered it); ties broken by id. */
  key: number;
  preferred: boolean;
  measured: boolean;
  batch: number;
}

export const isRestricted = (c: Call) => c.where === W_RESTRICTED;
export const isInAgentQueue = (c: Call) => c.where === W_AGENT_QUEUE;
export const isOpen = (c: Call) => c.where === W_OPEN;
export const isExpired = (c: Call) => c.where === W_EXPIRED;
export const isKnown = (c: Call) => c.where === W_KNOWN;
export const isWaiting = (c: Call) => (c.where >= W_OPEN && c.where <= W_AGENT_QUEUE) || c.where === W_KNOWN;

/** No other known agents (shared: most calls have none). */
export const NO_AGENTS: readonly Agent[] = Object.freeze([]);

/**
 * The known agents after `agent` for the caller's next call: `before` (a transfer's first agent),
 * then the call's last agent and its others, distinct, without `agent`, at most `depth` − 1.
 */
export function othersAfter(agent: Agent, before: Agent | null, call: Call, depth: number): readonly Agent[] {
  if (depth <= 1) return NO_AGENTS;
  const out: Agent[] = [];
  const add = (a: Agent | null) => {
    if (a && a !== agent && out.length < depth - 1 && !out.includes(a)) out.push(a);
  };
  add(before);
  add(call.lastAgent);
  for (const a of call.others) add(a);
  return out.length > 0 ? out : NO_AGENTS;
}

/** Normal-queue order: `a` entered before `b` (ties: the older call). */
export function before(a: Call, b: Call): boolean {
  return a.key < b.key || (a.key === b.key && a.id < b.id);
}

/** Makes calls with consecutive ids; a call is measured if it arrives in the measured window. */
export class CallFactory {
  private nextId = 0;

  constructor(private readonly window: MeasureWindow) {}

  create(at: number, handle: number, patience: number | null, returnAfter: number): Call {
    const measured = this.window.contains(at);
    return {
      id: this.nextId++,
      kind: K_INBOUND,
      arrival: at,
      handle,
      acw: 0,
      legHandle: -1,
      abandonAt: patience === null ? Number.POSITIVE_INFINITY : at + patience,
      returnAfter,
      lastAgent: null,
      others: NO_AGENTS,
      ring2: null,
      after: -1,
      redial: false,
      talkEnded: false,
      origin: null,
      from: null,
      accepts: undefined,
      where: W_NONE,
      key: at,
      preferred: false,
      measured,
      batch: measured ? this.window.batchOf(at) : -1,
    };
  }

  /**
   * An agent's other work at `at`: an outbound call, or the transfer leg of `origin` (which it
   * measures with). Id -1: it takes no id, so the customers' calls are numbered as without it.
   */
  work(kind: number, at: number, handle: number, origin: Call | null, from: Agent | null): Call {
    const measured = origin ? origin.measured : this.window.contains(at);
    return {
      id: -1,
      kind,
      arrival: at,
      handle,
      acw: 0,
      legHandle: -1,
      abandonAt: Number.POSITIVE_INFINITY,
      returnAfter: -1,
      lastAgent: null,
      others: NO_AGENTS,
      ring2: null,
      after: -1,
      redial: false,
      talkEnded: false,
      origin,
      from,
      accepts: undefined,
      where: W_NONE,
      key: at,
      preferred: false,
      measured,
      batch: measured ? this.window.batchOf(origin ? origin.arrival : at) : -1,
    };
  }

  /** Later calls get ids from `count` on (scripted calls keep ids 0 … count − 1). */
  reserve(count: number): void {
    this.nextId = Math.max(this.nextId, count);
  }
}
