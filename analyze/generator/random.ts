/**
 * Seeded random numbers for the contact-record generator: mulberry32 streams, one per purpose
 * (arrivals, service times, caller behaviour, identifiers, the writer, the faults), so changing
 * how records are written never changes the center that produced them. The generator is an
 * independent model of a contact center: it owns its random numbers and imports nothing from
 * simulate/ (test/analyze/generator.test.ts checks it).
 */

/** FNV-1a, 32 bits: a stable hash of a stream name. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const VARIANT = ['8', '9', 'a', 'b'];

function hex8(x: number): string {
  return x.toString(16).padStart(8, '0');
}

/** A spread of durations in seconds: the mean and the coefficient of variation (sd / mean). */
export interface Spread {
  mean: number;
  cv: number;
}

export class Stream {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number, name: string) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    this.state = (hash32(name) ^ Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b)) >>> 0;
    for (let i = 0; i < 4; i++) this.uint32();
  }

  /** mulberry32: 32-bit state, full period 2^32, plenty for a month of contacts per stream. */
  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform on (0, 1), never 0 (so a logarithm is finite). */
  uniform(): number {
    return (this.uint32() + 0.5) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** An integer in [lo, hi], both included. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.uniform() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }

  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** Lognormal with the given mean and coefficient of variation. */
  lognormal(spread: Spread): number {
    if (spread.cv <= 0) return spread.mean;
    const s2 = Math.log(1 + spread.cv * spread.cv);
    return Math.exp(Math.log(spread.mean) - s2 / 2 + Math.sqrt(s2) * this.normal());
  }

  /** Whole seconds from a spread, at least `min`. */
  seconds(spread: Spread, min = 1): number {
    return Math.max(min, Math.round(this.lognormal(spread)));
  }

  /** A version-4-shaped UUID (lower-case hex), as Amazon Connect uses for contact and resource ids. */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    return (
      `${hex8(a)}-${hex8(b).slice(0, 4)}-4${hex8(b).slice(5, 8)}-` +
      `${VARIANT[c >>> 30]}${hex8(c).slice(1, 4)}-${hex8(c).slice(4, 8)}${hex8(d)}`
    );
  }
}
