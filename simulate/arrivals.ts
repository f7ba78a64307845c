/**
 * Where calls come from: Poisson arrivals (thinned by the hourly profile, or piecewise constant
 * by weekday and hour), callbacks after an answered call, re-dials after a caller hung up, and
 * the caller's answer to the agent-queue prompt, each from its own seeded stream (common random
 * numbers: new calls draw from their own streams in arrival order, so every policy sees the same
 * new calls); or, in tests, a script of calls.
 */
import type { Agent, Staff } from './agents';
import { DAY } from './agents';
import { type Call, type CallFactory, NO_AGENTS, othersAfter } from './calls';
import { Rng, type Sampler, sampler } from './distributions';
import type { RandomSource, ScriptedCall } from './model-options';
import type { MeasureWindow } from './statistics';
import { E_CALL, E_NEW_CALL, type Timeline } from './timeline';

const WEEK_HOURS = 168;
/** openHoursOnly: how many times a delay landing in a closed hour is drawn again. */
const MAX_REDRAWS = 50;

interface Samplers {
  handle: Sampler;
  acw: Sampler | null;
  patience: Sampler | null;
  returnDelay: Sampler | null;
  leg: Sampler | null;
  redialDelay: Sampler | null;
}

/** The draws of one kind of call (new, callback, re-dial), each purpose from its own stream. */
interface CallStreams {
  handle: Rng;
  patience: Rng;
  ret: Rng;
  acw: Rng;
  transfer: Rng;
}

/** Streams named `handle`, `patience`, … plus the kind's suffix (new calls: none). */
function callStreams(seed: number, suffix: string): CallStreams {
  return {
    handle: new Rng(seed, `handle${suffix}`),
    patience: new Rng(seed, `patience${suffix}`),
    ret: new Rng(seed, `return${suffix}`),
    acw: new Rng(seed, `acw${suffix}`),
    transfer: new Rng(seed, `transfer${suffix}`),
  };
}

function samplersOf(r: RandomSource): Samplers {
  return {
    handle: sampler(r.handle),
    acw: r.acw ? sampler(r.acw) : null,
    patience: r.patience ? sampler(r.patience) : null,
    returnDelay: r.returnDelay ? sampler(r.returnDelay) : null,
    leg: r.transfer ? sampler(r.transfer.handle) : null,
    redialDelay: r.redial ? sampler(r.redial.delay) : null,
  };
}

/** The 7 × 24 rates (calls/s) as one week of hours, Monday 00–01 first. */
function weeklyRates(perHour: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(perHour.flat(), (v) => v / 3600);
}

/**
 * The next arrival after `from` of a Poisson process whose rate is constant within each hour
 * (`rates`, a week of hours; simulated hour h is the week's hour `offset + h`), by inversion:
 * one exponential of rate 1 spent through the hours' rate × length. `limit` or later if none before.
 */
export function nextArrival(
  rates: Float64Array,
  offset: number,
  from: number,
  u: number,
  limit: number,
): number {
  let work = -Math.log(u);
  let t = from;
  while (t < limit) {
    const hour = Math.floor(t / 3600);
    const rate = rates[(offset + hour) % WEEK_HOURS] as number;
    const end = (hour + 1) * 3600;
    const room = (end - t) * rate;
    if (work < room) return t + work / rate;
    work -= room;
    t = end;
  }
  return limit;
}

export class Arrivals {
  private readonly arrivals: Rng | undefined;
  private readonly samplers: Samplers | undefined;
  private readonly newCalls: CallStreams | undefined;
  private readonly callbacks: CallStreams | undefined;
  private readonly redials: CallStreams | undefined;
  private readonly accept: Rng | undefined;
  private readonly redialRng: Rng | undefined;
  private readonly rate: number;
  private readonly profile: readonly number[] | undefined;
  private readonly profileMax: number;
  private readonly weekly: Float64Array | undefined;
  private readonly returnShare: number;
  private readonly legShare: number;
  private readonly redialShare: number;
  /** openHoursOnly: the stream that redraws a callback's or re-dial's delay landing in a closed hour. */
  private readonly redraw: Rng | undefined;

  constructor(
    random: RandomSource | undefined,
    private readonly window: MeasureWindow,
    private readonly timeline: Timeline,
    private readonly calls: CallFactory,
    private readonly startWeekday = 0,
    /** The known agents a caller's history keeps (the largest maxPreferred of the run); 1: the last agent only. */
    private readonly knownDepth = 1,
  ) {
    this.rate = random ? random.callsPerHour / 3600 : 0;
    this.profile = random?.arrivalProfile;
    this.profileMax = this.profile ? Math.max(...this.profile) : 1;
    this.weekly = random?.weeklyArrivals ? weeklyRates(random.weeklyArrivals) : undefined;
    this.returnShare = random?.returnShare ?? 0;
    this.legShare = random?.transfer?.share ?? 0;
    this.redialShare = random?.redial?.share ?? 0;
    if (random) {
      this.arrivals = new Rng(random.seed, 'arrivals');
      this.samplers = samplersOf(random);
      this.newCalls = callStreams(random.seed, '');
      this.callbacks = callStreams(random.seed, '/returning');
      this.redials = callStreams(random.seed, '/redial');
      this.accept = new Rng(random.seed, 'accept');
      this.redialRng = new Rng(random.seed, 'redial');
      if (random.openHoursOnly) this.redraw = new Rng(random.seed, 'open-hours');
    }
  }

  /** Whether the center takes new calls at `t`: the hour's new-call rate is above 0. */
  private isOpen(t: number): boolean {
    const hour = Math.floor(t / 3600);
    if (this.weekly) return (this.weekly[(this.startWeekday * 24 + hour) % WEEK_HOURS] as number) > 0;
    if (this.profile) return (this.profile[hour % 24] as number) > 0;
    return true;
  }

  /**
   * openHoursOnly: a callback or re-dial whose delay lands in an hour the center takes no calls is
   * drawn again, as a caller who hears the closed message tries later (at most MAX_REDRAWS times;
   * then they do not call). The observed delays of a center's records are those of calls that
   * reached it, in its open hours. Without the option, `at` as drawn.
   */
  private openTime(from: number, at: number, delay: Sampler | null): number | undefined {
    if (!this.redraw || !delay || this.isOpen(at)) return at;
    for (let i = 0; i < MAX_REDRAWS; i++) {
      const again = from + delay(this.redraw);
      if (this.isOpen(again)) return again;
    }
    return undefined;
  }

  /** Schedules the first new call (random runs only). */
  start(): void {
    if (this.arrivals) this.scheduleNewCall(0);
  }

  /** The new call arriving now, with its handle time, patience and callback drawn; the next one scheduled. */
  newCall(): Call {
    const t = this.timeline.now;
    const call = this.draw(this.newCalls as CallStreams, t);
    this.scheduleNewCall(t);
    return call;
  }

  /**
   * When an answered caller is released: their callback, if any within the window, to `agent`
   * (`before`: the agent they spoke to first, when `agent` took a transfer leg).
   */
  callBack(call: Call, agent: Agent, before: Agent | null = null): void {
    const t = this.timeline.now;
    if (call.returnAfter < 0 || !this.callbacks) return;
    const at = this.openTime(t, t + call.returnAfter, this.samplers?.returnDelay ?? null);
    if (at !== undefined && at < this.window.end) {
      const back = this.draw(this.callbacks, at);
      back.lastAgent = agent;
      back.others = othersAfter(agent, before, call, this.knownDepth);
      back.after = call.id;
      this.timeline.push(back.arrival, E_CALL, back);
    }
  }

  /**
   * A caller hung up: with probability redial.share they dial again after the drawn delay (if
   * within the window), a new call with the same last agent; true when they do.
   */
  redial(call: Call): boolean {
    const delay = this.samplers?.redialDelay;
    if (!delay) return false;
    const rng = this.redialRng as Rng;
    const u = rng.uniform();
    const drawn = this.timeline.now + delay(rng);
    if (u >= this.redialShare) return false;
    const at = this.openTime(this.timeline.now, drawn, delay);
    if (at === undefined || at >= this.window.end) return false;
    const again = this.draw(this.redials as CallStreams, at);
    again.lastAgent = call.lastAgent;
    again.others = call.others;
    again.after = call.id;
    again.redial = true;
    this.timeline.push(at, E_CALL, again);
    return true;
  }

  /** agent-queue: does the caller press 1? Scripted calls say; else drawn (scripted runs: acceptShare ≥ 1). */
  accepts(call: Call, acceptShare: number): boolean {
    return call.accepts ?? (this.accept ? this.accept.uniform() < acceptShare : acceptShare >= 1);
  }

  /** A call of a kind arriving at `at`, with its durations and follow-ups drawn from the kind's streams. */
  private draw(d: CallStreams, at: number): Call {
    const s = this.samplers as Samplers;
    const handle = s.handle(d.handle);
    const patience = s.patience ? s.patience(d.patience) : null;
    const call = this.calls.create(at, handle, patience, this.drawReturn(d.ret));
    if (s.acw) call.acw = s.acw(d.acw);
    if (s.leg) {
      const u = d.transfer.uniform();
      const leg = s.leg(d.transfer);
      call.legHandle = u < this.legShare ? leg : -1;
    }
    return call;
  }

  /** Poisson arrivals: thinned by the hourly profile, or by weekday and hour. */
  private scheduleNewCall(from: number): void {
    const rng = this.arrivals as Rng;
    const end = this.window.end;
    let t = from;
    if (this.weekly) {
      t = nextArrival(this.weekly, this.startWeekday * 24, from, rng.uniform(), end);
      if (t < end) this.timeline.push(t, E_NEW_CALL);
      return;
    }
    const peak = this.rate * this.profileMax;
    for (;;) {
      t += -Math.log(rng.uniform()) / peak;
      if (t >= end) return;
      if (!this.profile) break;
      const hour = Math.floor((t % DAY) / 3600);
      if (rng.uniform() * this.profileMax < (this.profile[hour] as number)) break;
    }
    this.timeline.push(t, E_NEW_CALL);
  }

  /** Decided at arrival (used only if the call is answered), so streams stay aligned across policies. */
  private drawReturn(rng: Rng): number {
    const s = this.samplers as Samplers;
    const u = rng.uniform();
    const delay = s.returnDelay ? s.returnDelay(rng) : 0;
    return u < this.returnShare ? delay : -1;
  }
}

/** Schedules scripted calls (ids 0 … n − 1); later calls get ids after them. */
export function scheduleScript(
  script: ScriptedCall[],
  staff: Staff,
  calls: CallFactory,
  timeline: Timeline,
): void {
  for (const [i, s] of script.entries()) {
    const call = calls.create(s.at, s.handle, s.patience ?? null, -1);
    call.id = i;
    if (s.lastAgent !== undefined) {
      const agent = staff.agents[s.lastAgent];
      if (!agent) throw new RangeError(`script call ${i}: no agent ${s.lastAgent}`);
      call.lastAgent = agent;
      call.others = s.knownAgents
        ? s.knownAgents.map((j) => {
            const other = staff.agents[j];
            if (!other) throw new RangeError(`script call ${i}: no agent ${j}`);
            return other;
          })
        : NO_AGENTS;
    }
    call.accepts = s.accepts;
    timeline.push(s.at, E_CALL, call);
  }
  calls.reserve(script.length);
}
