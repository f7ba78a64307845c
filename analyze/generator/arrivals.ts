import type { CallerPool } from './callers';
/**
 * When contacts arrive: new calls and chats by local weekday and hour (a piecewise-constant rate
 * per local hour, scaled by the weekday and a per-day noise), calls in closed hours, and the time
 * a returning caller rings again (later the same day, or some days later at an hour drawn from
 * that day's profile).
 */
import type { CenterShape } from './center';
import type { LocalClock } from './clock';
import type { Channel } from './contact';
import { Stream } from './random';

export interface Arrival {
  at: number;
  channel: Channel;
  caller: number;
}

export class ArrivalPlan {
  private readonly rng: Stream;
  private readonly dayVolume: number[];
  /** Per weekday: the open hours and their cumulative weights (for drawing an hour). */
  private readonly openHours: number[][];
  private readonly cumulative: number[][];

  constructor(
    private readonly shape: CenterShape,
    private readonly clock: LocalClock,
    private readonly callers: CallerPool,
  ) {
    this.rng = new Stream(shape.seed, 'arrivals');
    this.openHours = shape.hours.map((h) =>
      h ? Array.from({ length: h[1] - h[0] }, (_, i) => h[0] + i).filter((x) => x < 24) : [],
    );
    this.cumulative = this.openHours.map((hours) => {
      let sum = 0;
      return hours.map((h) => {
        sum += shape.hourWeights[h] ?? 0;
        return sum;
      });
    });
    this.dayVolume = Array.from({ length: shape.days }, (_, day) => {
      const factor = shape.weekdayFactor[clock.weekday(day)] ?? 0;
      return shape.dailyCalls * factor * this.rng.lognormal({ mean: 1, cv: shape.dayNoise });
    });
  }

  isOpen(utc: number): boolean {
    const day = this.clock.dayOf(utc);
    if (day < 0 || day >= this.shape.days) return false;
    const hours = this.shape.hours[this.clock.weekday(day)];
    const s = this.clock.secondOfDay(utc);
    return !!hours && s >= hours[0] * 3600 && s < hours[1] * 3600;
  }

  /** UTC end of the opening hours of the local day holding `utc` (or `utc` when closed). */
  closingOf(utc: number): number {
    const day = this.clock.dayOf(utc);
    const hours = this.shape.hours[this.clock.weekday(day)];
    return hours ? this.clock.toUtc(day, hours[1] * 3600) : utc;
  }

  /** The new calls and chats of one local hour of one day, in time order. */
  hour(day: number, hour: number): Arrival[] {
    const from = this.clock.toUtc(day, hour * 3600);
    const to = this.clock.toUtc(day, (hour + 1) * 3600);
    if (to <= from) return [];
    const w = this.clock.weekday(day);
    const open = this.openHours[w]?.includes(hour) ?? false;
    const total = this.cumulative[w]?.at(-1) ?? 0;
    const voice = open
      ? ((this.dayVolume[day] as number) * (this.shape.hourWeights[hour] ?? 0)) / (total || 1)
      : (this.shape.closedCallsPerHour * (to - from)) / 3600;
    const out: Arrival[] = [];
    this.poisson(from, to, voice, 'VOICE', out);
    if (open) this.poisson(from, to, voice * this.shape.chatShare, 'CHAT', out);
    return out.sort((a, b) => a.at - b.at);
  }

  private poisson(from: number, to: number, expected: number, channel: Channel, out: Arrival[]): void {
    if (!(expected > 0)) return;
    const gap = (to - from) / expected;
    for (let t = from + this.rng.exponential(gap); t < to; t += this.rng.exponential(gap)) {
      const caller = channel === 'VOICE' ? this.callers.pick(this.rng) : -1;
      out.push({ at: Math.floor(t), channel, caller });
    }
  }

  /** When a handled caller rings again: later today (if still open) or some days on, in open hours. */
  returnTime(now: number, rng: Stream): number | null {
    if (rng.chance(0.3)) {
      const soon = now + rng.between(3600, 4 * 3600);
      if (this.isOpen(soon)) return soon;
    }
    let day = this.clock.dayOf(now) + 1 + Math.floor(rng.exponential(this.shape.returnMeanDays));
    for (let tries = 0; tries < 7; tries++, day++) {
      const w = this.clock.weekday(day);
      const cum = this.cumulative[w] ?? [];
      const total = cum.at(-1) ?? 0;
      if (total <= 0) continue;
      const u = rng.uniform() * total;
      const i = cum.findIndex((c) => c >= u);
      const hour = this.openHours[w]?.[i] as number;
      return this.clock.toUtc(day, hour * 3600 + rng.below(3600));
    }
    return null;
  }
}
