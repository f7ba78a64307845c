/**
 * `last-agent analyze --records PATH [PATH...] [--json] [--out DIR] [--lookback-days N]
 * [--since ISO] [--until ISO] [--timezone IANA] [--attribute-names route:NAME,...]
 * [--go-live-policy preferred-agent:SECONDS|agent-queue:SECONDS]`, or the same figures from the
 * Connect data lake: `--sql athena --instance-id ID --database NAME [--table NAME]
 * [--athena-workgroup NAME [--output-location s3://…]]` (sql/command.ts). Besides the figures, the
 * center calibrated for the simulator, simulated, backtested and a setting recommended
 * (calibrate/); --out also writes simulate.json and the policies' chart.
 * Every option is checked before a record is read (usage errors are thrown as UsageError: exit
 * 2, one line); a PATH that is missing or cannot be opened is exit 2 too (RecordsPathError), and
 * so is a run that finds no record. Bad records are counted, never fatal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../local/args';
import { prepareOutDir } from '../local/out-dir';
import { progressLine } from '../local/progress';
import type { SimulationReport } from '../simulate/run';
import { type Analysis, type AnalyzeOptions, NoRecordsError, analyzeCenter } from './analysis';
import { DEFAULT_GO_LIVE_POLICY, type GoLivePolicy } from './calibrate/calibrate';
import { isTimeZone, zonedTime } from './clock';
import type { AttributeNames } from './contact';
import { DEFAULT_ATTRIBUTE_NAMES, DEFAULT_LOOKBACK_DAYS, LOOKBACK_RANGE } from './definitions';
import { RecordsPathError } from './records/sources';
import { arrivalsChartSvg } from './report/chart';
import { policyChartSvg } from './report/model';
import { reportMarkdown } from './report/report';
import { AthenaError, type SqlCommandOptions, analyzeInAthena, printedSql, sqlOptions } from './sql/command';

export const OUT_FILES = ['analysis.json', 'report.md', 'arrivals-staffing.svg'] as const;
/** Written beside them: the calibrated simulator configuration and the chart of its policies. */
export const MODEL_FILES = ['simulate.json', 'continuity-vs-wait.svg'] as const;

/** UpdateContactAttributes' rule for keys: letters, digits, "-" and "_" (infra/whisper.ts). */
const ATTRIBUTE_NAME = /^[A-Za-z0-9_-]{1,100}$/;
const ATTRIBUTE_KEYS = ['route', 'reason', 'agentArn'] as const;

/** `route:NAME,reason:NAME,agentArn:NAME`, any subset, over the stack's defaults. */
export function parseAttributeNames(value: string | undefined): AttributeNames {
  const names: AttributeNames = { ...DEFAULT_ATTRIBUTE_NAMES };
  if (value === undefined) return names;
  const seen = new Set<string>();
  for (const pair of value.split(',')) {
    const [key = '', name, extra] = pair.split(':');
    if (
      !ATTRIBUTE_KEYS.includes(key as (typeof ATTRIBUTE_KEYS)[number]) ||
      name === undefined ||
      extra !== undefined
    )
      throw new UsageError(
        `--attribute-names must be KEY:NAME pairs separated by commas, KEY one of ${ATTRIBUTE_KEYS.join(', ')}, got "${pair}"`,
      );
    if (!ATTRIBUTE_NAME.test(name))
      throw new UsageError(
        `--attribute-names: ${key}'s name must be 1-100 letters, digits, - or _, got "${name}"`,
      );
    if (seen.has(key)) throw new UsageError(`--attribute-names gives ${key} twice`);
    seen.add(key);
    names[key as keyof AttributeNames] = name;
  }
  if (new Set(Object.values(names)).size < 3)
    throw new UsageError('--attribute-names: route, reason and agentArn need three different names');
  return names;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** `--since`/`--until`: a date-time with Z or an offset, or a date (midnight on the center's clock). */
export function parseWhen(flag: string, value: string | undefined, timeZone: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = ISO_DATE.test(value)
    ? zonedTime(value, timeZone)
    : ISO_DATE_TIME.test(value)
      ? Date.parse(value)
      : Number.NaN;
  if (Number.isNaN(ms))
    throw new UsageError(
      `${flag} must be an ISO 8601 date (YYYY-MM-DD, midnight in --timezone) or date-time with Z or an offset (2026-03-01T00:00:00Z), got "${value}"`,
    );
  return new Date(ms).toISOString();
}

/** The simulator's ranges for the two preferences (simulate/config.ts), so the setting can be simulated. */
const GO_LIVE_RANGE = { 'preferred-agent': [5, 600], 'agent-queue': [20, 600] } as const;

/** `--go-live-policy preferred-agent:SECONDS|agent-queue:SECONDS`: the preference that was live after go-live. */
export function parseGoLivePolicy(value: string | undefined): GoLivePolicy {
  if (value === undefined) return DEFAULT_GO_LIVE_POLICY;
  const m = /^(preferred-agent|agent-queue):(\d+)$/.exec(value.trim());
  const name = m?.[1] as GoLivePolicy['name'] | undefined;
  const seconds = Number(m?.[2]);
  if (!name || seconds < GO_LIVE_RANGE[name][0] || seconds > GO_LIVE_RANGE[name][1])
    throw new UsageError(
      `--go-live-policy must be preferred-agent:SECONDS (5-600, the expiry) or agent-queue:SECONDS (20-600, the longest wait for the agent), got "${value}"`,
    );
  return { name, seconds };
}

function lookbackDays(value: string | undefined): number {
  const n = value === undefined ? DEFAULT_LOOKBACK_DAYS : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n < LOOKBACK_RANGE.min || n > LOOKBACK_RANGE.max)
    throw new UsageError(
      `--lookback-days must be a number of days ${LOOKBACK_RANGE.min}-${LOOKBACK_RANGE.max} (as LAST_AGENT_LOOKBACK_DAYS), got "${value}"`,
    );
  return n;
}

type CommandOptions = AnalyzeOptions & { json: boolean; out?: string | undefined; sql?: SqlCommandOptions };

/**
 * The options, every one checked; the PATHs are checked by the reader before it reads a record.
 * With --sql, the data lake's options instead of --records (sql/command.ts).
 */
export function analyzeOptions(args: string[]): CommandOptions {
  const { values, positionals } = parseArgs({
    args,
    options: {
      sql: { type: 'string' },
      'instance-id': { type: 'string' },
      database: { type: 'string' },
      table: { type: 'string' },
      'athena-workgroup': { type: 'string' },
      'output-location': { type: 'string' },
      records: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      'lookback-days': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      timezone: { type: 'string' },
      'attribute-names': { type: 'string' },
      'go-live-policy': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  // `--records a b c`: the PATHs after --records (or several --records).
  const paths = [...(values.records ?? []), ...positionals];
  if (values.sql === undefined && !values.records?.length)
    throw new UsageError(
      'analyze needs --records PATH (a file, a directory or s3://bucket/prefix), or --sql athena (the data lake)',
    );
  if (values.sql !== undefined && positionals.length > 0)
    throw new UsageError(`--sql athena takes no PATH, got "${positionals[0]}"`);
  if (paths.some((p) => p === '')) throw new UsageError('--records: a PATH is empty');
  for (const flag of ['instance-id', 'database', 'table', 'athena-workgroup', 'output-location'] as const)
    if (values.sql === undefined && values[flag] !== undefined)
      throw new UsageError(`--${flag} goes with --sql athena`);
  const timeZone = values.timezone ?? 'UTC';
  if (!isTimeZone(timeZone))
    throw new UsageError(
      `--timezone must be an IANA time zone such as Europe/Paris or UTC, got "${timeZone}"`,
    );
  const since = parseWhen('--since', values.since, timeZone);
  const until = parseWhen('--until', values.until, timeZone);
  if (since !== undefined && until !== undefined && since >= until)
    throw new UsageError(`--since (${values.since}) must be before --until (${values.until})`);
  if (values.out !== undefined) {
    const problem = prepareOutDir(values.out, [...OUT_FILES, ...MODEL_FILES]);
    if (problem) throw new UsageError(problem);
  }
  const common = {
    lookbackDays: lookbackDays(values['lookback-days']),
    since,
    until,
    timeZone,
    attributeNames: parseAttributeNames(values['attribute-names']),
    goLivePolicy: parseGoLivePolicy(values['go-live-policy']),
  };
  const sql = values.sql === undefined ? undefined : sqlOptions(values, common);
  return { paths, ...common, json: values.json, out: values.out, ...(sql ? { sql } : {}) };
}

/** Writes the files of --out; the lines to print after the report. */
function writeOut(
  dir: string,
  analysis: Analysis,
  simulation: SimulationReport | null,
  timeZone: string,
): string[] {
  const [json, report, chart] = OUT_FILES;
  const [config, policies] = MODEL_FILES;
  writeFileSync(join(dir, json), `${JSON.stringify(analysis, null, 2)}\n`);
  writeFileSync(join(dir, report), reportMarkdown(analysis, chart, simulation ? policies : undefined));
  writeFileSync(join(dir, chart), arrivalsChartSvg(analysis, timeZone));
  const lines = [`wrote ${OUT_FILES.join(', ')} to ${dir}/`];
  if ('problem' in analysis.calibration) {
    lines.push(`no ${config}: ${analysis.calibration.problem}`);
    return lines;
  }
  writeFileSync(join(dir, config), `${JSON.stringify(analysis.calibration.simulate, null, 2)}\n`);
  if (simulation) writeFileSync(join(dir, policies), policyChartSvg(simulation, analysis.simulation));
  lines.push(
    `wrote ${simulation ? `${config} and ${policies}` : config} to ${dir}/ (next: npx last-agent simulate --config ${join(dir, config)})`,
  );
  return lines;
}

/** Reads the records, or runs the queries in Athena: the analysis either way. */
async function analysisFor(
  options: CommandOptions,
): Promise<{ analysis: Analysis; simulation: SimulationReport | null }> {
  const progress = progressLine(process.stderr, 'analyze', options.json);
  try {
    if (options.sql?.workgroup)
      return await analyzeInAthena({ ...options.sql, workgroup: options.sql.workgroup }, { progress });
    return await analyzeCenter({ ...options, simulate: true, progress });
  } catch (err) {
    // A PATH that cannot be opened, no record at all, Athena refusing: one line, exit 2.
    if (err instanceof RecordsPathError || err instanceof NoRecordsError || err instanceof AthenaError)
      throw new UsageError(err.message);
    throw err;
  }
}

export async function runAnalyzeCommand(args: string[]): Promise<number> {
  const options = analyzeOptions(args);
  if (options.sql && !options.sql.workgroup) {
    process.stdout.write(printedSql(options.sql));
    return 0;
  }
  const { analysis, simulation } = await analysisFor(options);
  const wrote =
    options.out === undefined ? [] : writeOut(options.out, analysis, simulation, options.timeZone);
  if (options.json) process.stdout.write(`${JSON.stringify(analysis)}\n`);
  else {
    process.stdout.write(reportMarkdown(analysis, undefined, undefined));
    if (wrote.length) process.stdout.write(`\n${wrote.join('\n')}\n`);
  }
  return 0;
}
