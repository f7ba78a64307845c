/**
 * Who handled each caller before: every agent-connected voice contact that can be a caller's
 * **previous** contact (an inbound call, or a transfer leg, whose caller is the caller of the
 * call it continues), by caller and in the order agents were connected; the caller's last
 * agents (the previous agent first) are read from them. Abandoned and IVR-only calls have no
 * ConnectedToAgentTimestamp and never count.
 */
import type { Contact } from '../contact';
import type { ContactList } from '../contact-list';
import { CONTACT_CHANNEL, CONTACT_METHOD, KNOWN_AGENT_RANKS, LEG_METHOD } from '../definitions';
import { floatsOf, intsOf, sortStable } from '../typed';

export interface PriorContact {
  connected: number;
  agentArn: string;
}

/** How many of a caller's last agents are kept: the largest k of KNOWN_AGENT_RANKS. */
const KEPT = Math.max(...KNOWN_AGENT_RANKS);

/**
 * Every caller's prior contacts, callers one after another, each caller's in the order agents
 * were connected (`connected` and `agents` in parallel, an agent as its number in `names`; the
 * caller's from `from[k]` to `from[k + 1]`), and for each position i the distinct agents of the
 * caller's contacts up to i newest first, the first KEPT of them: `last[i·KEPT + r]` is the
 * position of the r-th one's newest contact at or before i (−1: fewer agents). Built in one pass
 * (position i's list is its own agent, then position i − 1's list without that agent), so a
 * lookup is a binary search and at most KEPT reads, however often the caller called. Typed
 * arrays only: no object per contact.
 */
interface PriorContacts {
  connected: Float64Array;
  agents: Int32Array;
  names: string[];
  from: Int32Array;
  last: Int32Array;
}

function lastAgents(p: Omit<PriorContacts, 'last'>): Int32Array {
  const last = new Int32Array(p.agents.length * KEPT).fill(-1);
  for (let k = 0; k + 1 < p.from.length; k++) {
    const first = p.from[k] as number;
    for (let i = first; i < (p.from[k + 1] as number); i++) {
      const agent = p.agents[i] as number;
      last[i * KEPT] = i;
      let r = 1;
      for (let q = 0; i > first && q < KEPT && r < KEPT; q++) {
        const j = last[(i - 1) * KEPT + q] as number;
        if (j < 0) break;
        if (p.agents[j] !== agent) last[i * KEPT + r++] = j;
      }
    }
  }
  return last;
}

/** The caller of a contact: its own number, or for a transfer leg the caller of the call it continues. */
export function callerResolver(byId: Pick<Map<string, Contact>, 'get'>): (c: Contact) => string | undefined {
  return (c) => {
    if (c.caller !== undefined || c.method !== LEG_METHOD) return c.caller;
    // Follow InitialContactId (or PreviousContactId) back, a few hops at most.
    let at: Contact | undefined = c;
    for (let hops = 0; at && hops < 8; hops++) {
      if (at.caller !== undefined) return at.caller;
      at = at.initialId === undefined || at.initialId === at.id ? undefined : byId.get(at.initialId);
    }
    return undefined;
  };
}

/** Positions of `keys` grouped by key (0 … n − 1), in input order within a key, and where each key's start. */
function groupBy(keys: Int32Array, n: number): { order: Int32Array; from: Int32Array } {
  const from = new Int32Array(n + 1);
  for (const k of keys) (from[k + 1] as number)++;
  for (let k = 0; k < n; k++) from[k + 1] = (from[k + 1] as number) + (from[k] as number);
  const next = from.slice(0, n);
  const order = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[(next[keys[i] as number] as number)++] = i;
  return { order, from };
}

export class CallerHistory {
  private readonly callers = new Map<string, number>();
  private readonly prior: PriorContacts;

  constructor(contacts: ContactList, callerOf: (c: Contact) => string | undefined) {
    const keys = new Int32Array(contacts.length);
    const connected = new Float64Array(contacts.length);
    const agents = new Int32Array(contacts.length);
    const numbers = new Map<string, number>();
    const names: string[] = [];
    let n = 0;
    for (const c of contacts) {
      if (c.channel !== CONTACT_CHANNEL || (c.method !== CONTACT_METHOD && c.method !== LEG_METHOD)) continue;
      if (c.connected === undefined || c.agentArn === undefined) continue;
      const caller = callerOf(c);
      if (caller === undefined) continue;
      let k = this.callers.get(caller);
      if (k === undefined) {
        k = this.callers.size;
        this.callers.set(caller, k);
      }
      keys[n] = k;
      connected[n] = c.connected;
      let a = numbers.get(c.agentArn);
      if (a === undefined) {
        a = names.length;
        names.push(c.agentArn);
        numbers.set(c.agentArn, a);
      }
      agents[n++] = a;
    }
    const { order, from } = groupBy(keys.subarray(0, n), this.callers.size);
    // Each caller's contacts by connection time; equal times keep the order they were read in.
    for (let k = 0; k < this.callers.size; k++)
      sortStable(
        order.subarray(from[k] as number, from[k + 1] as number),
        (a, b) => (connected[a] as number) < (connected[b] as number),
      );
    const sorted = {
      connected: floatsOf(order, (i) => connected[i] as number),
      agents: intsOf(order, (i) => agents[i] as number),
      names,
      from,
    };
    this.prior = { ...sorted, last: lastAgents(sorted) };
  }

  /**
   * The caller's last agents: the distinct agents of the contacts connected strictly before
   * `before` and at or after `notBefore`, newest first (by each agent's newest such contact), at
   * most the largest k of KNOWN_AGENT_RANKS. The first is the newest such contact: the previous
   * contact, its agent the previous agent (none: the contact is not returning).
   */
  lastAgents(caller: string, before: number, notBefore: number): PriorContact[] {
    const k = this.callers.get(caller);
    if (k === undefined) return [];
    const p = this.prior;
    const at = this.newestBefore(p.from[k] as number, p.from[k + 1] as number, before);
    const out: PriorContact[] = [];
    for (let r = 0; at >= 0 && r < KEPT; r++) {
      const j = p.last[at * KEPT + r] as number;
      // Newest first: once one is older than the lookback, so are the rest.
      if (j < 0 || (p.connected[j] as number) < notBefore) break;
      out.push({ connected: p.connected[j] as number, agentArn: p.names[p.agents[j] as number] as string });
    }
    return out;
  }

  /** The last position in [first, end) with connected < before (−1: none). */
  private newestBefore(first: number, end: number, before: number): number {
    let lo = first;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.prior.connected[mid] as number) < before) lo = mid + 1;
      else hi = mid;
    }
    return lo > first ? lo - 1 : -1;
  }
}
