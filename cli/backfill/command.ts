/**
 * `last-agent backfill`: reads and checks the arguments, runs the backfill (run.ts) on a real
 * instance or the local demo (targets.ts) with a progress bar on stderr (on a terminal, without
 * --json: progress.ts), stops cleanly on Ctrl-C, and prints the summary. Exit code 0 when complete, 130 when interrupted (resumable).
 */
import { constants, accessSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProgressStream } from '../../local/progress';
import { loadConfig } from '../../steps/lib/runtime/config';
import { UsageError } from '../usage';
import { formatDuration, num, progressReporter } from './progress';
import type { BackfillOptions, BackfillSummary } from './run';
import { type BaseOptions, type LocalSeams, type RunResult, runLocal, runReal } from './targets';

/** Amazon Connect's default quotas (CONNECT_DEFAULT_QUOTAS): SearchContacts 0.5/s, GetContactAttributes 10/s. */
export const DEFAULT_SEARCH_RPS = 0.4;
export const DEFAULT_ATTRIBUTES_RPS = 5;
export const DEFAULT_CHECKPOINT = '.last-agent-backfill.json';

const INSTANCE_ARN = /^arn:aws(?:-[a-z]+)*:connect:([a-z0-9-]+):(\d{12}):instance\/([A-Za-z0-9-]+)$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Seams for the tests (never set by the CLI itself). */
export interface BackfillHooks extends LocalSeams {
  signal?: AbortSignal;
  pageSize?: number;
  backoffBaseMs?: number;
  onCall?: BackfillOptions['onCall'];
  onPage?: BackfillOptions['onPage'];
  onContact?: BackfillOptions['onContact'];
  /** Called with every progress report, whether or not a bar is drawn. */
  onProgress?: BackfillOptions['progress'];
  /** Where the bar is drawn, and its clock (default process.stderr, performance.now). */
  stderr?: ProgressStream;
  clock?: () => number;
  /** Paces set directly, past the flags' ranges (a fast local run in the tests). */
  rates?: { searchRps: number; attributesRps: number } | undefined;
}

export async function runBackfillCommand(args: string[], hooks: BackfillHooks = {}): Promise<number> {
  const values = backfillArgs(args);
  const settings = checkedSettings(values);
  const target = await targetOf(values);
  const checkpoint = checkpointPath(values);
  // The same settings as the Lambdas: the key attribute, the channels, the default lookback.
  const config = loadConfig({ ...process.env, LAST_AGENT_TABLE_NAME: target.table });
  const reporter = progressReporter(hooks.stderr ?? process.stderr, Boolean(values.json), {
    ...(hooks.clock ? { clock: hooks.clock } : {}),
  });
  const stop = stopOnSigint(hooks.signal, () => reporter.end());
  const base: BaseOptions = {
    table: target.table,
    lookbackDays: settings.lookbackDays ?? config.lookbackDays,
    attributeKey: config.attributeKey,
    channels: config.channels,
    searchRps: hooks.rates?.searchRps ?? settings.searchRps,
    attributesRps: hooks.rates?.attributesRps ?? settings.attributesRps,
    checkpoint,
    signal: stop.signal,
    progress: (p) => {
      reporter.update(p);
      hooks.onProgress?.(p);
    },
    pageSize: hooks.pageSize,
    backoffBaseMs: hooks.backoffBaseMs,
    onCall: hooks.onCall,
    onPage: hooks.onPage,
    onContact: hooks.onContact,
  };
  try {
    const result = values.local
      ? await runLocal(base, config, hooks)
      : await runReal({ ...base, instanceId: target.instanceId }, target.region);
    reporter.end();
    process.stdout.write(values.json ? jsonOutput(result) : textOutput(result));
    return result.summary.status === 'complete' ? 0 : 130;
  } catch (err) {
    reporter.end();
    throw err;
  } finally {
    stop.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments

function backfillArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      'instance-id': { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      'lookback-days': { type: 'string' },
      'search-rps': { type: 'string' },
      'attributes-rps': { type: 'string' },
      checkpoint: { type: 'string' },
      local: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}
type Values = ReturnType<typeof backfillArgs>;

/**
 * The ranges of the paces, in requests per second: from 0.01 (one request every 100 s) to 100.
 * The defaults stay under Amazon Connect's default quotas (CONNECT_DEFAULT_QUOTAS: 0.5/s and
 * 10/s); an instance whose quotas were raised through Service Quotas may go faster.
 */
export const SEARCH_RPS_RANGE = { min: 0.01, max: 100 } as const;
export const ATTRIBUTES_RPS_RANGE = { min: 0.01, max: 100 } as const;

function rate(
  value: string | undefined,
  fallback: number,
  name: string,
  range: { min: number; max: number },
): number {
  const n = value === undefined ? fallback : /^\d*\.?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(n >= range.min && n <= range.max))
    throw new UsageError(
      `--${name} must be a number of requests per second from ${range.min} to ${range.max} (above Connect's default quotas, 0.5 and 10, only with raised quotas), got "${value}"`,
    );
  return n;
}

/** The paces and the lookback (undefined: the Lambdas' own); checks the table name if given. */
function checkedSettings(values: Values) {
  const searchRps = rate(values['search-rps'], DEFAULT_SEARCH_RPS, 'search-rps', SEARCH_RPS_RANGE);
  const attributesRps = rate(
    values['attributes-rps'],
    DEFAULT_ATTRIBUTES_RPS,
    'attributes-rps',
    ATTRIBUTES_RPS_RANGE,
  );
  let lookbackDays: number | undefined;
  if (values['lookback-days'] !== undefined) {
    lookbackDays = Number(values['lookback-days']);
    if (!Number.isInteger(lookbackDays) || lookbackDays < 1 || lookbackDays > 365)
      throw new UsageError('--lookback-days must be a whole number of days from 1 to 365');
  }
  if (values.table !== undefined && !TABLE_NAME.test(values.table))
    throw new UsageError('--table must be a DynamoDB table name: 3-255 letters, digits, "_", "-" or "."');
  return { searchRps, attributesRps, lookbackDays };
}

interface Target {
  instanceId: string;
  table: string;
  region: string | undefined;
}

/** The instance and table to fill: the demo scenario's with --local, else the flags'. */
async function targetOf(values: Values): Promise<Target> {
  if (!values.local) return realTarget(values);
  for (const flag of ['instance-id', 'region'] as const)
    if (values[flag] !== undefined)
      throw new UsageError(`--local backfills the demo scenario's instance; drop --${flag}`);
  const { LOCAL_TABLE_NAME } = await import('../../local/session');
  return { instanceId: '', table: values.table ?? LOCAL_TABLE_NAME, region: undefined };
}

/** --instance-id is an id or an instance ARN (whose Region then is the one). */
function realTarget(values: Values): Target {
  let instanceId = values['instance-id'];
  if (!instanceId)
    throw new UsageError(
      'backfill needs --instance-id and --table (or --local to try it on the demo scenario)',
    );
  if (!values.table) throw new UsageError('backfill needs --table, the routing-state table to fill');
  let region = values.region;
  const arn = INSTANCE_ARN.exec(instanceId);
  if (arn) {
    if (region && region !== arn[1])
      throw new UsageError(`--region ${region} does not match the instance ARN's Region ${arn[1]}`);
    region = arn[1];
    instanceId = arn[3] as string;
  } else if (!/^[A-Za-z0-9-]{1,100}$/.test(instanceId)) {
    throw new UsageError('--instance-id must be an instance id (or an instance ARN)');
  }
  return { instanceId, table: values.table, region };
}

/** --checkpoint, else the default file; --local keeps none unless asked. */
function checkpointPath(values: Values): string | undefined {
  if (values.checkpoint !== undefined) return checkedCheckpoint(values.checkpoint, '--checkpoint');
  return values.local ? undefined : checkedCheckpoint(DEFAULT_CHECKPOINT, 'the default checkpoint');
}

/**
 * The checkpoint, checked before any work: its directory exists and is writable, and an existing
 * checkpoint is a readable (and rewritable) file.
 */
function checkedCheckpoint(file: string, what: string): string {
  const path = resolve(file);
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(
      `${what} ${file}: its directory ${dir} must exist and be writable (the checkpoint is saved there)`,
    );
  }
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  if (exists) {
    try {
      if (!statSync(path).isFile()) throw new Error('not a file');
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch {
      throw new UsageError(`${what} ${file} exists but is not a readable and writable file`);
    }
  }
  return path;
}

/**
 * Ctrl-C: stop after the current contact with the checkpoint saved; a second one quits at once.
 * `clearLine` takes the progress bar off first. `dispose` removes the handler.
 */
function stopOnSigint(
  hookSignal: AbortSignal | undefined,
  clearLine: () => void,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    clearLine();
    process.stderr.write('\nstopping after the current contact (Ctrl-C again to quit now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const signal = hookSignal ? AbortSignal.any([controller.signal, hookSignal]) : controller.signal;
  return { signal, dispose: () => process.off('SIGINT', onSigint) };
}

// ---------------------------------------------------------------------------------------------
// Output

function jsonOutput({ summary, written, local }: RunResult): string {
  return `${JSON.stringify({ ...summary, ...(local ? { local: { ...local, wrote: written } } : {}) })}\n`;
}

/** The summary; with --local, first what was written (agents by name, never a customer key). */
function textOutput({ summary, written, local }: RunResult): string {
  const lines: string[] = [];
  if (local) {
    lines.push(
      `local Amazon Connect (demo scenario) and local DynamoDB table ${summary.table} on 127.0.0.1; wrote:`,
    );
    for (const w of written)
      lines.push(
        `  contact ${w.contactId}  ${(w.channel ?? '').padEnd(5)}  agent ${w.agent ?? w.agentId}  connected ${new Date(w.connectedAt * 1000).toISOString()}`,
      );
    lines.push(
      `  (${written.length} contact${written.length === 1 ? '' : 's'} of ${local.customers} caller${local.customers === 1 ? '' : 's'}; customer keys are never printed)`,
    );
  }
  lines.push(formatSummary(summary));
  return `${lines.join('\n')}\n`;
}

export function formatSummary(s: BackfillSummary): string {
  const c = s.counts;
  const lines = [
    `backfill of instance ${s.instanceId} into table ${s.table}: ${s.status === 'complete' ? 'complete' : 'interrupted'}${s.resumed ? ' (resumed)' : ''}`,
    `  lookback ${s.lookbackDays} days, ${s.from} to ${s.to}, ${s.windows} window${s.windows === 1 ? '' : 's'} of up to 8 weeks, newest first`,
    `  ${num(c.pages)} page${c.pages === 1 ? '' : 's'}, ${num(c.contacts)} agent-handled contacts: ${num(c.written)} written, ${num(c.skipped)} without the key attribute, ${num(c.notFound)} not found`,
    `  ${num(s.requests.SearchContacts)} SearchContacts and ${num(s.requests.GetContactAttributes)} GetContactAttributes requests in ${formatDuration(s.elapsedMs / 1000)}; ${num(c.throttled)} throttled, ${num(c.retries)} retried${c.restartedWindows ? `, ${num(c.restartedWindows)} window${c.restartedWindows === 1 ? '' : 's'} restarted (expired NextToken)` : ''}`,
  ];
  if (s.status === 'interrupted')
    lines.push(
      s.checkpoint
        ? `  progress saved in ${s.checkpoint}: run the same command again to resume`
        : '  no checkpoint (--local without --checkpoint): nothing to resume',
    );
  return lines.join('\n');
}
