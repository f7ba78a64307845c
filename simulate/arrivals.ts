/**
 * Where calls come from: Poisson arrivals thinned by the hourly profile, callbacks after an
 * answered call, and the caller's answer to the agent-queue prompt, each from its own seeded
 * stream (common random numbers: new calls draw from their own streams in arrival order, so
 * every policy sees the same new calls); or, in tests, a script of calls.
 */
import type { Agent, Staff } from './agents';
import { DAY } from './agents';
import type { Call, CallFactory } from './calls';
import { Rng, type Sampler, sampler } from './distributions';
import type { RandomSource, ScriptedCall } from './model-options';
import type { MeasureWindow } from './statistics';
import { E_CALL, E_NEW_CALL, type Timeline } from './timeline';

interface Streams {
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

function streamsOf(r: RandomSource): Streams {
  return {
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

export class Arrivals {
  private readonly arrivals: Rng | undefined;
  private readonly streams: Streams | undefined;
  private readonly rate: number;
  private readonly profile: readonly number[] | undefined;
  private readonly profileMax: number;
  private readonly returnShare: number;

  constructor(
    random: RandomSource | undefined,
    private readonly window: MeasureWindow,
    private readonly timeline: Timeline,
    private readonly calls: CallFactory,
  ) {
    this.rate = random ? random.callsPerHour / 3600 : 0;
    this.profile = random?.arrivalProfile;
    this.profileMax = this.profile ? Math.max(...this.profile) : 1;
    this.returnShare = random?.returnShare ?? 0;
    if (random) {
      this.arrivals = new Rng(random.seed, 'arrivals');
      this.streams = streamsOf(random);
    }
  }

  /** Schedules the first new call (random runs only). */
  start(): void {
    if (this.arrivals) this.scheduleNewCall(0);
  }

  /** The new call arriving now, with its handle time, patience and callback drawn; the next one scheduled. */
  newCall(): Call {
    const s = this.streams as Streams;
    const t = this.timeline.now;
    const handle = s.handle(s.newHandle);
    const patience = s.patience ? s.patience(s.newPatience) : null;
    const returnAfter = this.drawReturn(s.newReturn);
    this.scheduleNewCall(t);
    return this.calls.create(t, handle, patience, returnAfter);
  }

  /** After an answered call ends: its callback, if it calls back within the window, to the same agent. */
  callBack(call: Call, agent: Agent): void {
    const t = this.timeline.now;
    if (call.returnAfter >= 0 && this.streams && t + call.returnAfter < this.window.end) {
      const s = this.streams;
      const back = this.calls.create(
        t + call.returnAfter,
        s.handle(s.retHandle),
        s.patience ? s.patience(s.retPatience) : null,
        this.drawReturn(s.retReturn),
      );
      back.lastAgent = agent;
      this.timeline.push(back.arrival, E_CALL, back);
    }
  }

  /** agent-queue: does the caller press 1? Scripted calls say; else drawn (scripted runs: acceptShare ≥ 1). */
  accepts(call: Call, acceptShare: number): boolean {
    return call.accepts ?? (this.streams ? this.streams.accept.uniform() < acceptShare : acceptShare >= 1);
  }

  /** Poisson arrivals, thinned by the hourly profile. */
  private scheduleNewCall(from: number): void {
    const rng = this.arrivals as Rng;
    const peak = this.rate * this.profileMax;
    let t = from;
    for (;;) {
      t += -Math.log(rng.uniform()) / peak;
      if (t >= this.window.end) return;
      if (!this.profile) break;
      const hour = Math.floor((t % DAY) / 3600);
      if (rng.uniform() * this.profileMax < (this.profile[hour] as number)) break;
    }
    this.timeline.push(t, E_NEW_CALL);
  }

  /** Decided at arrival (used only if the call is answered), so streams stay aligned across policies. */
  private drawReturn(rng: Rng): number {
    const s = this.streams as Streams;
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
    }
    call.accepts = s.accepts;
    timeline.push(s.at, E_CALL, call);
  }
  calls.reserve(script.length);
}
