import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASELINE_BUNDLING, type BuildConfig, runColdStart } from '../../bench/cold-start';
import { ESM_REQUIRE_BANNER } from '../../infra/constructs/step-function';
import { TASK_FUNCTIONS } from '../../statemachine/definition';
import { recordingProgress } from './fakes';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('cold-start harness (correctness only, no timing assertions)', () => {
  it('bundles a build, replays a captured decision and measures one function in fresh processes', async () => {
    const env = { LAST_AGENT_KEY_MODE: 'e164', NODE_OPTIONS: '' };
    const build: BuildConfig = {
      name: 'current',
      srcRoot: ROOT,
      // As the stack bundles the current tree: ES modules (the entry function's top-level await).
      bundling: { ...BASELINE_BUNDLING, format: 'esm', banner: ESM_REQUIRE_BANNER, sourceMap: false },
      hashedKeys: false,
      functions: Object.fromEntries(
        ['decide', ...Object.values(TASK_FUNCTIONS)].map((e) => [e, { memoryMb: 1024, env }]),
      ),
    };
    const recorded = recordingProgress();
    const report = await runColdStart({
      builds: [build],
      variants: [{ label: 'current', build: 'current', entries: ['pick-last-agent-contact'] }],
      samples: 3,
      node: process.execPath,
      progress: recorded.progress,
    });
    const [variant] = report.variants;
    expect(Object.keys(variant?.functions ?? {})).toEqual(['pick-last-agent-contact']);
    const pick = variant?.functions['pick-last-agent-contact'];
    expect(pick?.bundleKb).toBeGreaterThan(0);
    expect(pick?.coldMs).toBeGreaterThan(0);
    expect(pick?.warmMs).toBeGreaterThan(0);
    expect(variant?.criticalPathMs).toBeUndefined();
    expect(report.tls).toBe(true);
    // What the progress line names: the build bundled, then every sample and its processes.
    expect(recorded.phases).toEqual([
      'cold start: bundling and capturing current',
      'cold start: sample 1/3',
      'cold start: sample 2/3',
      'cold start: sample 3/3',
    ]);
    expect(recorded.counts.at(-1)).toBe('cold start: sample 3/3: fresh processes 1/1');
    // Six esbuild bundles and four Node processes: 5 s alone, but the test files run two at a time
    // beside tsc, and on a loaded machine this went past the default 20 s.
  }, 60_000);
});
