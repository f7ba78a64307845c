/**
 * `last-agent load` and `last-agent bench`: their arguments, read and checked beside what they
 * run (bench/load.ts, bench/run.ts), as simulate/command.ts does for `simulate`. A mistake throws
 * UsageError (local/args.ts): the CLI prints the message and the usage, and exits 2. Each command
 * loads only its own implementation.
 */
import { parseArgs } from 'node:util';
import { UsageError, parseLatency } from '../local/args';
import { parseQuotas } from '../local/connect/faults';
import type { BenchOptions, SIZES } from './run';

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

function nonNegative(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number of milliseconds`);
  return n;
}

/** Progress lines go to stderr, unless stdout carries JSON (then there are none). */
function progressLog(json: boolean | undefined): ((line: string) => void) | undefined {
  return json ? undefined : (line) => process.stderr.write(`${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// load

export async function runLoadCommand(args: string[]): Promise<number> {
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
  const quotas = values.quotas ?? 'connect-defaults';
  try {
    parseQuotas(quotas);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { runLoadSources, formatLoad, LOAD_SOURCES } = await import('./load');
  // Like the Lambdas, the source comes from LAST_AGENT_SOURCE unless --source says otherwise.
  const source = values.source ?? process.env.LAST_AGENT_SOURCE ?? 'search';
  if (!(LOAD_SOURCES as readonly string[]).includes(source))
    throw new UsageError(`--source must be one of ${LOAD_SOURCES.join(', ')}, got "${source}"`);
  const reports = await runLoadSources(
    {
      calls: positiveInt(values.calls, 2000, 'calls'),
      concurrency: positiveInt(values.concurrency, 50, 'concurrency'),
      quotas,
      latency: parseLatency(values.latency, values['no-latency'], '60,250'),
      deadlineMs: positiveInt(values['deadline-ms'], 3000, 'deadline-ms'),
      seed: positiveInt(values.seed, 1, 'seed'),
    },
    source as (typeof LOAD_SOURCES)[number],
    progressLog(values.json),
  );
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
  const coldMemory = values['cold-memory']?.split(',').map((mb) => positiveInt(mb.trim(), 0, 'cold-memory'));
  const runtimeInitMs = nonNegative(values['runtime-init-ms'], 'runtime-init-ms');
  const size = values.size ?? 'default';
  if (!(size in sizes)) throw new UsageError(`--size must be one of ${Object.keys(sizes).join(', ')}`);
  return {
    size,
    seed: positiveInt(values.seed, 42, 'seed'),
    // Sequential by default: every contender then draws the same latency samples in the same order,
    // so differences in decision time are the contender's own.
    concurrency: positiveInt(values.concurrency, 1, 'concurrency'),
    latency: parseLatency(values.latency, values['no-latency'], '60,250'),
    scaling: !values['no-scaling'],
    index: !values['no-index'],
    cold: values['no-cold']
      ? null
      : {
          samples: positiveInt(values['cold-samples'], 20, 'cold-samples'),
          ...(coldMemory ? { memoryMb: coldMemory } : {}),
          ...(values['cold-node'] ? { node: values['cold-node'] } : {}),
        },
    hops: {
      startSync: nonNegative(values['hop-start-ms'], 'hop-start-ms'),
      lambdaTask: nonNegative(values['hop-task-ms'], 'hop-task-ms'),
      otherState: nonNegative(values['hop-state-ms'], 'hop-state-ms'),
    },
    ...(runtimeInitMs !== undefined ? { runtimeInitMs } : {}),
    deadlineMs: positiveInt(values['deadline-ms'], 3000, 'deadline-ms'),
    outDir: values.out,
    log: progressLog(values.json),
  };
}

export async function runBenchCommand(args: string[]): Promise<number> {
  const values = benchArgs(args);
  const { runBenchmark, formatReport, SIZES } = await import('./run');
  const report = await runBenchmark(benchOptions(values, SIZES));
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  if (values.out && !values.json)
    process.stdout.write(
      `\nwrote results.json, latency-recall.svg, scenario.json and truth.json to ${values.out}/\n`,
    );
  return 0;
}
