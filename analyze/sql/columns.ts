/**
 * The columns of the Connect analytics data lake's `contact_record` table that the SQL reads, and
 * where each is known from (docs/analyze-sql.md, "Columns"). The lake flattens the contact record
 * (CTR) into snake_case columns; durations are milliseconds (`*_ms`), timestamps Athena timestamps
 * in UTC. Each column's evidence is one of:
 *
 * - `aws-table`: AWS's table page, "Contact data in the Connect Customer data lake"
 *   (docs.aws.amazon.com/connect/latest/adminguide/data-lake-contact-data.html), whose rows we
 *   could read only up to connected_to_system_timestamp (the page has "over 100 columns");
 * - `aws-queries`: AWS's "Reference queries for the Connect Customer data lake" (Athena, "Trino
 *   engine v3"), which select the column from `contact_record`;
 * - `third-party`: not in any AWS text we could read, but in third-party Athena queries or notes
 *   over real data lakes (a view reading it from `contact_record`, or a schema table);
 * - `assumed`: in no source we could read; named by the lake's flattening rule from the CTR field.
 *
 * A column that does not exist makes Athena refuse the query ("Column '…' cannot be resolved"):
 * never a silently wrong figure. Run `DESCRIBE contact_record` once before trusting the numbers.
 */

export type Evidence = 'aws-table' | 'aws-queries' | 'third-party' | 'assumed';

export interface LakeColumn {
  name: string;
  /** Athena type as the sources write it. */
  type: 'string' | 'bigint' | 'timestamp' | 'map(string,string)';
  evidence: Evidence;
  /** The CTR field it flattens (analyze/contact.ts reads that field). */
  ctr: string;
  /** The source's words, or why it is assumed. */
  quote: string;
}

const c = (
  name: string,
  type: LakeColumn['type'],
  evidence: Evidence,
  ctr: string,
  quote: string,
): LakeColumn => ({ name, type, evidence, ctr, quote });

/** Every column the SQL reads, keyed by the name the SQL uses for it. */
export const LAKE = {
  instanceId: c(
    'instance_id',
    'string',
    'aws-table',
    'InstanceARN',
    '"The ID of the Connect Customer instance." Primary key: instance_id, contact_id',
  ),
  contactId: c(
    'contact_id',
    'string',
    'aws-table',
    'ContactId',
    '"The ID of the contact in the contact record."',
  ),
  initialContactId: c(
    'initial_contact_id',
    'string',
    'aws-table',
    'InitialContactId',
    '"The unique identifier for the contact associated with the first interaction between the customer and your contact center."',
  ),
  previousContactId: c(
    'previous_contact_id',
    'string',
    'aws-table',
    'PreviousContactId',
    '"The unique identifier for the contact before it was transferred."',
  ),
  channel: c(
    'channel',
    'string',
    'aws-table',
    'Channel',
    '"The method used to contact your contact center: VOICE, CHAT, TASK, EMAIL"',
  ),
  initiationMethod: c(
    'initiation_method',
    'string',
    'aws-table',
    'InitiationMethod',
    '"How the contact was initiated. Valid values include: INBOUND, OUTBOUND, TRANSFER, …"',
  ),
  initiation: c(
    'initiation_timestamp',
    'timestamp',
    'aws-table',
    'InitiationTimestamp',
    '"The timestamp when the contact was initiated." Partition key: initiation_timestamp (daily)',
  ),
  disconnect: c(
    'disconnect_timestamp',
    'timestamp',
    'aws-queries',
    'DisconnectTimestamp',
    'every reference query over contact_record filters on "disconnect_timestamp"',
  ),
  queueDuration: c(
    'queue_duration_ms',
    'bigint',
    'aws-queries',
    'Queue.Duration',
    '"Maximum queued time": MAX("queue_duration_ms") / 1000.0',
  ),
  agentId: c(
    'agent_id',
    'string',
    'aws-table',
    'Agent.ARN (its last part)',
    'join key "agent_id — Joins to … users (as user_id)"; a user\'s ARN ends in /agent/USER_ID',
  ),
  interaction: c(
    'agent_interaction_duration_ms',
    'bigint',
    'aws-queries',
    'Agent.AgentInteractionDuration',
    'cr."agent_interaction_duration_ms" / 1000.0 AS "interaction_sec"',
  ),
  lastUpdate: c(
    'last_update_timestamp',
    'timestamp',
    'assumed',
    'LastUpdateTimestamp',
    'in no source we could read; the CTR data model says to de-duplicate on LastUpdateTimestamp',
  ),
  connected: c(
    'agent_connected_to_agent_timestamp',
    'timestamp',
    'third-party',
    'Agent.ConnectedToAgentTimestamp',
    'third-party views over contact_record select it; notes: "When agent connected."',
  ),
  acwEnd: c(
    'agent_after_contact_work_end_timestamp',
    'timestamp',
    'third-party',
    'Agent.AfterContactWorkEndTimestamp',
    'third-party notes: "agent_after_contact_work_start/end_timestamp | Timestamp | ACW window." (the start column is in a third-party view)',
  ),
  hold: c(
    'agent_customer_hold_duration_ms',
    'bigint',
    'third-party',
    'Agent.CustomerHoldDuration',
    'third-party views select it; notes: "Total hold time (ms)."',
  ),
  acw: c(
    'agent_after_contact_work_duration_ms',
    'bigint',
    'third-party',
    'Agent.AfterContactWorkDuration',
    'third-party notes: "ACW time (ms)."',
  ),
  enqueue: c(
    'queue_enqueue_timestamp',
    'timestamp',
    'third-party',
    'Queue.EnqueueTimestamp',
    'third-party views select it; notes: "When contact entered queue."',
  ),
  address: c(
    'customer_endpoint_address',
    'string',
    'third-party',
    'CustomerEndpoint.Address',
    'third-party views select ctr.customer_endpoint_address as caller_phone_number',
  ),
  attributes: c(
    'attributes',
    'map(string,string)',
    'third-party',
    'Attributes',
    'third-party notes: "attributes | map(string,string)"; views read ctr.attributes[\'…\']',
  ),
} as const satisfies Record<string, LakeColumn>;

export type LakeKey = keyof typeof LAKE;

/** A column's name, double-quoted as AWS's reference queries write identifiers. */
export const col = (key: LakeKey): string => `"${LAKE[key].name}"`;

/** The default table name (AWS's table page). */
export const DEFAULT_TABLE = 'contact_record';
