/**
 * When each agent was busy and when they were working, for "was the previous agent free when
 * the returning call queued?". Busy: in a voice contact of any kind (inbound, outbound, a
 * transfer leg), from ConnectedToAgentTimestamp to AfterContactWorkEndTimestamp, or to
 * DisconnectTimestamp when there was no after-contact work (when neither is recorded, the
 * recorded durations are added to the connection time). Working: connected to some contact
 * within an hour before and within an hour after.
 */
import type { Contact } from '../contact';
import { CONTACT_CHANNEL, WORKING_WINDOW_MINUTES } from '../definitions';

/** The working window either side of a moment, in ms. */
const WINDOW = WORKING_WINDOW_MINUTES * 60_000;

export interface Interval {
  start: number;
  end: number;
}

/** The end of an agent's time on a contact. */
export function busyUntil(c: Contact & { connected: number }): number {
  if (c.acwEnd !== undefined) return Math.max(c.acwEnd, c.connected);
  if (c.disconnect !== undefined) return Math.max(c.disconnect, c.connected);
  return c.connected + ((c.interaction ?? 0) + (c.hold ?? 0) + (c.acw ?? 0)) * 1000;
}

/** The first index of a sorted array whose value is ≥ t. */
function lowerBound(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class AgentTimeline {
  readonly busy: Interval[] = [];
  readonly connects: number[] = [];
  /** The longest busy interval: how far back a contact containing t can start. */
  longest = 0;
  starts: number[] = [];

  seal(): void {
    this.busy.sort((a, b) => a.start - b.start);
    this.starts = this.busy.map((b) => b.start);
    this.connects.sort((a, b) => a - b);
    for (const b of this.busy) this.longest = Math.max(this.longest, b.end - b.start);
  }

  busyAt(t: number): boolean {
    // Intervals starting at or before t, and no longer ago than the longest one.
    for (let i = lowerBound(this.starts, t + 1) - 1; i >= 0; i--) {
      const b = this.busy[i] as Interval;
      if (b.start < t - this.longest) break;
      if (b.start <= t && t < b.end) return true;
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

  constructor(contacts: readonly Contact[]) {
    for (const c of contacts) {
      if (c.connected === undefined || c.agentArn === undefined) continue;
      let timeline = this.byAgent.get(c.agentArn);
      if (!timeline) {
        timeline = new AgentTimeline();
        this.byAgent.set(c.agentArn, timeline);
      }
      timeline.connects.push(c.connected);
      if (c.channel === CONTACT_CHANNEL)
        timeline.busy.push({ start: c.connected, end: busyUntil(c as Contact & { connected: number }) });
    }
    for (const t of this.byAgent.values()) t.seal();
  }

  /** In no voice contact at t, and working (connected to a contact within an hour either side). */
  isFree(agentArn: string, t: number): boolean {
    const timeline = this.byAgent.get(agentArn);
    return timeline !== undefined && !timeline.busyAt(t) && timeline.workingAt(t);
  }
}
