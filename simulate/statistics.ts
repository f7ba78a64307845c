/**
 * What a run measures: per-batch counts of the calls that arrive in the measured window, run
 * totals of the routing outcomes and of agents' other work, agent occupancy integrated over the
 * window, and the summary with 95% intervals from batch means.
 */
import type { Agent } from './agents';
import { type Call, K_TRANSFER } from './calls';
import type { Availability } from './model-options';
import type { PolicySpec } from './policies';

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
    /** In a report where a policy sets maxPreferred: how its rings went (see `known`). */
    knownAgents?: { withOthers: number; othersFirst: number; secondRing: number };
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
  /**
   * The caller's known agents (ranked preferred agents): of the returning calls answered, the
   * share answered by one of their last `counted` distinct agents (`byK[j]`: by one of the last
   * j + 1, for j below the run's depth); equal to continuity when `counted` is 1.
   */
  known: {
    counted: number;
    share: number | null;
    byK: Array<number | null>;
    ci95: number | null;
    perBatch: number[];
    /** Returning calls offered whose caller had other known agents besides the last. */
    withOthers: number;
    /** Routed to the other known agents first: the last agent ruled out, others preferable. */
    othersFirst: number;
    /** Preferences whose first ring (the last agent) expired into the second (the other known agents). */
    secondRing: number;
  };
  /** outboundWork: outbound calls started in the window, their share of agent time, the idle agent-hours. */
  outbound?: { jobs: number; occupancy: number; idleAgentHours: number };
  /** transferWork: legs of measured calls, those answered, their mean wait, their share of agent time. */
  transfers?: { legs: number; answered: number; asaSeconds: number | null; occupancy: number };
  /** redial: offered calls that were re-dials of a caller who had hung up. */
  redials?: number;
  /** Per-batch values, for paired comparisons between policies run on the same seed. */
  perBatch: { serviceLevel: number[]; asaSeconds: number[]; abandonRate: number[]; continuity: number[] };
  events: number;
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

/** The measured window [start, end) after the warm-up, cut into `batches` equal batches. */
export class MeasureWindow {
  readonly start: number;
  readonly end: number;
  private readonly batchLength: number;

  constructor(
    warmupSeconds: number,
    measureSeconds: number,
    private readonly batches: number,
  ) {
    this.start = warmupSeconds;
    this.end = warmupSeconds + measureSeconds;
    this.batchLength = measureSeconds / batches;
  }

  contains(t: number): boolean {
    return t >= this.start && t < this.end;
  }

  /** The batch of a time inside the window. */
  batchOf(t: number): number {
    return Math.min(this.batches - 1, Math.floor((t - this.start) / this.batchLength));
  }
}

type Series =
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
  | 'retKnownHits'
  | 'retWaitSum'
  | 'newWaitSum';

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
const ratio = (x: number, y: number) => (y > 0 ? x / y : Number.NaN);
const perBatch = (x: Float64Array, y: Float64Array) => Array.from(x, (v, i) => ratio(v, y[i] as number));
const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);

function add(a: Float64Array, i: number, v: number): void {
  a[i] = (a[i] as number) + v;
}

/** 0: the call's last agent; j: its j-th other known agent; -1: none of them. */
function rankOf(call: Call, agent: Agent): number {
  if (agent === call.lastAgent) return 0;
  const j = call.others.indexOf(agent);
  return j < 0 ? -1 : j + 1;
}

export class Statistics {
  /** Per batch, for calls that arrived in the measured window. */
  private readonly b: Record<Series, Float64Array>;
  private answeredAhead = 0;
  private preferredAhead = 0;
  private preferred = 0;
  private declined = 0;
  private expired = 0;
  private readonly lastAgentStatus: Record<Availability, number> = {
    AVAILABLE: 0,
    BUSY: 0,
    NOT_ROUTABLE: 0,
    OFFLINE: 0,
    NOT_IN_QUEUE: 0,
  };
  private lastAdvance = 0;
  private busyTime = 0;
  private idleTime = 0;
  private outboundTime = 0;
  private legTime = 0;
  private outboundJobs = 0;
  private legs = 0;
  private legsAnswered = 0;
  private legWaitSum = 0;
  private redials = 0;
  /** Per batch and j < depth: returning calls answered by one of the caller's last j + 1 agents. */
  private readonly knownHits: Float64Array[];
  private withOthers = 0;
  private othersFirst = 0;
  private secondRing = 0;

  constructor(
    private readonly window: MeasureWindow,
    batches: number,
    private readonly serviceLevelSeconds: number,
    /** Which of the other-work figures the results report (the features configured). */
    private readonly extras: { outbound: boolean; transfer: boolean; redial: boolean } = {
      outbound: false,
      transfer: false,
      redial: false,
    },
    /** The history a caller keeps (`depth`), and how many of its agents this policy prefers (`counted` ≤ depth). */
    private readonly knownAgents: { depth: number; counted: number } = { depth: 1, counted: 1 },
  ) {
    const series = () => new Float64Array(batches);
    this.b = {
      offered: series(),
      answered: series(),
      abandoned: series(),
      waited: series(),
      waitSum: series(),
      withinSl: series(),
      retOffered: series(),
      retAbandoned: series(),
      retAnswered: series(),
      retHits: series(),
      retKnownHits: series(),
      retWaitSum: series(),
      newWaitSum: series(),
    };
    this.knownHits = Array.from({ length: knownAgents.depth }, series);
    this.knownHits[knownAgents.counted - 1] = this.b.retKnownHits;
  }

  /** Integrates busy (of it outbound, on legs) and idle agent time over the measured window up to `t`. */
  advance(t: number, busy: number, idle: number, outbound = 0, legs = 0): void {
    const a = this.lastAdvance < this.window.start ? this.window.start : this.lastAdvance;
    const b = t > this.window.end ? this.window.end : t;
    if (b > a) {
      this.busyTime += busy * (b - a);
      this.idleTime += idle * (b - a);
      this.outboundTime += outbound * (b - a);
      this.legTime += legs * (b - a);
    }
    this.lastAdvance = t;
  }

  offered(call: Call): void {
    if (!call.measured) return;
    add(this.b.offered, call.batch, 1);
    if (call.lastAgent) add(this.b.retOffered, call.batch, 1);
    if (call.lastAgent && call.others.length > 0) this.withOthers++;
    if (call.redial) this.redials++;
  }

  /** A measured call continues as a transfer leg. */
  legStarted(leg: Call): void {
    if (leg.measured) this.legs++;
  }

  /** An agent takes other work: an outbound call, or a transfer leg after `waited` seconds. */
  work(job: Call, waited: number): void {
    if (!job.measured) return;
    if (job.kind === K_TRANSFER) {
      this.legsAnswered++;
      this.legWaitSum += waited;
    } else {
      this.outboundJobs++;
    }
  }

  answered(call: Call, agent: Agent, waited: number, ahead: boolean): void {
    if (!call.measured) return;
    const b = this.b;
    const k = call.batch;
    add(b.answered, k, 1);
    add(b.waitSum, k, waited);
    if (waited > 0) add(b.waited, k, 1);
    // Strictly within: a caller answered the instant a 20 s preference expires is not counted in
    // a 20 s service level, since in Connect offering and accepting the call take time the model
    // does not have (and the expiry would otherwise sit exactly on the threshold).
    if (waited < this.serviceLevelSeconds || waited === 0) add(b.withinSl, k, 1);
    const rank = call.lastAgent ? rankOf(call, agent) : -1;
    if (call.lastAgent) {
      add(b.retAnswered, k, 1);
      add(b.retWaitSum, k, waited);
      if (rank === 0) add(b.retHits, k, 1);
      for (let j = rank < 0 ? this.knownAgents.depth : rank; j < this.knownAgents.depth; j++) {
        add(this.knownHits[j] as Float64Array, k, 1);
      }
    } else {
      add(b.newWaitSum, k, waited);
    }
    if (ahead) {
      this.answeredAhead++;
      if (call.preferred && rank >= 0 && rank < this.knownAgents.counted) this.preferredAhead++;
    }
  }

  abandoned(call: Call): void {
    if (!call.measured) return;
    add(this.b.abandoned, call.batch, 1);
    if (call.lastAgent) add(this.b.retAbandoned, call.batch, 1);
  }

  /** What the decision found the last agent of a returning call doing. */
  decided(call: Call, availability: Availability): void {
    if (call.measured) this.lastAgentStatus[availability]++;
  }

  preferredCall(call: Call): void {
    if (call.measured) this.preferred++;
  }

  declinedCall(call: Call): void {
    if (call.measured) this.declined++;
  }

  expiredCall(call: Call): void {
    if (call.measured) this.expired++;
  }

  /** The last agent was ruled out; the caller's other known agents form the first ring. */
  othersFirstCall(call: Call): void {
    if (call.measured) this.othersFirst++;
  }

  /** The last agent's ring expired; the call waits for the other known agents. */
  secondRingCall(call: Call): void {
    if (call.measured) this.secondRing++;
  }

  results(policy: PolicySpec, events: number): PolicyStats {
    const b = this.b;
    const offered = sum(b.offered);
    const answered = sum(b.answered);
    const abandoned = sum(b.abandoned);
    const retAnswered = sum(b.retAnswered);
    const newAnswered = answered - retAnswered;
    return {
      policy,
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
      returning: this.returning(retAnswered),
      known: this.known(retAnswered),
      ...this.otherWork(),
      ci95: this.ci95(),
      perBatch: {
        serviceLevel: perBatch(b.withinSl, b.offered),
        asaSeconds: perBatch(b.waitSum, b.answered),
        abandonRate: perBatch(b.abandoned, b.offered),
        continuity: perBatch(b.retHits, b.retAnswered),
      },
      events,
    };
  }

  private returning(answered: number): PolicyStats['returning'] {
    const b = this.b;
    return {
      offered: sum(b.retOffered),
      abandoned: sum(b.retAbandoned),
      answered,
      answeredByLastAgent: sum(b.retHits),
      lastAgentStatus: { ...this.lastAgentStatus },
      preferred: this.preferred,
      declined: this.declined,
      expired: this.expired,
    };
  }

  private known(retAnswered: number): PolicyStats['known'] {
    const b = this.b;
    return {
      counted: this.knownAgents.counted,
      share: nullIfNaN(ratio(sum(b.retKnownHits), retAnswered)),
      byK: this.knownHits.map((hits) => nullIfNaN(ratio(sum(hits), retAnswered))),
      ci95: batchHalfWidth(perBatch(b.retKnownHits, b.retAnswered)),
      perBatch: perBatch(b.retKnownHits, b.retAnswered),
      withOthers: this.withOthers,
      othersFirst: this.othersFirst,
      secondRing: this.secondRing,
    };
  }

  /** The figures of the other-work features configured; none otherwise (the report keeps its shape). */
  private otherWork(): Pick<PolicyStats, 'outbound' | 'transfers' | 'redials'> {
    const agentTime = this.busyTime + this.idleTime;
    return {
      ...(this.extras.outbound
        ? {
            outbound: {
              jobs: this.outboundJobs,
              occupancy: ratio(this.outboundTime, agentTime),
              idleAgentHours: this.idleTime / 3600,
            },
          }
        : {}),
      ...(this.extras.transfer
        ? {
            transfers: {
              legs: this.legs,
              answered: this.legsAnswered,
              asaSeconds: nullIfNaN(ratio(this.legWaitSum, this.legsAnswered)),
              occupancy: ratio(this.legTime, agentTime),
            },
          }
        : {}),
      ...(this.extras.redial ? { redials: this.redials } : {}),
    };
  }

  private ci95(): PolicyStats['ci95'] {
    const b = this.b;
    return {
      asaSeconds: batchHalfWidth(perBatch(b.waitSum, b.answered)),
      asaReturningSeconds: batchHalfWidth(perBatch(b.retWaitSum, b.retAnswered)),
      continuity: batchHalfWidth(perBatch(b.retHits, b.retAnswered)),
      serviceLevel: batchHalfWidth(perBatch(b.withinSl, b.offered)),
      pWait: batchHalfWidth(perBatch(b.waited, b.answered)),
      abandonRate: batchHalfWidth(perBatch(b.abandoned, b.offered)),
    };
  }
}
