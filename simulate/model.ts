/**
 * The discrete-event model of a one-queue voice contact center.
 *
 * State: agents (on a contact, idle, or away on a break or off shift), the normal queue, and per
 * agent the contacts preferred to them. Events (event-queue.ts): a new call, a callback, the end
 * of a contact, a caller hanging up, a preference expiring, an agent-queue wait running out, a
 * break or a shift starting or ending. Each event costs one heap pop, O(log n) for n pending
 * events (a few hundred: one per busy agent, waiting caller and scheduled callback), plus O(1)
 * amortised queue work; a returning call adds one look-up of the product's decision (memoised
 * per agent state, see policies.ts).
 *
 * Routing follows Amazon Connect's documented rules: a contact goes to the agent idle the
 * longest; a freed agent takes the oldest contact it is eligible for (first come, first served,
 * by time in queue); a contact in an agent's own queue comes before any standard-queue contact
 * ("Contacts waiting in agent queues are higher priority than contacts waiting in standard
 * queues", admin guide, Queues: standard and agent); an agent with a next status (a break, end
 * of shift) finishes the current contact and takes no new one.
 *
 * Flow modes (infra/contact-flow.ts):
 * - none: every call joins the normal queue.
 * - preferred-agent: a call the decision routes LAST_AGENT joins the normal queue at its arrival
 *   time, but for expirySeconds only its last agent may take it (UpdateContactRoutingCriteria, one
 *   step with an expiry); other agents skip it. Then anyone may, in its original place. With
 *   maxPreferred > 1 a second step holds it for the caller's other known agents first.
 * - agent-queue: the caller is asked; with probability acceptShare they wait in the last agent's
 *   queue; after maxWaitSeconds the customer-queue flow transfers them to the normal queue as a
 *   new entry, at the back (the shipped flow's behaviour, and its honest cost).
 *
 * A contact with after-contact work has two ends: the talk (the caller is released: their
 * callback is scheduled, or their transfer leg starts) and the contact (the agent is free).
 *
 * The parts: the clock and event kinds (timeline.ts), calls (calls.ts), agents and the idle list
 * (agents.ts), shifts and breaks (agent-schedule.ts), the queues (queues.ts), Connect's routing
 * (routing.ts), the flow modes (flow-modes.ts), arrivals, callbacks and re-dials (arrivals.ts),
 * outbound calls and transfer legs (other-work.ts) and the statistics (statistics.ts).
 * `Simulation` below wires them and runs the event loop.
 */
import { AgentSchedule } from './agent-schedule';
import { type Agent, Staff } from './agents';
import { Arrivals, scheduleScript } from './arrivals';
import { type Call, CallFactory, K_INBOUND, K_TRANSFER } from './calls';
import { FlowModes, handleModelOf } from './flow-modes';
import type { ModelOptions } from './model-options';
import { OtherWork } from './other-work';
import { knownAgentsCounted } from './policies';
import { ContactQueues } from './queues';
import { Router } from './routing';
import { MeasureWindow, type PolicyStats, Statistics } from './statistics';
import {
  E_ABANDON,
  E_AWAY,
  E_BACK,
  E_BREAK,
  E_CALL,
  E_END,
  E_EXPIRE,
  E_MOVE,
  E_NEW_CALL,
  E_OUTBOUND,
  E_SHIFT_END,
  E_TALK_END,
  type Ref,
  Timeline,
} from './timeline';

export type {
  AgentPlan,
  Availability,
  ModelOptions,
  RandomSource,
  ScriptedCall,
  ShiftPlan,
  TraceEntry,
} from './model-options';
export { type PolicyStats, batchHalfWidth, t975 } from './statistics';

class Simulation {
  private readonly timeline = new Timeline();
  private readonly window: MeasureWindow;
  private readonly stats: Statistics;
  private readonly staff: Staff;
  private readonly schedule: AgentSchedule;
  private readonly queues: ContactQueues;
  private readonly calls: CallFactory;
  private readonly arrivals: Arrivals;
  private readonly router: Router;
  private readonly flowModes: FlowModes;
  private readonly work: OtherWork;
  private events = 0;

  constructor(private readonly o: ModelOptions) {
    const timeline = this.timeline;
    const r = o.random;
    this.window = new MeasureWindow(o.warmupSeconds, o.measureSeconds, o.batches);
    const counted = knownAgentsCounted(o.policy, o.knownAgentDepth ?? 1);
    const depth = Math.max(o.knownAgentDepth ?? 1, counted);
    this.stats = new Statistics(
      this.window,
      o.batches,
      o.serviceLevelSeconds,
      {
        outbound: r?.outbound !== undefined,
        transfer: r?.transfer !== undefined,
        redial: r?.redial !== undefined,
      },
      { depth, counted },
    );
    this.staff = new Staff(o.agents);
    this.schedule = new AgentSchedule(timeline, this.staff, o.startWeekday);
    this.queues = new ContactQueues(timeline);
    this.calls = new CallFactory(this.window);
    this.arrivals = new Arrivals(r, this.window, timeline, this.calls, o.startWeekday, depth);
    this.router = new Router(timeline, this.staff, this.queues, this.stats, o.trace);
    this.work = new OtherWork(r, timeline, this.staff, this.calls, this.queues, this.router, this.stats);
    this.flowModes = new FlowModes(
      o.policy,
      r && handleModelOf(r.handle, r.acw),
      timeline,
      this.queues,
      this.router,
      this.arrivals,
      this.stats,
      o.trace,
      this.staff,
    );
  }

  run(): PolicyStats {
    for (const agent of this.staff.agents) this.schedule.start(agent);
    this.arrivals.start();
    scheduleScript(this.o.script ?? [], this.staff, this.calls, this.timeline);
    this.loop();
    return this.stats.results(this.o.policy, this.events);
  }

  /** Handles events in time order; past the horizon no new calls come, and the run ends once nobody waits. */
  private loop(): void {
    const q = this.timeline;
    const end = this.window.end;
    const progress = this.o.progress;
    while (q.pop()) {
      const t = q.poppedTime;
      if (t >= end && this.queues.waitingCount === 0 && this.queues.legsWaiting === 0) break;
      this.advance(t);
      this.events++;
      if (progress !== undefined && (this.events & 0xffff) === 0) progress(t);
      this.dispatch(q.poppedKind, q.poppedRef as Ref, q.poppedArg);
    }
    this.advance(end);
  }

  private advance(t: number): void {
    const staff = this.staff;
    this.stats.advance(t, staff.busyCount, staff.idleCount, staff.outboundCount, staff.legCount);
    this.timeline.now = t;
  }

  private dispatch(kind: number, ref: Ref, arg: number): void {
    switch (kind) {
      case E_NEW_CALL:
        this.arrive(this.arrivals.newCall());
        break;
      case E_CALL:
        this.arrive(ref as Call);
        break;
      case E_END:
        this.endContact(ref as Agent);
        break;
      case E_TALK_END:
        this.endTalk(ref as Agent);
        break;
      case E_ABANDON:
        if (this.router.abandon(ref as Call)) this.arrivals.redial(ref as Call);
        break;
      case E_OUTBOUND:
        this.work.outboundDue(ref as Agent, arg);
        break;
      case E_EXPIRE:
        this.flowModes.expire(ref as Call);
        break;
      case E_MOVE:
        this.flowModes.move(ref as Call);
        break;
      case E_BREAK:
        this.schedule.breakDue(ref as Agent, arg);
        break;
      case E_BACK:
        if (this.schedule.back(ref as Agent, arg)) this.router.takeNext(ref as Agent);
        break;
      case E_SHIFT_END:
        this.schedule.shiftEnd(ref as Agent, arg);
        break;
      case E_AWAY:
        this.schedule.scriptedAway(ref as Agent, arg);
        break;
    }
  }

  /** A call arrives: a returning call is decided and routed by the flow mode, any other joins the normal queue. */
  private arrive(call: Call): void {
    this.stats.offered(call);
    this.trace?.push({
      t: call.arrival,
      type: 'arrive',
      call: call.id,
      lastAgent: call.lastAgent ? call.lastAgent.index : null,
      after: call.after >= 0 ? call.after : null,
      redial: call.redial,
    });
    const last = call.lastAgent;
    if (last && this.flowModes.routeReturning(call, last)) return;
    this.router.toNormalQueue(call, this.timeline.now);
  }

  /**
   * A contact ends: a caller still connected is released (see callerReleased), a transfer leg's
   * caller may call back later; the agent takes a pending away status, or the next contact.
   */
  private endContact(agent: Agent): void {
    const call = agent.call as Call;
    if (call.kind === K_INBOUND && !call.talkEnded) this.callerReleased(call, agent);
    else if (call.kind === K_TRANSFER) this.arrivals.callBack(call.origin as Call, agent, call.from);
    this.staff.release(agent);
    if (!this.schedule.startPending(agent)) this.router.takeNext(agent);
  }

  /** The talk of a contact with after-contact work ends: the caller is released, the agent works on. */
  private endTalk(agent: Agent): void {
    const call = agent.call as Call;
    call.talkEnded = true;
    agent.talkEndedAt = this.timeline.now;
    this.callerReleased(call, agent);
    this.timeline.push(this.timeline.now + call.acw, E_END, agent);
  }

  /** The caller leaves the agent: on to a transfer leg, or free to call back later. */
  private callerReleased(call: Call, agent: Agent): void {
    if (call.legHandle >= 0) this.work.transfer(call, agent);
    else this.arrivals.callBack(call, agent);
  }

  private get trace() {
    return this.o.trace;
  }
}

/** Runs one policy over one simulated contact center. */
export function runModel(options: ModelOptions): PolicyStats {
  if (options.batches < 1) throw new RangeError('batches must be at least 1');
  return new Simulation(options).run();
}
