/**
 * `analyze --sql athena --athena-workgroup NAME`: the queries run through the real
 * @aws-sdk/client-athena against a local Athena on 127.0.0.1 (athena-local.ts, DuckDB inside), and
 * the command's analysis equals the streaming reader's on the same records: every figure, the
 * calibrated simulate.json, the backtest. Also: polling, pagination past 1,000 rows, throttling,
 * a query that fails, a workgroup that does not exist, and the usage errors before any query.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ATTRIBUTE_NAMES } from '../../analyze/definitions';
import { generateCenter } from '../../analyze/generator/index';
import type { SqlRow } from '../../analyze/sql/assemble';
import { runAthenaQueries } from '../../analyze/sql/athena';
import { type LakeRow, lakeRow } from '../../analyze/sql/lake';
import { type SqlQuery, athenaQueries } from '../../analyze/sql/queries';
import { runCli } from '../cli/run-cli';
import { type LocalAthena, localAthena } from './athena-local';
import { type Lake, lakeDatabase } from './sql-duckdb';

const FAST_POLL = { firstMs: 5, factor: 2, maxMs: 40, timeoutMs: 60_000 };

let lake: Lake;
let athena: LocalAthena;
let recordsDir: string;
let instanceId: string;
let timeZone: string;

beforeAll(async () => {
  const generated = generateCenter('small-long-calls', { days: 21, goLiveDay: 12 });
  instanceId = generated.instance.instanceId;
  timeZone = generated.shape.timeZone;
  recordsDir = mkdtempSync(join(tmpdir(), 'athena-records-'));
  writeFileSync(
    join(recordsDir, 'records.jsonl'),
    generated.records.map((r) => JSON.stringify(r)).join('\n'),
  );
  lake = await lakeDatabase(generated.records.map(lakeRow).filter((r): r is LakeRow => r !== undefined));
  athena = await localAthena(lake, {
    runningPolls: 2,
    throttle: { StartQueryExecution: 1, GetQueryResults: 1 },
  });
}, 60_000);

afterAll(async () => {
  await athena?.close();
  lake?.close();
});

const env = () => ({
  AWS_ENDPOINT_URL_ATHENA: athena.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'LOCAL',
  AWS_SECRET_ACCESS_KEY: 'LOCAL',
});

/** The real SDK's client for a local Athena (the shared one by default). */
const client = (endpoint = athena.endpoint, maxAttempts?: number) =>
  new AthenaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'LOCAL' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });

const sqlOptions = () => ({
  instanceId,
  database: 'lake',
  table: 'contact_record',
  lookbackDays: 7,
  timeZone,
  attributeNames: DEFAULT_ATTRIBUTE_NAMES,
});

const FIGURES = [
  'contacts',
  'callers',
  'handled',
  'agents',
  'returning',
  'returningShare',
  'sameAgentShare',
  'lastAgentFreeShare',
  'knownAgentShare',
  'knownAgentFreeShare',
  'returnIntervalHours',
  'handleTimeSeconds',
  'talkSeconds',
  'acwSeconds',
  'queueWaitSeconds',
  'abandonRate',
  'arrivalsPerHour',
  'arrivalsPerHourByWeekday',
  'staffing',
  'outcome',
] as const;

/** Numbers within 1e-9 (relative), everything else equal. */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) =>
      close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    );
  }
  return a === b;
}

describe('runAthenaQueries (the real SDK, a local Athena on 127.0.0.1)', () => {
  it('starts every query, polls until done, pages past 1,000 rows, drops the header row, and retries throttling', async () => {
    const queries = athenaQueries(sqlOptions());
    const before = athena.calls.length;
    const out = await runAthenaQueries(queries, { workgroup: 'primary', client: client(), poll: FAST_POLL });
    const calls = athena.calls.slice(before);
    expect(Object.keys(out.failed)).toEqual([]);
    for (const q of queries) expect(out.rows[q.name]).toEqual(await lake.run(q));
    expect(out.rows.contacts?.length).toBeGreaterThan(1000);
    const pages = calls.filter(
      (c) => c.action === 'GetQueryResults' && c.input.QueryExecutionId === out.executions.contacts?.id,
    );
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.input.MaxResults === 1000)).toBe(true);
    // Each query was polled through QUEUED and RUNNING before its results were read.
    for (const q of queries) {
      const id = out.executions[q.name]?.id;
      expect(
        calls.filter((c) => c.action === 'GetQueryExecution' && c.input.QueryExecutionId === id).length,
      ).toBeGreaterThanOrEqual(3);
    }
    expect(athena.throttled).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('hands a query’s rows over a page at a time when asked, keeping none of them', async () => {
    const queries = athenaQueries(sqlOptions());
    const pages: SqlRow[][] = [];
    const out = await runAthenaQueries(queries, {
      workgroup: 'primary',
      client: client(),
      poll: FAST_POLL,
      onRows: { contacts: (rows) => pages.push(rows) },
    });
    const contacts = queries.find((q) => q.name === 'contacts') as SqlQuery;
    expect(out.rows.contacts).toEqual([]);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((p) => p.length <= 1000)).toBe(true);
    expect(pages.flat()).toEqual(await lake.run(contacts));
    expect(out.rows.figures).toEqual(await lake.run(queries[0] as SqlQuery));
  }, 60_000);

  it('a query that fails is reported with Athena’s reason; a workgroup that does not exist stops the run', async () => {
    const failing = await localAthena(lake, {
      fail: {
        when: 'caller_rank',
        reason: 'COLUMN_NOT_FOUND: line 3:8: Column customer_endpoint_address cannot be resolved',
      },
    });
    try {
      const c = client(failing.endpoint);
      const out = await runAthenaQueries(athenaQueries(sqlOptions()), {
        workgroup: 'primary',
        client: c,
        poll: FAST_POLL,
      });
      expect(out.failed.contacts).toMatch(/^FAILED: COLUMN_NOT_FOUND/);
      expect(out.rows.figures).toBeDefined();
      await expect(
        runAthenaQueries(athenaQueries(sqlOptions()), { workgroup: 'nope', client: c, poll: FAST_POLL }),
      ).rejects.toThrow(
        /^cannot start the figures query in workgroup nope: InvalidRequestException: WorkGroup nope is not found/,
      );
    } finally {
      await failing.close();
    }
  }, 60_000);

  it('results that cannot be read: an AthenaError, and every started query is stopped', async () => {
    const denied = await localAthena(lake, { deny: ['GetQueryResults'] });
    try {
      const c = client(denied.endpoint, 1);
      const queries = athenaQueries(sqlOptions());
      await expect(
        runAthenaQueries(queries, { workgroup: 'primary', client: c, poll: FAST_POLL }),
      ).rejects.toThrow(
        /^the queries could not be followed in Athena: AccessDeniedException: not authorized to perform athena:GetQueryResults/,
      );
      const started = denied.calls.filter((x) => x.action === 'StartQueryExecution').length;
      const stopped = new Set(
        denied.calls.filter((x) => x.action === 'StopQueryExecution').map((x) => x.input.QueryExecutionId),
      );
      expect(started).toBe(queries.length);
      expect(stopped.size).toBe(queries.length);
    } finally {
      await denied.close();
    }
  }, 60_000);
});

describe('last-agent analyze --sql athena', () => {
  it('prints the queries without --athena-workgroup', async () => {
    const { code, stdout } = await runCli([
      'analyze',
      '--sql',
      'athena',
      '--instance-id',
      instanceId,
      '--database',
      'connect_datalake',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^-- query 1 of \d+: figures/m);
    expect(stdout).toContain('"connect_datalake"."contact_record"');
  });

  it.each([
    [['--sql', 'trino', '--instance-id', 'x', '--database', 'd'], /--sql must be athena/],
    [['--sql', 'athena', '--database', 'd'], /--sql athena needs --instance-id/],
    [['--sql', 'athena', '--instance-id', 'x'], /--sql athena needs --database/],
    [
      ['--sql', 'athena', '--records', '/tmp', '--instance-id', 'x', '--database', 'd'],
      /leave out --records/,
    ],
    [['--records', '/tmp', '--database', 'd'], /--database goes with --sql athena/],
    [['--sql', 'athena', '--instance-id', 'x', '--database', 'd', '--json'], /give --athena-workgroup/],
    [
      [
        '--sql',
        'athena',
        '--instance-id',
        'x',
        '--database',
        'd',
        '--athena-workgroup',
        'w',
        '--output-location',
        'http://x',
      ],
      /--output-location must be s3:/,
    ],
    [['--sql', 'athena', '--instance-id', "x' OR 1=1", '--database', 'd'], /instance/i],
  ])('usage error before any query: %j', async (args, message) => {
    const before = athena.calls.length;
    const { code, stderr } = await runCli(['analyze', ...args], env());
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(athena.calls.length).toBe(before);
  });

  it('with --athena-workgroup: the same figures, simulate.json and backtest as reading the records', async () => {
    const out = mkdtempSync(join(tmpdir(), 'athena-out-'));
    const common = ['--timezone', timeZone, '--json'];
    const sql = await runCli(
      [
        'analyze',
        '--sql',
        'athena',
        '--instance-id',
        instanceId,
        '--database',
        'lake',
        '--athena-workgroup',
        'primary',
        '--out',
        join(out, 'sql'),
        ...common,
      ],
      env(),
    );
    expect(sql.stderr).toBe('');
    expect(sql.code).toBe(0);
    const files = await runCli(['analyze', '--records', recordsDir, '--out', join(out, 'files'), ...common]);
    const a = JSON.parse(sql.stdout);
    const b = JSON.parse(files.stdout);
    expect(b.contacts).toBeGreaterThan(1000);
    expect(b.returning).toBeGreaterThan(100);
    expect(b.backtest?.length).toBeGreaterThan(0);
    expect(b.outcome.goLive).not.toBeNull();
    for (const figure of FIGURES) expect(close(a[figure], b[figure]), figure).toBe(true);
    expect(a.records).toBe(b.records);
    expect(a.source.engine).toBe('athena');
    expect(a.source.omitted).toEqual([]);
    expect(a.calibration.simulate).toEqual(b.calibration.simulate);
    expect(a.backtest).toEqual(b.backtest);
    expect(readFileSync(join(out, 'sql', 'simulate.json'), 'utf8')).toBe(
      readFileSync(join(out, 'files', 'simulate.json'), 'utf8'),
    );
    // Nothing the command printed or wrote holds a caller number.
    expect(sql.stdout).not.toMatch(/\+1\d{10}/);
  }, 120_000);
});
