/**
 * Compact columns for the contact table (contact-table.ts): numbers as the narrowest exact form
 * the records allow, strings as small codes into a table of distinct values. Every value reads
 * back exactly as written; what does not fit the narrow form (a time before 2000 or with
 * milliseconds, a fractional or huge duration, the 256th distinct string) takes a wider path,
 * never a rounded one.
 *
 * Amazon Connect writes contact-record timestamps to the second and durations as whole seconds
 * (docs/aws-evidence.md#contact-records), so a time is 4 bytes (seconds since 2000, to 2136) and
 * a duration 4, where a Float64Array takes 8 for each.
 */

import { grownTo } from './typed';

/** Epoch ms of 2000-01-01T00:00:00Z: times are held as seconds since then. */
const TIME_BASE = 946_684_800_000;
const ABSENT_TIME = 0xffffffff;
/** The value is in `other` (not a whole second, or out of range). */
const OTHER_TIME = 0xfffffffe;
const ABSENT_INT = -0x80000000;
const OTHER_INT = -0x7fffffff;

/** What every column does: hold `capacity` rows, and change that capacity (growing or trimming). */
export interface Column {
  resize(capacity: number): void;
}

/** Times (epoch ms) or absent (NaN): seconds since 2000 in a Uint32Array; anything else in a Map. */
export class TimeColumn implements Column {
  private seconds: Uint32Array<ArrayBuffer>;
  private readonly other = new Map<number, number>();

  constructor(capacity: number) {
    this.seconds = new Uint32Array(capacity);
  }

  set(row: number, ms: number): void {
    this.other.delete(row);
    if (Number.isNaN(ms)) {
      this.seconds[row] = ABSENT_TIME;
      return;
    }
    const s = (ms - TIME_BASE) / 1000;
    if (Number.isInteger(s) && s >= 0 && s < OTHER_TIME) this.seconds[row] = s;
    else {
      this.seconds[row] = OTHER_TIME;
      this.other.set(row, ms);
    }
  }

  /** Epoch ms; NaN when absent. */
  get(row: number): number {
    const s = this.seconds[row] as number;
    if (s < OTHER_TIME) return TIME_BASE + s * 1000;
    return s === ABSENT_TIME ? Number.NaN : (this.other.get(row) as number);
  }

  resize(capacity: number): void {
    this.seconds = grownTo(this.seconds, capacity);
  }
}

/** Durations or absent (NaN): whole numbers in an Int32Array; anything else in a Map. */
export class IntColumn implements Column {
  private values: Int32Array<ArrayBuffer>;
  private readonly other = new Map<number, number>();

  constructor(capacity: number) {
    this.values = new Int32Array(capacity);
  }

  set(row: number, v: number): void {
    this.other.delete(row);
    if (Number.isNaN(v)) this.values[row] = ABSENT_INT;
    else if (Number.isInteger(v) && v > OTHER_INT && v <= 0x7fffffff && !Object.is(v, -0))
      this.values[row] = v;
    else {
      this.values[row] = OTHER_INT;
      this.other.set(row, v);
    }
  }

  get(row: number): number {
    const v = this.values[row] as number;
    if (v > OTHER_INT) return v;
    return v === ABSENT_INT ? Number.NaN : (this.other.get(row) as number);
  }

  resize(capacity: number): void {
    this.values = grownTo(this.values, capacity);
  }
}

/**
 * Strings or absent (undefined) as codes into the column's own table of distinct values (0 is
 * undefined): one byte a row while the column has under 256 distinct values, two under 65,536,
 * four beyond; the codes widen once when a new value needs it.
 */
export class TextColumn implements Column {
  readonly values: (string | undefined)[] = [undefined];
  private readonly index = new Map<string, number>();
  private codes: Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer>;

  constructor(capacity: number) {
    this.codes = new Uint8Array(capacity);
  }

  set(row: number, s: string | undefined): void {
    // The code first: a new value may widen the codes, and the row goes into the new array.
    const code = this.codeOf(s);
    this.codes[row] = code;
  }

  get(row: number): string | undefined {
    return this.values[this.codes[row] as number];
  }

  /** The code of a value, 0 for undefined, -1 for a value the column does not hold. */
  code(s: string | undefined): number {
    return s === undefined ? 0 : (this.index.get(s) ?? -1);
  }

  /** The row's code (0: undefined): equal codes, equal strings. */
  codeAt(row: number): number {
    return this.codes[row] as number;
  }

  resize(capacity: number): void {
    this.codes = grownTo(this.codes, capacity);
  }

  private codeOf(s: string | undefined): number {
    if (s === undefined) return 0;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
      if (i === 256 && this.codes instanceof Uint8Array) this.codes = widen(this.codes, Uint16Array);
      else if (i === 65_536 && this.codes instanceof Uint16Array) this.codes = widen(this.codes, Int32Array);
    }
    return i;
  }
}

function widen<T extends Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer>>(
  a: Uint8Array | Uint16Array,
  Wider: new (n: number) => T,
): T {
  const b = new Wider(a.length);
  b.set(a);
  return b;
}
