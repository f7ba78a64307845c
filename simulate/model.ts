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
 *   step with an expiry); other agents skip it. Then anyone may, in its original place.
 * - agent-queue: the caller is asked; with probability acceptShare they wait in the last agent's
 *   queue; after maxWaitSeconds the customer-queue flow transfers them to the normal queue as a
 *   new entry, at the back (the shipped flow's behaviour, and its honest cost).
 */
import { type DurationSpec, Rng, type Sampler, sampler } from './distributions';
import { EventQueue, Fifo } from './event-queue';
import { type AgentView, DecisionMemo, type PolicySpec, routingConfigOf } from './policies';

const DAY = 86_400;

/** A shift, as seconds of the day; end < start crosses midnight. */
export interface ShiftPlan {
  start: number;
  end: number;
}

export interface AgentPlan {
  /** Absent: on duty around the clock. */
  shift?: ShiftPlan;
  /** Periodic breaks from the start of duty: at phase, phase + every, … (each `duration` long, taken when free). */
  breaks?: { every: number; duration: number; phase: number };
  /** Scripted away periods (tests): from `from` (or when free, if on a contact) until `to`. */
  away?: Array<{ from: number; to: number; status: 'Break' | 'Offline' }>;
}

/** A call given explicitly (tests); times in seconds. Scripted runs have no random callbacks. */
export interface ScriptedCall {
  at: number;
  handle: number;
  /** Seconds until the caller hangs up; null or absent: never. */
  patience?: number | null;
  /** A returning call: the index of the agent who answered the previous call. */
  lastAgent?: number;
  /** agent-queue mode: does the caller press 1? Default: acceptShare ≥ 1. */
  accepts?: boolean;
}

export interface RandomSource {
  seed: number;
  callsPerHour: number;
  arrivalProfile?: readonly number[] | undefined;
  handle: DurationSpec;
  patience: DurationSpec | null;
  returnShare: number;
  /** In seconds. */
  returnDelay?: DurationSpec | undefined;
}

export interface ModelOptions {
  policy: PolicySpec;
  agents: AgentPlan[];
  warmupSeconds: number;
  measureSeconds: number;
  serviceLevelSeconds: number;
  batches: number;
  random?: RandomSource;
  script?: ScriptedCall[];
  /** Collects every answer, hang-up, expiry and move (tests and debugging). */
  trace?: TraceEntry[];
}

export type TraceEntry =
  | { t: number; type: 'answer'; call: number; agent: number; waited: number; ahead: boolean }
  | { t: number; type: 'abandon' | 'expire' | 'move'; call: number }
  | { t: number; type: 'decide'; call: number; availability: string; preferred: boolean };

export type Availability = 'AVAILABLE' | 'BUSY' | 'NOT_ROUTABLE' | 'OFFLINE' | 'NOT_IN_QUEUE';

export interface PolicyStats {
  policy: PolicySpec;
  offered: number;
  answered: number;
  abandoned: number;
  abandonRate: number;
  pWait: number;
  asaSeconds: number;
  serviceLevel: number;
  continuity: number | null;
  asaReturningSeconds: number | null;
  asaNewSeconds: number | null;
  occupancy: number;
  /** Answers while a caller who had called earlier was still waiting. */
  answeredAhead: number;
  answeredAheadShare: number;
  /** Of those, answers of a preferred call by its last agent. */
  preferredAnsweredAhead: number;
  returning: {
    offered: number;
    answered: number;
    abandoned: number;
    answeredByLastAgent: number;
    /** What the decision found the last agent doing, per returning call offered. */
    lastAgentStatus: Record<Availability, number>;
    /** Routed LAST_AGENT (and, in agent-queue mode, accepted by the caller). */
    preferred: number;
    declined: number;
    /** preferred-agent: preferences that expired before an answer; agent-queue: waits moved to the normal queue. */
    expired: number;
  };
  /** 95% confidence half-widths from batch means (null when a batch has no data). */
  ci95: {
    asaSeconds: number | null;
    asaReturningSeconds: number | null;
    continuity: number | null;
    serviceLevel: number | null;
    pWait: number | null;
    abandonRate: number | null;
  };
  /** Per-batch values, for paired comparisons between policies run on the same seed. */
  perBatch: { serviceLevel: number[]; asaSeconds: number[]; abandonRate: number[] };
  events: number;
}

// Where a call is.
const W_NONE = 0;
const W_OPEN = 1; // normal queue, any agent (entered at arrival or moved from an agent queue)
const W_EXPIRED = 2; // normal queue, preference expired: any agent, at its original place
const W_RESTRICTED = 3; // normal queue, only its last agent (preference running)
const W_AGENT_QUEUE = 4; // the last agent's own queue
const W_ANSWERED = 5;
const W_ABANDONED = 6;

// Event kinds.
const E_NEW_CALL = 0;
const E_CALL = 1;
const E_END = 2;
const E_ABANDON = 3;
const E_EXPIRE = 4;
const E_MOVE = 5;
const E_BREAK = 6;
const E_BACK = 7;
const E_SHIFT_END = 8;
const E_AWAY = 9;

interface Call {
  id: number;
  arrival: number;
  handle: number;
  abandonAt: number;
  /** Seconds after the end of this call when the customer calls back; < 0: never. */
  returnAfter: number;
  lastAgent: Agent | null;
  accepts: boolean | undefined;
  where: number;
  /** Place in the normal queue (time it entered it); ties broken by id. */
  key: number;
  preferred: boolean;
  measured: boolean;
  batch: number;
}

interface Away {
  status: 'Break' | 'Offline';
  kind: 'break' | 'shift' | 'script';
  /** Absolute end, or -1 to use `duration` from the actual start. */
  until: number;
  duration: number;
}

interface Agent {
  index: number;
  id: string;
  plan: AgentPlan;
  loggedIn: boolean;
  away: Away | null;
  pending: Away | null;
  call: Call | null;
  idle: boolean;
  prevIdle: Agent | null;
  nextIdle: Agent | null;
  restricted: Fifo<Call>;
  agentQueue: Fifo<Call>;
  awaySeq: number;
  dutyEpoch: number;
  /** Nominal start of the current (or next) shift. */
  shiftStart: number;
}

type Ref = Call | Agent;

const isRestricted = (c: Call) => c.where === W_RESTRICTED;
const isInAgentQueue = (c: Call) => c.where === W_AGENT_QUEUE;
const isOpen = (c: Call) => c.where === W_OPEN;
const isExpired = (c: Call) => c.where === W_EXPIRED;
const isWaiting = (c: Call) => c.where >= W_OPEN && c.where <= W_AGENT_QUEUE;

/** Shift instances: the k-th starts at k·DAY + start. */
function shiftLength(s: ShiftPlan): number {
  return (((s.end - s.start) % DAY) + DAY) % DAY || DAY;
}

/** Student t quantile at 0.975 (Cornish-Fisher expansion; within 1e-3 for df ≥ 4). */
export function t975(df: number): number {
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

/** Half-width of a 95% confidence interval from per-batch values (batch means). */
export function batchHalfWidth(values: number[]): number | null {
  if (values.length < 2 || values.some((v) => !Number.isFinite(v))) return null;
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
  return t975(values.length - 1) * Math.sqrt(variance / values.length);
}

class Simulation {
  private readonly q = new EventQueue<Ref>();
  private readonly agents: Agent[];
  private readonly policy: PolicySpec;
  private readonly decisions: DecisionMemo;
  private readonly open = new Fifo<Call>();
  private readonly expired = new Fifo<Call>();
  /** Every caller who had to wait, in arrival order: the oldest still waiting is the front. */
  private readonly waitingByArrival = new Fifo<Call>();
  private idleHead: Agent | null = null;
  private idleTail: Agent | null = null;
  private idleCount = 0;
  private busyCount = 0;
  private waitingCount = 0;
  private nextCallId = 0;
  private now = 0;
  private lastAdvance = 0;
  private busyTime = 0;
  private idleTime = 0;
  private events = 0;

  private readonly w0: number;
  private readonly w1: number;
  private readonly batchLength: number;
  private readonly sl: number;
  private readonly trace: TraceEntry[] | undefined;

  // Random streams (common random numbers: new calls draw from their own streams in arrival order).
  private readonly arrivals: Rng | undefined;
  private readonly rate: number;
  private readonly profile: readonly number[] | undefined;
  private readonly profileMax: number;
  private readonly streams:
    | {
        handle: Sampler;
        patience: Sampler | null;
        returnDelay: Sampler | null;
        newHandle: Rng;
        newPatience: Rng;
        newReturn: Rng;
        retHandle: Rng;
        retPatience: Rng;
        retReturn: Rng;
        accept: Rng;
      }
    | undefined;
  private readonly returnShare: number;

  // Statistics, per batch.
  private readonly b: Record<
    | 'offered'
    | 'answered'
    | 'abandoned'
    | 'waited'
    | 'waitSum'
    | 'withinSl'
    | 'retOffered'
    | 'retAbandoned'
    | 'retAnswered'
    | 'retHits'
    | 'retWaitSum'
    | 'newWaitSum',
    Float64Array
  >;
  private answeredAhead = 0;
  private preferredAhead = 0;
  private preferred = 0;
  private declined = 0;
  private expiredCount = 0;
  private readonly lastAgentStatus: Record<Availability, number> = {
    AVAILABLE: 0,
    BUSY: 0,
    NOT_ROUTABLE: 0,
    OFFLINE: 0,
    NOT_IN_QUEUE: 0,
  };

  constructor(private readonly o: ModelOptions) {
    this.policy = o.policy;
    this.decisions = new DecisionMemo(routingConfigOf(o.policy));
    this.w0 = o.warmupSeconds;
    this.w1 = o.warmupSeconds + o.measureSeconds;
    this.batchLength = o.measureSeconds / o.batches;
    this.sl = o.serviceLevelSeconds;
    this.trace = o.trace;
    const n = o.batches;
    this.b = {
      offered: new Float64Array(n),
      answered: new Float64Array(n),
      abandoned: new Float64Array(n),
      waited: new Float64Array(n),
      waitSum: new Float64Array(n),
      withinSl: new Float64Array(n),
      retOffered: new Float64Array(n),
      retAbandoned: new Float64Array(n),
      retAnswered: new Float64Array(n),
      retHits: new Float64Array(n),
      retWaitSum: new Float64Array(n),
      newWaitSum: new Float64Array(n),
    };

    const r = o.random;
    this.rate = r ? r.callsPerHour / 3600 : 0;
    this.profile = r?.arrivalProfile;
    this.profileMax = this.profile ? Math.max(...this.profile) : 1;
    this.returnShare = r?.returnShare ?? 0;
    if (r) {
      this.arrivals = new Rng(r.seed, 'arrivals');
      this.streams = {
        handle: sampler(r.handle),
        patience: r.patience ? sampler(r.patience) : null,
        returnDelay: r.returnDelay ? sampler(r.returnDelay) : null,
        newHandle: new Rng(r.seed, 'handle'),
        newPatience: new Rng(r.seed, 'patience'),
        newReturn: new Rng(r.seed, 'return'),
        retHandle: new Rng(r.seed, 'handle/returning'),
        retPatience: new Rng(r.seed, 'patience/returning'),
        retReturn: new Rng(r.seed, 'return/returning'),
        accept: new Rng(r.seed, 'accept'),
      };
    }

    this.agents = o.agents.map((plan, index) => ({
      index,
      id: `agent-${index + 1}`,
      plan,
      loggedIn: true,
      away: null,
      pending: null,
      call: null,
      idle: false,
      prevIdle: null,
      nextIdle: null,
      restricted: new Fifo<Call>(),
      agentQueue: new Fifo<Call>(),
      awaySeq: 0,
      dutyEpoch: 0,
      shiftStart: 0,
    }));
  }

  run(): PolicyStats {
    for (const agent of this.agents) this.startAgent(agent);
    if (this.arrivals) this.scheduleNewCall(0);
    for (const [i, s] of (this.o.script ?? []).entries()) {
      const call = this.newCall(s.at, s.handle, s.patience ?? null, -1);
      call.id = i;
      if (s.lastAgent !== undefined) {
        const agent = this.agents[s.lastAgent];
        if (!agent) throw new RangeError(`script call ${i}: no agent ${s.lastAgent}`);
        call.lastAgent = agent;
      }
      call.accepts = s.accepts;
      this.q.push(s.at, E_CALL, call);
    }
    this.nextCallId = Math.max(this.nextCallId, this.o.script?.length ?? 0);

    const q = this.q;
    while (q.pop()) {
      const t = q.poppedTime;
      // Past the horizon no new calls come; the run ends once nobody measured is waiting.
      if (t >= this.w1 && this.waitingCount === 0) break;
      this.advance(t);
      this.events++;
      const ref = q.poppedRef as Ref;
      switch (q.poppedKind) {
        case E_NEW_CALL:
          this.arriveNew();
          break;
        case E_CALL:
          this.arrive(ref as Call);
          break;
        case E_END:
          this.endContact(ref as Agent);
          break;
        case E_ABANDON:
          this.abandon(ref as Call);
          break;
        case E_EXPIRE:
          this.expire(ref as Call);
          break;
        case E_MOVE:
          this.move(ref as Call);
          break;
        case E_BREAK:
          this.breakDue(ref as Agent, q.poppedArg);
          break;
        case E_BACK:
          this.back(ref as Agent, q.poppedArg);
          break;
        case E_SHIFT_END:
          this.shiftEnd(ref as Agent, q.poppedArg);
          break;
        case E_AWAY:
          this.scriptedAway(ref as Agent, q.poppedArg);
          break;
      }
    }
    this.advance(this.w1);
    return this.results();
  }

  // ── time and statistics ─────────────────────────────────────────────────────

  /** Integrates busy and idle agent time over the measured window (occupancy). */
  private advance(t: number): void {
    const a = this.lastAdvance < this.w0 ? this.w0 : this.lastAdvance;
    const b = t > this.w1 ? this.w1 : t;
    if (b > a) {
      this.busyTime += this.busyCount * (b - a);
      this.idleTime += this.idleCount * (b - a);
    }
    this.lastAdvance = t;
    this.now = t;
  }

  private newCall(at: number, handle: number, patience: number | null, returnAfter: number): Call {
    const measured = at >= this.w0 && at < this.w1;
    return {
      id: this.nextCallId++,
      arrival: at,
      handle,
      abandonAt: patience === null ? Number.POSITIVE_INFINITY : at + patience,
      returnAfter,
      lastAgent: null,
      accepts: undefined,
      where: W_NONE,
      key: at,
      preferred: false,
      measured,
      batch: measured ? Math.min(this.o.batches - 1, Math.floor((at - this.w0) / this.batchLength)) : -1,
    };
  }

  // ── arrivals ────────────────────────────────────────────────────────────────

  /** Poisson arrivals, thinned by the hourly profile. */
  private scheduleNewCall(from: number): void {
    const rng = this.arrivals as Rng;
    const peak = this.rate * this.profileMax;
    let t = from;
    for (;;) {
      t += -Math.log(rng.uniform()) / peak;
      if (t >= this.w1) return;
      if (!this.profile) break;
      const hour = Math.floor((t % DAY) / 3600);
      if (rng.uniform() * this.profileMax < (this.profile[hour] as number)) break;
    }
    this.q.push(t, E_NEW_CALL);
  }

  private arriveNew(): void {
    const s = this.streams as NonNullable<Simulation['streams']>;
    const t = this.now;
    const handle = s.handle(s.newHandle);
    const patience = s.patience ? s.patience(s.newPatience) : null;
    const returnAfter = this.drawReturn(s.newReturn);
    this.scheduleNewCall(t);
    this.arrive(this.newCall(t, handle, patience, returnAfter));
  }

  /** Decided at arrival (used only if the call is answered), so streams stay aligned across policies. */
  private drawReturn(rng: Rng): number {
    const s = this.streams as NonNullable<Simulation['streams']>;
    const u = rng.uniform();
    const delay = s.returnDelay ? s.returnDelay(rng) : 0;
    return u < this.returnShare ? delay : -1;
  }

  private arrive(call: Call): void {
    const t = this.now;
    if (call.measured) {
      add(this.b.offered, call.batch, 1);
      if (call.lastAgent) add(this.b.retOffered, call.batch, 1);
    }
    const last = call.lastAgent;
    if (last) {
      const d = this.decisions.decide(this.viewOf(last));
      if (call.measured) this.lastAgentStatus[d.availability]++;
      this.trace?.push({
        t,
        type: 'decide',
        call: call.id,
        availability: d.availability,
        preferred: d.preferLastAgent,
      });
      if (d.preferLastAgent && this.policy.name === 'preferred-agent') {
        call.preferred = true;
        if (call.measured) this.preferred++;
        if (last.idle) {
          this.answer(last, call);
          return;
        }
        call.where = W_RESTRICTED;
        last.restricted.push(call);
        this.q.push(t + this.policy.expirySeconds, E_EXPIRE, call);
        this.startWaiting(call);
        return;
      }
      if (d.preferLastAgent && this.policy.name === 'agent-queue') {
        const accepts =
          call.accepts ??
          (this.streams
            ? this.streams.accept.uniform() < this.policy.acceptShare
            : this.policy.acceptShare >= 1);
        if (accepts) {
          call.preferred = true;
          if (call.measured) this.preferred++;
          if (last.idle) {
            this.answer(last, call);
            return;
          }
          call.where = W_AGENT_QUEUE;
          last.agentQueue.push(call);
          this.q.push(t + this.policy.maxWaitSeconds, E_MOVE, call);
          this.startWaiting(call);
          return;
        }
        if (call.measured) this.declined++;
      }
    }
    this.toNormalQueue(call, t);
  }

  /** Any agent: the one idle the longest, or the back of the normal queue. */
  private toNormalQueue(call: Call, key: number): void {
    const agent = this.idleHead;
    if (agent) {
      this.answer(agent, call);
      return;
    }
    const waiting = call.where !== W_NONE;
    call.where = W_OPEN;
    call.key = key;
    this.open.push(call);
    if (!waiting) this.startWaiting(call);
  }

  private startWaiting(call: Call): void {
    this.waitingCount++;
    this.waitingByArrival.push(call);
    if (call.abandonAt !== Number.POSITIVE_INFINITY) this.q.push(call.abandonAt, E_ABANDON, call);
  }

  private answer(agent: Agent, call: Call): void {
    const t = this.now;
    if (call.where !== W_NONE) this.waitingCount--;
    call.where = W_ANSWERED;
    if (agent.idle) this.removeIdle(agent);
    agent.call = call;
    this.busyCount++;
    const waited = t - call.arrival;
    const oldest = this.waitingByArrival.front(isWaiting);
    const ahead = oldest !== undefined && oldest.arrival < call.arrival;
    if (call.measured) {
      const k = call.batch;
      add(this.b.answered, k, 1);
      add(this.b.waitSum, k, waited);
      if (waited > 0) add(this.b.waited, k, 1);
      // Strictly within: a caller answered the instant a 20 s preference expires is not counted in
      // a 20 s service level, since in Connect offering and accepting the call take time the model
      // does not have (and the expiry would otherwise sit exactly on the threshold).
      if (waited < this.sl || waited === 0) add(this.b.withinSl, k, 1);
      if (call.lastAgent) {
        add(this.b.retAnswered, k, 1);
        add(this.b.retWaitSum, k, waited);
        if (agent === call.lastAgent) add(this.b.retHits, k, 1);
      } else {
        add(this.b.newWaitSum, k, waited);
      }
      if (ahead) {
        this.answeredAhead++;
        if (call.preferred && agent === call.lastAgent) this.preferredAhead++;
      }
    }
    this.trace?.push({ t, type: 'answer', call: call.id, agent: agent.index, waited, ahead });
    this.q.push(t + call.handle, E_END, agent);
  }

  private endContact(agent: Agent): void {
    const t = this.now;
    const call = agent.call as Call;
    agent.call = null;
    this.busyCount--;
    if (call.returnAfter >= 0 && this.streams && t + call.returnAfter < this.w1) {
      const s = this.streams;
      const back = this.newCall(
        t + call.returnAfter,
        s.handle(s.retHandle),
        s.patience ? s.patience(s.retPatience) : null,
        this.drawReturn(s.retReturn),
      );
      back.lastAgent = agent;
      this.q.push(back.arrival, E_CALL, back);
    }
    if (agent.pending) {
      const away = agent.pending;
      agent.pending = null;
      this.startAway(agent, away);
      return;
    }
    this.takeNext(agent);
  }

  /** A free agent takes its own queue's oldest contact, else the oldest normal-queue contact it may take. */
  private takeNext(agent: Agent): void {
    const own = agent.agentQueue.front(isInAgentQueue);
    if (own) {
      this.answer(agent, own);
      return;
    }
    let best = this.open.front(isOpen);
    const expired = this.expired.front(isExpired);
    if (expired && (!best || before(expired, best))) best = expired;
    const mine = agent.restricted.front(isRestricted);
    if (mine && (!best || before(mine, best))) best = mine;
    if (best) {
      this.answer(agent, best);
      return;
    }
    this.makeIdle(agent);
  }

  private abandon(call: Call): void {
    if (!isWaiting(call)) return;
    call.where = W_ABANDONED;
    this.waitingCount--;
    if (call.measured) {
      add(this.b.abandoned, call.batch, 1);
      if (call.lastAgent) add(this.b.retAbandoned, call.batch, 1);
    }
    this.trace?.push({ t: this.now, type: 'abandon', call: call.id });
  }

  /** The preference step expired: the contact may go to anyone, in its original place. */
  private expire(call: Call): void {
    if (call.where !== W_RESTRICTED) return;
    if (call.measured) this.expiredCount++;
    this.trace?.push({ t: this.now, type: 'expire', call: call.id });
    const agent = this.idleHead;
    if (agent) {
      this.answer(agent, call);
      return;
    }
    call.where = W_EXPIRED;
    this.expired.push(call);
  }

  /** The agent-queue wait ran out: the customer-queue flow transfers the caller to the normal queue. */
  private move(call: Call): void {
    if (call.where !== W_AGENT_QUEUE) return;
    if (call.measured) this.expiredCount++;
    this.trace?.push({ t: this.now, type: 'move', call: call.id });
    this.toNormalQueue(call, this.now);
  }

  // ── agents ──────────────────────────────────────────────────────────────────

  private viewOf(agent: Agent): AgentView {
    return {
      id: agent.id,
      loggedIn: agent.loggedIn,
      status: agent.away ? agent.away.status : 'Available',
      onContact: agent.call !== null,
      nextStatus: agent.pending?.status,
    };
  }

  private makeIdle(agent: Agent): void {
    agent.idle = true;
    agent.prevIdle = this.idleTail;
    agent.nextIdle = null;
    if (this.idleTail) this.idleTail.nextIdle = agent;
    else this.idleHead = agent;
    this.idleTail = agent;
    this.idleCount++;
  }

  private removeIdle(agent: Agent): void {
    if (agent.prevIdle) agent.prevIdle.nextIdle = agent.nextIdle;
    else this.idleHead = agent.nextIdle;
    if (agent.nextIdle) agent.nextIdle.prevIdle = agent.prevIdle;
    else this.idleTail = agent.prevIdle;
    agent.prevIdle = null;
    agent.nextIdle = null;
    agent.idle = false;
    this.idleCount--;
  }

  private startAgent(agent: Agent): void {
    const { shift, away } = agent.plan;
    for (const [i, a] of (away ?? []).entries()) this.q.push(a.from, E_AWAY, agent, i);
    if (!shift) {
      this.makeIdle(agent);
      this.startDuty(agent, 0, Number.POSITIVE_INFINITY, 0);
      return;
    }
    const length = shiftLength(shift);
    // The shift instance covering t = 0, if any (it may have started the day before).
    const start = shift.start === 0 ? 0 : shift.start - DAY;
    if (start + length > 0) {
      this.makeIdle(agent);
      this.startDuty(agent, start, start + length, 0);
    } else {
      agent.loggedIn = false;
      this.startAway(agent, { status: 'Offline', kind: 'shift', until: shift.start, duration: 0 });
      agent.shiftStart = shift.start;
    }
  }

  /** On duty from `start` to `end` (nominal): schedules the end of the shift and the breaks. */
  private startDuty(agent: Agent, start: number, end: number, now: number): void {
    agent.dutyEpoch++;
    agent.loggedIn = true;
    agent.shiftStart = start;
    if (end !== Number.POSITIVE_INFINITY) this.q.push(end, E_SHIFT_END, agent, agent.dutyEpoch);
    const breaks = agent.plan.breaks;
    if (breaks) {
      let first = start + breaks.phase;
      if (first < now) first += Math.ceil((now - first) / breaks.every) * breaks.every;
      if (first < end) this.q.push(first, E_BREAK, agent, agent.dutyEpoch);
    }
  }

  private breakDue(agent: Agent, epoch: number): void {
    if (epoch !== agent.dutyEpoch) return;
    const breaks = agent.plan.breaks as NonNullable<AgentPlan['breaks']>;
    const next = this.now + breaks.every;
    const shift = agent.plan.shift;
    if (!shift || next < agent.shiftStart + shiftLength(shift)) this.q.push(next, E_BREAK, agent, epoch);
    this.requestAway(agent, { status: 'Break', kind: 'break', until: -1, duration: breaks.duration });
  }

  private shiftEnd(agent: Agent, epoch: number): void {
    if (epoch !== agent.dutyEpoch) return;
    agent.dutyEpoch++; // no more breaks of this shift
    const nextStart = agent.shiftStart + DAY;
    this.requestAway(agent, { status: 'Offline', kind: 'shift', until: nextStart, duration: 0 });
  }

  private scriptedAway(agent: Agent, index: number): void {
    const a = (agent.plan.away ?? [])[index];
    if (a) this.requestAway(agent, { status: a.status, kind: 'script', until: a.to, duration: 0 });
  }

  /** Away now if free; after the current contact if on one (Connect's next status). */
  private requestAway(agent: Agent, away: Away): void {
    if (agent.away || agent.call) {
      // The end of a shift overrides a pending break; a break during an absence is skipped.
      if (away.kind === 'shift' || !agent.pending) {
        if (agent.away && away.kind !== 'shift') return;
        agent.pending = away;
      }
      return;
    }
    this.startAway(agent, away);
  }

  private startAway(agent: Agent, away: Away): void {
    const t = this.now;
    const end = away.until >= 0 ? Math.max(t, away.until) : t + away.duration;
    if (agent.idle) this.removeIdle(agent);
    agent.away = away;
    if (away.kind === 'shift') agent.loggedIn = false;
    agent.awaySeq++;
    this.q.push(end, E_BACK, agent, agent.awaySeq);
  }

  private back(agent: Agent, seq: number): void {
    if (seq !== agent.awaySeq) return;
    const away = agent.away as Away;
    agent.away = null;
    const shift = agent.plan.shift;
    if (away.kind === 'shift' && shift) {
      const start = away.until;
      this.startDuty(agent, start, start + shiftLength(shift), this.now);
    }
    if (agent.pending) {
      const next = agent.pending;
      agent.pending = null;
      this.startAway(agent, next);
      return;
    }
    this.takeNext(agent);
  }

  // ── results ─────────────────────────────────────────────────────────────────

  private results(): PolicyStats {
    const b = this.b;
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    const ratio = (x: number, y: number) => (y > 0 ? x / y : Number.NaN);
    const perBatch = (x: Float64Array, y: Float64Array) => Array.from(x, (v, i) => ratio(v, y[i] as number));
    const offered = sum(b.offered);
    const answered = sum(b.answered);
    const abandoned = sum(b.abandoned);
    const retAnswered = sum(b.retAnswered);
    const newAnswered = answered - retAnswered;
    const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);
    return {
      policy: this.policy,
      offered,
      answered,
      abandoned,
      abandonRate: ratio(abandoned, offered),
      pWait: ratio(sum(b.waited), answered),
      asaSeconds: ratio(sum(b.waitSum), answered),
      serviceLevel: ratio(sum(b.withinSl), offered),
      continuity: nullIfNaN(ratio(sum(b.retHits), retAnswered)),
      asaReturningSeconds: nullIfNaN(ratio(sum(b.retWaitSum), retAnswered)),
      asaNewSeconds: nullIfNaN(ratio(sum(b.newWaitSum), newAnswered)),
      occupancy: ratio(this.busyTime, this.busyTime + this.idleTime),
      answeredAhead: this.answeredAhead,
      answeredAheadShare: ratio(this.answeredAhead, answered),
      preferredAnsweredAhead: this.preferredAhead,
      returning: {
        offered: sum(b.retOffered),
        abandoned: sum(b.retAbandoned),
        answered: retAnswered,
        answeredByLastAgent: sum(b.retHits),
        lastAgentStatus: { ...this.lastAgentStatus },
        preferred: this.preferred,
        declined: this.declined,
        expired: this.expiredCount,
      },
      ci95: {
        asaSeconds: batchHalfWidth(perBatch(b.waitSum, b.answered)),
        asaReturningSeconds: batchHalfWidth(perBatch(b.retWaitSum, b.retAnswered)),
        continuity: batchHalfWidth(perBatch(b.retHits, b.retAnswered)),
        serviceLevel: batchHalfWidth(perBatch(b.withinSl, b.offered)),
        pWait: batchHalfWidth(perBatch(b.waited, b.answered)),
        abandonRate: batchHalfWidth(perBatch(b.abandoned, b.offered)),
      },
      perBatch: {
        serviceLevel: perBatch(b.withinSl, b.offered),
        asaSeconds: perBatch(b.waitSum, b.answered),
        abandonRate: perBatch(b.abandoned, b.offered),
      },
      events: this.events,
    };
  }
}

function add(a: Float64Array, i: number, v: number): void {
  a[i] = (a[i] as number) + v;
}

function before(a: Call, b: Call): boolean {
  return a.key < b.key || (a.key === b.key && a.id < b.id);
}

/** Runs one policy over one simulated contact center. */
export function runModel(options: ModelOptions): PolicyStats {
  if (options.batches < 1) throw new RangeError('batches must be at least 1');
  return new Simulation(options).run();
}
