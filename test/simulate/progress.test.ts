import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulateCommand } from '../../simulate/command';
import { ProgressLine } from '../../simulate/progress';
import { fakeStream, slowClock } from '../bench/fakes';
import { captureOutput } from '../cli/run-cli';

const small = {
  seed: 3,
  hours: 20,
  agents: 5,
  callsPerHour: 40,
  handleSeconds: { dist: 'exponential', mean: 300 },
  patienceSeconds: { dist: 'exponential', mean: 180 },
  policies: [{ name: 'none' }, { name: 'preferred-agent', expirySeconds: [10, 30] }],
};

function configFile(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'simulate-progress-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('the progress line', () => {
  it('writes nothing for a short run, then one line rewritten in place, cleared at the end', () => {
    let now = 0;
    const { chunks, stream } = fakeStream(true);
    const line = new ProgressLine(stream, { clock: () => now, delayMs: 2000, intervalMs: 250 });
    line.update(0, 4, 0.5);
    now = 1999;
    line.update(1, 4, 0);
    expect(chunks).toEqual([]);
    now = 2500;
    line.update(1, 4, 0.42);
    now = 2600; // within the interval: no rewrite
    line.update(1, 4, 0.5);
    now = 4000;
    line.update(3, 4, 0.9);
    line.finish();
    expect(chunks).toEqual([
      '\r\x1b[Ksimulate: policies 1/4 done, policy 2 at 42%, 3 s elapsed',
      '\r\x1b[Ksimulate: policies 3/4 done, policy 4 at 90%, 4 s elapsed',
      '\r\x1b[K',
    ]);
    for (const c of chunks) expect(c).not.toContain('\n');
  });

  it('clears nothing when it never showed', () => {
    const { chunks, stream } = fakeStream(true);
    const line = new ProgressLine(stream, { clock: () => 0 });
    line.update(0, 1, 0);
    line.finish();
    expect(chunks).toEqual([]);
  });
});

describe('simulate progress on stderr', () => {
  it('shows the progress of a long run when stderr is a TTY, and clears it', async () => {
    const { chunks, stream } = fakeStream(true);
    const { code, stdout } = await captureOutput(() =>
      runSimulateCommand(['--config', configFile(small)], { stderr: stream, clock: slowClock() }),
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Recommendation: ');
    expect(chunks.some((c) => c.startsWith('\r\x1b[Ksimulate: policies '))).toBe(true);
    expect(chunks.join('')).toMatch(/simulate: policies \d\/3 done.* s elapsed/);
    expect(chunks.at(-1)).toBe('\r\x1b[K');
  });

  it('writes nothing to stderr when it is not a TTY', async () => {
    const { chunks, stream } = fakeStream(false);
    const { code, stderr } = await captureOutput(() =>
      runSimulateCommand(['--config', configFile(small)], { stderr: stream, clock: slowClock() }),
    );
    expect(code).toBe(0);
    expect(chunks).toEqual([]);
    expect(stderr).toBe('');
  });

  it('writes nothing to stderr with --json, even on a TTY', async () => {
    const { chunks, stream } = fakeStream(true);
    const { code, stdout } = await captureOutput(() =>
      runSimulateCommand(['--config', configFile(small), '--json'], { stderr: stream, clock: slowClock() }),
    );
    expect(code).toBe(0);
    expect(chunks).toEqual([]);
    expect(JSON.parse(stdout).policies).toHaveLength(3);
  });
});
