/**
 * The records as the simulator's calls: every inbound voice contact that reached the queue (a
 * contact that ended in the flow, such as a call in closed hours, never reaches an agent and is
 * not a call to the simulator), with when it joined the queue, when it left it, whether an agent
 * answered, and when the caller was released (the end of their last transfer leg, if they were
 * transferred). Then each known caller's calls in time order, and what each call is:
 * - a **re-dial**: the caller's previous call was abandoned at most REDIAL_WINDOW_MINUTES before;
 * - a **return**: the caller's previous call was answered and released at most the lookback before;
 * - **new** otherwise (so are all calls of callers without a number).
 * Each call is caused by at most one earlier call, the one just before it, as in the simulator,
 * where an answered call may be followed by one callback and an abandoned one by one re-dial.
 */
import type { Contact } from '../contact';

/** A caller's call this soon after their abandoned call is a re-dial of it. */
export const REDIAL_WINDOW_MINUTES = 60;

export interface QueuedCall {
  contact: Contact;
  /** Epoch ms: Queue.EnqueueTimestamp, and when the call left the queue (answered or abandoned). */
  arrival: number;
  left: number;
  handled: boolean;
  /** Answered: when the caller was released (their last agent's talk ended); else when they hung up. */
  release: number;
  /** The agent the caller talked to last (a transfer leg's agent), if answered. */
  lastAgent: string | undefined;
  /** Connected transfer legs that continued this call. */
  legs: Contact[];
  kind: 'new' | 'return' | 'redial';
  /** A return or re-dial: ms from the call it follows (its release) to this call's arrival. */
  delay: number | undefined;
  /** Known callers: the caller's next call, if any. */
  next: QueuedCall | undefined;
}

const talkEnd = (c: Contact & { connected: number }) =>
  c.disconnect ?? c.connected + ((c.interaction ?? 0) + (c.hold ?? 0)) * 1000;

/** Transfer legs by the id of the inbound contact they continue (following legs of legs back). */
export function legsByRoot(all: readonly Contact[]): Map<string, Contact[]> {
  const byId = new Map(all.map((c) => [c.id, c]));
  const out = new Map<string, Contact[]>();
  for (const c of all) {
    if (c.channel !== 'VOICE' || c.method !== 'TRANSFER') continue;
    let root: Contact | undefined = c;
    for (let hops = 0; root && root.method === 'TRANSFER' && hops < 8; hops++)
      root =
        root.initialId === undefined || root.initialId === root.id ? undefined : byId.get(root.initialId);
    if (!root || root.method !== 'INBOUND') continue;
    const list = out.get(root.id) ?? [];
    list.push(c);
    out.set(root.id, list);
  }
  return out;
}

function queuedCall(c: Contact & { enqueue: number }, legs: Contact[]): QueuedCall {
  const wait = c.queueSeconds ?? ((c.connected ?? c.disconnect ?? c.enqueue) - c.enqueue) / 1000;
  const left = c.connected ?? c.enqueue + Math.max(0, wait) * 1000;
  const handled = c.connected !== undefined && c.agentArn !== undefined;
  const answeredLegs = legs
    .filter((l) => l.connected !== undefined && l.agentArn !== undefined)
    .sort((a, b) => (a.connected as number) - (b.connected as number) || a.id.localeCompare(b.id));
  const lastLeg = answeredLegs.at(-1);
  let release = left;
  if (handled) {
    release = talkEnd(c as Contact & { connected: number });
    for (const l of answeredLegs) release = Math.max(release, talkEnd(l as Contact & { connected: number }));
  }
  return {
    contact: c,
    arrival: c.enqueue,
    left,
    handled,
    release,
    lastAgent: handled ? (lastLeg?.agentArn ?? c.agentArn) : undefined,
    legs: handled ? answeredLegs : [],
    kind: 'new',
    delay: undefined,
    next: undefined,
  };
}

/** Every queued inbound voice call, oldest first (ties by ContactId), each classified. */
export function queuedCalls(all: readonly Contact[], lookbackDays: number): QueuedCall[] {
  const legs = legsByRoot(all);
  const calls = all
    .filter(
      (c): c is Contact & { enqueue: number } =>
        c.channel === 'VOICE' && c.method === 'INBOUND' && c.enqueue !== undefined,
    )
    .map((c) => queuedCall(c, legs.get(c.id) ?? []))
    .sort((a, b) => a.arrival - b.arrival || a.contact.id.localeCompare(b.contact.id));
  const lastOf = new Map<string, QueuedCall>();
  const lookback = lookbackDays * 86_400_000;
  const redialWindow = REDIAL_WINDOW_MINUTES * 60_000;
  for (const call of calls) {
    const caller = call.contact.caller;
    if (caller === undefined) continue;
    const prev = lastOf.get(caller);
    lastOf.set(caller, call);
    if (!prev) continue;
    prev.next = call;
    const since = call.arrival - prev.release;
    if (since < 0) continue;
    if (!prev.handled && since <= redialWindow) {
      call.kind = 'redial';
      call.delay = since;
    } else if (prev.handled && since <= lookback) {
      call.kind = 'return';
      call.delay = since;
    }
  }
  return calls;
}
