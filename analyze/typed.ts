/**
 * Typed arrays of a value per position. Float64Array.from(source, fn) gathers every mapped value
 * of an iterable source into one list first (a boxed number each), which at a million contacts
 * is tens of MB of garbage for a 8 MB answer; these fill the answer directly.
 */
export function floatsOf(positions: ArrayLike<number>, value: (i: number) => number): Float64Array {
  const out = new Float64Array(positions.length);
  for (let k = 0; k < out.length; k++) out[k] = value(positions[k] as number);
  return out;
}

export function bytesOf(positions: ArrayLike<number>, value: (i: number) => number): Uint8Array {
  const out = new Uint8Array(positions.length);
  for (let k = 0; k < out.length; k++) out[k] = value(positions[k] as number);
  return out;
}
