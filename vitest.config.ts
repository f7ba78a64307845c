import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['local/polyfills.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Worker threads that each load the SDK, aws-cdk-lib and the local emulators once for all
    // their test files (isolate: false), instead of a fresh process per file: imports were most
    // of the run. Test files must leave no state behind (restore mocks of SDK classes, unstub env).
    pool: 'threads',
    isolate: false,
    // Vitest's default is one worker fewer than the CPUs: a single worker on a two-core machine.
    // Many tests wait on timers and child processes, so one worker per CPU, and at least two.
    maxWorkers: Math.max(2, availableParallelism()),
    // Node 20 runs the tests; the SDK's notice about Node 22 would drown the output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    coverage: {
      provider: 'v8',
      // The Lambda code: what runs in AWS must stay tested.
      include: ['steps/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 90, functions: 90, branches: 85, statements: 90 },
    },
  },
});
