/**
 * When each agent was busy and when they were working, for "was the previous agent free when
 * the returning call queued?". Busy: in a voice contact of any kind (inbound, outbound, a
 * transfer leg), from ConnectedToAgentTimestamp to AfterContactWorkEndTimestamp, or to
 * DisconnectTimestamp when there was no after-contact work (when neither is recorded, the
 * recorded durations are added to the connection time). Working: connected to some contact
 * within an hour before and within an hour after.
 */
import type { Contact } from '../contact';
import type { ContactList } from '../contact-list';
import { CONTACT_CHANNEL, WORKING_WINDOW_MINUTES } from '../definitions';
import { floatsOf, indices, sortStable } from '../typed';

/** The working window either side of a moment, in ms. */
const WINDOW = WORKING_WINDOW_MINUTES * 60_000;

/** The end of an agent's time on a contact. */
export function busyUntil(c: Contact & { connected: number }): number {
  if (c.acwEnd !== undefined) return Math.max(c.acwEnd, c.connected);
  if (c.disconnect !== undefined) return Math.max(c.disconnect, c.connected);
  return c.connected + ((c.interaction ?? 0) + (c.hold ?? 0) + (c.acw ?? 0)) * 1000;
}

/** The first index of a sorted array whose value is ≥ t. */
function lowerBound(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One agent's busy intervals (starts and ends, in parallel) and connection times, in typed arrays
 * sized by a first count (`connects` and `busy` counted, then `allocate`, then filled).
 */
class AgentTimeline {
  connectCount = 0;
  busyCount = 0;
  private starts = new Float64Array(0);
  private ends = new Float64Array(0);
  private connects = new Float64Array(0);
  /** The longest busy interval: how far back a contact containing t can start. */
  private longest = 0;

  allocate(): void {
    this.starts = new Float64Array(this.busyCount);
    this.ends = new Float64Array(this.busyCount);
    this.connects = new Float64Array(this.connectCount);
    this.busyCount = 0;
    this.connectCount = 0;
  }

  connect(t: number): void {
    this.connects[this.connectCount++] = t;
  }

  busyFor(start: number, end: number): void {
    this.starts[this.busyCount] = start;
    this.ends[this.busyCount++] = end;
  }

  /** Sorts the intervals by start, and the connections. */
  seal(): void {
    const { starts, ends } = this;
    const order = sortStable(indices(starts.length), (a, b) => (starts[a] as number) < (starts[b] as number));
    this.starts = floatsOf(order, (i) => starts[i] as number);
    this.ends = floatsOf(order, (i) => ends[i] as number);
    this.connects.sort();
    for (let i = 0; i < this.starts.length; i++)
      this.longest = Math.max(this.longest, (this.ends[i] as number) - (this.starts[i] as number));
  }

  busyAt(t: number): boolean {
    // Intervals starting at or before t, and no longer ago than the longest one.
    for (let i = lowerBound(this.starts, t + 1) - 1; i >= 0; i--) {
      const start = this.starts[i] as number;
      if (start < t - this.longest) break;
      if (start <= t && t < (this.ends[i] as number)) return true;
    }
    return false;
  }

  workingAt(t: number): boolean {
    const before = lowerBound(this.connects, t - WINDOW);
    const hasBefore = before < this.connects.length && (this.connects[before] as number) <= t;
    const after = lowerBound(this.connects, t);
    const hasAfter = after < this.connects.length && (this.connects[after] as number) <= t + WINDOW;
    return hasBefore && hasAfter;
  }
}

export class AgentTimelines {
  private readonly byAgent = new Map<string, AgentTimeline>();

  constructor(contacts: ContactList) {
    for (const c of contacts) {
      if (c.connected === undefined || c.agentArn === undefined) continue;
      let timeline = this.byAgent.get(c.agentArn);
      if (!timeline) {
        timeline = new AgentTimeline();
        this.byAgent.set(c.agentArn, timeline);
      }
      timeline.connectCount++;
      if (c.channel === CONTACT_CHANNEL) timeline.busyCount++;
    }
    for (const t of this.byAgent.values()) t.allocate();
    for (const c of contacts) {
      if (c.connected === undefined || c.agentArn === undefined) continue;
      const timeline = this.byAgent.get(c.agentArn) as AgentTimeline;
      timeline.connect(c.connected);
      if (c.channel === CONTACT_CHANNEL)
        timeline.busyFor(c.connected, busyUntil(c as Contact & { connected: number }));
    }
    for (const t of this.byAgent.values()) t.seal();
  }

  /** In no voice contact at t, and working (connected to a contact within an hour either side). */
  isFree(agentArn: string, t: number): boolean {
    const timeline = this.byAgent.get(agentArn);
    return timeline !== undefined && !timeline.busyAt(t) && timeline.workingAt(t);
  }
}
