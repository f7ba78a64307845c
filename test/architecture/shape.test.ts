import { describe, expect, it } from 'vitest';
import { PRODUCT, TOOLING, cyclesOf, importGraph, sourceFiles, unitsOf, valueImportsOf } from './shape';

/** The bar of docs/map.md: units short enough to read as a table of contents. */
const MAX_FUNCTION_LINES = 120;
const MAX_CLASS_LINES = 400;

const files = sourceFiles();
const units = files.flatMap(unitsOf);

describe('the codebase shape', () => {
  it('measures something: the product and tooling folders hold units', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(units.filter((u) => u.kind === 'function').length).toBeGreaterThan(300);
  });

  it(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long = units.filter((u) => u.kind === 'function' && u.lines > MAX_FUNCTION_LINES);
    expect(long.map((u) => `${u.file}:${u.line} ${u.name} (${u.lines} lines)`)).toEqual([]);
  });

  it(`no class is longer than ${MAX_CLASS_LINES} lines`, () => {
    const long = units.filter((u) => u.kind === 'class' && u.lines > MAX_CLASS_LINES);
    expect(long.map((u) => `${u.file}:${u.line} ${u.name} (${u.lines} lines)`)).toEqual([]);
  });

  it('has no value-import cycle', () => {
    expect(cyclesOf(importGraph(files))).toEqual([]);
  });

  it('the cycle finder finds a cycle and ignores a chain', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(cyclesOf(cyclic)).toEqual(['a → b → c → a']);
    expect(
      cyclesOf(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('the product (statemachine, steps, infra) imports none of the tooling', () => {
    const offenders = sourceFiles(PRODUCT.filter((d) => d !== 'infra')).flatMap((f) =>
      valueImportsOf(f)
        .filter((i) => TOOLING.some((t) => i.startsWith(`${t}/`)))
        .map((i) => `${f} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});
