/**
 * `last-agent analyze --sql athena --instance-id ID --database NAME [--table NAME]
 * [--lookback-days N] [--since ISO] [--until ISO] [--timezone IANA] [--attribute-names …]
 * [--athena-workgroup NAME [--output-location s3://…] [--json] [--out DIR]]`.
 * Without --athena-workgroup: prints the queries (queries.ts) to paste into Athena's editor. With
 * it: runs them (athena.ts) and prints the same report, and writes the same --out files, as the
 * streaming path, the calibrated simulate.json included (from the queries' compact `contacts`
 * extract). Every option is checked before a query starts (UsageError: exit 2, one line).
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import { UsageError } from '../../local/args';
import type { ProgressLine } from '../../local/progress';
import type { SimulationReport } from '../../simulate/run';
import { type Analysis, withModel } from '../analysis';
import type { GoLivePolicy } from '../calibrate/calibrate';
import { ContactSet } from '../contact';
import type { Figures } from '../figures/figures';
import { SkipTally } from '../records/skips';
import { contactsFromRows, figuresFromRows } from './assemble';
import type { runAthenaQueries } from './athena';
import { AthenaError } from './errors';
import { DEFAULT_TABLE, type SqlOptions, athenaQueries, renderSql } from './queries';
import { checkOptions } from './validate';

export interface SqlCommandOptions extends SqlOptions {
  workgroup?: string | undefined;
  outputLocation?: string | undefined;
  goLivePolicy: GoLivePolicy;
}

/** The --sql options, checked; `values` are parseArgs' (analyze's command.ts). */
export function sqlOptions(
  values: Record<string, string | boolean | string[] | undefined>,
  common: Pick<
    SqlCommandOptions,
    'lookbackDays' | 'since' | 'until' | 'timeZone' | 'attributeNames' | 'goLivePolicy'
  >,
): SqlCommandOptions {
  const text = (flag: string) => values[flag] as string | undefined;
  if (text('sql') !== 'athena') throw new UsageError(`--sql must be athena, got "${text('sql')}"`);
  if (values.records !== undefined)
    throw new UsageError('--sql athena reads the data lake, not files: leave out --records');
  for (const flag of ['instance-id', 'database'])
    if (!text(flag)) throw new UsageError(`--sql athena needs --${flag}`);
  const workgroup = text('athena-workgroup');
  const outputLocation = text('output-location');
  if (!workgroup && (values.json || values.out !== undefined || outputLocation !== undefined))
    throw new UsageError(
      '--json, --out and --output-location run the queries: give --athena-workgroup (without it, --sql athena prints them)',
    );
  if (outputLocation !== undefined && !/^s3:\/\/[^/]+/.test(outputLocation))
    throw new UsageError(`--output-location must be s3://bucket/prefix, got "${outputLocation}"`);
  if (workgroup !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(workgroup))
    throw new UsageError(`--athena-workgroup must be 1-128 letters, digits, ., _ or -, got "${workgroup}"`);
  const o: SqlCommandOptions = {
    ...common,
    instanceId: text('instance-id') as string,
    database: text('database') as string,
    table: text('table') ?? DEFAULT_TABLE,
    workgroup,
    outputLocation,
  };
  try {
    checkOptions(o);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return o;
}

/** The queries as `--sql athena` prints them. */
export const printedSql = (o: SqlOptions): string => renderSql(athenaQueries(o));

/** Runs the queries in Athena: the analysis as the streaming path gives it, with `source`. */
export async function analyzeInAthena(
  o: SqlCommandOptions & { workgroup: string },
  run: {
    client?: AthenaClient | undefined;
    progress?: ProgressLine | undefined;
    poll?: Parameters<typeof runAthenaQueries>[1]['poll'];
  } = {},
): Promise<{ analysis: Analysis; simulation: SimulationReport | null }> {
  const queries = athenaQueries(o);
  // The Athena client loads only when the queries run (printing them, or reading files, never does).
  const athena = await import('./athena');
  let results: Awaited<ReturnType<typeof runAthenaQueries>>;
  // The extract goes into the column table a page (1,000 rows) at a time, as the reader's records
  // do: neither Athena's rows nor a Contact object per contact are kept.
  const extract = new ContactSet();
  try {
    results = await athena.runAthenaQueries(queries, {
      workgroup: o.workgroup,
      outputLocation: o.outputLocation,
      client: run.client,
      poll: run.poll,
      onProgress: (text) => run.progress?.update(() => `Athena: ${text} queries done`),
      onRows: {
        contacts: (rows) => {
          for (const c of contactsFromRows(rows)) extract.add(c);
        },
      },
    });
  } finally {
    run.progress?.finish();
  }
  const failedFigures = Object.keys(results.failed).filter((name) => name !== 'contacts');
  if (failedFigures.length > 0)
    throw new AthenaError(
      `the ${failedFigures.join(', ')} quer${failedFigures.length === 1 ? 'y' : 'ies'} failed in Athena: ${results.failed[failedFigures[0] as string]}`,
    );
  const { figures, omitted, records, duplicates } = figuresFromRows(results.rows, o, results.failed);
  const contacts = extract.contacts();
  if (results.failed.contacts) omitted.push({ figure: 'calibration', reason: results.failed.contacts });
  // The lake has no files to skip: the reader's tally, empty.
  const skipped = new SkipTally().toJSON();
  return withModel(
    figures as Figures,
    contacts,
    {
      files: 0,
      records,
      duplicates,
      skipped,
      source: { engine: 'athena', workgroup: o.workgroup, queries: results.executions, omitted },
    },
    { ...o, simulate: true },
  );
}

export { AthenaError };
