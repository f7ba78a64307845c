/**
 * Who handled each caller before: every agent-connected voice contact that can be a caller's
 * **previous** contact (an inbound call, or a transfer leg, whose caller is the caller of the
 * call it continues), by caller and in the order agents were connected. Abandoned and IVR-only
 * calls have no ConnectedToAgentTimestamp and never count.
 */
import type { Contact } from '../contact';
import { CONTACT_CHANNEL, CONTACT_METHOD, LEG_METHOD } from '../definitions';

export interface PriorContact {
  connected: number;
  agentArn: string;
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
  private readonly byCaller = new Map<string, PriorContact[]>();

  constructor(contacts: readonly Contact[], callerOf: (c: Contact) => string | undefined) {
    for (const c of contacts) {
      if (c.channel !== CONTACT_CHANNEL || (c.method !== CONTACT_METHOD && c.method !== LEG_METHOD)) continue;
      if (c.connected === undefined || c.agentArn === undefined) continue;
      const caller = callerOf(c);
      if (caller === undefined) continue;
      let list = this.byCaller.get(caller);
      if (!list) {
        list = [];
        this.byCaller.set(caller, list);
      }
      list.push({ connected: c.connected, agentArn: c.agentArn });
    }
    for (const list of this.byCaller.values()) list.sort((a, b) => a.connected - b.connected);
  }

  /** The newest contact connected strictly before `before` and at or after `notBefore`. */
  previous(caller: string, before: number, notBefore: number): PriorContact | undefined {
    const list = this.byCaller.get(caller);
    if (!list) return undefined;
    // The last index with connected < before.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as PriorContact).connected < before) lo = mid + 1;
      else hi = mid;
    }
    const found = list[lo - 1];
    return found && found.connected >= notBefore ? found : undefined;
  }
}
