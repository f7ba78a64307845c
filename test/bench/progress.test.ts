/**
 * What `bench` shows while it runs (bench/progress.ts): one line on stderr naming the phase and
 * how far it is, only on a terminal and without --json, cleared at the end; and the bounds that
 * keep a run finite (--cold-samples, --cold-memory, --latency). `load`'s line: test/cli/load.test.ts.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_COLD_MEMORY_SIZES, MAX_COLD_SAMPLES, runBenchCommand } from '../../bench/command';
import { CommandProgress } from '../../bench/progress';
import { UsageError } from '../../local/args';
import { captureOutput } from '../cli/run-cli';
import { fakeStream, slowClock } from './fakes';

const CLEAR = '\r\x1b[K';

describe('the phase line', () => {
  it('names the phase and its count on a terminal, with a rate when asked, and clears at the end', () => {
    let now = 0;
    const { chunks, stream } = fakeStream(true);
    const progress = new CommandProgress(stream, 'load', false, {
      clock: () => now,
      delayMs: 2000,
      intervalMs: 250,
    });
    progress.phase('search');
    progress.count(1, 10_000, 'calls', true);
    expect(chunks).toEqual([]); // a short run shows nothing
    now = 2500;
    progress.count(1234, 10_000, 'calls', true);
    now = 2600; // within the interval: no redraw
    progress.count(1300, 10_000, 'calls', true);
    now = 4000;
    progress.phase('index (2/3)');
    progress.finish();
    expect(chunks).toEqual([
      `${CLEAR}load: search: calls 1,234/10,000, 494/s, 3 s elapsed`,
      `${CLEAR}load: index (2/3), 4 s elapsed`,
      CLEAR,
    ]);
    for (const c of chunks) expect(c).not.toContain('\n');
  });

  it('takes the line off for a note, which stays', () => {
    let now = 0;
    const { chunks, stream } = fakeStream(true);
    const progress = new CommandProgress(stream, 'bench', false, { clock: () => now });
    now = 3000;
    progress.phase('cold start: the builds');
    progress.note('cold start: no baseline build (shallow clone); current build only');
    progress.finish();
    expect(chunks).toEqual([
      `${CLEAR}bench: cold start: the builds, 3 s elapsed`,
      CLEAR,
      'cold start: no baseline build (shallow clone); current build only\n',
    ]);
  });

  it('writes no line when stderr is not a terminal (the notes still)', () => {
    const { chunks, stream } = fakeStream(false);
    const progress = new CommandProgress(stream, 'bench', false, { clock: slowClock() });
    progress.phase('pass 1/2, latency model on');
    progress.count(5, 60, 'calls');
    progress.note('a note');
    progress.finish();
    expect(chunks).toEqual(['a note\n']);
  });

  it('writes nothing with --json, even on a terminal', () => {
    const { chunks, stream } = fakeStream(true);
    const progress = new CommandProgress(stream, 'bench', true, { clock: slowClock() });
    progress.phase('pass 1/2, latency model on');
    progress.count(5, 60, 'calls');
    progress.note('a note');
    progress.finish();
    expect(chunks).toEqual([]);
  });
});

/** The quickest whole bench: the small center, no latency, none of the optional sections. */
const quick = () => [
  '--size',
  'small',
  '--no-latency',
  '--no-cold',
  '--no-scaling',
  '--no-index',
  '--out',
  mkdtempSync(join(tmpdir(), 'bench-progress-')),
];

describe('bench progress on stderr', () => {
  it('names the phase running on a terminal, and clears the line at the end', async () => {
    const { chunks, stream } = fakeStream(true);
    const { code, stdout, stderr } = await captureOutput(() =>
      runBenchCommand(quick(), { stderr: stream, clock: slowClock() }),
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Pairing check: passed');
    const text = chunks.join('');
    expect(text).toContain(`${CLEAR}bench: starting the 3 contenders, `);
    expect(text).toContain(`${CLEAR}bench: pass 1/2, latency model off: warm-up, `);
    expect(text).toMatch(
      /bench: pass 1\/2, latency model off: calls \(3 contenders each\) \d+\/60, \d+ s elapsed/,
    );
    expect(text).toMatch(/bench: pass 2\/2, latency model off: calls \(3 contenders each\) 60\/60, /);
    expect(text).toContain(`${CLEAR}bench: writing the results to `);
    expect(chunks.at(-1)).toBe(CLEAR);
    expect(text).not.toContain('\n');
    expect(stderr).toBe('');
  });

  it.each([
    ['stderr is not a terminal', false, []],
    ['--json, even on a terminal', true, ['--json']],
  ])('writes nothing to stderr when %s', async (_, isTTY, extra) => {
    const { chunks, stream } = fakeStream(isTTY);
    const { code, stdout, stderr } = await captureOutput(() =>
      runBenchCommand([...quick(), ...extra], { stderr: stream, clock: slowClock() }),
    );
    expect(code).toBe(0);
    expect(stdout).toContain(extra.length ? '"pairing"' : 'Pairing check: passed');
    expect(chunks).toEqual([]);
    expect(stderr).toBe('');
  });
});

describe('bench bounds, checked before any work', () => {
  it.each([
    [['--cold-samples', String(MAX_COLD_SAMPLES + 1)], /--cold-samples must be a whole number 1-100/],
    [['--cold-samples', '0'], /--cold-samples must be a whole number 1-100/],
    [
      ['--cold-memory', Array.from({ length: MAX_COLD_MEMORY_SIZES + 1 }, (_, i) => 512 + i).join(',')],
      /--cold-memory takes at most 4 memory sizes/,
    ],
    [['--latency', '60,7001'], /bench --latency P99 must be at most 7000 ms/],
  ])('refuses %j', async (args, message) => {
    const { chunks, stream } = fakeStream(true);
    const out = join(mkdtempSync(join(tmpdir(), 'bench-bounds-')), 'never');
    await expect(runBenchCommand([...args, '--out', out], { stderr: stream })).rejects.toThrow(message);
    await expect(runBenchCommand([...args, '--out', out], { stderr: stream })).rejects.toBeInstanceOf(
      UsageError,
    );
    expect(chunks).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('accepts the largest values', async () => {
    // Past the bounds to the next check, --out (a file here): nothing runs.
    const file = join(mkdtempSync(join(tmpdir(), 'bench-bounds-')), 'file');
    writeFileSync(file, '');
    const args = ['--cold-samples', '100', '--cold-memory', '512,1024,1769,3008', '--latency', '60,7000'];
    await expect(runBenchCommand([...args, '--out', file])).rejects.toThrow(/--out must be a directory/);
  });
});
