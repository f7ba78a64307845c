/**
 * A binary min-heap ordered by (key, sequence): equal keys leave in insertion order, so a run is
 * a pure function of its seed. Used for the event list, the queue (by enqueue time) and the free
 * agents (by the time they became free). Removal is lazy: owners mark entries stale and skip
 * them when they surface, which keeps every operation O(log n).
 */
export class MinHeap<T> {
  private keys: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private next = 0;

  get size(): number {
    return this.items.length;
  }

  push(key: number, item: T): void {
    const seq = this.next++;
    let i = this.items.length;
    this.keys.push(key);
    this.seqs.push(seq);
    this.items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(key, seq, p)) break;
      this.set(i, this.keys[p] as number, this.seqs[p] as number, this.items[p] as T);
      i = p;
    }
    this.set(i, key, seq, item);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  peekKey(): number {
    return this.keys[0] ?? Number.POSITIVE_INFINITY;
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0] as T;
    const key = this.keys.pop() as number;
    const seq = this.seqs.pop() as number;
    const item = this.items.pop() as T;
    if (n > 1) {
      let i = 0;
      const last = n - 1;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.lessAt(r, l) ? r : l;
        if (!this.lessAt(c, -1, key, seq)) break;
        this.set(i, this.keys[c] as number, this.seqs[c] as number, this.items[c] as T);
        i = c;
      }
      this.set(i, key, seq, item);
    }
    return top;
  }

  private less(key: number, seq: number, j: number): boolean {
    const k = this.keys[j] as number;
    return key < k || (key === k && seq < (this.seqs[j] as number));
  }

  private lessAt(a: number, b: number, key = 0, seq = 0): boolean {
    const ka = this.keys[a] as number;
    const kb = b < 0 ? key : (this.keys[b] as number);
    const sb = b < 0 ? seq : (this.seqs[b] as number);
    return ka < kb || (ka === kb && (this.seqs[a] as number) < sb);
  }

  private set(i: number, key: number, seq: number, item: T): void {
    this.keys[i] = key;
    this.seqs[i] = seq;
    this.items[i] = item;
  }
}
