/**
 * The discrete-event contact center behind the generated records.
 *
 * Agents work rostered shifts (center.ts) split by a break; calls and chats arrive by local
 * weekday and hour (arrivals.ts) into one queue, served FIFO by the longest-idle free agent
 * (floor.ts). Callers have a patience: those who run out abandon, and many re-dial minutes later.
 * Handled callers sometimes come back hours or days later. Some calls are transferred to a second
 * agent (a second record linked by PreviousContactId / NextContactId / InitialContactId), some
 * have holds, all have after-contact work. When the queue is long, some callers ask for a queued
 * callback (a CALLBACK contact an agent dials later). Idle agents sometimes make outbound calls,
 * often to callers who abandoned. After the go-live day the product's flow stores its attributes
 * and prefers the caller's last agent for a bounded wait (product.ts). Calls in closed hours hear
 * a message and end in the flow. All times are whole UTC seconds; the clock is local (clock.ts).
 */
import { ArrivalPlan } from './arrivals';
import { CallerPool } from './callers';
import { type CenterShape, type WorkSegment, roster } from './center';
import { LocalClock } from './clock';
import { type Channel, type SimContact, newContact } from './contact';
import { type AgentState, Floor } from './floor';
import { MinHeap } from './heap';
import { ATTRIBUTES, decideRoute } from './product';
import { Stream } from './random';
import { type Instance, instanceFor } from './records';

type Event =
  | { kind: 'hour'; day: number; hour: number }
  | { kind: 'arrive'; channel: Channel; caller: number }
  | {
      kind: 'enqueue' | 'abandon' | 'expire' | 'callback' | 'talk-end' | 'after-work-end';
      contact: SimContact;
    }
  | { kind: 'segment-start'; agent: AgentState; segments: WorkSegment[]; i: number }
  | { kind: 'segment-end'; agent: AgentState }
  | { kind: 'outbound'; agent: AgentState; stamp: number };

export interface SimulatedCenter {
  shape: CenterShape;
  clock: LocalClock;
  callers: CallerPool;
  instance: Instance;
  /** Every contact, in the order it finished (records are delivered after that). */
  contacts: SimContact[];
}

const isWaiting = (c: SimContact) => c.state === 'queued' || c.state === 'preferred';

class CenterModel {
  readonly clock: LocalClock;
  readonly callers: CallerPool;
  readonly instance: Instance;
  readonly contacts: SimContact[] = [];
  private readonly floor: Floor;
  private readonly plan: ArrivalPlan;
  private readonly events = new MinHeap<Event>();
  private readonly ids: Stream;
  private readonly service: Stream;
  private readonly behaviour: Stream;
  private readonly lastAgent: Int32Array;
  private readonly lastAt: Float64Array;
  private readonly abandoned: { caller: number; at: number }[] = [];
  private abandonedHead = 0;
  private readonly end: number;

  constructor(readonly shape: CenterShape) {
    this.clock = new LocalClock(shape.timeZone, shape.start);
    this.callers = new CallerPool(shape.callerPool, shape.withheldShare, shape.seed);
    this.instance = instanceFor(shape.seed, shape.agents);
    this.floor = new Floor(shape.agents);
    this.plan = new ArrivalPlan(shape, this.clock, this.callers);
    this.ids = new Stream(shape.seed, 'ids');
    this.service = new Stream(shape.seed, 'service');
    this.behaviour = new Stream(shape.seed, 'behaviour');
    this.lastAgent = new Int32Array(shape.callerPool).fill(-1);
    this.lastAt = new Float64Array(shape.callerPool);
    this.end = this.clock.toUtc(shape.days, 0);
  }

  run(): void {
    this.at(this.clock.toUtc(0, 0), { kind: 'hour', day: 0, hour: 0 });
    const segments = roster(this.shape, (d) => this.clock.weekday(d));
    segments.forEach((list, a) => {
      const first = list[0];
      if (first) this.at(this.clock.toUtc(first.day, first.start), this.segmentStart(a, list, 0));
    });
    while (this.events.size > 0) {
      const t = this.events.peekKey();
      this.handle(this.events.pop() as Event, t);
    }
  }

  private segmentStart(a: number, segments: WorkSegment[], i: number): Event {
    return { kind: 'segment-start', agent: this.floor.agent(a), segments, i };
  }

  private at(t: number, e: Event): void {
    this.events.push(t, e);
  }

  private handle(e: Event, t: number): void {
    switch (e.kind) {
      case 'hour':
        this.hour(e.day, e.hour, t);
        break;
      case 'arrive':
        this.arrive(e.channel, e.caller, t);
        break;
      case 'enqueue':
        this.enqueue(e.contact, t);
        break;
      case 'abandon':
        this.abandon(e.contact, t);
        break;
      case 'expire': {
        const a = this.floor.release(e.contact);
        if (a) this.connect(a, e.contact, t);
        break;
      }
      case 'callback':
        this.callbackRequested(e.contact, t);
        break;
      case 'talk-end':
        this.talkEnd(e.contact, t);
        break;
      case 'after-work-end':
        this.finish(e.contact);
        this.available(this.floor.agent(e.contact.agent), t);
        break;
      case 'segment-start':
        this.startWork(e.agent, e.segments, e.i, t);
        break;
      case 'segment-end':
        if (e.agent.status === 'idle') this.floor.leaveIdle(e.agent, e.agent.backToday ? 'break' : 'off');
        break;
      case 'outbound':
        this.outbound(e.agent, e.stamp, t);
        break;
    }
  }

  private hour(day: number, hour: number, t: number): void {
    for (const a of this.plan.hour(day, hour)) this.at(Math.max(t, a.at), { kind: 'arrive', ...a });
    const next = hour === 23 ? { day: day + 1, hour: 0 } : { day, hour: hour + 1 };
    if (next.day < this.shape.days)
      this.at(Math.max(t, this.clock.toUtc(next.day, next.hour * 3600)), { kind: 'hour', ...next });
  }

  private arrive(channel: Channel, caller: number, t: number): void {
    const c = newContact(this.ids.uuid(), channel, channel === 'CHAT' ? 'API' : 'INBOUND', caller, t);
    c.connectedToSystem = t;
    if (!this.plan.isOpen(t)) {
      // Hours of operation closed: the flow plays the message and disconnects; no queue.
      c.disconnected = t + this.behaviour.between(15, 45);
      c.reason = 'CONTACT_FLOW_DISCONNECT';
      c.outcome = 'closed';
      this.finish(c);
      return;
    }
    const [lo, hi] = channel === 'CHAT' ? [2, 8] : this.shape.flowSeconds;
    this.at(t + this.behaviour.between(lo, hi), { kind: 'enqueue', contact: c });
  }

  private enqueue(c: SimContact, t: number): void {
    c.enqueued = t;
    if (c.method === 'INBOUND' && c.channel === 'VOICE' && this.live(t)) this.decide(c, t);
    const s = this.shape;
    const patience = this.behaviour.seconds(c.channel === 'CHAT' ? s.chatPatience : s.patience, 3);
    this.at(t + patience * (c.method === 'TRANSFER' ? 2 : 1), { kind: 'abandon', contact: c });
    const offerCallback =
      c.method === 'INBOUND' &&
      c.channel === 'VOICE' &&
      s.callbackAccept > 0 &&
      this.callers.presentation(c.caller) === 'number' &&
      this.floor.waitingCount >= s.callbackQueueLength &&
      this.plan.closingOf(t) - t > 3600 &&
      this.behaviour.chance(s.callbackAccept);
    if (offerCallback) this.at(t + this.behaviour.between(25, 45), { kind: 'callback', contact: c });
    const a = this.floor.enqueue(c);
    if (a) this.connect(a, c, t);
    else if (c.state === 'preferred') this.at(t + s.preferredSeconds, { kind: 'expire', contact: c });
  }

  private live(t: number): boolean {
    return this.shape.goLiveDay !== null && this.clock.dayOf(t) >= this.shape.goLiveDay;
  }

  /** The product's flow: look up the caller's last agent, store the attributes, maybe prefer them. */
  private decide(c: SimContact, t: number): void {
    const last = this.lastAgent[c.caller] as number;
    const status = last >= 0 ? this.floor.agent(last).status : null;
    const d = decideRoute(
      this.shape,
      this.callers.presentation(c.caller),
      { agent: last, at: this.lastAt[c.caller] as number },
      status,
      t,
    );
    c.attributes[ATTRIBUTES.route] = d.route;
    c.attributes[ATTRIBUTES.reason] = d.reason;
    if (d.lastAgent >= 0)
      c.attributes[ATTRIBUTES.agentArn] = this.instance.agents[d.lastAgent]?.arn as string;
    if (d.route === 'LAST_AGENT') c.preferred = d.lastAgent;
  }

  private connect(a: AgentState, c: SimContact, t: number): void {
    const s = this.shape;
    a.status = 'busy';
    c.dequeued = t;
    c.agent = a.index;
    c.connectedToAgent = t;
    const voice = c.channel === 'VOICE';
    // A queued callback: the agent dials when the contact is routed; the customer answers later.
    const ring = c.method === 'CALLBACK' ? this.service.between(5, 20) : 0;
    if (c.method === 'CALLBACK') c.connectedToSystem = t + ring;
    let talk = this.service.seconds(voice ? s.talk : s.chatTalk, 10);
    c.transfer =
      voice && (c.method === 'INBOUND' || c.method === 'CALLBACK') && this.behaviour.chance(s.transferChance);
    if (c.transfer) talk = Math.max(20, Math.round(talk * 0.5));
    c.holds = voice ? this.holds(s.holdChance) : [];
    c.interaction = ring + talk;
    c.disconnected = t + ring + talk + c.holds.reduce((x, h) => x + h, 0);
    if (voice && c.caller >= 0) {
      this.lastAgent[c.caller] = a.index;
      this.lastAt[c.caller] = t;
    }
    this.at(c.disconnected, { kind: 'talk-end', contact: c });
  }

  private holds(chance: number): number[] {
    const out: number[] = [];
    while (out.length < 4 && this.service.chance(chance)) out.push(this.service.seconds(this.shape.hold, 5));
    return out;
  }

  private talkEnd(c: SimContact, t: number): void {
    const a = this.floor.agent(c.agent);
    a.status = 'after-work';
    const unanswered = c.outcome === 'unanswered';
    const customerFirst = c.channel === 'CHAT' ? 0.55 : 0.65;
    c.reason =
      c.transfer || unanswered || !this.behaviour.chance(customerFirst)
        ? 'AGENT_DISCONNECT'
        : 'CUSTOMER_DISCONNECT';
    if (!unanswered) c.outcome = 'handled';
    const acw = unanswered ? this.service.between(3, 20) : this.service.seconds(this.shape.afterWork, 2);
    c.afterWorkEnd = t + acw;
    this.at(c.afterWorkEnd, { kind: 'after-work-end', contact: c });
    if (c.transfer) this.transfer(c, t);
    else if (c.channel === 'VOICE' && c.caller >= 0 && c.method !== 'OUTBOUND') {
      if (this.behaviour.chance(this.shape.returnChance)) this.comeBack(c.caller, t);
    }
  }

  /** A cold transfer to the queue: a new TRANSFER contact another agent answers. */
  private transfer(c: SimContact, t: number): void {
    const leg = newContact(this.ids.uuid(), 'VOICE', 'TRANSFER', c.caller, t);
    leg.connectedToSystem = t;
    leg.previousId = c.id;
    leg.initialId = c.initialId ?? c.id;
    leg.attributes = { ...c.attributes };
    leg.exclude = c.agent;
    c.nextId = leg.id;
    this.at(t + this.behaviour.between(2, 6), { kind: 'enqueue', contact: leg });
  }

  private comeBack(caller: number, t: number): void {
    const when = this.plan.returnTime(t, this.behaviour);
    if (when !== null && when < this.end) this.at(when, { kind: 'arrive', channel: 'VOICE', caller });
  }

  private abandon(c: SimContact, t: number): void {
    if (!isWaiting(c)) return;
    this.floor.leave(c);
    c.dequeued = t;
    c.disconnected = t;
    if (c.method === 'CALLBACK') {
      c.outcome = 'expired';
      this.finish(c);
      return;
    }
    c.reason = 'CUSTOMER_DISCONNECT';
    c.outcome = 'abandoned';
    this.finish(c);
    if (c.channel !== 'VOICE' || c.caller < 0) return;
    this.abandoned.push({ caller: c.caller, at: t });
    if (this.behaviour.chance(this.shape.redialChance)) {
      const when =
        t + Math.max(15, Math.round(this.behaviour.exponential(this.shape.redialMeanMinutes * 60)));
      if (when < this.end) this.at(when, { kind: 'arrive', channel: 'VOICE', caller: c.caller });
    }
  }

  /** The caller took the queued-callback offer: this contact ends, a CALLBACK contact waits. */
  private callbackRequested(c: SimContact, t: number): void {
    if (!isWaiting(c)) return;
    this.floor.leave(c);
    c.dequeued = t;
    c.disconnected = t + this.behaviour.between(4, 12);
    c.reason = 'CONTACT_FLOW_DISCONNECT';
    c.outcome = 'callback-requested';
    const cb = newContact(this.ids.uuid(), 'VOICE', 'CALLBACK', c.caller, t);
    cb.previousId = c.id;
    cb.initialId = c.initialId ?? c.id;
    cb.attributes = { ...c.attributes };
    cb.enqueued = t;
    c.nextId = cb.id;
    this.finish(c);
    this.at(Math.max(t + 600, this.plan.closingOf(t)), { kind: 'abandon', contact: cb });
    const a = this.floor.enqueue(cb);
    if (a) this.connect(a, cb, t);
  }

  private startWork(a: AgentState, segments: WorkSegment[], i: number, t: number): void {
    const seg = segments[i] as WorkSegment;
    const next = segments[i + 1];
    a.segmentEnd = this.clock.toUtc(seg.day, seg.end);
    a.backToday = next?.day === seg.day;
    this.at(a.segmentEnd, { kind: 'segment-end', agent: a });
    if (next) this.at(this.clock.toUtc(next.day, next.start), this.segmentStart(a.index, segments, i + 1));
    if (a.status === 'off' || a.status === 'break') this.available(a, t);
  }

  /** The agent can take work: the next waiting contact, or idle (maybe an outbound call soon). */
  private available(a: AgentState, t: number): void {
    if (t >= a.segmentEnd) {
      a.status = a.backToday ? 'break' : 'off';
      return;
    }
    const c = this.floor.next(a);
    if (c) {
      a.stamp++;
      this.connect(a, c, t);
      return;
    }
    this.floor.setIdle(a, t);
    if (this.behaviour.chance(this.shape.outboundChance))
      this.at(t + this.behaviour.between(20, 180), { kind: 'outbound', agent: a, stamp: a.stamp });
  }

  private outbound(a: AgentState, stamp: number, t: number): void {
    if (a.stamp !== stamp || a.status !== 'idle' || this.floor.waitingCount > 0 || t + 900 > a.segmentEnd)
      return;
    const day = this.clock.dayOf(t);
    if (a.outboundDay !== day) {
      a.outboundDay = day;
      a.outboundCount = 0;
    }
    if (a.outboundCount >= this.shape.outboundPerAgentDay) return;
    const target = this.outboundTarget(t);
    if (target < 0) return;
    a.outboundCount++;
    this.floor.leaveIdle(a, 'busy');
    const c = newContact(this.ids.uuid(), 'VOICE', 'OUTBOUND', target, t);
    c.state = 'connected';
    c.agent = a.index;
    c.connectedToAgent = t;
    if (this.behaviour.chance(this.shape.outboundAnswered)) {
      const ring = this.service.between(6, 25);
      const talk = this.service.seconds(this.shape.outboundTalk, 15);
      c.connectedToSystem = t + ring;
      c.holds = this.holds(0.05);
      c.interaction = ring + talk;
      c.disconnected = t + ring + talk + c.holds.reduce((x, h) => x + h, 0);
    } else {
      c.interaction = this.service.between(20, 40);
      c.disconnected = t + c.interaction;
      c.outcome = 'unanswered';
    }
    this.at(c.disconnected, { kind: 'talk-end', contact: c });
  }

  /** Who an agent calls: often a caller who abandoned in the last two days and was not served since. */
  private outboundTarget(t: number): number {
    if (this.behaviour.chance(0.6)) {
      while (this.abandonedHead < this.abandoned.length) {
        const x = this.abandoned[this.abandonedHead++] as { caller: number; at: number };
        const served = this.lastAt[x.caller] as number;
        if (t - x.at < 2 * 86_400 && served < x.at && this.callers.presentation(x.caller) === 'number')
          return x.caller;
      }
    }
    for (let tries = 0; tries < 5; tries++) {
      const caller = this.behaviour.below(this.callers.size);
      if (this.callers.presentation(caller) === 'number') return caller;
    }
    return -1;
  }

  private finish(c: SimContact): void {
    if (c.state !== 'done') c.state = 'done';
    // Records reach the stream about a minute after the last event (after-contact work included).
    c.lastUpdate = (c.afterWorkEnd ?? c.disconnected) + this.behaviour.between(35, 95);
    this.contacts.push(c);
  }
}

/** Runs the center of a shape: every contact, in the order each finished. */
export function simulateCenter(shape: CenterShape): SimulatedCenter {
  const model = new CenterModel(shape);
  model.run();
  return {
    shape,
    clock: model.clock,
    callers: model.callers,
    instance: model.instance,
    contacts: model.contacts,
  };
}
