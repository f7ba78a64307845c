/**
 * `analyze --sql athena` proved equal to the streaming reader, locally: the generated SQL runs in
 * DuckDB (sql-duckdb.ts: a fixed list of function renames, nothing else) over generated records
 * laid out in the data lake's columns, made hard on purpose (sql-records.ts); every figure not in
 * `omitted` equals the reader's (counts exactly, shares and means within 1e-9), with and without
 * --since/--until, on two centers and two clocks. Deliberately broken definitions must make the
 * comparison fail. Also: the SQL's text (no approx_percentile, ratios of DOUBLEs, quoted
 * identifiers, no way in for injection), the lake layout, and the calibration from the extract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GO_LIVE_POLICY } from '../../analyze/calibrate/calibrate';
import { centerModel } from '../../analyze/calibrate/model';
import { type Contact, ContactSet, toContact } from '../../analyze/contact';
import type { ContactList } from '../../analyze/contact-list';
import { DEFAULT_ATTRIBUTE_NAMES } from '../../analyze/definitions';
import { type Figures, computeFigures } from '../../analyze/figures/figures';
import { type ContactRecord, generateCenter } from '../../analyze/generator';
import { type SqlRow, contactsFromRows, figuresFromRows } from '../../analyze/sql/assemble';
import { type LakeRow, lakeRow } from '../../analyze/sql/lake';
import { type SqlOptions, type SqlQuery, athenaQueries, renderSql } from '../../analyze/sql/queries';
import { type Lake, lakeDatabase } from './sql-duckdb';
import { hardRecords, otherInstance } from './sql-records';

const COUNTS = new Set([
  'contacts',
  'callers',
  'handled',
  'agents',
  'returning',
  'decided',
  'routedLastAgent',
]);

/** Where `sql` differs from the reader's `want`: counts exactly, other numbers within 1e-9. */
function differences(want: unknown, got: unknown, path = ''): string[] {
  if (typeof want === 'number' && typeof got === 'number') {
    const key = path.split('.').pop() ?? '';
    const exact = COUNTS.has(key) || path.includes('byReason');
    const close = exact ? want === got : Math.abs(want - got) <= 1e-9 * Math.max(1, Math.abs(want));
    return close ? [] : [`${path}: reader ${want}, sql ${got}`];
  }
  if (want !== null && got !== null && typeof want === 'object' && typeof got === 'object') {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    return [...keys].flatMap((k) =>
      differences(
        (want as Record<string, unknown>)[k],
        (got as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
      ),
    );
  }
  return want === got ? [] : [`${path}: reader ${JSON.stringify(want)}, sql ${JSON.stringify(got)}`];
}

interface Center {
  records: ContactRecord[];
  contacts: ContactList;
  instanceId: string;
  timeZone: string;
  lake: Lake;
  duplicates: number;
}

async function center(
  shape: 'small-long-calls' | 'month-24',
  days: number,
  goLiveDay: number,
): Promise<Center> {
  const generated = generateCenter(shape, { days, goLiveDay });
  const records = hardRecords(generated.records);
  const set = new ContactSet();
  for (const r of records) {
    const c = toContact(r, DEFAULT_ATTRIBUTE_NAMES);
    if (c !== 'MISSING_FIELD') set.add(c);
  }
  const rows = [...records, ...otherInstance(generated.records)].map(lakeRow);
  return {
    records,
    contacts: set.contacts(),
    instanceId: generated.instance.instanceId,
    timeZone: generated.shape.timeZone,
    lake: await lakeDatabase(rows.filter((r): r is LakeRow => r !== undefined)),
    duplicates: set.duplicates,
  };
}

const DAY = 86_400_000;

function options(c: Center, extra: Partial<SqlOptions> = {}): SqlOptions {
  return {
    instanceId: c.instanceId,
    database: 'lake',
    table: 'contact_record',
    lookbackDays: 7,
    timeZone: c.timeZone,
    attributeNames: DEFAULT_ATTRIBUTE_NAMES,
    ...extra,
  };
}

async function runAll(c: Center, queries: SqlQuery[]): Promise<Record<string, SqlRow[]>> {
  const rows: Record<string, SqlRow[]> = {};
  for (const q of queries) rows[q.name] = await c.lake.run(q);
  return rows;
}

function readerFigures(c: Center, o: SqlOptions): Figures {
  return computeFigures(c.contacts, {
    lookbackDays: o.lookbackDays,
    since: o.since === undefined ? undefined : Date.parse(o.since),
    until: o.until === undefined ? undefined : Date.parse(o.until),
    timeZone: o.timeZone,
  });
}

/** The SQL's figures against the reader's: the differences, and what was compared. */
async function compare(
  c: Center,
  o: SqlOptions,
  queries = athenaQueries(o),
  known: Record<string, SqlRow[]> = {},
) {
  const rows = {
    ...known,
    ...(await runAll(
      c,
      queries.filter((q) => known[q.name] === undefined),
    )),
  };
  const sql = figuresFromRows(rows, o);
  const want = readerFigures(c, o);
  const left = new Set(sql.omitted.map((m) => m.figure));
  const expected = Object.fromEntries(Object.entries(want).filter(([k]) => !left.has(k)));
  return { diffs: differences(expected, sql.figures), sql, want, rows };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('analyze --sql athena, run by DuckDB, equals the streaming reader', () => {
  let small: Center;
  let month: Center;
  let start: number;
  /** The rows of the unbroken queries over `small` with options(small). */
  let good: Record<string, SqlRow[]>;

  beforeAll(async () => {
    small = await center('small-long-calls', 21, 12);
    month = await center('month-24', 3, 1);
    start = Math.min(...Array.from(small.contacts).map((c) => c.initiation));
  }, 60_000);

  afterAll(() => {
    small?.lake.close();
    month?.lake.close();
  });

  it('the records hold what makes a wrong SQL disagree', () => {
    expect(small.duplicates).toBeGreaterThan(200);
    const legs = Array.from(small.contacts).filter((c) => c.method === 'TRANSFER');
    expect(legs.length).toBeGreaterThan(20);
    const odd = small.records.filter((r) => /^\s|\s$|^\+0|^[0-9]/.test(r.CustomerEndpoint?.Address ?? ''));
    expect(odd.length).toBeGreaterThan(20);
  });

  it('on every figure, without --since/--until (and counts the versions the same)', async () => {
    const o = options(small);
    const { diffs, sql, want, rows } = await compare(small, o);
    good = rows;
    expect(diffs).toEqual([]);
    expect(sql.omitted).toEqual([]);
    expect(sql.duplicates).toBe(small.duplicates);
    expect(want.returning).toBeGreaterThan(100);
    expect(want.lastAgentFreeShare).not.toBeNull();
    expect(want.outcome.beforeGoLive?.contacts).toBeGreaterThan(0);
    // Callers with two and three different earlier agents: each k counts more than the one before.
    for (const shares of [want.knownAgentShare, want.knownAgentFreeShare]) {
      expect(shares['2'] as number).toBeGreaterThan(shares['1'] as number);
      expect(shares['3'] as number).toBeGreaterThan(shares['2'] as number);
    }
    expect(sql.figures.knownAgentShare?.['1']).toBe(sql.figures.sameAgentShare);
    expect(sql.figures.knownAgentFreeShare?.['1']).toBe(sql.figures.lastAgentFreeShare);
  });

  it('with --since and --until inside the records (history on both sides), on a half-hour clock', async () => {
    const o = options(small, {
      since: iso(start + 7.5 * DAY),
      until: iso(start + 16.25 * DAY),
      timeZone: 'Asia/Kolkata',
    });
    const { diffs, want } = await compare(small, o);
    expect(diffs).toEqual([]);
    expect(want.contacts).toBeGreaterThan(300);
  });

  it('with --since only, and a lookback of 2.5 days', async () => {
    const o = options(small, { since: iso(start + 10 * DAY), lookbackDays: 2.5 });
    expect((await compare(small, o)).diffs).toEqual([]);
  });

  it('on month-24 (24 agents, go-live on day 1)', async () => {
    const o = options(month, {
      until: iso(Math.max(...Array.from(month.contacts).map((c) => c.initiation)) - DAY / 3),
    });
    const { diffs, want } = await compare(month, o);
    expect(diffs).toEqual([]);
    expect(want.agents).toBeGreaterThan(15);
  });

  /** A definition broken in the SQL's text: the comparison must then fail. */
  const BROKEN: [string, string, string | RegExp, string][] = [
    [
      'de-duplication keeps the oldest version',
      'figures',
      'ORDER BY last_update DESC',
      'ORDER BY last_update ASC',
    ],
    ['the lookback is a day short', 'figures', /w\.initiation - (\d+)/, 'w.initiation - 518400000'],
    ['whitespace is not trimmed', 'figures', /\\A\[[^\]]+\]\*/, '\\A'],
    [
      'a transfer leg keeps its own (missing) caller',
      'figures',
      /ELSE coalesce\(h1\.caller[^)]*\)/,
      'ELSE c.caller',
    ],
    ['a leg looks back one contact only', 'figures', /coalesce\(h1\.caller, [^)]*\)/, 'coalesce(h1.caller)'],
    ['the working window is 30 minutes', 'figures', 'q.enqueue - 3600000', 'q.enqueue - 1800000'],
    [
      'busy ends at disconnect',
      'figures',
      'WHEN acw_end IS NOT NULL THEN greatest(acw_end, connected)',
      'WHEN 1 = 0 THEN 0',
    ],
    ['p90 is the 89th percentile', 'quantiles', 'CAST(0.9 AS DOUBLE)', 'CAST(0.89 AS DOUBLE)'],
    [
      'a day without contacts counts',
      'arrivals',
      'count(DISTINCT local_day) AS days FROM arrived GROUP',
      '7 AS days FROM arrived GROUP',
    ],
    [
      "an agent's day starts an hour late",
      'staffing',
      'min(connected) AS span_from',
      'min(connected) + 3600000 AS span_from',
    ],
    ['hours are on UTC, not --timezone', 'arrivals', /AT TIME ZONE '[^']+'/g, "AT TIME ZONE 'UTC'"],
  ];
  it.each(BROKEN)('fails when %s', async (_what, name, from, to) => {
    const o = options(small);
    const queries = athenaQueries(o).map((q) => {
      if (q.name !== name) return q;
      const sql = q.sql.replace(from, to);
      expect(sql).not.toBe(q.sql);
      return { ...q, sql };
    });
    const known = Object.fromEntries(Object.entries(good).filter(([query]) => query !== name));
    expect((await compare(small, o, queries, known)).diffs.length).toBeGreaterThan(0);
  });

  /** Broken only in the last agents beyond the first: the known-agent figures alone must differ. */
  const KNOWN_BROKEN: [string, string | RegExp, string][] = [
    [
      'an agent the caller had twice takes two ranks (not distinct)',
      'max(prev_connected) AS last_connected FROM prev GROUP BY id, prev_agent',
      'prev_connected AS last_connected FROM prev',
    ],
    ['the last two agents, not three', 'agent_rank <= 3', 'agent_rank <= 2'],
    [
      'only the previous agent counts as free',
      'CASE WHEN f.is_free = 1 THEN',
      'CASE WHEN f.is_free = 1 AND k.agent_rank = 1 THEN',
    ],
    [
      'only the previous agent counts as handling',
      'CASE WHEN k.agent = w.agent THEN',
      'CASE WHEN k.agent = w.agent AND k.agent_rank = 1 THEN',
    ],
  ];
  it.each(KNOWN_BROKEN)('fails on the known-agent figures alone when %s', async (_what, from, to) => {
    const o = options(small);
    const queries = athenaQueries(o).map((q) => {
      if (q.name !== 'figures') return q;
      const sql = q.sql.replace(from, to);
      expect(sql).not.toBe(q.sql);
      return { ...q, sql };
    });
    const known = Object.fromEntries(Object.entries(good).filter(([query]) => query !== 'figures'));
    const { diffs } = await compare(small, o, queries, known);
    expect(diffs.length).toBeGreaterThan(0);
    expect(diffs.filter((d) => !/^knownAgent(Free)?Share\.[23]:/.test(d))).toEqual([]);
  });

  it.each([
    ['without --since/--until', {}],
    ['with --since and --until inside the records', { since: 7.5, until: 15 }],
    ['with --since more than the lookback and a day after the first record', { since: 10, until: 19 }],
  ] as const)('the contacts extract calibrates the same center as the reader, %s', async (_what, days) => {
    const o = options(small, {
      ...('since' in days ? { since: iso(start + days.since * DAY) } : {}),
      ...('until' in days ? { until: iso(start + days.until * DAY) } : {}),
    });
    const rows = await small.lake.run(athenaQueries(o).find((q) => q.name === 'contacts') as SqlQuery);
    const extract = contactsFromRows(rows);
    // The extract is the scan's contacts: all of them without a window; with --until (day 15 of
    // 21), none initiated a day or more after it.
    if (o.until === undefined) expect(extract.length).toBe(small.contacts.length);
    else {
      expect(extract.length).toBeLessThan(small.contacts.length);
      expect(Math.max(...extract.map((c) => c.initiation))).toBeLessThan(Date.parse(o.until) + DAY);
    }
    // With --since, none initiated more than the lookback and a day before it (day 2 for --since 10).
    const from = o.since === undefined ? start : Date.parse(o.since) - o.lookbackDays * DAY - DAY;
    expect(Math.min(...extract.map((c) => c.initiation))).toBeGreaterThanOrEqual(Math.max(start, from));
    expect(extract.every((c) => c.caller === undefined || /^caller-\d+$/.test(c.caller))).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/\+\d{8}/);
    const model = (all: ContactList) => {
      const goLive = readerFigures(small, o).outcome.goLive;
      const { report, ...m } = centerModel(all, {
        lookbackDays: o.lookbackDays,
        timeZone: o.timeZone,
        since: o.since === undefined ? undefined : Date.parse(o.since),
        until: o.until === undefined ? undefined : Date.parse(o.until),
        goLive: goLive === null ? undefined : Date.parse(goLive),
        goLivePolicy: DEFAULT_GO_LIVE_POLICY,
        simulate: false,
      });
      return m;
    };
    const reader = model(small.contacts);
    expect('problem' in reader.calibration).toBe(false);
    expect(model(extract)).toEqual(reader);
  });
});

describe('the SQL text', () => {
  const o: SqlOptions = {
    instanceId: '0f4d3c2b-1a09-4f8e-9d7c-6b5a49382716',
    database: 'connect_datalake',
    table: 'contact_record',
    lookbackDays: 7,
    since: '2026-03-01T00:00:00.000Z',
    until: '2026-04-01T00:00:00.000Z',
    timeZone: 'America/New_York',
    attributeNames: DEFAULT_ATTRIBUTE_NAMES,
  };
  const queries = athenaQueries(o);
  const text = renderSql(queries);

  it('is a few queries, each under a header and ended with ;', () => {
    expect(queries.map((q) => q.name)).toEqual([
      'figures',
      'quantiles',
      'arrivals',
      'staffing',
      'reasons',
      'contacts',
    ]);
    const headers = text.match(/^-- query \d+ of 6: \w+ — .+$/gm) ?? [];
    expect(headers).toHaveLength(6);
    expect(text.trim().split(/;\n/).length).toBe(6);
    expect(text.trim().endsWith(';')).toBe(true);
  });

  it('never uses approx_percentile, and every division is of DOUBLEs', () => {
    const code = text.replace(/--.*$/gm, '');
    expect(code).not.toMatch(/approx_percentile|approx_quantile|quantile_disc/i);
    const divisions = code.split(' / ').length - 1;
    expect(divisions).toBeGreaterThan(20);
    expect(code.match(/AS DOUBLE\) \/ CAST\(/g)).toHaveLength(divisions);
  });

  it('quotes the table and filters the instance, reading only the data lake columns it cites', () => {
    expect(text).toContain('FROM "connect_datalake"."contact_record"');
    expect(text).toContain(`"instance_id" = '${o.instanceId}'`);
    expect(text).toContain("AT TIME ZONE 'America/New_York'");
    expect(text).toContain('"initiation_timestamp" >= TIMESTAMP \'2026-02-21 00:00:00.000\'');
    expect(text).not.toMatch(/\+1\d{6}/);
  });

  it.each([
    ['instanceId', "x' OR '1'='1"],
    ['instanceId', 'arn:aws:connect:us-east-1:111111111111:instance/0f4d3c2b-1a09-4f8e-9d7c-6b5a49382716'],
    ['database', 'db"; DROP TABLE x; --'],
    ['table', 'contact record'],
    ['table', ''],
    ['timeZone', "UTC'; --"],
    ['timeZone', 'Mars/Olympus'],
    ['since', "2026-01-01' OR 1=1"],
    ['until', 'yesterday'],
    ['lookbackDays', 0],
  ])('refuses %s = %j', (key, value) => {
    expect(() => athenaQueries({ ...o, [key]: value })).toThrow(/must be/);
  });

  it('refuses an attribute name that could leave its string', () => {
    const attributeNames = { ...DEFAULT_ATTRIBUTE_NAMES, route: "x'); --" };
    expect(() => athenaQueries({ ...o, attributeNames })).toThrow(/attribute name/);
  });
});

describe('lakeRow: a contact record in the data lake columns', () => {
  it('flattens, in milliseconds, with agent_id the ARN last part and the attributes a map', () => {
    const record = generateCenter('small-long-calls', { days: 1, goLiveDay: 0 }).records.find(
      (r) => r.Agent !== null && r.Queue?.EnqueueTimestamp,
    ) as ContactRecord;
    const row = lakeRow(record) as LakeRow;
    const agent = record.Agent as NonNullable<ContactRecord['Agent']>;
    expect(row.contact_id).toBe(record.ContactId);
    expect(row.instance_id).toBe(record.InstanceARN.split('/').pop());
    expect(row.agent_id).toBe(agent.ARN.split('/').pop());
    expect(row.agent_interaction_duration_ms).toBe(agent.AgentInteractionDuration * 1000);
    expect(row.queue_duration_ms).toBe((record.Queue?.Duration as number) * 1000);
    expect(row.initiation_timestamp).toBe(new Date(record.InitiationTimestamp).toISOString());
    expect(row.attributes).toEqual(record.Attributes);
    expect(lakeRow({ Channel: 'VOICE' })).toBeUndefined();
  });
});
