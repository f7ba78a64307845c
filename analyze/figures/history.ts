/**
 * Who handled each caller before: every agent-connected voice contact that can be a caller's
 * **previous** contact (an inbound call, or a transfer leg, whose caller is the caller of the
 * call it continues), by caller and in the order agents were connected; the caller's last
 * agents (the previous agent first) are read from them. Abandoned and IVR-only calls have no
 * ConnectedToAgentTimestamp and never count.
 */
import type { Contact } from '../contact';
import { CONTACT_CHANNEL, CONTACT_METHOD, KNOWN_AGENT_RANKS, LEG_METHOD } from '../definitions';

export interface PriorContact {
  connected: number;
  agentArn: string;
}

/** How many of a caller's last agents are kept: the largest k of KNOWN_AGENT_RANKS. */
const KEPT = Math.max(...KNOWN_AGENT_RANKS);

/**
 * One caller's prior contacts in the order agents were connected, and for each position i the
 * distinct agents of contacts 0…i newest first, the first KEPT of them: `last[i·KEPT + r]` is the
 * index of the r-th one's newest contact at or before i (−1: fewer agents). Built in one pass
 * (position i's list is its own agent, then position i − 1's list without that agent), so a
 * lookup is a binary search and at most KEPT reads, however often the caller called.
 */
interface CallerContacts {
  list: PriorContact[];
  last: Int32Array;
}

function lastAgents(list: readonly PriorContact[]): Int32Array {
  const last = new Int32Array(list.length * KEPT).fill(-1);
  for (let i = 0; i < list.length; i++) {
    const agent = (list[i] as PriorContact).agentArn;
    last[i * KEPT] = i;
    let r = 1;
    for (let p = 0; i > 0 && p < KEPT && r < KEPT; p++) {
      const j = last[(i - 1) * KEPT + p] as number;
      if (j < 0) break;
      if ((list[j] as PriorContact).agentArn !== agent) last[i * KEPT + r++] = j;
    }
  }
  return last;
}

/** The caller of a contact: its own number, or for a transfer leg the caller of the call it continues. */
export function callerResolver(byId: Map<string, Contact>): (c: Contact) => string | undefined {
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

export class CallerHistory {
  private readonly byCaller = new Map<string, CallerContacts>();

  constructor(contacts: readonly Contact[], callerOf: (c: Contact) => string | undefined) {
    for (const c of contacts) {
      if (c.channel !== CONTACT_CHANNEL || (c.method !== CONTACT_METHOD && c.method !== LEG_METHOD)) continue;
      if (c.connected === undefined || c.agentArn === undefined) continue;
      const caller = callerOf(c);
      if (caller === undefined) continue;
      let held = this.byCaller.get(caller);
      if (!held) {
        held = { list: [], last: new Int32Array(0) };
        this.byCaller.set(caller, held);
      }
      held.list.push({ connected: c.connected, agentArn: c.agentArn });
    }
    for (const held of this.byCaller.values()) {
      held.list.sort((a, b) => a.connected - b.connected);
      held.last = lastAgents(held.list);
    }
  }

  /**
   * The caller's last agents: the distinct agents of the contacts connected strictly before
   * `before` and at or after `notBefore`, newest first (by each agent's newest such contact), at
   * most the largest k of KNOWN_AGENT_RANKS. The first is the newest such contact: the previous
   * contact, its agent the previous agent (none: the contact is not returning).
   */
  lastAgents(caller: string, before: number, notBefore: number): PriorContact[] {
    const held = this.byCaller.get(caller);
    if (!held) return [];
    const at = this.newestBefore(held.list, before);
    const out: PriorContact[] = [];
    for (let r = 0; at >= 0 && r < KEPT; r++) {
      const j = held.last[at * KEPT + r] as number;
      // Newest first: once one is older than the lookback, so are the rest.
      if (j < 0 || (held.list[j] as PriorContact).connected < notBefore) break;
      out.push(held.list[j] as PriorContact);
    }
    return out;
  }

  /** The last index with connected < before (−1: none). */
  private newestBefore(list: readonly PriorContact[], before: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as PriorContact).connected < before) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
