import type { AttributeNames } from '../contact';
/**
 * `analyze --sql athena`: the figures of `analyze --json` as Athena (Trino) SQL over the Connect
 * analytics data lake's `contact_record` table, filtered on one instance — a few queries, each
 * starting from the same subqueries (base.ts) and each answering one part: the scalar figures
 * (one row), the quantiles and means, arrivals, staffing, the reasons, and the compact
 * per-contact extract the calibration needs (callers as numbers 1…n, never a phone number).
 * assemble.ts turns their rows back into the reader's figures. Definitions come from
 * analyze/definitions.ts, columns from columns.ts (with their evidence); docs/analyze-sql.md
 * says how each figure maps.
 */
import { KNOWN_AGENT_RANKS, LAST_AGENT_ROUTE, QUANTILES } from '../definitions';
import { BUSY_UNTIL, agentIdOf, localTime, ratio, withClause } from './base';
import { type CheckedOptions, checkOptions, literal } from './validate';

export { DEFAULT_TABLE } from './columns';

export interface SqlOptions {
  instanceId: string;
  database: string;
  /** Default 'contact_record'. */
  table: string;
  lookbackDays: number;
  /** ISO 8601 as given on the command line. */
  since?: string | undefined;
  until?: string | undefined;
  timeZone: string;
  attributeNames: AttributeNames;
}

export interface SqlQuery {
  name: string;
  description: string;
  sql: string;
}

const count = (cond: string) => `count_if(${cond})`;
const share = (part: string, whole: string) => ratio(part, `NULLIF(${whole}, 0)`);

/** The period figures (outcome.ts periodFigures) of the contacts matching `cond`. */
function periodColumns(prefix: string, cond: string): string[] {
  const returningHandled = `${cond} AND w.prev_agent IS NOT NULL AND w.connected IS NOT NULL`;
  const same = `${returningHandled} AND w.agent = w.prev_agent`;
  const queued = `${cond} AND w.enqueue IS NOT NULL`;
  const abandoned = `${queued} AND w.connected IS NULL`;
  return [
    `${count(cond)} AS ${prefix}_contacts`,
    `${share(count(same), count(returningHandled))} AS ${prefix}_same_agent_share`,
    `${share(count(abandoned), count(queued))} AS ${prefix}_abandon_rate`,
  ];
}

/**
 * knownAgentShare and knownAgentFreeShare for each k of KNOWN_AGENT_RANKS (known_agent_share_K,
 * known_agent_free_share_K): kb is the contact's known_by row, f its free row (queued returning).
 */
function knownColumns(returningHandled: string): string[] {
  return KNOWN_AGENT_RANKS.flatMap((k) => [
    `${share(count(`${returningHandled} AND kb.handled_rank <= ${k}`), count(returningHandled))} AS known_agent_share_${k}`,
    `${share(count(`f.id IS NOT NULL AND kb.free_rank <= ${k}`), 'count(f.id)')} AS known_agent_free_share_${k}`,
  ]);
}

function figuresQuery(o: CheckedOptions): SqlQuery {
  const handled = 'w.connected IS NOT NULL';
  const returningHandled = `w.prev_agent IS NOT NULL AND ${handled}`;
  const queued = 'w.enqueue IS NOT NULL';
  const routed = `w.route = ${literal(LAST_AGENT_ROUTE)}`;
  const reachedAny = `${routed} AND ${handled}`;
  const reached = `${reachedAny} AND w.agent = ${agentIdOf('w.stored_arn')}`;
  const columns = [
    '(SELECT count(*) FROM lake) AS records',
    '(SELECT count(*) FROM lake) - (SELECT count(*) FROM contacts_all) AS duplicates',
    'count(*) AS contacts',
    'count(DISTINCT w.caller) AS callers',
    `${count(handled)} AS handled`,
    `count(DISTINCT CASE WHEN ${handled} THEN w.agent END) AS agents`,
    `${count('w.prev_agent IS NOT NULL')} AS returning`,
    `${share(count('w.prev_agent IS NOT NULL'), count('w.caller IS NOT NULL'))} AS returning_share`,
    `${share(count(`${returningHandled} AND w.agent = w.prev_agent`), count(returningHandled))} AS same_agent_share`,
    `${share('coalesce(sum(f.is_free), 0)', 'count(f.id)')} AS last_agent_free_share`,
    ...knownColumns(returningHandled),
    `${share(count(`${queued} AND w.connected IS NULL`), count(queued))} AS abandon_rate`,
    `${count("w.route <> ''")} AS decided`,
    `${count(routed)} AS routed_last_agent`,
    `${share(count(reached), count(reachedAny))} AS reached_last_agent_share`,
    'max(gl.go_live) AS go_live',
    ...periodColumns('before', 'w.initiation < gl.go_live'),
    ...periodColumns('after', 'w.initiation >= gl.go_live'),
  ];
  return {
    name: 'figures',
    description:
      'the scalar figures, one row (counts, shares, the known-agent shares by k, go-live and the periods before and after it)',
    sql: `${withClause(o, 'known_by', [goLive])}\nSELECT\n  ${columns.join(',\n  ')}\nFROM wc w LEFT JOIN free f ON f.id = w.id LEFT JOIN known_by kb ON kb.id = w.id CROSS JOIN gl`,
  };
}

const goLive = `gl AS (SELECT min(CASE WHEN route <> '' THEN initiation END) AS go_live FROM win)`;

/** Nearest rank (quantiles.ts): max(1, ceil(round(q·n·1e9) / 1e9)). */
const rankOf = (q: number) =>
  `greatest(1, CAST(ceiling(${ratio(`round(CAST(${q} AS DOUBLE) * CAST(n AS DOUBLE) * 1e9)`, '1e9')}) AS BIGINT))`;

function quantilesQuery(o: CheckedOptions): SqlQuery {
  const seconds = (ms: string) => ratio(ms, '1000');
  const talk = 'coalesce(interaction_ms, 0) + coalesce(hold_ms, 0)';
  const waited = 'enqueue IS NOT NULL AND queue_ms IS NOT NULL';
  const series = [
    `SELECT 'handleTimeSeconds' AS figure, '' AS bucket, ${seconds(`${talk} + coalesce(acw_ms, 0)`)} AS v FROM win WHERE connected IS NOT NULL`,
    `SELECT 'talkSeconds', '', ${seconds(talk)} FROM win WHERE connected IS NOT NULL`,
    `SELECT 'acwSeconds', '', ${seconds('coalesce(acw_ms, 0)')} FROM win WHERE connected IS NOT NULL`,
    `SELECT 'queueWaitSeconds', '', ${seconds('queue_ms')} FROM win WHERE ${waited}`,
    `SELECT 'returnIntervalHours', '', ${ratio('initiation - prev_connected', '3600000')} FROM wc WHERE prev_agent IS NOT NULL`,
    `SELECT 'beforeGoLive.queueWaitSeconds', '', ${seconds('queue_ms')} FROM win CROSS JOIN gl WHERE ${waited} AND initiation < gl.go_live`,
    `SELECT 'afterGoLive.queueWaitSeconds', '', ${seconds('queue_ms')} FROM win CROSS JOIN gl WHERE ${waited} AND initiation >= gl.go_live`,
    `SELECT 'queueWaitByRoute', route, ${seconds('queue_ms')} FROM win WHERE route <> '' AND ${waited}`,
  ];
  const ranked = `ranked AS (
  SELECT figure, bucket, v,
    row_number() OVER (PARTITION BY figure, bucket ORDER BY v) AS rn,
    count(*) OVER (PARTITION BY figure, bucket) AS n
  FROM vals
)`;
  const select = [
    'figure',
    'bucket',
    'count(*) AS n',
    'avg(v) AS mean',
    ...Object.entries(QUANTILES).map(([name, q]) => `max(CASE WHEN rn = ${rankOf(q)} THEN v END) AS ${name}`),
  ];
  return {
    name: 'quantiles',
    description: 'mean and nearest-rank quantiles (row_number, never approx_percentile) of each duration',
    sql: `${withClause(o, 'wc', [goLive, `vals AS (\n  ${series.join('\n  UNION ALL ')}\n)`, ranked])}
SELECT ${select.join(', ')}
FROM ranked GROUP BY figure, bucket ORDER BY figure, bucket`,
  };
}

/** Local day, weekday (0 = Monday) and hour of an epoch-ms column, as the reader's clock gives them. */
const localParts = (t: string, o: CheckedOptions) => {
  const local = localTime(t, o);
  return `CAST(${local} AS DATE) AS local_day, day_of_week(${local}) - 1 AS weekday, hour(${local}) AS local_hour`;
};

const daysCtes = (o: CheckedOptions) => [
  `arrived AS (SELECT ${localParts('initiation', o)} FROM win)`,
  'days AS (SELECT weekday, count(DISTINCT local_day) AS days FROM arrived GROUP BY weekday)',
];

function arrivalsQuery(o: CheckedOptions): SqlQuery {
  return {
    name: 'arrivals',
    description:
      'contacts by weekday (0 = Monday; NULL: every day) and hour on --timezone, averaged over the days with contacts',
    sql: `${withClause(o, 'win', daysCtes(o))}
SELECT a.weekday, a.local_hour, count(*) AS contacts, max(d.days) AS days, ${ratio('count(*)', 'max(d.days)')} AS per_day
FROM arrived a JOIN days d ON d.weekday = a.weekday GROUP BY a.weekday, a.local_hour
UNION ALL
SELECT NULL, local_hour, count(*), max(t.days), ${ratio('count(*)', 'max(t.days)')}
FROM arrived CROSS JOIN (SELECT count(DISTINCT local_day) AS days FROM arrived) t GROUP BY local_hour
ORDER BY 1, 2`,
  };
}

function staffingQuery(o: CheckedOptions): SqlQuery {
  const when = ['connected IS NOT NULL', 'agent IS NOT NULL'];
  if (o.since !== undefined) when.push(`connected >= ${o.since}`);
  if (o.until !== undefined) when.push(`connected < ${o.until}`);
  const step = (t: string) => `CAST(floor(${ratio(t, '900000')}) AS BIGINT)`;
  const spans = `spans AS (
  -- An agent works a day from the connection of their first contact to the end of their last.
  SELECT agent, CAST(${localTime('connected', o)} AS DATE) AS span_day,
    min(connected) AS span_from, max(${BUSY_UNTIL}) AS span_to
  FROM contacts_all WHERE ${when.join(' AND ')}
  GROUP BY agent, CAST(${localTime('connected', o)} AS DATE)
)`;
  const hours = `hours_worked AS (
  -- Every local hour a span touches, once per span, in quarter hours.
  SELECT DISTINCT s.agent, s.span_day, ${localParts('u.q * 900000', o)}
  FROM spans s CROSS JOIN UNNEST(sequence(${step('s.span_from')}, ${step('s.span_to')})) AS u (q)
)`;
  return {
    name: 'staffing',
    description:
      'agents working by weekday (0 = Monday) and hour on --timezone, averaged over the days with contacts',
    sql: `${withClause(o, 'win', [...daysCtes(o), spans, hours])}
SELECT h.weekday, h.local_hour, count(*) AS agent_days, max(d.days) AS days, ${ratio('count(*)', 'max(d.days)')} AS per_day
FROM hours_worked h LEFT JOIN days d ON d.weekday = h.weekday
GROUP BY h.weekday, h.local_hour ORDER BY 1, 2`,
  };
}

function reasonsQuery(o: CheckedOptions): SqlQuery {
  return {
    name: 'reasons',
    description: "outcome.byReason: the decided contacts by the flow's stored reason",
    sql: `${withClause(o, 'win')}
SELECT reason, count(*) AS contacts FROM win WHERE route <> '' AND reason <> '' GROUP BY reason ORDER BY reason`,
  };
}

/**
 * Every contact the lake's scan reads (base.ts scanRange: a day beyond the lookback before
 * --since, a day after --until), as the reader keeps every record it reads: the calibration
 * classifies a call by the caller's previous call, whose release (the end of its talk or of its
 * last transfer leg) is what must fall within the lookback, so its initiation can be earlier.
 */
function contactsQuery(o: CheckedOptions): SqlQuery {
  return {
    name: 'contacts',
    description:
      'one row per contact (one version each) for the calibration: callers as numbers 1…n (dense_rank), never a phone number; agents as agent ids',
    sql: `${withClause(o, 'contacts_all')}
SELECT id, last_update, initiation, channel, method,
  CASE WHEN caller IS NULL THEN NULL ELSE dense_rank() OVER (ORDER BY caller ASC NULLS LAST) END AS caller_rank,
  initial_id, agent, connected, acw_end, disconnect, enqueue, queue_ms, interaction_ms, hold_ms, acw_ms,
  route, reason, ${agentIdOf('stored_arn')} AS stored_agent
FROM contacts_all
ORDER BY initiation, id`,
  };
}

/** The queries of `analyze --sql athena`, in the order they are printed. */
export function athenaQueries(options: SqlOptions): SqlQuery[] {
  const o = checkOptions(options);
  return [figuresQuery, quantilesQuery, arrivalsQuery, staffingQuery, reasonsQuery, contactsQuery].map((q) =>
    q(o),
  );
}

/** The text `analyze --sql athena` prints: each query under a comment header, ended with `;`. */
export function renderSql(queries: SqlQuery[]): string {
  return queries
    .map((q, i) => `-- query ${i + 1} of ${queries.length}: ${q.name} — ${q.description}\n${q.sql};\n`)
    .join('\n');
}
