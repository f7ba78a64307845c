/**
 * Amazon Connect's routing rules: a contact goes to the agent idle the longest, else waits in the
 * normal queue; a freed agent takes the oldest contact it is eligible for, its own queue first,
 * then transfer legs. An agent's other work (outbound, a transfer leg) is taken here too.
 */
import type { Agent, Staff } from './agents';
import { type Call, K_TRANSFER, W_LEG_QUEUE } from './calls';
import type { TraceEntry } from './model-options';
import type { ContactQueues } from './queues';
import type { Statistics } from './statistics';
import { E_END, E_TALK_END, type Timeline } from './timeline';

export class Router {
  constructor(
    private readonly timeline: Timeline,
    private readonly staff: Staff,
    private readonly queues: ContactQueues,
    private readonly stats: Statistics,
    private readonly trace: TraceEntry[] | undefined,
  ) {}

  /** Any agent: the one idle the longest, or the back of the normal queue. */
  toNormalQueue(call: Call, key: number): void {
    const agent = this.staff.longestIdle;
    if (agent) {
      this.answer(agent, call);
      return;
    }
    this.queues.joinOpen(call, key);
  }

  /** Any agent: the one idle the longest, or the call's original place in the normal queue (`late`: after a second ring). */
  reopen(call: Call, late = false): void {
    const agent = this.staff.longestIdle;
    if (agent) {
      this.answer(agent, call);
      return;
    }
    this.queues.release(call, late);
  }

  answer(agent: Agent, call: Call): void {
    const t = this.timeline.now;
    this.queues.answered(call);
    this.staff.seize(agent, call, t);
    const waited = t - call.arrival;
    const oldest = this.queues.oldestWaiting();
    const ahead = oldest !== undefined && oldest.arrival < call.arrival;
    this.stats.answered(call, agent, waited, ahead);
    this.trace?.push({ t, type: 'answer', call: call.id, agent: agent.index, waited, ahead });
    // With after-contact work the talk ends first (the caller is released), then the contact.
    this.timeline.push(t + call.handle, call.acw > 0 ? E_TALK_END : E_END, agent);
  }

  /** The agent takes other work (an outbound call, a transfer leg): busy for its handle time. */
  work(agent: Agent, job: Call): void {
    const t = this.timeline.now;
    if (job.where === W_LEG_QUEUE) this.queues.legAnswered(job);
    this.staff.seize(agent, job, t);
    this.stats.work(job, t - job.arrival);
    if (this.trace) {
      this.trace.push(
        job.kind === K_TRANSFER
          ? {
              t,
              type: 'leg',
              call: (job.origin as Call).id,
              agent: agent.index,
              from: job.from ? job.from.index : -1,
              waited: t - job.arrival,
            }
          : { t, type: 'outbound', agent: agent.index },
      );
    }
    this.timeline.push(t + job.handle, E_END, agent);
  }

  /** A free agent takes the next contact it may take, or becomes idle. */
  takeNext(agent: Agent): void {
    const next = this.queues.nextFor(agent);
    if (next) {
      if (next.kind === K_TRANSFER) this.work(agent, next);
      else this.answer(agent, next);
      return;
    }
    this.staff.makeIdle(agent);
  }

  /** The caller hangs up, if still waiting; true when they did. */
  abandon(call: Call): boolean {
    if (!this.queues.abandoned(call)) return false;
    this.stats.abandoned(call);
    this.trace?.push({ t: this.timeline.now, type: 'abandon', call: call.id });
    return true;
  }
}
