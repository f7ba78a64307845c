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
import { type ContactList, contactKey, contactsById, numbersOf, pick, select } from '../contact-list';
import { indices, sortStable } from '../typed';

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

/**
 * Transfer legs by the inbound contact they continue (following legs of legs back), keyed by
 * `contactKey(all)` of that contact (its ContactId, or its row when `all` is one table's rows).
 */
export function legsByRoot(all: ContactList): Map<string | number, Contact[]> {
  const byId = contactsById(all);
  const key = contactKey(all);
  const out = new Map<string | number, Contact[]>();
  for (const c of all) {
    if (c.channel !== 'VOICE' || c.method !== 'TRANSFER') continue;
    let root: Contact | undefined = c;
    for (let hops = 0; root && root.method === 'TRANSFER' && hops < 8; hops++)
      root =
        root.initialId === undefined || root.initialId === root.id ? undefined : byId.get(root.initialId);
    if (!root || root.method !== 'INBOUND') continue;
    const list = out.get(key(root)) ?? [];
    list.push(c);
    out.set(key(root), list);
  }
  return out;
}

const KINDS = ['new', 'return', 'redial'] as const;
const RETURN = 1;
const REDIAL = 2;
const NO_LEGS: readonly Contact[] = [];

/**
 * Every queued inbound voice call, oldest first (ties by ContactId), column by column: call i is
 * `contacts[i]`, with its arrival, when it left the queue, release, whether answered, its kind
 * (0 new, 1 return, 2 re-dial), delay (NaN: none), next call (−1: none) and legs (the last agent
 * is the last leg's, else the call's: `list()` says it).
 */
export class QueuedCalls {
  readonly kind: Uint8Array;
  readonly delay: Float64Array;
  readonly next: Int32Array;

  constructor(
    readonly contacts: ContactList,
    readonly arrival: Float64Array,
    readonly left: Float64Array,
    readonly release: Float64Array,
    readonly handled: Uint8Array,
    private readonly legs: ReadonlyMap<number, readonly Contact[]>,
  ) {
    this.kind = new Uint8Array(contacts.length);
    this.delay = new Float64Array(contacts.length).fill(Number.NaN);
    this.next = new Int32Array(contacts.length).fill(-1);
  }

  get length(): number {
    return this.contacts.length;
  }

  /** The answered transfer legs that continued call i (none when it was not answered). */
  legsOf(i: number): readonly Contact[] {
    return this.legs.get(i) ?? NO_LEGS;
  }

  isReturn(i: number): boolean {
    return this.kind[i] === RETURN;
  }

  isRedial(i: number): boolean {
    return this.kind[i] === REDIAL;
  }

  /** The calls that arrived in [from, to), oldest first (the calls are sorted by arrival). */
  between(from: number, to: number): Int32Array {
    const first = this.firstAtOrAfter(from);
    let end = first;
    while (end < this.length && (this.arrival[end] as number) < to) end++;
    return indices(end - first, first);
  }

  private firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.arrival[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Call i as an object (with the calls after it linked through `next`). */
  list(): QueuedCall[] {
    const out: QueuedCall[] = [];
    for (let i = 0; i < this.length; i++) {
      const delay = this.delay[i] as number;
      const contact = this.contacts.at(i) as Contact;
      out.push({
        contact,
        arrival: this.arrival[i] as number,
        left: this.left[i] as number,
        handled: this.handled[i] === 1,
        release: this.release[i] as number,
        lastAgent: this.handled[i] === 1 ? (this.legsOf(i).at(-1)?.agentArn ?? contact.agentArn) : undefined,
        legs: [...this.legsOf(i)],
        kind: KINDS[this.kind[i] as number] as QueuedCall['kind'],
        delay: Number.isNaN(delay) ? undefined : delay,
        next: undefined,
      });
    }
    for (let i = 0; i < this.length; i++) {
      const next = this.next[i] as number;
      if (next >= 0) (out[i] as QueuedCall).next = out[next];
    }
    return out;
  }
}

/** The connected legs of a call, by connection time (ties by ContactId). */
function answeredLegs(legs: readonly Contact[]): Contact[] {
  return legs
    .filter((l) => l.connected !== undefined && l.agentArn !== undefined)
    .sort((a, b) => (a.connected as number) - (b.connected as number) || a.id.localeCompare(b.id));
}

/**
 * Positions sorted by time, equal times by ContactId (whole-second timestamps make ties common):
 * the ids are read only for the positions in a tie, never inside the sort of the whole.
 */
function byTimeThenId(time: Float64Array, idOf: (i: number) => string): Int32Array {
  const order = sortStable(indices(time.length), (a, b) => (time[a] as number) < (time[b] as number));
  for (let from = 0; from < order.length; ) {
    let end = from + 1;
    while (end < order.length && time[order[end] as number] === time[order[from] as number]) end++;
    if (end - from > 1) {
      const tied = Array.from(order.subarray(from, end), (i) => ({ i, id: idOf(i) }));
      tied.sort((a, b) => a.id.localeCompare(b.id));
      order.set(
        Int32Array.from(tied, (t) => t.i),
        from,
      );
    }
    from = end;
  }
  return order;
}

/** The queued inbound voice calls, sorted, with when each left the queue and was released. */
function sortedCalls(all: ContactList): QueuedCalls {
  const legsOf = legsByRoot(all);
  const key = contactKey(all);
  const queued = select(
    all,
    (c): c is Contact & { enqueue: number } =>
      c.channel === 'VOICE' && c.method === 'INBOUND' && c.enqueue !== undefined,
  );
  const enqueue = numbersOf(queued, (c) => c.enqueue);
  const order = byTimeThenId(enqueue, (i) => (queued.at(i) as Contact).id);
  const n = order.length;
  const contacts = pick(queued, order);
  const [arrival, left, release] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const handled = new Uint8Array(n);
  const legs = new Map<number, readonly Contact[]>();
  for (let i = 0; i < n; i++) {
    const c = contacts.at(i) as Contact & { enqueue: number };
    const wait = c.queueSeconds ?? ((c.connected ?? c.disconnect ?? c.enqueue) - c.enqueue) / 1000;
    arrival[i] = c.enqueue;
    left[i] = c.connected ?? c.enqueue + Math.max(0, wait) * 1000;
    release[i] = left[i] as number;
    if (c.connected === undefined || c.agentArn === undefined) continue;
    handled[i] = 1;
    const legsOfCall = legsOf.get(key(c));
    const answered = legsOfCall === undefined ? NO_LEGS : answeredLegs(legsOfCall);
    let end = talkEnd(c as Contact & { connected: number });
    for (const l of answered) end = Math.max(end, talkEnd(l as Contact & { connected: number }));
    release[i] = end;
    if (answered.length > 0) legs.set(i, answered);
  }
  return new QueuedCalls(contacts, arrival, left, release, handled, legs);
}

/** Every queued inbound voice call, oldest first (ties by ContactId), each classified. */
export function queuedCallTable(all: ContactList, lookbackDays: number): QueuedCalls {
  const calls = sortedCalls(all);
  const lastOf = new Map<string, number>();
  const lookback = lookbackDays * 86_400_000;
  const redialWindow = REDIAL_WINDOW_MINUTES * 60_000;
  for (let i = 0; i < calls.length; i++) {
    const caller = (calls.contacts.at(i) as Contact).caller;
    if (caller === undefined) continue;
    const prev = lastOf.get(caller);
    lastOf.set(caller, i);
    if (prev === undefined) continue;
    calls.next[prev] = i;
    const since = (calls.arrival[i] as number) - (calls.release[prev] as number);
    if (since < 0) continue;
    const handled = calls.handled[prev] === 1;
    if (!handled && since <= redialWindow) {
      calls.kind[i] = REDIAL;
      calls.delay[i] = since;
    } else if (handled && since <= lookback) {
      calls.kind[i] = RETURN;
      calls.delay[i] = since;
    }
  }
  return calls;
}

/** The same calls as objects: what tests and small inputs read. */
export function queuedCalls(all: ContactList, lookbackDays: number): QueuedCall[] {
  return queuedCallTable(all, lookbackDays).list();
}

/** When each call waited: arrival and leaving the queue, from the table or from call objects. */
export function queueSpans(calls: QueuedCalls | readonly QueuedCall[]): {
  arrival: ArrayLike<number>;
  left: ArrayLike<number>;
} {
  if (calls instanceof QueuedCalls) return calls;
  return { arrival: calls.map((c) => c.arrival), left: calls.map((c) => c.left) };
}
