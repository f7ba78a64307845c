/**
 * ContactIds and the row each one is held in, compactly: an id that is a lowercase UUID (every
 * ContactId Amazon Connect writes) is packed into four 32-bit words, 16 bytes instead of a
 * 36-character string, and found through an open-addressing hash of row numbers (an Int32Array,
 * at most half full); any other id is kept as its string, in a Map. `id(row)` gives the string
 * back, exactly as it was read.
 */

import { grownTo } from './typed';

const EMPTY = -1;

/** The id's four words into `out` when it is a lowercase UUID; false otherwise. */
function pack(id: string, out: Int32Array): boolean {
  if (id.length !== 36) return false;
  let word = 0;
  let nibbles = 0;
  let k = 0;
  for (let i = 0; i < 36; i++) {
    const ch = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (ch !== 45) return false;
      continue;
    }
    let v: number;
    if (ch >= 48 && ch <= 57) v = ch - 48;
    else if (ch >= 97 && ch <= 102) v = ch - 87;
    else return false;
    word = (word << 4) | v;
    if (++nibbles === 8) {
      out[k++] = word;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

const hex = (w: number) => (w >>> 0).toString(16).padStart(8, '0');

function unpack(w: Int32Array, at: number): string {
  const [a, b, c, d] = [
    hex(w[at] as number),
    hex(w[at + 1] as number),
    hex(w[at + 2] as number),
    hex(w[at + 3] as number),
  ];
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

const mix = (w: Int32Array, at: number) =>
  Math.imul((w[at] as number) ^ Math.imul(w[at + 1] as number, 0x9e3779b1), 0x85ebca6b) ^
  Math.imul((w[at + 2] as number) ^ Math.imul(w[at + 3] as number, 0xc2b2ae35), 0x27d4eb2f);

export class ContactIds {
  /** Row r's words at 4r … 4r + 3 (unused when its id is not a UUID). */
  private words: Int32Array<ArrayBuffer> = new Int32Array(4 * 1024);
  private slots = new Int32Array(2048).fill(EMPTY);
  private readonly others = new Map<string, number>();
  private readonly otherIds = new Map<number, string>();
  private readonly probe = new Int32Array(4);
  size = 0;

  /** The row of an id, if held. */
  row(id: string): number | undefined {
    if (!pack(id, this.probe)) return this.others.get(id);
    const slot = this.find(this.probe, 0);
    const row = this.slots[slot] as number;
    return row === EMPTY ? undefined : row;
  }

  /** Adds an id not held yet, as the next row; returns that row. */
  add(id: string): number {
    const row = this.size++;
    if (4 * this.size > this.words.length)
      this.words = grownTo(this.words, Math.max(4 * 1024, this.words.length * 2));
    if (!pack(id, this.probe)) {
      this.others.set(id, row);
      this.otherIds.set(row, id);
      return row;
    }
    this.words.set(this.probe, 4 * row);
    if (2 * (this.size - this.others.size) > this.slots.length) this.rehash(this.slots.length * 2);
    this.slots[this.find(this.probe, 0)] = row;
    return row;
  }

  id(row: number): string {
    return this.otherIds.get(row) ?? unpack(this.words, 4 * row);
  }

  /** The slot holding the words at `at` of `w`, or the empty slot where they would go. */
  private find(w: Int32Array, at: number): number {
    const mask = this.slots.length - 1;
    for (let slot = mix(w, at) & mask; ; slot = (slot + 1) & mask) {
      const row = this.slots[slot] as number;
      if (row === EMPTY) return slot;
      const r = 4 * row;
      if (
        this.words[r] === w[at] &&
        this.words[r + 1] === w[at + 1] &&
        this.words[r + 2] === w[at + 2] &&
        this.words[r + 3] === w[at + 3]
      )
        return slot;
    }
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    for (let row = 0; row < this.size - 1; row++)
      if (!this.otherIds.has(row)) this.slots[this.find(this.words, 4 * row)] = row;
  }
}
