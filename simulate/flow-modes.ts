import type { ContactPhase, HandleModel } from '../steps/lib/decision/handle-model';
/**
 * The routing policies' queueing mechanics (infra/contact-flow.ts) for a returning call. The
 * product's decision (policies.ts) says whether to prefer the last agent; the flow mode says how:
 * - preferred-agent: the call waits in the normal queue at its arrival place, for its last agent
 *   only, until expirySeconds; then anyone may take it, in its original place. With maxPreferred
 *   k > 1 (ranked preferred agents, the caller's last k distinct agents): after the last agent's
 *   ring, the other known agents the product would prefer have a second ring of
 *   knownAgentsSeconds before anyone; when the last agent is ruled out but others are preferable,
 *   those others form the first ring, for expirySeconds. The rings are fixed at the decision, as
 *   the routing criteria a flow sets are.
 * - agent-queue: with probability acceptShare the caller waits in the last agent's own queue;
 *   after maxWaitSeconds they are moved to the back of the normal queue.
 */
import { type Agent, type Staff, viewOf } from './agents';
import type { Arrivals } from './arrivals';
import { type Call, W_AGENT_QUEUE, W_ANSWERED, W_KNOWN, W_RESTRICTED } from './calls';
import type { DurationSpec } from './distributions';
import type { TraceEntry } from './model-options';
import { DecisionMemo, type PolicySpec, adaptiveDecision, routingConfigOf } from './policies';
import type { ContactQueues } from './queues';
import type { Router } from './routing';
import type { Statistics } from './statistics';
import { E_EXPIRE, E_MOVE, type Timeline } from './timeline';

type AgentQueueSpec = Extract<PolicySpec, { name: 'agent-queue' }>;
type PreferredSpec = Extract<PolicySpec, { name: 'preferred-agent' }>;

const NO_OTHERS: Agent[] = [];

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
    private readonly staff: Staff,
  ) {
    this.decisions = new DecisionMemo(routingConfigOf(policy));
  }

  /**
   * Whether to prefer an agent: the product's decision, and its adaptive rule for a busy agent
   * (the chance they are free within `windowSeconds`, the wait of the ring they would be in).
   */
  private decide(agent: Agent, windowSeconds: number) {
    const d = this.decisions.decide(viewOf(agent));
    const p = this.policy;
    if (p.name === 'none' || p.minFreeProbability === undefined || !this.handleModel) return d;
    if (d.availability !== 'BUSY' || !d.preferLastAgent || !agent.call) return d;
    const now = this.timeline.now;
    const phase: ContactPhase =
      agent.talkEndedAt >= 0
        ? { phase: 'acw', elapsedSeconds: now - agent.talkEndedAt }
        : { phase: 'talk', elapsedSeconds: now - agent.callSince };
    const routing = routingConfigOf(p);
    return {
      ...d,
      preferLastAgent: adaptiveDecision(
        phase,
        this.handleModel,
        windowSeconds,
        p.minFreeProbability,
        routing,
      ),
    };
  }

  /** Decides a returning call and applies the flow mode; false: normal routing. */
  routeReturning(call: Call, last: Agent): boolean {
    const p = this.policy;
    const d = this.decide(
      last,
      p.name === 'agent-queue' ? p.maxWaitSeconds : p.name === 'none' ? 0 : p.expirySeconds,
    );
    this.stats.decided(call, d.availability);
    this.trace?.push({
      t: this.timeline.now,
      type: 'decide',
      call: call.id,
      availability: d.availability,
      preferred: d.preferLastAgent,
    });
    if (p.name === 'preferred-agent') {
      const others = this.preferableOthers(call, p, d.preferLastAgent);
      if (d.preferLastAgent) {
        this.prefer(call, [last], p.expirySeconds, others);
        return true;
      }
      if (others.length === 0) return false;
      this.stats.othersFirstCall(call);
      this.prefer(call, others, p.expirySeconds, null);
      return true;
    }
    if (!d.preferLastAgent) return false;
    if (p.name === 'agent-queue') return this.offerAgentQueue(call, last, p);
    return false;
  }

  /**
   * The caller's other known agents the product would prefer, in rank order (up to maxPreferred
   * − 1): each decided as the last agent is, the adaptive rule with the time until their ring
   * ends, as the product's availability check: the end of the second ring (expiry + the second
   * ring's wait) when the last agent is preferred, else the end of the first.
   */
  private preferableOthers(call: Call, p: PreferredSpec, lastPreferred: boolean): Agent[] {
    const k = p.maxPreferred ?? 1;
    if (k <= 1 || call.others.length === 0) return NO_OTHERS;
    const window = lastPreferred
      ? p.expirySeconds + (p.knownAgentsSeconds ?? p.expirySeconds)
      : p.expirySeconds;
    const out: Agent[] = [];
    for (const agent of call.others) {
      if (out.length >= k - 1) break;
      if (this.decide(agent, window).preferLastAgent) out.push(agent);
    }
    return out;
  }

  /**
   * preferred-agent: the preference step expired. With a second ring still to come, the call
   * waits for the caller's other known agents for knownAgentsSeconds; else it may go to anyone,
   * in its original place.
   */
  expire(call: Call): void {
    if (call.where === W_RESTRICTED && call.ring2) {
      const ring = call.ring2;
      call.ring2 = null;
      this.stats.secondRingCall(call);
      this.trace?.push({ t: this.timeline.now, type: 'ring2', call: call.id });
      const p = this.policy as PreferredSpec;
      this.hold(call, ring, p.knownAgentsSeconds ?? p.expirySeconds, true);
      return;
    }
    if (call.where !== W_RESTRICTED && call.where !== W_KNOWN) return;
    const late = call.where === W_KNOWN;
    this.stats.expiredCall(call);
    this.trace?.push({ t: this.timeline.now, type: 'expire', call: call.id });
    this.router.reopen(call, late);
  }

  /** agent-queue: the wait ran out; the customer-queue flow transfers the caller to the normal queue. */
  move(call: Call): void {
    if (call.where !== W_AGENT_QUEUE) return;
    this.stats.expiredCall(call);
    this.trace?.push({ t: this.timeline.now, type: 'move', call: call.id });
    this.router.toNormalQueue(call, this.timeline.now);
  }

  /**
   * preferred-agent: the first ring (the last agent alone, or the other known agents when the
   * last is ruled out), and the second ring to follow it (null: none). Connect offers the call to
   * the ring's agent idle the longest; if none is idle it is held for the ring until the expiry.
   */
  private prefer(
    call: Call,
    ring: readonly Agent[],
    expirySeconds: number,
    ring2: readonly Agent[] | null,
  ): void {
    call.preferred = true;
    call.ring2 = ring2 && ring2.length > 0 ? ring2 : null;
    this.stats.preferredCall(call);
    this.hold(call, ring, expirySeconds, false);
    if (call.where === W_ANSWERED) return;
    this.queues.startWaiting(call);
  }

  /** Offers the call to the ring's agent idle the longest, else holds it for the ring until `seconds` from now. */
  private hold(call: Call, ring: readonly Agent[], seconds: number, second: boolean): void {
    const idle = ring.length === 1 ? (ring[0]?.idle ? ring[0] : null) : this.staff.longestIdleOf(ring);
    if (idle) {
      this.router.answer(idle, call);
      return;
    }
    if (second) this.queues.holdForKnown(ring, call);
    else for (const agent of ring) this.queues.holdFor(agent, call);
    this.timeline.push(this.timeline.now + seconds, E_EXPIRE, call);
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
