/**
 * The future-event list: a binary min-heap keyed by (time, sequence).
 *
 * The sequence number is the order of scheduling, so events at the same time pop in the order
 * they were scheduled: ties never depend on heap internals, and a run is a pure function of its
 * seed. Entries live in parallel typed arrays (time, sequence, kind, an integer argument) plus
 * one array of object references, so a push or a pop moves numbers, not objects, and allocates
 * nothing once the arrays have grown. Push and pop cost O(log n) comparisons for n pending
 * events; cancelled events are not removed but ignored when they pop (the owner checks a state
 * or a stamp), which keeps cancellation O(1).
 */
export class EventQueue<T> {
  private time = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private kind = new Uint8Array(1024);
  private arg = new Float64Array(1024);
  private ref: (T | undefined)[] = new Array(1024);
  private n = 0;
  private nextSeq = 0;

  /** The popped entry (valid until the next pop): kept in fields to avoid an allocation per event. */
  poppedTime = 0;
  poppedKind = 0;
  poppedArg = 0;
  poppedRef: T | undefined = undefined;

  get size(): number {
    return this.n;
  }

  push(time: number, kind: number, ref?: T, arg = 0): void {
    if (!(time >= 0) || !Number.isFinite(time))
      throw new RangeError(`event time must be finite, got ${time}`);
    if (this.n === this.time.length) this.grow();
    const s = this.nextSeq++;
    // Sift up: move parents down until the new entry's place is found, then write it once.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.time[p] as number;
      if (pt < time || (pt === time && (this.seq[p] as number) < s)) break;
      this.move(p, i);
      i = p;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.kind[i] = kind;
    this.arg[i] = arg;
    this.ref[i] = ref;
  }

  /** Removes the earliest event into the popped* fields; false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.poppedTime = this.time[0] as number;
    this.poppedKind = this.kind[0] as number;
    this.poppedArg = this.arg[0] as number;
    this.poppedRef = this.ref[0];
    const last = --this.n;
    if (last > 0) {
      const t = this.time[last] as number;
      const s = this.seq[last] as number;
      const k = this.kind[last] as number;
      const a = this.arg[last] as number;
      const r = this.ref[last];
      // Sift down the former last entry from the root.
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= last) break;
        const r2 = c + 1;
        if (r2 < last && this.less(r2, c)) c = r2;
        const ct = this.time[c] as number;
        if (t < ct || (t === ct && s < (this.seq[c] as number))) break;
        this.move(c, i);
        i = c;
      }
      this.time[i] = t;
      this.seq[i] = s;
      this.kind[i] = k;
      this.arg[i] = a;
      this.ref[i] = r;
    }
    this.ref[last] = undefined;
    return true;
  }

  peekTime(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : (this.time[0] as number);
  }

  private less(i: number, j: number): boolean {
    const ti = this.time[i] as number;
    const tj = this.time[j] as number;
    return ti < tj || (ti === tj && (this.seq[i] as number) < (this.seq[j] as number));
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from] as number;
    this.seq[to] = this.seq[from] as number;
    this.kind[to] = this.kind[from] as number;
    this.arg[to] = this.arg[from] as number;
    this.ref[to] = this.ref[from];
  }

  private grow(): void {
    const size = this.time.length * 2;
    const time = new Float64Array(size);
    time.set(this.time);
    const seq = new Float64Array(size);
    seq.set(this.seq);
    const kind = new Uint8Array(size);
    kind.set(this.kind);
    const arg = new Float64Array(size);
    arg.set(this.arg);
    this.time = time;
    this.seq = seq;
    this.kind = kind;
    this.arg = arg;
    this.ref.length = size;
  }
}

/**
 * A first-in first-out list with O(1) push and amortised O(1) removal from the front. Entries
 * that are no longer valid (answered, abandoned, moved) stay until they reach the front and are
 * dropped there by `front(valid)`: lazy deletion, O(1) amortised per entry.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  /** The first entry for which `valid` holds, dropping invalid ones before it; undefined if none. */
  front(valid: (item: T) => boolean): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head] as T;
      if (valid(item)) return item;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
    return undefined;
  }
}
