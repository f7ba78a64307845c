/**
 * One contact record (CTR JSON, as Connect exports it and analyze/generator writes it) laid out
 * in the data lake's `contact_record` columns (columns.ts): nested fields flattened to snake_case,
 * durations in milliseconds (the CTR's whole seconds × 1000), timestamps as ISO 8601 UTC text
 * (load them as timestamps), the attributes as a string map, agent_id the agent ARN's last part.
 * For the tests, which load generated records into DuckDB, and for anyone wanting to do the same.
 * A record without a ContactId gives undefined.
 */
import { LAKE } from './columns';

type Json = Record<string, unknown>;

/** One row of `contact_record`, the columns the SQL reads, keyed by column name. */
export type LakeRow = Record<
  (typeof LAKE)[keyof typeof LAKE]['name'],
  string | number | Record<string, string> | null
>;

const object = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function timestamp(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const millis = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) : null;

/** The last part of an ARN (…/instance/ID, …/agent/ID). */
const lastPart = (arn: string | null): string | null =>
  arn === null ? null : (arn.split('/').pop() ?? null);

function attributes(v: unknown): Record<string, string> | null {
  const a = object(v);
  if (!a) return null;
  return Object.fromEntries(Object.entries(a).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function lakeRow(record: unknown): LakeRow | undefined {
  const r = object(record);
  const id = str(r?.ContactId);
  if (!r || id === null) return undefined;
  const agent = object(r.Agent);
  const queue = object(r.Queue);
  const instanceArn = str(r.InstanceARN);
  const instance = instanceArn?.match(/instance\/([^/]+)/)?.[1] ?? null;
  return {
    instance_id: instance,
    contact_id: id,
    initial_contact_id: str(r.InitialContactId),
    previous_contact_id: str(r.PreviousContactId),
    channel: str(r.Channel),
    initiation_method: str(r.InitiationMethod),
    initiation_timestamp: timestamp(r.InitiationTimestamp),
    disconnect_timestamp: timestamp(r.DisconnectTimestamp),
    queue_duration_ms: millis(queue?.Duration),
    agent_id: lastPart(str(agent?.ARN)),
    agent_interaction_duration_ms: millis(agent?.AgentInteractionDuration),
    last_update_timestamp: timestamp(r.LastUpdateTimestamp),
    agent_connected_to_agent_timestamp: timestamp(agent?.ConnectedToAgentTimestamp),
    agent_after_contact_work_end_timestamp: timestamp(agent?.AfterContactWorkEndTimestamp),
    agent_customer_hold_duration_ms: millis(agent?.CustomerHoldDuration),
    agent_after_contact_work_duration_ms: millis(agent?.AfterContactWorkDuration),
    queue_enqueue_timestamp: timestamp(queue?.EnqueueTimestamp),
    customer_endpoint_address: str(object(r.CustomerEndpoint)?.Address),
    attributes: attributes(r.Attributes),
  };
}

/** The lake's types in DuckDB (timestamps with time zone: the lake's are UTC). */
export const DUCKDB_TYPES = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMPTZ',
  'map(string,string)': 'MAP(VARCHAR, VARCHAR)',
} as const;

/** The columns with DuckDB types, for CREATE TABLE. */
export function duckDbColumns(): string {
  return Object.values(LAKE)
    .map((c) => `"${c.name}" ${DUCKDB_TYPES[c.type]}`)
    .join(', ');
}
