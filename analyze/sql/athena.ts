/**
 * Runs `analyze --sql athena`'s queries in Amazon Athena (`--athena-workgroup NAME
 * [--output-location s3://…]`): StartQueryExecution for each query (all at once: Athena runs them
 * side by side), GetQueryExecution polled with backoff until SUCCEEDED, FAILED or CANCELLED, then
 * GetQueryResults page by page. Throttling and transient errors are the SDK's to retry (standard
 * strategy, ATHENA_MAX_ATTEMPTS). Every value comes back as a string or null (assemble.ts parses
 * them). The permissions it needs are in docs/analyze-sql.md.
 *
 * A query that fails in Athena is reported by name with Athena's reason (the command stops on a
 * figures query, and leaves the calibration out for the `contacts` extract). A query that cannot
 * start (no such workgroup, access denied), a poll or page that fails, and a run where every query
 * failed are an AthenaError (one line, exit 2); the queries already started are stopped first, so
 * that nothing is left scanning.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { sdkReason } from '../sdk-error';
import type { SqlRow } from './assemble';
import { AthenaError } from './errors';
import type { SqlQuery } from './queries';

export const ATHENA_MAX_ATTEMPTS = 8;
/**
 * GetQueryResults' largest page: `MaxQueryResults` is an integer of min 1, max 1000 in AWS's
 * Athena API model (botocore athena/2017-05-18, read for this; the JS SDK drops the bounds).
 * Throttling is TooManyRequestsException in the same model, which the SDK's standard retry
 * strategy treats as throttling. docs/aws-evidence.md#athena-analyze---sql-athena.
 */
export const RESULT_PAGE_ROWS = 1000;

export { AthenaError };

export interface AthenaRunOptions {
  workgroup: string;
  /** Where Athena writes results; the workgroup's own location when absent. */
  outputLocation?: string | undefined;
  client?: AthenaClient | undefined;
  /** Polling: first wait, growth factor, longest wait (ms); and the longest a query may take. */
  poll?: { firstMs: number; factor: number; maxMs: number; timeoutMs: number } | undefined;
  /** Called as queries finish: "figures 2/6". */
  onProgress?: ((text: string) => void) | undefined;
  /**
   * Queries whose rows are handed over page by page as they are read, instead of kept: their
   * `AthenaResults.rows` entry is empty. The contacts extract goes straight into the column table.
   */
  onRows?: Readonly<Record<string, (rows: SqlRow[]) => void>> | undefined;
}

export interface AthenaResults {
  rows: Record<string, SqlRow[]>;
  /** Query name → why it failed (Athena's StateChangeReason). */
  failed: Record<string, string>;
  /** Query name → its QueryExecutionId and the data it scanned (bytes), for the record. */
  executions: Record<string, { id: string; scannedBytes: number | null }>;
}

const DEFAULT_POLL = { firstMs: 500, factor: 1.5, maxMs: 5000, timeoutMs: 30 * 60_000 };

export function defaultAthenaClient(): AthenaClient {
  return new AthenaClient({ retryMode: 'standard', maxAttempts: ATHENA_MAX_ATTEMPTS });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(client: AthenaClient, query: SqlQuery, o: AthenaRunOptions): Promise<string> {
  try {
    const out = await client.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        WorkGroup: o.workgroup,
        ...(o.outputLocation ? { ResultConfiguration: { OutputLocation: o.outputLocation } } : {}),
      }),
    );
    if (!out.QueryExecutionId) throw new Error('StartQueryExecution returned no QueryExecutionId');
    return out.QueryExecutionId;
  } catch (err) {
    throw new AthenaError(
      `cannot start the ${query.name} query in workgroup ${o.workgroup}: ${sdkReason(err)}`,
    );
  }
}

type Finished = { state: 'SUCCEEDED'; scannedBytes: number | null } | { state: 'FAILED'; reason: string };

/** Polls until the query ends, waiting longer each time (firstMs × factor^n, at most maxMs). */
async function finish(client: AthenaClient, id: string, poll: typeof DEFAULT_POLL): Promise<Finished> {
  const deadline = Date.now() + poll.timeoutMs;
  let wait = poll.firstMs;
  for (;;) {
    const { QueryExecution: q } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = q?.Status?.State;
    if (state === 'SUCCEEDED') return { state, scannedBytes: q?.Statistics?.DataScannedInBytes ?? null };
    if (state === 'FAILED' || state === 'CANCELLED')
      return {
        state: 'FAILED',
        reason: `${state}: ${q?.Status?.StateChangeReason ?? q?.Status?.AthenaError?.ErrorMessage ?? 'no reason given'}`,
      };
    if (Date.now() + wait > deadline) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
      return { state: 'FAILED', reason: `stopped after ${Math.round(poll.timeoutMs / 1000)} s` };
    }
    await sleep(wait);
    wait = Math.min(poll.maxMs, wait * poll.factor);
  }
}

/**
 * Every row of a finished query, page by page: kept, or handed to `onPage` a page at a time. The
 * first row of a SELECT's first page holds the column names (as Athena's console and CSV show
 * them); it is dropped when it equals them.
 */
async function results(
  client: AthenaClient,
  id: string,
  onPage?: (rows: SqlRow[]) => void,
): Promise<SqlRow[]> {
  const kept: SqlRow[] = [];
  let token: string | undefined;
  let names: string[] | undefined;
  let first = true;
  do {
    const page: GetQueryResultsCommandOutput = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: RESULT_PAGE_ROWS }),
    );
    names ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    const columns = names;
    const rows = onPage ? [] : kept;
    for (const row of page.ResultSet?.Rows ?? []) {
      const values = (row.Data ?? []).map((d) => d.VarCharValue ?? null);
      const header = first && values.length === columns.length && values.every((v, i) => v === columns[i]);
      first = false;
      if (header) continue;
      rows.push(Object.fromEntries(columns.map((name, i) => [name, values[i] ?? null])));
    }
    onPage?.(rows);
    token = page.NextToken;
  } while (token);
  return kept;
}

/** Stops every started query (best effort): a run that gives up must not leave scans billing. */
async function stopAll(client: AthenaClient, ids: readonly string[]): Promise<void> {
  await Promise.all(
    ids.map((id) =>
      client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined),
    ),
  );
}

/** Starts every query; when one cannot start, stops those that did and throws the first AthenaError. */
async function startAll(client: AthenaClient, queries: SqlQuery[], o: AthenaRunOptions): Promise<string[]> {
  const started = await Promise.allSettled(queries.map((q) => start(client, q, o)));
  const ids = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const refused = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (refused) {
    await stopAll(client, ids);
    throw refused.reason;
  }
  return ids;
}

/** Runs the queries side by side; their rows by name, and the reasons of those that failed. */
export async function runAthenaQueries(queries: SqlQuery[], o: AthenaRunOptions): Promise<AthenaResults> {
  const client = o.client ?? defaultAthenaClient();
  const poll = o.poll ?? DEFAULT_POLL;
  const out: AthenaResults = { rows: {}, failed: {}, executions: {} };
  const ids = await startAll(client, queries, o);
  let done = 0;
  const each = async (q: SqlQuery, id: string) => {
    const end = await finish(client, id, poll);
    if (end.state === 'SUCCEEDED') {
      out.rows[q.name] = await results(client, id, o.onRows?.[q.name]);
      out.executions[q.name] = { id, scannedBytes: end.scannedBytes };
    } else {
      out.failed[q.name] = end.reason;
      out.executions[q.name] = { id, scannedBytes: null };
    }
    o.onProgress?.(`${q.name} ${++done}/${queries.length}`);
  };
  try {
    await Promise.all(queries.map((q, i) => each(q, ids[i] as string)));
  } catch (err) {
    // Polling or reading failed (access denied on the results, say): stop what still runs.
    await stopAll(client, ids);
    throw new AthenaError(`the queries could not be followed in Athena: ${sdkReason(err)}`);
  }
  if (Object.keys(out.failed).length === queries.length)
    throw new AthenaError(
      `every query failed in Athena; the first: ${queries[0]?.name}: ${out.failed[queries[0]?.name ?? '']}`,
    );
  return out;
}
