import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));

/** The probe in a fresh process without --expose-gc: V8's flags are the whole process's. */
async function probe(mode: string): Promise<Record<string, number | boolean>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, mode], { timeout: 60_000 });
  return JSON.parse(stdout);
}

describe('analyze/memory (in a fresh Node process)', () => {
  it('boundYoungGeneration keeps the young generation at its starting size; without it, V8 grows it', async () => {
    const [bound, unbound] = await Promise.all([probe('bound'), probe('unbound')]);
    expect(bound.youngMb).toBeLessThanOrEqual(8);
    expect(unbound.youngMb).toBeGreaterThan(8);
  });

  it('releasePhaseMemory frees dropped typed arrays at once, and only for a phase of RELEASE_FROM_CONTACTS contacts', async () => {
    const r = await probe('release');
    expect(r.before).toBeGreaterThanOrEqual(128);
    // Below the threshold: no collection, the 128 MB of garbage is still held.
    expect(r.small).toBe(false);
    expect(r.afterSmall).toBeGreaterThanOrEqual(128);
    expect(r.large).toBe(true);
    expect(r.after).toBeLessThan(8);
  });
});
