import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type Deadline, sendWithin as sendDynamo } from '../connect/deadline';
import { ContactSummary } from '../decision/schemas';
import {
  SINGLETON_SK,
  TTL_ATTRIBUTE,
  agentPk,
  contactSk,
  contactSkFrom,
  contactSkTo,
  customerPk,
  joinPk,
} from './table';

/**
 * Reads and writes of the routing-state table (layout: steps/lib/routing-state/table.ts). The steps
 * read within the call's deadline with our retry policy; the indexers write with the SDK's.
 */

const DAY_SECONDS = 86_400;

/** A stored customer contact or contact join: a ContactSummary plus the key and the expiry. */
const StoredContact = z.extend(ContactSummary, {
  customerKey: z.optional(z.string()),
  [TTL_ATTRIBUTE]: z.optional(z.number()),
});
type StoredContact = z.infer<typeof StoredContact>;

export interface IndexPage {
  contacts: ContactSummary[];
  /** Items read, expired or malformed ones included (what the read cost). */
  read: number;
  /** DynamoDB's read capacity units consumed (ReturnConsumedCapacity TOTAL). */
  capacity: number;
  next?: Record<string, unknown>;
}

/**
 * One page of the customer's indexed contacts, newest first, connected within
 * [fromSeconds, toSeconds]. Items past their expiry are dropped here: DynamoDB deletes expired
 * items in the background, and until then reads still return them.
 * (DynamoDB API reference, UpdateTimeToLive: "DynamoDB typically deletes expired items within two
 * days of expiration … Items that have expired and not been deleted will still show up in reads,
 * queries, and scans"). The filter is in code, not a FilterExpression, because Query's `Limit`
 * counts items before the filter (QueryInput.Limit in @aws-sdk/client-dynamodb).
 */
export async function queryCustomerContacts(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  request: {
    table: string;
    customerKey: string;
    fromSeconds: number;
    toSeconds: number;
    nowSeconds: number;
    limit: number;
    start?: Record<string, unknown> | undefined;
  },
): Promise<IndexPage> {
  const page = await sendDynamo<QueryCommandOutput>(
    dynamo,
    deadline,
    'Query',
    new QueryCommand({
      TableName: request.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': customerPk(request.customerKey),
        ':from': contactSkFrom(request.fromSeconds),
        ':to': contactSkTo(request.toSeconds),
      },
      ScanIndexForward: false,
      Limit: request.limit,
      ReturnConsumedCapacity: 'TOTAL',
      ...(request.start ? { ExclusiveStartKey: request.start } : {}),
    }),
  );
  const contacts: ContactSummary[] = [];
  for (const item of page.Items ?? []) {
    const parsed = StoredContact.safeParse(item);
    if (!parsed.success) continue;
    const expiresAt = parsed.data[TTL_ATTRIBUTE];
    if (expiresAt !== undefined && expiresAt <= request.nowSeconds) continue;
    contacts.push(summaryOf(parsed.data));
  }
  return {
    contacts,
    read: page.Items?.length ?? 0,
    capacity: page.ConsumedCapacity?.CapacityUnits ?? 0,
    ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
  };
}

function summaryOf(item: StoredContact): ContactSummary {
  const { customerKey: _key, [TTL_ATTRIBUTE]: _ttl, ...summary } = item;
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined)) as ContactSummary;
}

/** A contact reached an agent when both the agent and the time are known (as `reachedAgent`). */
const complete = (c: StoredContact): c is StoredContact & { agentId: string; connectedAt: number } =>
  Boolean(c.agentId) && c.connectedAt !== undefined && Boolean(c.customerKey);

/**
 * An UpdateItem that SETs exactly these fields (undefined ones left out): the expression, its
 * names and its values.
 */
function setFields(fields: Record<string, unknown>) {
  const names = Object.keys(fields).filter((k) => fields[k] !== undefined);
  return {
    UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
    ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n]])),
  };
}

/**
 * Writes (or completes) the customer contact from a joined item. An UpdateItem that sets only the
 * fields this writer knows, so two writers racing with different halves of a contact's events
 * merge instead of overwriting each other; writing the same fields again changes nothing
 * (redelivered events).
 */
async function upsertCustomerContact(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  table: string,
  joined: StoredContact & { agentId: string; connectedAt: number },
  lookbackDays: number,
): Promise<void> {
  const { customerKey, [TTL_ATTRIBUTE]: _ttl, ...fields } = joined;
  await sendDynamo<UpdateCommandOutput>(
    dynamo,
    deadline,
    'UpdateItem',
    new UpdateCommand({
      TableName: table,
      Key: { pk: customerPk(customerKey as string), sk: contactSk(joined.connectedAt, joined.id) },
      ...setFields({ ...fields, [TTL_ATTRIBUTE]: joined.connectedAt + lookbackDays * DAY_SECONDS }),
    }),
  );
}

/** Sets fields on a contact's join item and returns the whole item as it now stands. */
async function updateJoin(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  table: string,
  contactId: string,
  fields: Record<string, unknown>,
  expiresAt: number,
): Promise<StoredContact> {
  const out = await sendDynamo<UpdateCommandOutput>(
    dynamo,
    deadline,
    'UpdateItem',
    new UpdateCommand({
      TableName: table,
      Key: { pk: joinPk(contactId), sk: SINGLETON_SK.join },
      ...setFields({ ...fields, id: contactId, [TTL_ATTRIBUTE]: expiresAt }),
      ReturnValues: 'ALL_NEW',
    }),
  );
  const parsed = StoredContact.safeParse(out.Attributes ?? {});
  return parsed.success ? parsed.data : { id: contactId };
}

export type JoinOutcome = 'INDEXED' | 'AWAITING_AGENT' | 'AWAITING_KEY';

/**
 * The search step's half of the join: this contact belongs to this customer. When the contact
 * events already arrived (the indexer wrote the agent half first), the customer contact is
 * written now.
 */
export async function recordCustomerKey(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  request: {
    table: string;
    contactId: string;
    customerKey: string;
    nowSeconds: number;
    lookbackDays: number;
  },
): Promise<JoinOutcome> {
  const joined = await updateJoin(
    dynamo,
    deadline,
    request.table,
    request.contactId,
    { customerKey: request.customerKey },
    request.nowSeconds + Math.max(1, request.lookbackDays) * DAY_SECONDS,
  );
  if (!complete(joined)) return 'AWAITING_AGENT';
  await upsertCustomerContact(dynamo, deadline, request.table, joined, request.lookbackDays);
  return 'INDEXED';
}

/**
 * The contact indexer's half: what a contact event says about the contact. When the customer key
 * is already known (the search step ran first, the usual order), the customer contact is written.
 * A transferred contact has a new contact id that the search step never saw: its key is taken
 * from the contact it was transferred from (initialContactId, then previousContactId).
 */
export async function recordContactEvent(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  request: { table: string; contact: ContactSummary; nowSeconds: number; lookbackDays: number },
): Promise<JoinOutcome> {
  const { contact, table } = request;
  const expiresAt =
    Math.max(request.nowSeconds, contact.connectedAt ?? 0) + request.lookbackDays * DAY_SECONDS;
  let joined = await updateJoin(dynamo, deadline, table, contact.id, contact, expiresAt);
  if (!joined.customerKey) {
    for (const related of [contact.initialContactId, contact.previousContactId]) {
      if (!related || related === contact.id) continue;
      const out = await sendDynamo<GetCommandOutput>(
        dynamo,
        deadline,
        'GetItem',
        new GetCommand({ TableName: table, Key: { pk: joinPk(related), sk: SINGLETON_SK.join } }),
      );
      const key = out.Item?.customerKey;
      if (typeof key === 'string' && key) {
        joined = await updateJoin(dynamo, deadline, table, contact.id, { customerKey: key }, expiresAt);
        break;
      }
    }
  }
  if (!joined.customerKey) return 'AWAITING_KEY';
  if (!complete(joined)) return 'AWAITING_AGENT';
  await upsertCustomerContact(dynamo, deadline, table, joined, request.lookbackDays);
  return 'INDEXED';
}

/** The live state of one agent, from the agent event stream (steps/index-agent-events.ts). */
export const AgentState = z.object({
  agentId: z.string(),
  /** EventTimestamp of the event this state came from, epoch ms. */
  eventAt: z.number(),
  eventType: z.string(),
  statusArn: z.optional(z.string()),
  statusName: z.optional(z.string()),
  /** ROUTABLE, CUSTOM or OFFLINE when the event carries it (AgentStatus.Type). */
  statusType: z.optional(z.string()),
  nextStatusArn: z.optional(z.string()),
  nextStatusName: z.optional(z.string()),
  routingProfileId: z.optional(z.string()),
  /** The agent's first name (CurrentAgentSnapshot.Configuration.FirstName), for the whisper. */
  firstName: z.optional(z.string()),
  /** Per channel: MaximumSlots and AvailableSlots of the routing profile's concurrency. */
  slots: z.record(z.string(), z.object({ max: z.number(), available: z.number() })),
  /** "queueId CHANNEL" pairs the routing profile serves (InboundQueues and their Channels). */
  queues: z.array(z.string()),
  /** The contacts the agent holds; the two times (epoch ms) are the stream's, for the adaptive preference. */
  contacts: z.array(
    z.object({
      id: z.string(),
      channel: z.optional(z.string()),
      state: z.optional(z.string()),
      stateStartAt: z.optional(z.number()),
      connectedAt: z.optional(z.number()),
    }),
  ),
});
export type AgentState = z.infer<typeof AgentState>;

/** How long an agent-state item is kept after its last event (stale long before: agentStateMaxAgeSeconds). */
export const AGENT_STATE_TTL_SECONDS = DAY_SECONDS;

/**
 * Stores an agent's state unless a newer (or the same) event was stored already: events from the
 * stream can be redelivered and, across shards or retries, arrive out of order.
 * Returns false when the event was older and ignored.
 */
export async function putAgentState(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  table: string,
  state: AgentState,
): Promise<boolean> {
  try {
    await sendDynamo(
      dynamo,
      deadline,
      'PutItem',
      new PutCommand({
        TableName: table,
        Item: {
          pk: agentPk(state.agentId),
          sk: SINGLETON_SK.agent,
          ...state,
          [TTL_ATTRIBUTE]: Math.floor(state.eventAt / 1000) + AGENT_STATE_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR eventAt < :at',
        ExpressionAttributeValues: { ':at': state.eventAt },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { cause?: { name?: string } }).cause?.name === 'ConditionalCheckFailedException')
      return false;
    throw err;
  }
}

/** The stored state of an agent, or undefined when none (or a malformed one) is stored. */
export async function readAgentState(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  table: string,
  agentId: string,
): Promise<{ state: AgentState | undefined; capacity: number }> {
  const out = await sendDynamo<GetCommandOutput>(
    dynamo,
    deadline,
    'GetItem',
    new GetCommand({
      TableName: table,
      Key: { pk: agentPk(agentId), sk: SINGLETON_SK.agent },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  const parsed = out.Item ? AgentState.safeParse(out.Item) : undefined;
  return {
    state: parsed?.success ? parsed.data : undefined,
    capacity: out.ConsumedCapacity?.CapacityUnits ?? 0,
  };
}

/**
 * The stored states of several agents in one BatchGetItem (issue 27: the last agent and the
 * others who know the caller, at most 5, far below its 100 keys). An agent without a (well-formed)
 * item is absent from the map, and so is one DynamoDB left in UnprocessedKeys: the step asks
 * Connect for those, as for a missing snapshot, rather than spend the budget on a second round.
 */
export async function readAgentStates(
  dynamo: DynamoDBDocumentClient,
  deadline: Deadline,
  table: string,
  agentIds: string[],
): Promise<{ states: Map<string, AgentState | undefined>; capacity: number }> {
  const out = await sendDynamo<BatchGetCommandOutput>(
    dynamo,
    deadline,
    'BatchGetItem',
    new BatchGetCommand({
      RequestItems: {
        [table]: { Keys: [...new Set(agentIds)].map((id) => ({ pk: agentPk(id), sk: SINGLETON_SK.agent })) },
      },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  const states = new Map<string, AgentState | undefined>();
  for (const item of out.Responses?.[table] ?? []) {
    const parsed = AgentState.safeParse(item);
    if (parsed.success && agentIds.includes(parsed.data.agentId))
      states.set(parsed.data.agentId, parsed.data);
  }
  const capacity = (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  return { states, capacity };
}
