import { describe, expect, it } from 'vitest';
import { runLoadCommand } from '../../bench/command';
import { fakeStream, slowClock } from '../bench/fakes';
import { captureOutput, runCli } from './run-cli';

describe('load --source', () => {
  it.each([
    [['load', '--source', 'bogus', '--calls', '1'], {}, '--source'],
    [['load', '--calls', '1'], { LAST_AGENT_SOURCE: 'dynamo' }, 'LAST_AGENT_SOURCE'],
  ])(
    'exits 2 naming the sources for %j, blaming what was set',
    async (args, env: Record<string, string>, given) => {
      const { code, stderr } = await runCli(args, env);
      expect(code).toBe(2);
      expect(stderr).toContain(`last-agent: ${given} must be one of search, index, index-then-search, all`);
    },
  );
});

describe('load progress on stderr', () => {
  const CLEAR = '\r\x1b[K';
  const args = ['--calls', '40', '--source', 'search', '--no-latency', '--quotas', 'off'];

  it('shows the calls answered and their rate on a terminal, and clears the line at the end', async () => {
    const { chunks, stream } = fakeStream(true);
    const { code, stdout, stderr } = await captureOutput(() =>
      runLoadCommand(args, { stderr: stream, clock: slowClock() }),
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Load: 40 calls at concurrency 50');
    const text = chunks.join('');
    expect(text).toContain(`${CLEAR}load: search: starting the local services, `);
    // Every frame rewrites the line in place: "\r", erase, then the text.
    const frames = chunks.filter((c) => c.startsWith(CLEAR)).map((c) => c.slice(CLEAR.length));
    expect(frames.some((f) => /^load: search: calls \d+\/40, [\d.]+\/s, \d+ s elapsed$/.test(f))).toBe(true);
    expect(text).toMatch(/load: search: calls 40\/40, /);
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
      runLoadCommand([...args, ...extra], { stderr: stream, clock: slowClock() }),
    );
    expect(code).toBe(0);
    if (extra.length) expect(JSON.parse(stdout).answered).toBe(40);
    else expect(stdout).toContain('Load: 40 calls');
    expect(chunks).toEqual([]);
    expect(stderr).toBe('');
  });
});
