import type { ContactPhase, HandleModel } from '../steps/lib/decision/handle-model';
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
import type { DurationSpec } from './distributions';
import type { TraceEntry } from './model-options';
import { DecisionMemo, type PolicySpec, adaptiveDecision, routingConfigOf } from './policies';
import type { ContactQueues } from './queues';
import type { Router } from './routing';
import type { Statistics } from './statistics';
import { E_EXPIRE, E_MOVE, type Timeline } from './timeline';

type AgentQueueSpec = Extract<PolicySpec, { name: 'agent-queue' }>;

/**
 * The configuration's talk (or whole handle) and ACW distributions as the product's handle model:
 * the simulated decision reads the same distributions the simulated agents draw from, as a
 * deployment's LAST_AGENT_HANDLE_MODEL would describe its center.
 */
export function handleModelOf(talk: DurationSpec, acw: DurationSpec | undefined): HandleModel {
  const dist = (d: DurationSpec) =>
    (d.dist === 'empirical'
      ? { dist: 'empirical', quantiles: [...d.quantiles] }
      : d) as HandleModel['talkSeconds'];
  return { talkSeconds: dist(talk), ...(acw ? { acwSeconds: dist(acw) } : {}) };
}

export class FlowModes {
  private readonly decisions: DecisionMemo;

  constructor(
    private readonly policy: PolicySpec,
    /** The center's talk and ACW, as LAST_AGENT_HANDLE_MODEL would give them (adaptive preference). */
    private readonly handleModel: HandleModel | undefined,
    private readonly timeline: Timeline,
    private readonly queues: ContactQueues,
    private readonly router: Router,
    private readonly arrivals: Arrivals,
    private readonly stats: Statistics,
    private readonly trace: TraceEntry[] | undefined,
  ) {
    this.decisions = new DecisionMemo(routingConfigOf(policy));
  }

  /** Whether to prefer the last agent: the product's decision, and its adaptive rule for a busy agent. */
  private decide(last: Agent) {
    const d = this.decisions.decide(viewOf(last));
    const p = this.policy;
    if (p.name === 'none' || p.minFreeProbability === undefined || !this.handleModel) return d;
    if (d.availability !== 'BUSY' || !d.preferLastAgent || !last.call) return d;
    const now = this.timeline.now;
    const phase: ContactPhase =
      last.talkEndedAt >= 0
        ? { phase: 'acw', elapsedSeconds: now - last.talkEndedAt }
        : { phase: 'talk', elapsedSeconds: now - last.callSince };
    const window = p.name === 'preferred-agent' ? p.expirySeconds : p.maxWaitSeconds;
    const routing = routingConfigOf(p);
    return {
      ...d,
      preferLastAgent: adaptiveDecision(phase, this.handleModel, window, p.minFreeProbability, routing),
    };
  }

  /** Decides a returning call and applies the flow mode; false: normal routing. */
  routeReturning(call: Call, last: Agent): boolean {
    const d = this.decide(last);
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
