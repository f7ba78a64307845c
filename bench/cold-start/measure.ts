import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, roundedPercentile } from '../stats';
import { BASELINE_COMMIT, type BuildConfig, type Bundle, type FunctionConfig } from './builds';
import type { Tls } from './endpoints';
import {
  type ChildSample,
  type CpuLimiter,
  type NodeBinary,
  answerProblem,
  lambdaEnv,
  runChild,
} from './processes';
import type { PreparedBuild } from './scenario';

/**
 * The serial critical path of a decision among a build's functions; an inner list runs side by
 * side (the Parallel state). Builds before issue 20 ended with a Choose Route Lambda.
 */
export function criticalPathOf(entries: string[]): (string | string[])[] {
  return [
    'decide',
    'search-contacts',
    'pick-last-agent-contact',
    ['check-agent-availability', 'check-last-contact-csat'],
    ...(entries.includes('choose-route') ? ['choose-route'] : []),
  ];
}

/** The current build's critical path: the entry function applies the route choice itself. */
export const CRITICAL_PATH = criticalPathOf([]);

export interface ColdVariant {
  label: string;
  build: string;
  /** Replaces the deployed NODE_OPTIONS (e.g. to measure --enable-source-maps). */
  nodeOptions?: string;
  /** Limit the process to the CPU Lambda gives this much memory (cgroup CPU quota). */
  cpuMb?: number;
  /** Only these functions (default: all of the build). */
  entries?: string[];
}

export interface ColdStartOptions {
  builds: BuildConfig[];
  variants: ColdVariant[];
  samples: number;
  /** Node binary for the fresh processes (Lambda runs Node 22). */
  node?: string;
  log?: (line: string) => void;
}

export interface FunctionColdResult {
  bundleKb: number;
  mapKb: number;
  /** require() of the bundle, median (ms). */
  importMs: number;
  /** First invocation, median (ms). */
  firstMs: number;
  /** import + first invocation: median and p90 (ms). */
  coldMs: number;
  coldP90: number;
  /** The same invocation warm, median (ms). */
  warmMs: number;
  /** import + first − warm, median (ms): what a cold start adds to the warm path. */
  penaltyMs: number;
  /** CPU time of import + first invocation, median (ms). */
  cpuMs: number;
}

export interface VariantResult {
  label: string;
  build: string;
  nodeOptions: string;
  cpuMb?: number;
  functions: Record<string, FunctionColdResult>;
  /** Sum over the build's critical path (`criticalPathOf`) of the median import + first invocation (ms). */
  criticalPathMs?: number;
}

export interface ColdStartReport {
  node: string;
  tls: boolean;
  cpuLimit: string;
  samples: number;
  baselineCommit: string;
  variants: VariantResult[];
  notes: string[];
}

/** Sum over the critical path of a per-function figure (the Parallel state counts its slowest branch). */
export function criticalPathSum(
  values: Record<string, number | undefined>,
  path = CRITICAL_PATH,
): number | undefined {
  let sum = 0;
  for (const step of path) {
    const xs = (Array.isArray(step) ? step : [step]).map((e) => values[e]);
    if (xs.some((x) => x === undefined)) return undefined;
    sum += Math.max(...(xs as number[]));
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Sampling

/** One function of one variant, with the file holding its captured payload. */
export interface Job {
  v: ColdVariant;
  p: PreparedBuild;
  entry: string;
  eventFile: string;
}

/** What every sample process needs besides its job. */
export interface SampleSetup {
  work: string;
  node: NodeBinary;
  limiter: CpuLimiter | undefined;
  common: Record<string, string>;
  /** The stub standing in for Step Functions, Secrets Manager and SSM. */
  stubUrl: string;
}

/** Every (variant, function) to sample; CPU-limited variants only where a cgroup can limit them. */
export function sampleJobs(
  variants: ColdVariant[],
  prepared: Map<string, PreparedBuild>,
  limiter: CpuLimiter | undefined,
  work: string,
): Job[] {
  const jobs = variants.flatMap((v) => {
    const p = prepared.get(v.build);
    if (!p) throw new Error(`cold-start variant ${v.label}: no build ${v.build}`);
    if (v.cpuMb && !limiter) return [];
    return (v.entries ?? Object.keys(p.build.functions))
      .filter((e) => e in p.build.functions)
      .map((entry) => ({ v, p, entry, eventFile: join(work, `${p.build.name}-${entry}-event.json`) }));
  });
  for (const { p, entry, eventFile } of jobs)
    writeFileSync(eventFile, JSON.stringify({ name: entry, event: p.events[entry] }));
  return jobs;
}

/** One fresh process: loads the bundle, handles its payload cold then warm; both answers checked. */
async function sampleOnce({ v, p, entry, eventFile }: Job, setup: SampleSetup): Promise<ChildSample> {
  const env = lambdaEnv(entry, p.build.functions[entry] as FunctionConfig, {
    ...setup.common,
    AWS_ENDPOINT_URL_CONNECT: p.connectUrl,
    AWS_ENDPOINT_URL_SFN: setup.stubUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: setup.stubUrl,
    AWS_ENDPOINT_URL_SSM: setup.stubUrl,
  });
  if (v.nodeOptions !== undefined) env.NODE_OPTIONS = v.nodeOptions;
  const outFile = join(setup.work, 'sample.json');
  rmSync(outFile, { force: true });
  const procs = v.cpuMb && setup.limiter ? setup.limiter.procsFor(v.cpuMb) : undefined;
  await runChild(
    setup.node.path,
    ['sample', (p.bundles[entry] as Bundle).path, eventFile, outFile],
    env,
    procs,
  );
  const s = JSON.parse(readFileSync(outFile, 'utf8')) as ChildSample;
  const problem =
    answerProblem(entry, s.first, p.events.__decision) ?? answerProblem(entry, s.second, p.events.__decision);
  if (problem) throw new Error(`cold-start sample ${v.label} ${entry}: ${problem}`);
  return s;
}

/**
 * `samples` rounds over every job, in alternating order round by round so that machine load
 * drifts hit all of them alike. Returns the samples by "variant label/entry".
 */
export async function sampleAll(
  jobs: Job[],
  samples: number,
  setup: SampleSetup,
  log: (line: string) => void,
): Promise<Map<string, ChildSample[]>> {
  const out = new Map<string, ChildSample[]>();
  for (let i = 0; i < samples; i++) {
    const order = i % 2 === 0 ? jobs : [...jobs].reverse();
    for (const job of order) {
      const s = await sampleOnce(job, setup);
      const key = `${job.v.label}/${job.entry}`;
      out.set(key, [...(out.get(key) ?? []), s]);
    }
    if ((i + 1) % 5 === 0 || i + 1 === samples)
      log(`cold start: ${i + 1}/${samples} samples of ${jobs.length} functions`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Results

/** Medians (and the cold p90) of one function's samples, with its bundle's size. */
function functionResult(xs: ChildSample[], b: Bundle): FunctionColdResult {
  const med = (f: (s: ChildSample) => number) => roundedPercentile(xs.map(f), 50);
  return {
    bundleKb: round(b.bytes / 1024),
    mapKb: round(b.mapBytes / 1024),
    importMs: med((s) => s.importMs),
    firstMs: med((s) => s.firstMs),
    coldMs: med((s) => s.importMs + s.firstMs),
    coldP90: roundedPercentile(
      xs.map((s) => s.importMs + s.firstMs),
      90,
    ),
    warmMs: med((s) => s.warmMs),
    penaltyMs: med((s) => s.importMs + s.firstMs - s.warmMs),
    cpuMs: med((s) => s.cpuMs),
  };
}

/** One variant's functions and critical path, or undefined when none of its functions was sampled. */
function variantResult(
  v: ColdVariant,
  p: PreparedBuild,
  samples: Map<string, ChildSample[]>,
): VariantResult | undefined {
  const functions: Record<string, FunctionColdResult> = {};
  for (const entry of Object.keys(p.build.functions)) {
    const xs = samples.get(`${v.label}/${entry}`);
    if (xs?.length) functions[entry] = functionResult(xs, p.bundles[entry] as Bundle);
  }
  if (Object.keys(functions).length === 0) return undefined;
  const criticalPathMs = criticalPathSum(
    Object.fromEntries(Object.entries(functions).map(([e, f]) => [e, f.coldMs])),
    criticalPathOf(Object.keys(p.build.functions)),
  );
  return {
    label: v.label,
    build: v.build,
    nodeOptions: v.nodeOptions ?? p.build.functions.decide?.env.NODE_OPTIONS ?? '',
    ...(v.cpuMb ? { cpuMb: v.cpuMb } : {}),
    functions,
    ...(criticalPathMs !== undefined ? { criticalPathMs: round(criticalPathMs) } : {}),
  };
}

export function variantResults(
  variants: ColdVariant[],
  prepared: Map<string, PreparedBuild>,
  samples: Map<string, ChildSample[]>,
): VariantResult[] {
  return variants
    .map((v) => variantResult(v, prepared.get(v.build) as PreparedBuild, samples))
    .filter((r): r is VariantResult => r !== undefined);
}

export function coldStartReport(
  o: ColdStartOptions,
  node: NodeBinary,
  tls: Tls | undefined,
  limiter: CpuLimiter | undefined,
  variants: VariantResult[],
): ColdStartReport {
  return {
    node: node.version,
    tls: Boolean(tls),
    cpuLimit:
      limiter?.kind ??
      (o.variants.some((v) => v.cpuMb)
        ? 'none (no writable cgroup: CPU-limited variants skipped)'
        : 'not used'),
    samples: o.samples,
    baselineCommit: BASELINE_COMMIT,
    variants,
    notes: o.builds.flatMap((b) => (b.notes ?? []).map((n) => `${b.name}: ${n}`)),
  };
}
