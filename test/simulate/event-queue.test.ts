import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, Fifo } from '../../simulate/event-queue';

describe('event queue', () => {
  it('pops events by time, and events at the same time in the order they were scheduled', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue<number>();
        times.forEach((t, i) => q.push(t, 0, i));
        const popped: Array<[number, number]> = [];
        while (q.pop()) popped.push([q.poppedTime, q.poppedRef as number]);
        const expected = times
          .map((t, i) => [t, i] as [number, number])
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('keeps kind and argument with each event, across growth and interleaved pops', () => {
    const q = new EventQueue<string>();
    for (let i = 0; i < 3000; i++) q.push(3000 - i, i % 7, `e${i}`, i * 2);
    expect(q.pop()).toBe(true);
    expect([q.poppedTime, q.poppedKind, q.poppedArg, q.poppedRef]).toEqual([1, 2999 % 7, 5998, 'e2999']);
    q.push(0.5, 3, 'late', 1);
    expect(q.pop()).toBe(true);
    expect(q.poppedRef).toBe('late');
    expect(q.size).toBe(2999);
  });

  it('refuses a time that is not a finite non-negative number', () => {
    const q = new EventQueue<number>();
    expect(() => q.push(Number.NaN, 0)).toThrow(RangeError);
    expect(() => q.push(Number.POSITIVE_INFINITY, 0)).toThrow(RangeError);
  });
});

describe('fifo with lazy deletion', () => {
  it('skips entries that are no longer valid and keeps the order of the rest', () => {
    const f = new Fifo<{ id: number; live: boolean }>();
    const items = Array.from({ length: 5000 }, (_, id) => ({ id, live: id % 3 !== 0 }));
    for (const item of items) f.push(item);
    const live = (x: { live: boolean }) => x.live;
    const seen: number[] = [];
    for (let item = f.front(live); item; item = f.front(live)) {
      seen.push(item.id);
      item.live = false;
    }
    expect(seen).toEqual(items.filter((_, id) => id % 3 !== 0).map((x) => x.id));
  });
});
