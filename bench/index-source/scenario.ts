import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { agentEventsFor, contactEventsFor, instanceArnOf } from '../../local/connect/event-feed';
import type { Scenario, ScenarioContact } from '../../local/connect/scenario';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { deliverAgentEvents } from '../../local/index-replay';
import { LOCAL_TABLE_NAME, type LocalSession, startLocalSession } from '../../local/session';
import { type IndexerDeps, indexContactEvent } from '../../steps/index-contact-events';
import { Deadline } from '../../steps/lib/connect/deadline';
import { customerKeyFor } from '../../steps/lib/decision/caller';
import { createDynamoClient } from '../../steps/lib/routing-state/dynamo-client';
import { recordCustomerKey } from '../../steps/lib/routing-state/store';
import { type Config, loadConfig } from '../../steps/lib/runtime/config';
import { createLogger } from '../../steps/lib/runtime/logger';
import type { LatencyModel } from '../latency';
import { mapConcurrent, p50p99, round, secondsSince, timed } from '../stats';
import { itemBytes } from './cost';

/**
 * The scenario of the routing-state source section: the callers' part of the routing-state
 * table built by the real handlers, and local sessions deciding with each source.
 */

export const ROUTING_SOURCES = ['search', 'index', 'index-then-search'] as const;
export type RoutingSource = (typeof ROUTING_SOURCES)[number];

/**
 * DynamoDB latency per request when the Connect latency model is on. AWS describes DynamoDB as
 * having "single-digit millisecond performance at any scale" (Developer Guide, "What is Amazon
 * DynamoDB?", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html)
 * and publishes no percentiles: median 4 ms and p99 12 ms in-Region is an assumption.
 */
export const DYNAMO_LATENCY: LatencyModel = { median: 4, p99: 12 };
export const DYNAMO_LATENCY_SOURCE =
  'assumption within AWS\'s "single-digit millisecond performance" (DynamoDB Developer Guide, Introduction.html); no published percentiles';

/** Concurrency of the contact-event replay. */
export const INDEXER_CONCURRENCY = 8;

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const silent = () => createLogger({ level: 'silent' });
const directClient = (endpoint: string) =>
  createDynamoClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });

/** What the indexers' handlers get (a silent logger, the real clock). */
export const indexerDeps = (client: DynamoDBDocumentClient, config: Config): IndexerDeps => ({
  dynamo: client,
  config,
  logger: silent(),
  clock: Date.now,
});

/** The configuration the index sessions run with (the local table name, the source's defaults). */
export function indexConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({ LAST_AGENT_TABLE_NAME: LOCAL_TABLE_NAME, ...env, LAST_AGENT_SOURCE: 'index' });
}

/** The customer key the local Connect stores for a caller's number, under this configuration. */
export const keyOf = (config: Config) => (value: string) =>
  config.keyMode === 'hmac-sha256' && value.startsWith('+') ? customerKeyFor(value, config) : value;

export interface IndexBuild {
  callers: number;
  contacts: number;
  contactEvents: number;
  /** Contact events that completed a customer contact. */
  indexed: number;
  /** Contact events through the real handler into local dynalite, INDEXER_CONCURRENCY at a time. */
  contactEventsPerSecond: number;
  contactEventMs: { p50: number; p99: number };
  /** The contact indexer's DynamoDB requests per contact (all contacts, agent-handled or not). */
  perContact: { events: number; updateItem: number; getItem: number };
  /** Largest item of each kind (bytes, DynamoDB's item-size rules). */
  itemBytes: { contact: number; join: number };
  /** The table as the handlers left it (customer contacts and joins). */
  items: Record<string, unknown>[];
  seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Local tables

interface Table {
  server: LocalDynamo;
  client: DynamoDBDocumentClient;
}

/**
 * Runs `use` with a local DynamoDB holding the routing-state table, and a client of it: through
 * the proxy (latency model, counted) or straight to dynalite (set-up and throughput: nothing in between).
 */
export async function withTable<T>(
  table: string,
  via: 'proxy' | 'direct',
  use: (t: Table) => Promise<T>,
): Promise<T> {
  const server = await startLocalDynamo();
  await server.createRoutingTable(table);
  const client = directClient(via === 'proxy' ? server.endpoint : server.directEndpoint);
  try {
    return await use({ server, client });
  } finally {
    client.destroy();
    await server.close();
  }
}

/** Counts a client's requests per operation (set-up traffic that bypasses the counting proxy). */
export function countRequests(client: DynamoDBDocumentClient): Record<string, number> {
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => (args) => {
      const op = (context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[op] = (counts[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountRequests' },
  );
  return counts;
}

export async function scanAll(
  client: DynamoDBDocumentClient,
  table: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Writes items 25 to a BatchWriteItem, resending what DynamoDB leaves unprocessed. */
export async function loadItems(
  client: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await mapConcurrent(batches, 4, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length && attempt < 10; attempt++) {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
    if (requests.length) throw new Error(`${requests.length} items not written`);
  });
}

// ---------------------------------------------------------------------------------------------
// Building the index

/** The past contacts of the given callers (their partitions are the ones the decisions read). */
export function callerContacts(
  scenario: Scenario,
  phones: Iterable<string>,
  config: Config,
): ScenarioContact[] {
  const wanted = new Set(phones);
  return scenario.contacts.filter((c) => wanted.has(c.attributes[config.attributeKey] ?? ''));
}

/** The search step's half of the join (recordCustomerKey) for every past contact, as during its call. */
async function recordJoins(client: DynamoDBDocumentClient, config: Config, contacts: ScenarioContact[]) {
  const key = keyOf(config);
  const deadline = new Deadline(Date.now() + 3_600_000);
  await mapConcurrent(contacts, INDEXER_CONCURRENCY, (c) =>
    recordCustomerKey(client, deadline, {
      table: config.tableName as string,
      contactId: c.id,
      customerKey: key(c.attributes[config.attributeKey] as string),
      nowSeconds: Math.floor(Date.parse(c.initiationTimestamp) / 1000),
      lookbackDays: config.lookbackDays,
    }),
  );
}

/** The contacts' events through the contact indexer's handler, INDEXER_CONCURRENCY at a time (timed). */
async function replayContactEvents(
  client: DynamoDBDocumentClient,
  config: Config,
  scenario: Scenario,
  contacts: ScenarioContact[],
) {
  const events = contactEventsFor({ ...scenario, contacts }, { instanceArn: instanceArnOf(scenario) });
  const deps = indexerDeps(client, config);
  const times: number[] = [];
  let indexed = 0;
  const t0 = performance.now();
  await mapConcurrent(events, INDEXER_CONCURRENCY, async (event) => {
    const { value: outcome, ms } = await timed(() => indexContactEvent(event, deps));
    times.push(ms);
    if (outcome.status === 'INDEXED') indexed++;
  });
  return { events: events.length, indexed, times, seconds: secondsSince(t0) };
}

/**
 * Builds the callers' part of the routing-state table through the real code: the search step's
 * recordCustomerKey for every past contact, then the scenario's contact events through the contact
 * indexer's handler (timed: the indexer throughput). Returns the items, to be copied per session.
 */
export async function buildIndex(
  scenario: Scenario,
  phones: Iterable<string>,
  config: Config = indexConfig(),
  log: (line: string) => void = () => undefined,
): Promise<IndexBuild> {
  const started = performance.now();
  const table = config.tableName as string;
  const contacts = callerContacts(scenario, phones, config);
  const callers = new Set(contacts.map((c) => c.attributes[config.attributeKey])).size;
  return withTable(table, 'direct', async ({ client }) => {
    log(`routing-state source: indexing ${contacts.length} contacts of ${callers} callers …`);
    await recordJoins(client, config, contacts);
    const requests = countRequests(client);
    const replay = await replayContactEvents(client, config, scenario, contacts);
    const perContact = (n: number) => round(n / Math.max(1, contacts.length), 3);
    const items = await scanAll(client, table);
    const largest = (prefix: string) =>
      Math.max(0, ...items.filter((i) => String(i.pk).startsWith(prefix)).map(itemBytes));
    return {
      callers,
      contacts: contacts.length,
      contactEvents: replay.events,
      indexed: replay.indexed,
      contactEventsPerSecond: round(replay.events / replay.seconds),
      contactEventMs: p50p99(replay.times, 2),
      perContact: {
        events: perContact(replay.events),
        updateItem: perContact(requests.UpdateItem ?? 0),
        getItem: perContact(requests.GetItem ?? 0),
      },
      itemBytes: { contact: largest('C#'), join: largest('K#') },
      items,
      seconds: round(secondsSince(started), 1),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Sessions

/** Every agent's current state through the real agent indexer. */
async function indexAgents(
  client: DynamoDBDocumentClient,
  config: Config,
  scenario: Scenario,
  instanceArn: string,
): Promise<void> {
  const events = agentEventsFor(scenario, { instanceArn, at: new Date() });
  await deliverAgentEvents(events, indexerDeps(client, config));
}

/** The built index and every agent's state, written to a session's table past the proxy (no latency, no faults, not counted). */
async function seedSessionTable(session: LocalSession, scenario: Scenario, index: IndexBuild | undefined) {
  const dynamo = session.dynamo as NonNullable<LocalSession['dynamo']>;
  const client = directClient(dynamo.server.directEndpoint);
  try {
    await loadItems(client, session.config.tableName as string, index?.items ?? []);
    await indexAgents(client, session.config, scenario, session.instanceArn);
  } finally {
    client.destroy();
  }
  dynamo.server.resetStats();
}

/**
 * A local session deciding with `source`. Index sources get a table holding the built index and
 * every agent's state (stamped now), and DynamoDB latency when `dynamoLatency` is set.
 */
export async function startSourceSession(
  scenario: Scenario,
  source: RoutingSource,
  options: {
    env?: Record<string, string>;
    index?: IndexBuild;
    dynamoLatency?: LatencyModel | null;
    seed?: number;
  } = {},
): Promise<LocalSession> {
  const session = await startLocalSession({
    scenario,
    env: { ...options.env, LAST_AGENT_SOURCE: source },
    replay: false,
    ...(options.dynamoLatency
      ? {
          dynamoFaults: {
            seed: options.seed ?? 1,
            latency: { medianMs: options.dynamoLatency.median, p99Ms: options.dynamoLatency.p99 },
          },
        }
      : {}),
  });
  if (source === 'search' || !session.dynamo) return session;
  try {
    await seedSessionTable(session, scenario, options.index);
    return session;
  } catch (err) {
    await session.close();
    throw err;
  }
}
