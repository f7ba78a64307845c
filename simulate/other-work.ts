/**
 * Agents' work besides answering customers' calls, which takes agents away from the queue:
 * - outbound calls: an idle agent starts one at `perIdleAgentHour` (Poisson while idle: a timer
 *   drawn whenever the agent becomes idle, stale once it is not idle any more, which is exact
 *   because the exponential is memoryless); a waiting call always goes first, since a freed
 *   agent takes the queue before becoming idle;
 * - transfer legs: when the talk of a call chosen for transfer ends, the caller continues to
 *   another agent: the agent idle the longest other than the first, else the leg waits ahead of
 *   the normal queue (it never hangs up). In a center of a single agent, that agent takes it.
 * Each draws from its own seeded streams.
 */
import type { Agent, Staff } from './agents';
import { type Call, type CallFactory, K_OUTBOUND, K_TRANSFER } from './calls';
import { Rng, type Sampler, sampler } from './distributions';
import type { RandomSource } from './model-options';
import type { ContactQueues } from './queues';
import type { Router } from './routing';
import type { Statistics } from './statistics';
import { E_OUTBOUND, type Timeline } from './timeline';

export class OtherWork {
  private readonly outboundGap: Rng | undefined;
  private readonly outboundHandle: Rng | undefined;
  private readonly outboundSampler: Sampler | undefined;
  /** Mean idle seconds between an agent's outbound calls. */
  private readonly outboundMean: number;

  constructor(
    random: RandomSource | undefined,
    private readonly timeline: Timeline,
    private readonly staff: Staff,
    private readonly calls: CallFactory,
    private readonly queues: ContactQueues,
    private readonly router: Router,
    private readonly stats: Statistics,
  ) {
    const outbound = random?.outbound;
    this.outboundMean = outbound && outbound.perIdleAgentHour > 0 ? 3600 / outbound.perIdleAgentHour : 0;
    if (random && outbound && this.outboundMean > 0) {
      this.outboundGap = new Rng(random.seed, 'outbound');
      this.outboundHandle = new Rng(random.seed, 'outbound/handle');
      this.outboundSampler = sampler(outbound.handle);
      staff.onIdle = (agent) => this.idle(agent);
    }
  }

  /** An agent's outbound call is due: started if the agent is still in the same idle period. */
  outboundDue(agent: Agent, idleSeq: number): void {
    if (!agent.idle || agent.idleSeq !== idleSeq) return;
    const handle = (this.outboundSampler as Sampler)(this.outboundHandle as Rng);
    this.router.work(agent, this.calls.work(K_OUTBOUND, this.timeline.now, handle, null, null));
  }

  /** The talk of `call` (answered by `from`) ended and it continues as a transfer leg. */
  transfer(call: Call, from: Agent): void {
    const not = this.staff.agents.length > 1 ? from : null;
    const leg = this.calls.work(K_TRANSFER, this.timeline.now, call.legHandle, call, not);
    this.stats.legStarted(leg);
    const agent = this.staff.longestIdleExcept(not);
    if (agent) this.router.work(agent, leg);
    else this.queues.joinLegs(leg);
  }

  /** The agent became idle: its next outbound call drawn (exponential idle time). */
  private idle(agent: Agent): void {
    const gap = -this.outboundMean * Math.log((this.outboundGap as Rng).uniform());
    this.timeline.push(this.timeline.now + gap, E_OUTBOUND, agent, agent.idleSeq);
  }
}
