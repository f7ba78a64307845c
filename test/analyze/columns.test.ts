import { describe, expect, it } from 'vitest';
import { IntColumn, TextColumn, TimeColumn } from '../../analyze/columns';
import { ContactIds } from '../../analyze/contact-ids';
import { indices, sortStable } from '../../analyze/typed';

describe('compact columns read back exactly what was written', () => {
  it('times: whole seconds narrow; milliseconds, before 2000, far future and absent exact', () => {
    const values = [
      Date.parse('2026-03-23T22:54:34Z'),
      Date.parse('2026-03-23T22:54:34.353Z'),
      Date.parse('1999-12-31T23:59:59Z'),
      Date.parse('2000-01-01T00:00:00Z'),
      Date.parse('2200-01-01T00:00:00Z'),
      -1_000,
      Number.NaN,
    ];
    const column = new TimeColumn(4);
    column.resize(values.length);
    values.forEach((v, row) => column.set(row, v));
    expect(values.map((_, row) => column.get(row))).toEqual(values);
    // A row written twice keeps the second value, whichever path each took.
    column.set(1, values[0] as number);
    column.set(0, values[1] as number);
    expect([column.get(0), column.get(1)]).toEqual([values[1], values[0]]);
  });

  it('durations: whole numbers narrow; fractions, negatives, -0, huge and absent exact', () => {
    const values = [0, 257, -3, 2.5, -0, 2 ** 31, -(2 ** 31), 1e300, Number.NaN, 2 ** 31 - 1];
    const column = new IntColumn(values.length);
    values.forEach((v, row) => column.set(row, v));
    expect(values.map((_, row) => column.get(row))).toEqual(values);
    expect(Object.is(column.get(4), -0)).toBe(true);
  });

  it('texts: codes widen at 256 and 65,536 distinct values, every earlier row intact', () => {
    const n = 70_000;
    const column = new TextColumn(n);
    for (let row = 0; row < n; row++) column.set(row, row % 7 === 0 ? undefined : `v${row}`);
    for (const row of [0, 1, 255, 256, 257, 65_535, 65_536, 65_537, n - 1])
      expect(column.get(row)).toBe(row % 7 === 0 ? undefined : `v${row}`);
    expect(column.code(undefined)).toBe(0);
    expect(column.code('v1')).toBe(column.codeAt(1));
    expect(column.code('never')).toBe(-1);
  });

  it('resize trims and grows, keeping the rows held', () => {
    const t = new TextColumn(8);
    const d = new IntColumn(8);
    for (let row = 0; row < 8; row++) {
      t.set(row, `s${row}`);
      d.set(row, row === 3 ? 0.5 : row);
    }
    t.resize(4);
    d.resize(4);
    t.resize(16);
    d.resize(16);
    expect([0, 1, 2, 3].map((r) => t.get(r))).toEqual(['s0', 's1', 's2', 's3']);
    expect([0, 1, 2, 3].map((r) => d.get(r))).toEqual([0, 1, 2, 0.5]);
  });
});

describe('ContactIds', () => {
  it('finds and adds ids after growing (UUIDs packed, others as strings)', () => {
    const ids = new ContactIds();
    const uuid = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-00000000000${i % 10}`;
    for (let i = 0; i < 3000; i++) ids.add(i % 100 === 0 ? `other-${i}` : uuid(i));
    expect(ids.row(uuid(1234))).toBe(1234);
    expect(ids.row('other-200')).toBe(200);
    expect(ids.id(2999)).toBe(uuid(2999));
    expect(ids.add(uuid(5000))).toBe(3000);
    expect(ids.row(uuid(5000))).toBe(3000);
    expect(ids.id(3000)).toBe(uuid(5000));
    expect(ids.row(uuid(6000))).toBeUndefined();
  });
});

describe('sortStable', () => {
  it('sorts positions as the built-in stable sort does, equal keys in their order, at every size', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const n of [0, 1, 2, 15, 16, 17, 33, 100, 1000, 4097]) {
      const keys = Float64Array.from({ length: n }, () => 1.7e12 + Math.floor(random() * 50) * 1000);
      const want = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => (keys[a] as number) - (keys[b] as number),
      );
      const got = sortStable(indices(n), (a, b) => (keys[a] as number) < (keys[b] as number));
      expect(Array.from(got)).toEqual(want);
    }
  });

  it('sorts a subarray in place, leaving the rest alone', () => {
    const keys = [5, 4, 3, 2, 1, 0];
    const positions = indices(6);
    sortStable(positions.subarray(1, 5), (a, b) => (keys[a] as number) < (keys[b] as number));
    expect(Array.from(positions)).toEqual([0, 4, 3, 2, 1, 5]);
  });
});
