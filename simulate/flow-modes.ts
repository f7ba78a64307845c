/**
 * The routing policies' queueing mechanics (infra/contact-flow.ts) for a returning call. The
 * product's decision (policies.ts) says whether to prefer the last agent; the flow mode says how:
 * - preferred-agent: the call waits in the normal queue at its arrival place, for its last agent
 *   only, until expirySeconds; then anyone may take it, in its original place.
 * - agent-queue: with probability acceptShare the caller waits in the last agent's own queue;
 *   after maxWaitSeconds they are moved to the back of the normal queue.
 */
import { type Agent, viewOf } from './agents';
import type { Arrivals } from './arrivals';
import { type Call, W_AGENT_QUEUE, W_RESTRICTED } from './calls';
import type { TraceEntry } from './model-options';
import { DecisionMemo, type PolicySpec, routingConfigOf } from './policies';
import type { ContactQueues } from './queues';
import type { Router } from './routing';
import type { Statistics } from './statistics';
import { E_EXPIRE, E_MOVE, type Timeline } from './timeline';

type AgentQueueSpec = Extract<PolicySpec, { name: 'agent-queue' }>;

export class FlowModes {
  private readonly decisions: DecisionMemo;

  constructor(
    private readonly policy: PolicySpec,
    private readonly timeline: Timeline,
    private readonly queues: ContactQueues,
    private readonly router: Router,
    private readonly arrivals: Arrivals,
    private readonly stats: Statistics,
    private readonly trace: TraceEntry[] | undefined,
  ) {
    this.decisions = new DecisionMemo(routingConfigOf(policy));
  }

  /** Decides a returning call and applies the flow mode; false: normal routing. */
  routeReturning(call: Call, last: Agent): boolean {
    const d = this.decisions.decide(viewOf(last));
    this.stats.decided(call, d.availability);
    this.trace?.push({
      t: this.timeline.now,
      type: 'decide',
      call: call.id,
      availability: d.availability,
      preferred: d.preferLastAgent,
    });
    if (!d.preferLastAgent) return false;
    const p = this.policy;
    if (p.name === 'preferred-agent') {
      this.prefer(call, last, p.expirySeconds);
      return true;
    }
    if (p.name === 'agent-queue') return this.offerAgentQueue(call, last, p);
    return false;
  }

  /** preferred-agent: the preference step expired; the contact may go to anyone, in its original place. */
  expire(call: Call): void {
    if (call.where !== W_RESTRICTED) return;
    this.stats.expiredCall(call);
    this.trace?.push({ t: this.timeline.now, type: 'expire', call: call.id });
    this.router.reopen(call);
  }

  /** agent-queue: the wait ran out; the customer-queue flow transfers the caller to the normal queue. */
  move(call: Call): void {
    if (call.where !== W_AGENT_QUEUE) return;
    this.stats.expiredCall(call);
    this.trace?.push({ t: this.timeline.now, type: 'move', call: call.id });
    this.router.toNormalQueue(call, this.timeline.now);
  }

  /** preferred-agent: the last agent if idle, else held for them until the expiry. */
  private prefer(call: Call, last: Agent, expirySeconds: number): void {
    call.preferred = true;
    this.stats.preferredCall(call);
    if (last.idle) {
      this.router.answer(last, call);
      return;
    }
    this.queues.holdFor(last, call);
    this.timeline.push(this.timeline.now + expirySeconds, E_EXPIRE, call);
    this.queues.startWaiting(call);
  }

  /** agent-queue: the caller is asked; false when they decline (normal routing). */
  private offerAgentQueue(call: Call, last: Agent, p: AgentQueueSpec): boolean {
    if (!this.arrivals.accepts(call, p.acceptShare)) {
      this.stats.declinedCall(call);
      return false;
    }
    call.preferred = true;
    this.stats.preferredCall(call);
    if (last.idle) {
      this.router.answer(last, call);
      return true;
    }
    this.queues.joinAgentQueue(last, call);
    this.timeline.push(this.timeline.now + p.maxWaitSeconds, E_MOVE, call);
    this.queues.startWaiting(call);
    return true;
  }
}
