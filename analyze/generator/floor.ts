/**
 * The floor: the agents' states and the one inbound queue.
 *
 * Routing is FIFO to the longest-idle free agent. A contact with a preferred agent (the product's
 * LAST_AGENT route, Connect's "Set routing criteria" with an expiring step) waits in that agent's
 * own list and can be taken only by them until the step expires; then it joins the shared queue
 * at its original enqueue time. An agent who becomes free takes the earlier of the head of their
 * preferred list and the head of the shared queue. A transfer leg is never offered back to the
 * agent who transferred it. Queues and the free list are heaps with lazy removal.
 */
import type { SimContact } from './contact';
import { MinHeap } from './heap';

export type AgentStatus = 'off' | 'break' | 'idle' | 'busy' | 'after-work';

export interface AgentState {
  index: number;
  status: AgentStatus;
  /** Bumped whenever the agent stops being idle: stale free-list entries and outbound tries. */
  stamp: number;
  /** End (UTC) of the work segment the agent is in. */
  segmentEnd: number;
  /** Whether another segment starts later the same local day (a break, not the end of a shift). */
  backToday: boolean;
  outboundDay: number;
  outboundCount: number;
  preferred: MinHeap<SimContact>;
}

interface FreeEntry {
  agent: AgentState;
  stamp: number;
}

const waiting = (c: SimContact) => c.state === 'queued' || c.state === 'preferred';

export class Floor {
  readonly agents: AgentState[];
  private readonly free = new MinHeap<FreeEntry>();
  private readonly queue = new MinHeap<SimContact>();
  /** Contacts waiting (shared queue and preferred lists). */
  waitingCount = 0;

  constructor(agents: number) {
    this.agents = Array.from({ length: agents }, (_, index) => ({
      index,
      status: 'off' as AgentStatus,
      stamp: 0,
      segmentEnd: 0,
      backToday: false,
      outboundDay: -1,
      outboundCount: 0,
      preferred: new MinHeap<SimContact>(),
    }));
  }

  agent(i: number): AgentState {
    return this.agents[i] as AgentState;
  }

  /** Marks an agent free from `now` (longest idle is served first). */
  setIdle(a: AgentState, now: number): void {
    a.status = 'idle';
    a.stamp++;
    this.free.push(now, { agent: a, stamp: a.stamp });
  }

  /** Takes an idle agent out of the free list (going busy, on break or off). */
  leaveIdle(a: AgentState, status: AgentStatus): void {
    a.stamp++;
    a.status = status;
  }

  /**
   * A contact enters the queue. Returns the agent to connect now, or null when it waits (in its
   * preferred agent's list when it has one, else in the shared queue).
   */
  enqueue(c: SimContact): AgentState | null {
    this.waitingCount++;
    if (c.preferred >= 0) {
      const a = this.agent(c.preferred);
      if (a.status === 'idle') return this.take(a, c);
      c.state = 'preferred';
      a.preferred.push(c.enqueued ?? 0, c);
      return null;
    }
    const a = this.popFree(c.exclude);
    if (a) return this.take(a, c);
    c.state = 'queued';
    this.queue.push(c.enqueued ?? 0, c);
    return null;
  }

  /** The preferred step expired: the contact is offered to anyone, keeping its place in line. */
  release(c: SimContact): AgentState | null {
    if (c.state !== 'preferred') return null;
    c.preferred = -1;
    const a = this.popFree(c.exclude);
    if (a) return this.take(a, c);
    c.state = 'queued';
    this.queue.push(c.enqueued ?? 0, c);
    return null;
  }

  /** A waiting contact leaves (abandon, callback request); its heap entry goes stale. */
  leave(c: SimContact): void {
    if (waiting(c)) this.waitingCount--;
    c.state = 'done';
  }

  /** The next contact for an agent who just became free, or null. */
  next(a: AgentState): SimContact | null {
    const own = this.head(a.preferred, -1);
    const shared = this.head(this.queue, a.index);
    if (!own && !shared) return null;
    const pickOwn = own !== null && (shared === null || (own.enqueued ?? 0) <= (shared.enqueued ?? 0));
    const c = (pickOwn ? a.preferred.pop() : this.popShared(a.index)) as SimContact;
    this.waitingCount--;
    c.state = 'connected';
    return c;
  }

  private take(a: AgentState, c: SimContact): AgentState {
    this.leaveIdle(a, 'busy');
    this.waitingCount--;
    c.state = 'connected';
    return a;
  }

  private popFree(exclude: number): AgentState | null {
    let skipped: FreeEntry | null = null;
    let found: AgentState | null = null;
    let skippedKey = 0;
    while (this.free.size > 0) {
      const key = this.free.peekKey();
      const e = this.free.pop() as FreeEntry;
      if (e.stamp !== e.agent.stamp || e.agent.status !== 'idle') continue;
      if (e.agent.index === exclude && !skipped) {
        skipped = e;
        skippedKey = key;
        continue;
      }
      found = e.agent;
      break;
    }
    if (skipped) this.free.push(skippedKey, skipped);
    return found;
  }

  /** The head of a queue that is still waiting and allowed for `agent` (-1: any), dropping stale entries. */
  private head(q: MinHeap<SimContact>, agent: number): SimContact | null {
    while (q.size > 0 && !waiting(q.peek() as SimContact)) q.pop();
    const top = q.peek();
    if (!top) return null;
    if (top.exclude !== agent || agent < 0) return top;
    // The head was transferred by this agent: look one deeper.
    const key = q.peekKey();
    q.pop();
    const second = this.head(q, agent);
    q.push(key, top);
    return second;
  }

  private popShared(agent: number): SimContact | null {
    const top = this.head(this.queue, -1);
    if (!top) return null;
    this.queue.pop();
    if (top.exclude !== agent) return top;
    const second = this.popShared(agent);
    this.queue.push(top.enqueued ?? 0, top);
    return second;
  }
}
