/**
 * Typed arrays of a value per position, filled directly. V8's TypedArray.from(source, fn),
 * TypedArray.from(a.keys()) and typedArray.filter gather every value into a list first (a
 * boxed number each): at a million contacts that is tens of MB of garbage for each 8 MB answer,
 * long-lived enough to reach the old generation, and several times slower than the loops below.
 */
export function floatsOf(
  positions: ArrayLike<number>,
  value: (i: number) => number,
): Float64Array<ArrayBuffer> {
  const out = new Float64Array(positions.length);
  for (let k = 0; k < out.length; k++) out[k] = value(positions[k] as number);
  return out;
}

export function intsOf(positions: ArrayLike<number>, value: (i: number) => number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(positions.length);
  for (let k = 0; k < out.length; k++) out[k] = value(positions[k] as number);
  return out;
}

export function bytesOf(positions: ArrayLike<number>, value: (i: number) => number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(positions.length);
  for (let k = 0; k < out.length; k++) out[k] = value(positions[k] as number);
  return out;
}

/** 0, 1, …, n − 1. */
export function indices(n: number, from = 0): Int32Array<ArrayBuffer> {
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = from + k;
  return out;
}

/** The values of `a` that `keep` keeps, in order (counted first: one array of their size). */
export function kept(a: Int32Array, keep: (v: number) => boolean): Int32Array<ArrayBuffer> {
  const out = new Int32Array(counted(a, keep));
  let n = 0;
  for (let k = 0; k < a.length; k++) if (keep(a[k] as number)) out[n++] = a[k] as number;
  return out;
}

/** How many values of `a` `keep` keeps. */
export function counted(a: ArrayLike<number>, keep: (v: number) => boolean): number {
  let n = 0;
  for (let k = 0; k < a.length; k++) if (keep(a[k] as number)) n++;
  return n;
}

/** The values of `a` that `keep` keeps, in order. */
export function keptFloats(a: ArrayLike<number>, keep: (v: number) => boolean): Float64Array<ArrayBuffer> {
  const out = new Float64Array(counted(a, keep));
  let n = 0;
  for (let k = 0; k < a.length; k++) if (keep(a[k] as number)) out[n++] = a[k] as number;
  return out;
}

/** A copy of `a` with `size` places: its first values, then zeros (growing or trimming). */
export function grownTo<T extends Uint8Array | Uint16Array | Int32Array | Uint32Array>(
  a: T,
  size: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

/**
 * Sorts `positions` in place by `less` (a strict order), equal ones keeping their order: a merge
 * sort over Int32Arrays. The built-in sort with a comparator would box every `a - b` of two
 * epoch-millisecond times (not a small integer) into a new number: at a million calls, hundreds
 * of MB of garbage per sort.
 */
export function sortStable(positions: Int32Array, less: (a: number, b: number) => boolean): Int32Array {
  const n = positions.length;
  const RUN = 16;
  for (let from = 0; from < n; from += RUN) {
    const to = Math.min(from + RUN, n);
    for (let i = from + 1; i < to; i++) {
      const p = positions[i] as number;
      let j = i - 1;
      while (j >= from && less(p, positions[j] as number)) {
        positions[j + 1] = positions[j] as number;
        j--;
      }
      positions[j + 1] = p;
    }
  }
  if (n <= RUN) return positions;
  let src: Int32Array = positions;
  let dst: Int32Array = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi)
        dst[k++] = less(src[j] as number, src[i] as number) ? (src[j++] as number) : (src[i++] as number);
      while (i < mid) dst[k++] = src[i++] as number;
      while (j < hi) dst[k++] = src[j++] as number;
    }
    const done = dst;
    dst = src;
    src = done;
  }
  if (src !== positions) positions.set(src);
  return positions;
}
