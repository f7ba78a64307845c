/**
 * The common part of every query: the named subqueries (WITH …) that turn the data lake's rows
 * into the reader's contacts, one version each, exactly as docs/analyze.md defines them — the
 * window's contacts, each caller's history (transfer legs take the caller of the call they
 * continue), the previous agent, the caller's last agents, and whether each was free. Written
 * once in the SQL that Athena (Trino) and DuckDB share: times as epoch milliseconds (BIGINT),
 * every division through `ratio` (both operands cast to DOUBLE: Trino divides integers as
 * integers), regular expressions anchored with \A and \z (Trino's `$` also matches before a
 * final newline).
 */
import {
  CALLER_PATTERN,
  CLOCK_STEP_MINUTES,
  CONTACT_CHANNEL,
  CONTACT_METHOD,
  KNOWN_AGENT_RANKS,
  LEG_METHOD,
  WORKING_WINDOW_MINUTES,
} from '../definitions';
import { LAKE, type LakeKey, col } from './columns';
import { type CheckedOptions, literal, timestampLiteral } from './validate';

const DAY = 86_400_000;
/** How many of a caller's last agents are ranked: the largest k of KNOWN_AGENT_RANKS. */
const KEPT = Math.max(...KNOWN_AGENT_RANKS);
const STEP = CLOCK_STEP_MINUTES * 60_000;

/** `a / b` with both cast to DOUBLE. */
export const ratio = (a: string, b: string): string => `CAST(${a} AS DOUBLE) / CAST(${b} AS DOUBLE)`;

/** Epoch milliseconds of a lake timestamp (NULL stays NULL). */
const ms = (key: LakeKey): string => `CAST(round(to_unixtime(${col(key)}) * 1000) AS BIGINT)`;

/** JS's trim() of ASCII whitespace, then E.164's shape: the trimmed number, or NULL. */
const SPACE = '[ \\t\\n\\r\\x0B\\x0C]*';
const callerRegex = (): string => {
  const inner = CALLER_PATTERN.replace(/^\^/, '').replace(/\$$/, '');
  if (inner === CALLER_PATTERN || inner.includes("'")) throw new Error('CALLER_PATTERN must be ^…$');
  return `\\A${SPACE}(${inner})${SPACE}\\z`;
};

/** The agent id at the end of an agent ARN (…/agent/ID), or NULL. */
export const agentIdOf = (arn: string): string =>
  `nullif(regexp_extract(${arn}, '/agent/([^/]+)\\z', 1), '')`;

/** The local time (on `--timezone`) of the quarter hour holding epoch ms `t`, as the reader's clock has it. */
export const localTime = (t: string, o: CheckedOptions): string =>
  `from_unixtime(floor(${ratio(t, String(STEP))}) * ${STEP / 1000}) AT TIME ZONE ${literal(o.timeZone)}`;

/** The end of an agent's time on a contact (figures/agents.ts busyUntil). */
export const BUSY_UNTIL = `CASE WHEN acw_end IS NOT NULL THEN greatest(acw_end, connected)
    WHEN disconnect IS NOT NULL THEN greatest(disconnect, connected)
    ELSE connected + coalesce(interaction_ms, 0) + coalesce(hold_ms, 0) + coalesce(acw_ms, 0) END`;

/** The lake's rows read: what the partition filter scans, as epoch ms [from, to). */
function scanRange(o: CheckedOptions): string[] {
  // History before --since (previous agents, busy agents) and after --until (the working rule
  // looks an hour ahead), with a day's margin for transfer legs and long contacts.
  const out = [`${col('initiation')} IS NOT NULL`];
  if (o.since !== undefined)
    out.push(`${col('initiation')} >= ${timestampLiteral(o.since - o.lookbackMs - DAY)}`);
  if (o.until !== undefined) out.push(`${col('initiation')} < ${timestampLiteral(o.until + DAY)}`);
  return out;
}

function lakeCte(o: CheckedOptions): string {
  const attr = (name: string) => `coalesce(element_at(${col('attributes')}, ${literal(name)}), '')`;
  const text = (key: LakeKey) => `nullif(${col(key)}, '')`;
  const lines = [
    `${col('instanceId')} AS instance_id`,
    `${col('contactId')} AS id`,
    `${ms('lastUpdate')} AS last_update`,
    `${ms('initiation')} AS initiation`,
    `${text('channel')} AS channel`,
    `${text('initiationMethod')} AS method`,
    `nullif(regexp_extract(${col('address')}, '${callerRegex()}', 1), '') AS caller`,
    `coalesce(${text('initialContactId')}, ${text('previousContactId')}) AS initial_id`,
    `${text('agentId')} AS agent`,
    `${ms('connected')} AS connected`,
    `${ms('acwEnd')} AS acw_end`,
    `${ms('disconnect')} AS disconnect`,
    `${ms('enqueue')} AS enqueue`,
    `${col('queueDuration')} AS queue_ms`,
    `${col('interaction')} AS interaction_ms`,
    `${col('hold')} AS hold_ms`,
    `${col('acw')} AS acw_ms`,
    `${attr(o.attributes.route)} AS route`,
    `${attr(o.attributes.reason)} AS reason`,
    `${attr(o.attributes.agentArn)} AS stored_arn`,
  ];
  const where = [
    `${col('instanceId')} = ${literal(o.instanceId)}`,
    `${col('contactId')} <> ''`,
    `${col('lastUpdate')} IS NOT NULL`,
    ...scanRange(o),
  ];
  const evidence = Object.values(LAKE).map((c) => `  -- ${c.name} (${c.evidence}): ${c.quote}`);
  return `lake AS (\n${evidence.join('\n')}\n  SELECT\n    ${lines.join(',\n    ')}\n  FROM ${o.from}\n  WHERE ${where.join('\n    AND ')}\n)`;
}

/** A version's columns that may be missing (NULL), and the product's attributes ('' when absent). */
const NULLABLE = [
  'channel',
  'method',
  'caller',
  'initial_id',
  'agent',
  'connected',
  'acw_end',
  'disconnect',
  'enqueue',
  'queue_ms',
  'interaction_ms',
  'hold_ms',
  'acw_ms',
];
const ATTRIBUTES = ['route', 'reason', 'stored_arn'];

/** The fields a version fills (contact.ts `filled`): on equal last updates the fuller version wins. */
const FILLED = [
  '3',
  ...NULLABLE.map((c) => `(CASE WHEN ${c} IS NOT NULL THEN 1 ELSE 0 END)`),
  ...ATTRIBUTES.map((c) => `(CASE WHEN ${c} <> '' THEN 1 ELSE 0 END)`),
].join(' + ');

/** Then every column read, in a fixed order: deterministic where the reader compares JSON text. */
const TIE_BREAK = ['initiation', ...NULLABLE, ...ATTRIBUTES].map((c) => `${c} DESC NULLS LAST`);

const VERSIONS = `versions AS (
  -- At least once: one version per (instance_id, contact_id), the newest last update first.
  SELECT l.*, row_number() OVER (
    PARTITION BY instance_id, id
    ORDER BY last_update DESC, filled DESC, ${TIE_BREAK.join(', ')}) AS v_rank
  FROM (SELECT lake.*, ${FILLED} AS filled FROM lake) l
)`;

function windowCte(o: CheckedOptions): string {
  const when = [`channel = ${literal(CONTACT_CHANNEL)}`, `method = ${literal(CONTACT_METHOD)}`];
  if (o.since !== undefined) when.push(`initiation >= ${o.since}`);
  if (o.until !== undefined) when.push(`initiation < ${o.until}`);
  return `win AS (\n  SELECT * FROM contacts_all\n  WHERE ${when.join(' AND ')}\n)`;
}

/** The reader follows a leg's InitialContactId back up to 7 contacts (figures/history.ts). */
const HOPS = 7;

function historyCte(): string {
  const joins = [
    `LEFT JOIN contacts_all h1 ON c.caller IS NULL AND c.method = ${literal(LEG_METHOD)} AND c.initial_id <> c.id AND h1.id = c.initial_id`,
  ];
  for (let k = 2; k <= HOPS; k++)
    joins.push(
      `LEFT JOIN contacts_all h${k} ON h${k - 1}.initial_id <> h${k - 1}.id AND h${k}.id = h${k - 1}.initial_id`,
    );
  const hops = Array.from({ length: HOPS }, (_, i) => `h${i + 1}.caller`).join(', ');
  return `hist AS (
  -- Agent-connected voice contacts that can be a previous contact; a leg's caller is its call's.
  SELECT
    CASE WHEN c.caller IS NOT NULL OR c.method <> ${literal(LEG_METHOD)} THEN c.caller ELSE coalesce(${hops}) END AS caller,
    c.connected, c.agent
  FROM contacts_all c
  ${joins.join('\n  ')}
  WHERE c.channel = ${literal(CONTACT_CHANNEL)} AND c.method IN (${literal(CONTACT_METHOD)}, ${literal(LEG_METHOD)})
    AND c.connected IS NOT NULL AND c.agent IS NOT NULL
)`;
}

function previousCtes(o: CheckedOptions): string[] {
  return [
    `prev AS (
  -- The newest agent connection of the caller strictly before the contact, within the lookback.
  SELECT w.id, h.agent AS prev_agent, h.connected AS prev_connected,
    row_number() OVER (PARTITION BY w.id ORDER BY h.connected DESC, h.agent DESC) AS k
  FROM win w JOIN hist h
    ON h.caller = w.caller AND h.connected < w.initiation AND h.connected >= w.initiation - ${o.lookbackMs}
)`,
    `wc AS (
  SELECT w.*, p.prev_agent, p.prev_connected
  FROM win w LEFT JOIN (SELECT * FROM prev WHERE k = 1) p ON p.id = w.id
)`,
  ];
}

/** The caller's last agents (rank 1: the previous agent) and which were free at enqueue. */
function knownCtes(): string[] {
  const w = WORKING_WINDOW_MINUTES * 60_000;
  return [
    `known AS (
  -- The caller's last agents: the distinct agents of prev's rows, ranked by each one's newest
  -- connection (newest first, as prev), the first ${KEPT} (KNOWN_AGENT_RANKS). Rank 1 is prev_agent.
  SELECT id, agent, agent_rank FROM (
    SELECT id, agent, row_number() OVER (PARTITION BY id ORDER BY last_connected DESC, agent DESC) AS agent_rank
    FROM (SELECT id, prev_agent AS agent, max(prev_connected) AS last_connected FROM prev GROUP BY id, prev_agent) a
  ) r WHERE agent_rank <= ${KEPT}
)`,
    `queued_known AS (
  SELECT k.id, k.agent, k.agent_rank, w.enqueue FROM known k JOIN win w ON w.id = k.id WHERE w.enqueue IS NOT NULL
)`,
    `busy AS (
  -- Busy: in a voice contact of any kind, from the connection to the end of after-contact work.
  SELECT agent, connected AS busy_from, ${BUSY_UNTIL} AS busy_to
  FROM contacts_all WHERE connected IS NOT NULL AND agent IS NOT NULL AND channel = ${literal(CONTACT_CHANNEL)}
)`,
    `busy_at AS (
  SELECT q.id, q.agent_rank, count(b.agent) AS spans
  FROM queued_known q LEFT JOIN busy b ON b.agent = q.agent AND b.busy_from <= q.enqueue AND q.enqueue < b.busy_to
  GROUP BY q.id, q.agent_rank
)`,
    `near AS (
  -- Working: connected to some contact within ${WORKING_WINDOW_MINUTES} minutes before and within ${WORKING_WINDOW_MINUTES} minutes after.
  SELECT q.id, q.agent_rank,
    max(CASE WHEN k.connected <= q.enqueue THEN 1 ELSE 0 END) AS has_before,
    max(CASE WHEN k.connected >= q.enqueue THEN 1 ELSE 0 END) AS has_after
  FROM queued_known q LEFT JOIN contacts_all k
    ON k.agent = q.agent AND k.connected >= q.enqueue - ${w} AND k.connected <= q.enqueue + ${w}
  GROUP BY q.id, q.agent_rank
)`,
    `known_free AS (
  SELECT q.id, q.agent_rank, CASE WHEN b.spans = 0 AND n.has_before = 1 AND n.has_after = 1 THEN 1 ELSE 0 END AS is_free
  FROM queued_known q
    JOIN busy_at b ON b.id = q.id AND b.agent_rank = q.agent_rank
    JOIN near n ON n.id = q.id AND n.agent_rank = q.agent_rank
)`,
    `free AS (
  -- The previous agent free at enqueue: each queued returning contact once.
  SELECT id, is_free FROM known_free WHERE agent_rank = 1
)`,
    `known_by AS (
  -- Per returning contact: the rank of the last agent who handled it, and of the first one free at enqueue (NULL: none).
  SELECT k.id,
    min(CASE WHEN k.agent = w.agent THEN k.agent_rank END) AS handled_rank,
    min(CASE WHEN f.is_free = 1 THEN k.agent_rank END) AS free_rank
  FROM known k JOIN win w ON w.id = k.id
    LEFT JOIN known_free f ON f.id = k.id AND f.agent_rank = k.agent_rank
  GROUP BY k.id
)`,
  ];
}

/** Every named subquery, in dependency order. */
export function baseCtes(o: CheckedOptions): { name: string; sql: string }[] {
  const all = [
    lakeCte(o),
    VERSIONS,
    'contacts_all AS (SELECT * FROM versions WHERE v_rank = 1)',
    windowCte(o),
    historyCte(),
    ...previousCtes(o),
    ...knownCtes(),
  ];
  return all.map((sql) => ({ name: sql.slice(0, sql.indexOf(' ')), sql }));
}

/** WITH … holding the base subqueries up to and including `last`, then `extra`. */
export function withClause(o: CheckedOptions, last: string, extra: string[] = []): string {
  const ctes = baseCtes(o);
  const end = ctes.findIndex((c) => c.name === last);
  if (end < 0) throw new Error(`no subquery ${last}`);
  return `WITH\n${[...ctes.slice(0, end + 1).map((c) => c.sql), ...extra].join(',\n')}`;
}
