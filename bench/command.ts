/**
 * `last-agent load` and `last-agent bench`: their arguments, read and checked beside what they
 * run (bench/load.ts, bench/run.ts), as simulate/command.ts does for `simulate`. A mistake throws
 * UsageError (local/args.ts): the CLI prints the message and the usage, and exits 2. Each command
 * loads only its own implementation. While they run, a progress line on stderr names the phase and
 * how far it is, when stderr is a terminal and there is no --json (progress.ts).
 */
import { constants, accessSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEADLINE_MS_RANGE, UsageError, checkLatencyFlags, parseLatency, wholeNumber } from '../local/args';
import { parseQuotas } from '../local/connect/faults';
import type { ProgressStream } from '../local/progress';
import { CommandProgress } from './progress';
import type { BenchOptions, SIZES } from './run';

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  return wholeNumber(value, fallback, `--${name}`, 1);
}

/** The most decisions `load --calls` makes (every one's result is kept in memory). */
export const MAX_LOAD_CALLS = 100_000;
/**
 * The most cold starts per variant and function (`bench --cold-samples`), and the most memory sizes
 * (`--cold-memory`, two variants each): every sample of every variant is a fresh process for each
 * function, about 18 s a sample at the default (measured: docs/performance.md), so 100 samples at
 * four sizes is already hours.
 */
export const MAX_COLD_SAMPLES = 100;
export const MAX_COLD_MEMORY_SIZES = 4;
/** Lambda's memory sizes in MB: "between 128 MB and 10,240 MB" (Lambda developer guide, "Configuring Lambda function memory"). */
export const LAMBDA_MEMORY_MB = { min: 128, max: 10_240 } as const;

/** --cold-node: an existing executable file, checked before any work. */
function checkExecutable(path: string): string {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.X_OK);
  } catch {
    throw new UsageError(
      `--cold-node must be an executable Node binary, got "${path}" (not found or not executable)`,
    );
  }
  return path;
}

/**
 * --out: a directory that exists or can be created, and is writable; checked (and created) before
 * any work.
 */
function checkOutDir(dir: string): string {
  const path = resolve(dir);
  let existing = path;
  // The nearest existing ancestor: it must be a writable directory for the rest to be created.
  for (;;) {
    try {
      statSync(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  try {
    if (!statSync(existing).isDirectory())
      throw new UsageError(
        `--out must be a directory, but "${existing === path ? dir : existing}" is a file`,
      );
    accessSync(existing, constants.W_OK | constants.X_OK);
    mkdirSync(path, { recursive: true });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `--out must be a directory that exists or can be created and is writable, got "${dir}"`,
    );
  }
  return dir;
}

function nonNegative(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number of milliseconds`);
  return n;
}

/** Where the commands write their progress, and its clock: the process's, or fakes in tests. */
export interface CommandIo {
  stderr?: ProgressStream;
  clock?: () => number;
}

function commandProgress(io: CommandIo, label: string, json: boolean | undefined): CommandProgress {
  return new CommandProgress(io.stderr ?? process.stderr, label, Boolean(json), {
    ...(io.clock ? { clock: io.clock } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// load

export async function runLoadCommand(args: string[], io: CommandIo = {}): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      calls: { type: 'string' },
      concurrency: { type: 'string' },
      quotas: { type: 'string', default: 'connect-defaults' },
      source: { type: 'string' },
      latency: { type: 'string' },
      'no-latency': { type: 'boolean' },
      'deadline-ms': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  checkLatencyFlags(values.latency, values['no-latency']);
  const quotas = values.quotas ?? 'connect-defaults';
  try {
    parseQuotas(quotas);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { runLoadSources, formatLoad, LOAD_SOURCES } = await import('./load');
  // Like the Lambdas, the source comes from LAST_AGENT_SOURCE unless --source says otherwise.
  const source = values.source ?? process.env.LAST_AGENT_SOURCE ?? 'search';
  if (!(LOAD_SOURCES as readonly string[]).includes(source)) {
    const given = values.source !== undefined ? '--source' : 'LAST_AGENT_SOURCE';
    throw new UsageError(`${given} must be one of ${LOAD_SOURCES.join(', ')}, got "${source}"`);
  }
  const options = {
    calls: wholeNumber(values.calls, 2000, '--calls', 1, MAX_LOAD_CALLS),
    concurrency: positiveInt(values.concurrency, 50, 'concurrency'),
    quotas,
    latency: parseLatency(values.latency, values['no-latency'], '60,250'),
    deadlineMs: wholeNumber(
      values['deadline-ms'],
      3000,
      '--deadline-ms',
      DEADLINE_MS_RANGE.min,
      DEADLINE_MS_RANGE.max,
    ),
    seed: wholeNumber(values.seed, 1, '--seed', 0),
  };
  const progress = commandProgress(io, 'load', values.json);
  let reports: Awaited<ReturnType<typeof runLoadSources>>;
  try {
    reports = await runLoadSources(options, source as (typeof LOAD_SOURCES)[number], progress);
  } finally {
    progress.finish();
  }
  // One source: its report, as before; --source all: { reports: [...] }, one per source.
  const json = reports.length === 1 ? reports[0] : { reports };
  process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${formatLoad(reports)}\n`);
  // Every call answered, and every answer inside the budget, for every source.
  return reports.every((r) => r.unanswered === 0 && r.inBudget === r.answered) ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// bench

function benchArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      size: { type: 'string', default: 'default' },
      concurrency: { type: 'string' },
      latency: { type: 'string' },
      'no-latency': { type: 'boolean' },
      'no-scaling': { type: 'boolean' },
      seed: { type: 'string' },
      out: { type: 'string', default: 'bench-results' },
      json: { type: 'boolean', default: false },
      'no-cold': { type: 'boolean' },
      'cold-samples': { type: 'string' },
      'cold-memory': { type: 'string' },
      'cold-node': { type: 'string' },
      'deadline-ms': { type: 'string' },
      'hop-start-ms': { type: 'string' },
      'hop-task-ms': { type: 'string' },
      'hop-state-ms': { type: 'string' },
      'runtime-init-ms': { type: 'string' },
      'no-index': { type: 'boolean' },
    },
    strict: true,
  }).values;
}

/** The benchmark's options from its arguments (a mistake throws UsageError). */
function benchOptions(values: ReturnType<typeof benchArgs>, sizes: typeof SIZES): BenchOptions {
  checkLatencyFlags(values.latency, values['no-latency']);
  const coldMemory = values['cold-memory']
    ?.split(',')
    .map((mb) => wholeNumber(mb.trim(), 0, '--cold-memory', LAMBDA_MEMORY_MB.min, LAMBDA_MEMORY_MB.max));
  if (coldMemory && coldMemory.length > MAX_COLD_MEMORY_SIZES)
    throw new UsageError(
      `--cold-memory takes at most ${MAX_COLD_MEMORY_SIZES} memory sizes (each adds two variants to sample), got ${coldMemory.length}`,
    );
  const runtimeInitMs = nonNegative(values['runtime-init-ms'], 'runtime-init-ms');
  const size = values.size ?? 'default';
  if (!(size in sizes)) throw new UsageError(`--size must be one of ${Object.keys(sizes).join(', ')}`);
  return {
    size,
    seed: positiveInt(values.seed, 42, 'seed'),
    // Sequential by default: every contender then draws the same latency samples in the same order,
    // so differences in decision time are the contender's own.
    concurrency: positiveInt(values.concurrency, 1, 'concurrency'),
    latency: benchLatency(values),
    scaling: !values['no-scaling'],
    index: !values['no-index'],
    cold: values['no-cold']
      ? null
      : {
          samples: wholeNumber(values['cold-samples'], 20, '--cold-samples', 1, MAX_COLD_SAMPLES),
          ...(coldMemory ? { memoryMb: coldMemory } : {}),
          ...(values['cold-node'] !== undefined ? { node: checkExecutable(values['cold-node']) } : {}),
        },
    hops: {
      startSync: nonNegative(values['hop-start-ms'], 'hop-start-ms'),
      lambdaTask: nonNegative(values['hop-task-ms'], 'hop-task-ms'),
      otherState: nonNegative(values['hop-state-ms'], 'hop-state-ms'),
    },
    ...(runtimeInitMs !== undefined ? { runtimeInitMs } : {}),
    deadlineMs: wholeNumber(
      values['deadline-ms'],
      3000,
      '--deadline-ms',
      DEADLINE_MS_RANGE.min,
      DEADLINE_MS_RANGE.max,
    ),
    outDir: checkOutDir(values.out),
  };
}

/**
 * --latency: as load's, with P99 at most the decisions' longest budget. Past it the bench's
 * pipelines only time out (they run with LAST_AGENT_DEADLINE_MS 7000), and the simple contender,
 * which has no deadline, would wait out every draw: a run that does not finish.
 */
function benchLatency(values: ReturnType<typeof benchArgs>) {
  const latency = parseLatency(values.latency, values['no-latency'], '60,250');
  if (latency && latency.p99 > DEADLINE_MS_RANGE.max)
    throw new UsageError(
      `bench --latency P99 must be at most ${DEADLINE_MS_RANGE.max} ms (the decisions' longest budget; the simple contender has none and would wait out every draw), got ${latency.p99}`,
    );
  return latency;
}

export async function runBenchCommand(args: string[], io: CommandIo = {}): Promise<number> {
  const values = benchArgs(args);
  const { runBenchmark, formatReport, SIZES } = await import('./run');
  const options = benchOptions(values, SIZES);
  const progress = commandProgress(io, 'bench', values.json);
  let report: Awaited<ReturnType<typeof runBenchmark>>;
  try {
    report = await runBenchmark({ ...options, progress });
  } finally {
    progress.finish();
  }
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  if (values.out && !values.json)
    process.stdout.write(
      `\nwrote results.json, latency-recall.svg, scenario.json and truth.json to ${values.out}/\n`,
    );
  return 0;
}
