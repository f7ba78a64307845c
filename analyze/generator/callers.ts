/**
 * The callers: a pool of E.164 numbers (+1 NPA 555 XXXX, one block of 10,000 per area code) drawn
 * with a skew, so some numbers call often and the pool is small enough that callers come back on
 * their own. A fixed share withhold their number: half of those reach the center as "anonymous",
 * half with no customer endpoint at all. Area code 907 is never used for callers: the faults
 * carry +1907555… numbers, so a test can check those never leak into any output.
 */
import { type Stream, hash32 } from './random';

/** Area codes for callers: [2-9][0-8][0-9], not N11, never 907 (kept for the faults). */
const AREAS: readonly number[] = (() => {
  const out: number[] = [];
  for (let npa = 201; npa <= 989; npa += 7) {
    const middle = Math.floor(npa / 10) % 10;
    if (middle === 9 || npa % 100 === 11 || npa === 907) continue;
    out.push(npa);
  }
  return [415, ...out.filter((a) => a !== 415)];
})();

export const MAX_CALLERS = AREAS.length * 10_000;

/** The prefix of every phone number the faults put in corrupted text. */
export const FAULT_PHONE_PREFIX = '+1907555';

export function faultPhone(i: number): string {
  return `${FAULT_PHONE_PREFIX}${String(1000 + (i % 9000)).padStart(4, '0')}`;
}

export type Presentation = 'number' | 'anonymous' | 'none';

export class CallerPool {
  private readonly withheld: Uint8Array;

  constructor(
    readonly size: number,
    withheldShare: number,
    seed: number,
  ) {
    if (size > MAX_CALLERS) throw new RangeError(`at most ${MAX_CALLERS} callers`);
    this.withheld = new Uint8Array(size);
    const salt = `${seed}`;
    for (let i = 0; i < size; i++) {
      const h = hash32(`${salt}:${i}`);
      if ((h % 100_000) / 100_000 < withheldShare) this.withheld[i] = (h >>> 20) & 1 ? 1 : 2;
    }
  }

  /** The caller's number in E.164, whether or not they present it. */
  number(i: number): string {
    const area = AREAS[Math.floor(i / 10_000)] as number;
    const line = ((i % 10_000) * 7477 + 1234) % 10_000;
    return `+1${area}555${String(line).padStart(4, '0')}`;
  }

  presentation(i: number): Presentation {
    const w = this.withheld[i];
    return w === 1 ? 'anonymous' : w === 2 ? 'none' : 'number';
  }

  /** A caller for a new call: skewed towards low indices, so some numbers call often. */
  pick(rng: Stream): number {
    return Math.min(this.size - 1, Math.floor(this.size * rng.uniform() ** 1.6));
  }
}
