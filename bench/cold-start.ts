import { makeCertificate } from './cold-start/endpoints';
import {
  type ColdStartOptions,
  type ColdStartReport,
  coldStartReport,
  sampleAll,
  sampleJobs,
  variantResults,
} from './cold-start/measure';
import { cpuLimiter, resolveNode } from './cold-start/processes';
import { coldScenario, prepareBuilds, replayStub } from './cold-start/scenario';
import { coldHeading, coldTable, criticalPathChange, entriesOf, sizeTable } from './cold-start/table';
import { Closers, withTempDir } from './resources';

/**
 * The cold-start bench: scenario (bench/cold-start/scenario.ts: the builds bundled, one real
 * decision captured per build, local endpoints), measurement (cold-start/measure.ts: fresh
 * processes, cold-child.cjs) and table (cold-start/table.ts).
 */

export {
  BASELINE_BUNDLING,
  BASELINE_COMMIT,
  type BuildConfig,
  type BundleSettings,
  type FunctionConfig,
  baselineBuild,
  baselineSource,
  currentBuildFromStack,
} from './cold-start/builds';
export {
  CRITICAL_PATH,
  type ColdStartOptions,
  type ColdStartReport,
  type ColdVariant,
  type FunctionColdResult,
  type VariantResult,
  criticalPathOf,
  criticalPathSum,
} from './cold-start/measure';
export { resolveNode } from './cold-start/processes';

/**
 * Cold start per function, as Lambda runs it: for each build, bundle every function with the
 * build's own esbuild settings; replay one real decision to capture each function's payload;
 * then, for every sample, start a fresh Node process that loads the bundle and handles its
 * payload twice (cold, then warm), with its first Connect / Step Functions / Secrets Manager
 * round trip over TLS to a local endpoint. Variants and functions alternate order sample by
 * sample so that machine load drifts hit all of them alike.
 */
export async function runColdStart(o: ColdStartOptions): Promise<ColdStartReport> {
  const log = o.log ?? (() => undefined);
  return withTempDir('last-agent-cold-', async (work) => {
    const closers = new Closers();
    try {
      const node = resolveNode(o.node);
      const tls = makeCertificate(work);
      const limiter = o.variants.some((v) => v.cpuMb) ? cpuLimiter() : undefined;
      if (limiter) closers.add(() => limiter.close());
      // Scenario: every build bundled and its decision captured; the endpoints that replay it.
      const scenario = await coldScenario(work, tls, closers);
      const prepared = await prepareBuilds(o.builds, scenario, node, log);
      const stub = await replayStub(prepared, scenario, closers);
      // Measure: every (variant, function) in fresh processes, sample after sample.
      const jobs = sampleJobs(o.variants, prepared, limiter, work);
      const setup = { work, node, limiter, common: scenario.common, stubUrl: stub.url };
      const samples = await sampleAll(jobs, o.samples, setup, log);
      return coldStartReport(o, node, tls, limiter, variantResults(o.variants, prepared, samples));
    } finally {
      await closers.closeAll();
    }
  });
}

/** The cold-start table: per function and over the critical path, every variant side by side. */
export function formatCold(c: ColdStartReport): string {
  const entries = entriesOf(c);
  return [
    ...coldHeading(c),
    coldTable(c, entries),
    '',
    sizeTable(c, entries),
    ...criticalPathChange(c),
    ...c.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
