/**
 * A local Athena for the tests: Athena's JSON 1.1 protocol (X-Amz-Target AmazonAthena.*) on
 * 127.0.0.1, reached by the real @aws-sdk/client-athena, running each query in DuckDB
 * (sql-duckdb.ts: the fixed list of renames). What it does as Athena does, per the SDK model:
 * StartQueryExecution answers a QueryExecutionId at once; GetQueryExecution goes QUEUED, then
 * RUNNING (for `runningPolls` polls at least), then SUCCEEDED or FAILED with a
 * StateChangeReason; GetQueryResults pages with MaxResults 1-1000 and NextToken, every value a
 * VarCharValue (null: no VarCharValue), the first row of the first page the column names.
 * Faults to inject: throttling (TooManyRequestsException) on the first calls of an action, and a
 * query that fails.
 */
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lake } from './sql-duckdb';
import { toDuckDb } from './sql-duckdb';

interface Execution {
  id: string;
  name: string;
  polls: number;
  done: Promise<void>;
  columns: string[];
  rows: (string | null)[][];
  error?: string;
  finished: boolean;
}

export interface LocalAthenaOptions {
  workgroups?: string[];
  /** Polls a query stays RUNNING after QUEUED, at least. */
  runningPolls?: number;
  /** Action → how many of its first calls are throttled. */
  throttle?: Partial<Record<'StartQueryExecution' | 'GetQueryExecution' | 'GetQueryResults', number>>;
  /** A query whose text contains this fails with the given reason. */
  fail?: { when: string; reason: string };
  /** Actions refused with AccessDeniedException (every call). */
  deny?: string[];
}

export interface LocalAthena {
  endpoint: string;
  calls: { action: string; input: Record<string, unknown> }[];
  throttled: number;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
};
const error = (res: ServerResponse, type: string, message: string) =>
  json(res, 400, { __type: type, Message: message });

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** One DuckDB connection runs one query at a time: queries started together wait their turn. */
let turn: Promise<void> = Promise.resolve();

function execute(lake: Lake, sql: string, o: LocalAthenaOptions, id: string): Execution {
  const e: Execution = {
    id,
    name: id,
    polls: 0,
    columns: [],
    rows: [],
    finished: false,
    done: Promise.resolve(),
  };
  const run = async () => {
    try {
      if (o.fail && sql.includes(o.fail.when)) throw new Error(o.fail.reason);
      const result = await lake.connection.runAndReadAll(toDuckDb(sql));
      e.columns = result.columnNames();
      e.rows = result
        .getRowsJson()
        .map((row) =>
          row.map((v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v))),
        );
    } catch (err) {
      e.error = (err as Error).message.split('\n')[0];
    } finally {
      e.finished = true;
    }
  };
  e.done = turn = turn.then(run);
  return e;
}

function queryExecution(e: Execution, runningPolls: number) {
  e.polls++;
  const state =
    e.polls === 1
      ? 'QUEUED'
      : !e.finished || e.polls <= 1 + runningPolls
        ? 'RUNNING'
        : e.error
          ? 'FAILED'
          : 'SUCCEEDED';
  return {
    QueryExecution: {
      QueryExecutionId: e.id,
      Status: { State: state, ...(state === 'FAILED' ? { StateChangeReason: e.error } : {}) },
      Statistics: { DataScannedInBytes: state === 'SUCCEEDED' ? 1024 * e.rows.length : 0 },
    },
  };
}

function results(e: Execution, input: Record<string, unknown>) {
  const max = (input.MaxResults as number | undefined) ?? 1000;
  if (!Number.isInteger(max) || max < 1 || max > 1000) return undefined;
  const all = [e.columns, ...e.rows];
  const from = Number(input.NextToken ?? 0);
  const page = all.slice(from, from + max);
  const next = from + max < all.length ? String(from + max) : undefined;
  return {
    ResultSet: {
      Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
      ResultSetMetadata: { ColumnInfo: e.columns.map((Name) => ({ Name, Type: 'varchar' })) },
    },
    ...(next ? { NextToken: next } : {}),
  };
}

export async function localAthena(lake: Lake, o: LocalAthenaOptions = {}): Promise<LocalAthena> {
  const workgroups = new Set(o.workgroups ?? ['primary']);
  const executions = new Map<string, Execution>();
  const throttles = { ...o.throttle };
  const state: LocalAthena = { endpoint: '', calls: [], throttled: 0, close: async () => undefined };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonAthena.', '');
    const input = await bodyOf(req);
    state.calls.push({ action, input });
    if (o.deny?.includes(action))
      return error(res, 'AccessDeniedException', `not authorized to perform athena:${action}`);
    const left = throttles[action as keyof typeof throttles] ?? 0;
    if (left > 0) {
      throttles[action as keyof typeof throttles] = left - 1;
      state.throttled++;
      return error(res, 'TooManyRequestsException', 'Rate exceeded');
    }
    if (action === 'StartQueryExecution') {
      if (!workgroups.has(String(input.WorkGroup)))
        return error(res, 'InvalidRequestException', `WorkGroup ${String(input.WorkGroup)} is not found.`);
      const id = `q-${executions.size + 1}`;
      executions.set(id, execute(lake, String(input.QueryString), o, id));
      return json(res, 200, { QueryExecutionId: id });
    }
    const e = executions.get(String(input.QueryExecutionId));
    if (!e) return error(res, 'InvalidRequestException', 'QueryExecution not found');
    if (action === 'GetQueryExecution') return json(res, 200, queryExecution(e, o.runningPolls ?? 1));
    if (action === 'StopQueryExecution') return json(res, 200, {});
    if (action === 'GetQueryResults') {
      await e.done;
      if (e.error || e.polls < 2) return error(res, 'InvalidRequestException', 'Query has not yet finished.');
      const page = results(e, input);
      return page ? json(res, 200, page) : error(res, 'InvalidRequestException', 'MaxResults must be 1-1000');
    }
    return error(res, 'UnknownOperationException', action);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => error(res, 'InternalServerException', err.message));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
