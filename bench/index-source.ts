import '../local/polyfills';
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { agentEventFor, agentEventsFor, contactEventsFor, instanceArnOf } from '../local/connect/event-feed';
import type { Scenario, ScenarioContact } from '../local/connect/scenario';
import { type LocalDynamo, readRequests, startLocalDynamo, writeRequests } from '../local/dynamodb/server';
import { KINESIS_BATCH, deliverAgentEvents } from '../local/index-replay';
import type { TraceEntry } from '../local/runner';
import { LOCAL_TABLE_NAME, type LocalSession, connectEventFor, startLocalSession } from '../local/session';
import { type IndexerDeps, indexContactEvent } from '../steps/index-contact-events';
import { Deadline } from '../steps/lib/connect/deadline';
import { customerKeyFor } from '../steps/lib/decision/caller';
import type { FlowResponse } from '../steps/lib/decision/decision';
import { createDynamoClient } from '../steps/lib/routing-state/dynamo-client';
import { queryCustomerContacts, recordCustomerKey } from '../steps/lib/routing-state/store';
import { type Config, loadConfig } from '../steps/lib/runtime/config';
import { createLogger } from '../steps/lib/runtime/logger';
import type { TruthCall } from './generator';
import { type LatencyModel, PairedLatency, attachLatency, inDecision } from './latency';
import { mapConcurrent, percentile, round, table } from './stats';

/**
 * The "Routing-state source" section of `npm run bench` (issue #11) and the index half of
 * `last-agent load`: the same calls decided with LAST_AGENT_SOURCE=search, index and
 * index-then-search, the indexers' throughput into the local DynamoDB, the freshness of the
 * index, DynamoDB reads per decision and the cost per million decisions from public prices.
 *
 * The table is built the way the deployed system builds it: for every past contact of the
 * callers, the search step's half of the join (recordCustomerKey), then Amazon Connect's contact
 * events (local/connect/event-feed.ts, AWS's format) through the real contact indexer, then one
 * agent event per agent through the real agent indexer. It is built once per run and copied into
 * each index session's table (local dynalite does roughly 100–500 requests/s, so replaying a
 * 17,000-contact center per session would take minutes). Only the callers' contacts are indexed:
 * a decision reads its caller's partition alone, so the other customers' contacts change nothing.
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

/** Concurrency of the throughput pass (decisions/s) and of the contact-event replay. */
export const THROUGHPUT_CONCURRENCY = 20;
const INDEXER_CONCURRENCY = 8;
/** The event source mapping's batch size (infra/constructs/routing-state.ts). */

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const silent = () => createLogger({ level: 'silent' });
const directClient = (endpoint: string) =>
  createDynamoClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });

// ---------------------------------------------------------------------------------------------
// Prices and cost

export interface Price {
  usd: number;
  unit: string;
  source: string;
}

/**
 * Public on-demand prices, us-east-1, Arm Lambda; free tiers left out. The pricing pages fill
 * their rate tables in the browser, so the stored copies carry the units but not the numbers:
 * where a rate comes from a secondary page it says so (research: /tmp/research/index-facts.md §1).
 */
export const PRICES = {
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'request',
    source:
      'Lambda requests $0.20 per 1M (aws.amazon.com/lambda/pricing; rate via cloudchipr.com/blog/aws-lambda-pricing [secondary])',
  },
  lambdaGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-s',
    source:
      'Lambda Arm duration $0.0000133334 per GB-s, first 7.5 billion GB-s a month, billed per 1 ms (aws.amazon.com/lambda/pricing; rate via cloudchipr.com [secondary], artillery prices.js)',
  },
  sfnExpressRequest: {
    usd: 1 / 1e6,
    unit: 'request',
    source:
      'Step Functions Express $1.00 per 1M requests (AWS Compute Blog, "Building cost-effective AWS Step Functions workflows")',
  },
  sfnExpressGbSecond: {
    usd: 0.00001667,
    unit: 'GB-s',
    source:
      'Step Functions Express duration $0.00001667 per GB-s, billed per 100 ms in 64 MB chunks (units: aws.amazon.com/step-functions/pricing; rate via wring.co [secondary])',
  },
  dynamoRru: {
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source:
      'DynamoDB on-demand $0.125 per 1M RRU (after the Nov 2024 cut; airbyte.com/data-engineering-resources/dynamodb-pricing [secondary]); eventually consistent read ≤ 4 KB = 0.5 RRU (aws.amazon.com/dynamodb/pricing/on-demand)',
  },
  dynamoWru: {
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source:
      'DynamoDB on-demand $0.625 per 1M WRU (same source [secondary]); a write of an item ≤ 1 KB = 1 WRU (aws.amazon.com/dynamodb/pricing/on-demand)',
  },
  eventBridgeServiceEvent: {
    usd: 0,
    unit: 'event',
    source:
      'EventBridge: AWS service events on the default bus to a same-account target are not charged (aws.amazon.com/eventbridge/pricing; that Connect contact events count as such is an assumption)',
  },
  connectApiCall: {
    usd: 0,
    unit: 'call',
    source:
      'Amazon Connect API calls (SearchContacts, GetCurrentUserData): no per-call price found; they are bounded by quotas instead',
  },
} satisfies Record<string, Price>;
export type Prices = Record<keyof typeof PRICES, Price>;

/** Step Functions Express bills memory in 64 MB chunks; the state payloads here are a few KB. */
export const EXPRESS_MEMORY_MB = 64;

/** What one decision uses (means over the measured decisions). */
export interface DecisionUsage {
  /** Lambda invocations: the entry function plus every Task state attempt. */
  lambdaRequests: number;
  /** Σ billed ms × memory, of the entry function and the Task states. */
  lambdaGbSeconds: number;
  sfnRequests: number;
  sfnGbSeconds: number;
  readUnits: number;
  writeUnits: number;
}

/** What the contact indexer uses per contact (events on the rule, and their writes). */
export interface IndexerUsage {
  lambdaRequests: number;
  lambdaGbSeconds: number;
  readUnits: number;
  writeUnits: number;
}

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  usdPerMillion: number;
}

/** Cost per million decisions: each usage figure × its price × 10⁶, line by line. */
export function costPerMillion(
  usage: DecisionUsage,
  indexer: IndexerUsage | undefined,
  prices: Prices = PRICES,
): { lines: CostLine[]; total: number } {
  const line = (item: string, quantity: number, price: Price): CostLine => ({
    item,
    quantity,
    unit: price.unit,
    usdPerMillion: quantity * price.usd * 1e6,
  });
  const lines = [
    line('Lambda requests', usage.lambdaRequests, prices.lambdaRequest),
    line('Lambda duration', usage.lambdaGbSeconds, prices.lambdaGbSecond),
    line('Express requests', usage.sfnRequests, prices.sfnExpressRequest),
    line('Express duration', usage.sfnGbSeconds, prices.sfnExpressGbSecond),
    line('DynamoDB reads (decision)', usage.readUnits, prices.dynamoRru),
    line('DynamoDB writes (decision)', usage.writeUnits, prices.dynamoWru),
  ];
  if (indexer) {
    lines.push(
      line('contact indexer requests', indexer.lambdaRequests, prices.lambdaRequest),
      line('contact indexer duration', indexer.lambdaGbSeconds, prices.lambdaGbSecond),
      line('contact indexer reads', indexer.readUnits, prices.dynamoRru),
      line('contact indexer writes', indexer.writeUnits, prices.dynamoWru),
      line('contact events (EventBridge)', indexer.lambdaRequests, prices.eventBridgeServiceEvent),
    );
  }
  return { lines, total: lines.reduce((s, l) => s + l.usdPerMillion, 0) };
}

/** Lambda bills duration rounded up to 1 ms; Express rounds up to 100 ms. */
export const lambdaGbSeconds = (ms: number, memoryMb: number) => (Math.ceil(ms) / 1000) * (memoryMb / 1024);
export const expressGbSeconds = (ms: number) =>
  ((Math.ceil(ms / 100) * 100) / 1000) * (EXPRESS_MEMORY_MB / 1024);

/**
 * The memory of the deployed functions, read from the CDK sources rather than imported (loading
 * aws-cdk-lib takes seconds): the steps' MEMORY_MB and the indexers' default.
 */
export function deployedMemory(): { stepMb: number; indexerMb: number } {
  const read = (path: string, pattern: RegExp) => {
    const m = pattern.exec(readFileSync(new URL(path, import.meta.url), 'utf8'));
    if (!m) throw new Error(`cannot find ${pattern} in ${path}`);
    return Number(m[1]);
  };
  return {
    stepMb: read('../infra/constructs/step-function.ts', /export const MEMORY_MB = (\d+)/),
    indexerMb: read('../infra/constructs/routing-state.ts', /indexerMemorySize \?\? (\d+)/),
  };
}

// ---------------------------------------------------------------------------------------------
// Item sizes, as DynamoDB counts them ("DynamoDB item sizes and formats",
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
// every attribute its name's UTF-8 bytes; a string its UTF-8 bytes; a number "approximately (1 byte
// per two significant digits) + (1 byte)"; a list or map 3 bytes + its elements + 1 byte each.

function valueSize(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') {
    const digits =
      String(Math.abs(v))
        .replace('.', '')
        .replace(/^0+|0+$/g, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (typeof v === 'boolean' || v === null) return 1;
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + valueSize(x), 0);
  if (v && typeof v === 'object')
    return (
      3 + Object.entries(v).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k, 'utf8') + valueSize(x), 0)
    );
  return 0;
}

export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((s, [k, v]) => s + Buffer.byteLength(k, 'utf8') + valueSize(v), 0);
}

const writeUnitsFor = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Eventually consistent (the steps' reads): half a unit per 4 KB. */
const readUnitsFor = (bytes: number) => 0.5 * Math.max(1, Math.ceil(bytes / 4096));

// ---------------------------------------------------------------------------------------------
// Building the index

/** The configuration the index sessions run with (the local table name, the source's defaults). */
export function indexConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({ LAST_AGENT_TABLE_NAME: LOCAL_TABLE_NAME, ...env, LAST_AGENT_SOURCE: 'index' });
}

/** The customer key the local Connect stores for a caller's number, under this configuration. */
const keyOf = (config: Config) => (value: string) =>
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

/**
 * A local DynamoDB with the routing-state table, and a client of it: through the proxy (latency
 * model, counted) or straight to dynalite (set-up and throughput: nothing in between).
 */
async function startTable(
  table: string,
  via: 'proxy' | 'direct',
): Promise<{ server: LocalDynamo; client: DynamoDBDocumentClient }> {
  const server = await startLocalDynamo();
  await server.createRoutingTable(table);
  return { server, client: directClient(via === 'proxy' ? server.endpoint : server.directEndpoint) };
}

/** Counts a client's requests per operation (set-up traffic that bypasses the counting proxy). */
function countRequests(client: DynamoDBDocumentClient): Record<string, number> {
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

async function scanAll(client: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
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

/** The past contacts of the given callers (their partitions are the ones the decisions read). */
export function callerContacts(
  scenario: Scenario,
  phones: Iterable<string>,
  config: Config,
): ScenarioContact[] {
  const wanted = new Set(phones);
  return scenario.contacts.filter((c) => wanted.has(c.attributes[config.attributeKey] ?? ''));
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
  const { server, client } = await startTable(table, 'direct');
  try {
    const key = keyOf(config);
    const deadline = new Deadline(Date.now() + 3_600_000);
    log(`routing-state source: indexing ${contacts.length} contacts of ${callers} callers …`);
    await mapConcurrent(contacts, INDEXER_CONCURRENCY, (c) =>
      recordCustomerKey(client, deadline, {
        table,
        contactId: c.id,
        customerKey: key(c.attributes[config.attributeKey] as string),
        nowSeconds: Math.floor(Date.parse(c.initiationTimestamp) / 1000),
        lookbackDays: config.lookbackDays,
      }),
    );
    const requests = countRequests(client);
    const events = contactEventsFor({ ...scenario, contacts }, { instanceArn: instanceArnOf(scenario) });
    const deps: IndexerDeps = { dynamo: client, config, logger: silent(), clock: Date.now };
    const times: number[] = [];
    let indexed = 0;
    const t0 = performance.now();
    await mapConcurrent(events, INDEXER_CONCURRENCY, async (event) => {
      const t = performance.now();
      const outcome = await indexContactEvent(event, deps);
      times.push(performance.now() - t);
      if (outcome.status === 'INDEXED') indexed++;
    });
    const seconds = (performance.now() - t0) / 1000;
    const perContact = (op: string) => round((requests[op] ?? 0) / Math.max(1, contacts.length), 3);
    const items = await scanAll(client, table);
    const largest = (prefix: string) =>
      Math.max(0, ...items.filter((i) => String(i.pk).startsWith(prefix)).map(itemBytes));
    return {
      callers,
      contacts: contacts.length,
      contactEvents: events.length,
      indexed,
      contactEventsPerSecond: round(events.length / seconds),
      contactEventMs: { p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) },
      perContact: {
        events: round(events.length / Math.max(1, contacts.length), 3),
        updateItem: perContact('UpdateItem'),
        getItem: perContact('GetItem'),
      },
      itemBytes: { contact: largest('C#'), join: largest('K#') },
      items,
      seconds: round((performance.now() - started) / 1000, 1),
    };
  } finally {
    client.destroy();
    await server.close();
  }
}

/** Every agent's current state through the real agent indexer. */
async function indexAgents(
  client: DynamoDBDocumentClient,
  config: Config,
  scenario: Scenario,
  instanceArn: string,
): Promise<void> {
  const events = agentEventsFor(scenario, { instanceArn, at: new Date() });
  await deliverAgentEvents(events, { dynamo: client, config, logger: silent(), clock: Date.now });
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
    // Set-up bypasses the proxy: no latency, no faults, not counted.
    const client = directClient(session.dynamo.server.directEndpoint);
    try {
      await loadItems(client, session.config.tableName as string, options.index?.items ?? []);
      await indexAgents(client, session.config, scenario, session.instanceArn);
    } finally {
      client.destroy();
    }
    session.dynamo.server.resetStats();
    return session;
  } catch (err) {
    await session.close();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Agent indexer throughput and freshness

export interface AgentThroughput {
  events: number;
  eventsPerSecond: number;
  batchMs: { p50: number; p99: number };
  putsPerEvent: number;
  itemBytes: number;
}

/**
 * HEART_BEAT events for every agent, `rounds` times (120 s apart), in batches of 100 through the
 * real agent indexer, one batch after another: one shard with ParallelizationFactor 1.
 */
async function agentThroughput(scenario: Scenario, config: Config, rounds: number): Promise<AgentThroughput> {
  const table = config.tableName as string;
  const { server, client } = await startTable(table, 'direct');
  const requests = countRequests(client);
  try {
    const base = Date.now() - rounds * 120_000;
    const events = Array.from({ length: rounds }, (_, r) =>
      scenario.agents.map((agent) =>
        agentEventFor(scenario, agent, { eventType: 'HEART_BEAT', at: new Date(base + r * 120_000) }),
      ),
    ).flat();
    const deps: IndexerDeps = { dynamo: client, config, logger: silent(), clock: Date.now };
    const times: number[] = [];
    const t0 = performance.now();
    await deliverAgentEvents(events, deps, (ms) => times.push(ms));
    const seconds = (performance.now() - t0) / 1000;
    const puts = requests.PutItem ?? 0;
    const items = await scanAll(client, table);
    return {
      events: events.length,
      eventsPerSecond: round(events.length / seconds),
      batchMs: { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) },
      putsPerEvent: round(puts / events.length, 3),
      itemBytes: Math.max(0, ...items.map(itemBytes)),
    };
  } finally {
    client.destroy();
    await server.close();
  }
}

export interface Freshness {
  samples: number;
  /** From handing the CONNECTED_TO_AGENT event to the indexer to the search step's Query returning the contact. */
  p50: number;
  p99: number;
  max: number;
  /** The indexer's own time for the event. */
  handlerP50: number;
}

/**
 * For each sample: the search step records a new contact's customer key (as during the call);
 * then its CONNECTED_TO_AGENT event is handed to the real contact indexer without waiting, while
 * the search step's Query (queryCustomerContacts) polls the caller's partition until the contact
 * is there. DynamoDB latency applies when `dynamoLatency` is set.
 */
async function measureFreshness(
  scenario: Scenario,
  phones: string[],
  config: Config,
  samples: number,
  dynamoLatency: LatencyModel | null,
  seed: number,
): Promise<Freshness> {
  const table = config.tableName as string;
  const { server, client } = await startTable(table, 'proxy');
  try {
    if (dynamoLatency)
      server.setFaults({ seed, latency: { medianMs: dynamoLatency.median, p99Ms: dynamoLatency.p99 } });
    const key = keyOf(config);
    const deps: IndexerDeps = { dynamo: client, config, logger: silent(), clock: Date.now };
    const agent = scenario.agents[0];
    const times: number[] = [];
    const handler: number[] = [];
    for (let i = 0; i < samples; i++) {
      const phone = phones[i % phones.length] as string;
      const now = Date.now();
      const contact: ScenarioContact = {
        id: `freshness-${seed}-${i}`,
        channel: 'VOICE',
        initiationMethod: 'INBOUND',
        initiationTimestamp: new Date(now - 60_000).toISOString(),
        queueId: scenario.queues[0]?.id,
        agentId: agent?.id,
        enqueueTimestamp: new Date(now - 50_000).toISOString(),
        connectedToAgentTimestamp: new Date(now - 1_000).toISOString(),
        attributes: { [config.attributeKey]: phone },
      } as ScenarioContact;
      const deadline = new Deadline(now + 60_000);
      const customerKey = key(phone);
      const nowSeconds = Math.floor(now / 1000);
      await recordCustomerKey(client, deadline, {
        table,
        contactId: contact.id,
        customerKey,
        nowSeconds,
        lookbackDays: config.lookbackDays,
      });
      const event = contactEventsFor({ ...scenario, contacts: [contact] })[0];
      if (!event) throw new Error('no CONNECTED_TO_AGENT event');
      const t0 = performance.now();
      let handled = 0;
      const handling = indexContactEvent(event, deps).then(() => {
        handled = performance.now() - t0;
      });
      for (;;) {
        const page = await queryCustomerContacts(client, deadline, {
          table,
          customerKey,
          fromSeconds: nowSeconds - config.lookbackDays * 86_400,
          toSeconds: nowSeconds + 60,
          nowSeconds,
          limit: config.pageSize,
        });
        if (page.contacts.some((c) => c.id === contact.id)) break;
        if (performance.now() - t0 > 10_000) throw new Error('indexed contact never became readable');
      }
      times.push(performance.now() - t0);
      await handling;
      handler.push(handled);
    }
    return {
      samples,
      p50: round(percentile(times, 50), 1),
      p99: round(percentile(times, 99), 1),
      max: round(Math.max(...times), 1),
      handlerP50: round(percentile(handler, 50), 1),
    };
  } finally {
    client.destroy();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Decisions per source

interface DecisionSample {
  call: TruthCall;
  ms: number;
  decision: FlowResponse;
  trace: TraceEntry[];
}

export interface SourceResult {
  source: RoutingSource;
  /** Decisions of the pass at THROUGHPUT_CONCURRENCY: every call (counts, correctness, decisions/s). */
  decisions: number;
  /** Decisions of the timed pass (p50, p99, billed durations). */
  timedDecisions: number;
  /** Latency model on, at the bench's concurrency. */
  p50: number;
  p99: number;
  /** Every call at THROUGHPUT_CONCURRENCY (quotas off). */
  decisionsPerSecond: number;
  connectPerDecision: { SearchContacts: number; GetCurrentUserData: number };
  dynamoPerDecision: { reads: number; writes: number };
  /** Read request units per decision: the search step's Query (its readUnits) + the agent GetItem. */
  readUnitsPerDecision: number;
  writeUnitsPerDecision: number;
  /** Where the search step's answer came from (SearchResult.source), decisions per value. */
  searchFrom: Record<string, number>;
  /** Where the availability came from (AgentAvailability.source). */
  availabilityFrom: Record<string, number>;
  /** Decisions naming the same last agent as the generator's ground truth. */
  matchesTruth: number;
  usage: DecisionUsage;
  cost: { lines: CostLine[]; total: number };
}

const count = (values: (string | undefined)[]) => {
  const out: Record<string, number> = {};
  for (const v of values) if (v) out[v] = (out[v] ?? 0) + 1;
  return out;
};

const outputOf = (trace: TraceEntry[], state: string) =>
  trace.find((t) => t.state === state && t.status === 'SUCCEEDED')?.output as
    | Record<string, unknown>
    | undefined;

/** The search step's result (the state machine keeps it at $.search). */
const searchOf = (x: DecisionSample) =>
  (outputOf(x.trace, 'Search Recent Contacts')?.search ?? {}) as { readUnits?: number; source?: string };

async function decideAll(
  session: LocalSession,
  calls: TruthCall[],
  concurrency: number,
  label: string,
): Promise<{ samples: DecisionSample[]; seconds: number }> {
  const t0 = performance.now();
  const samples = await mapConcurrent(calls, concurrency, async (call, i) => {
    const started = performance.now();
    const { value } = await inDecision(`${label} call ${i} ${call.phone}`, () =>
      session.decide(connectEventFor({ phone: call.phone, instanceArn: session.instanceArn })),
    );
    return { call, ms: performance.now() - started, decision: value.decision, trace: value.trace };
  });
  return { samples, seconds: (performance.now() - t0) / 1000 };
}

function usageOf(
  samples: DecisionSample[],
  stepMb: number,
  units: { readUnits: number; writeUnits: number },
): DecisionUsage {
  const mean = (f: (s: DecisionSample) => number) => samples.reduce((a, s) => a + f(s), 0) / samples.length;
  const tasks = (s: DecisionSample) => s.trace.filter((t) => t.type === 'Task');
  const span = (s: DecisionSample) => Math.max(0, ...s.trace.map((t) => t.startMs + t.durationMs));
  return {
    lambdaRequests: mean((s) => 1 + tasks(s).length),
    // The entry function waits for the whole decision; each Task state is one invocation.
    lambdaGbSeconds: mean(
      (s) =>
        lambdaGbSeconds(s.ms, stepMb) +
        tasks(s).reduce((a, t) => a + lambdaGbSeconds(t.durationMs, stepMb), 0),
    ),
    sfnRequests: mean((s) => (s.trace.length ? 1 : 0)),
    sfnGbSeconds: mean((s) => (s.trace.length ? expressGbSeconds(span(s)) : 0)),
    ...units,
  };
}

// ---------------------------------------------------------------------------------------------
// The section

export interface IndexSourceOptions {
  scenario: Scenario;
  calls: TruthCall[];
  seed: number;
  /** Connect latency model (paired per call and operation, bench/latency.ts); null = off. */
  latency: LatencyModel | null;
  /** Concurrency of the measured pass (the bench's; 1 = sequential). */
  concurrency: number;
  /** DynamoDB latency model, applied when `latency` is on (default DYNAMO_LATENCY). */
  dynamoLatency?: LatencyModel;
  sources?: readonly RoutingSource[];
  freshnessSamples?: number;
  /** Calls of the timed pass (default 150, at most every call). */
  latencyCalls?: number;
  /** HEART_BEAT rounds over all agents for the agent-indexer throughput. */
  agentRounds?: number;
  warmup?: number;
  memory?: { stepMb: number; indexerMb: number };
  log?: (line: string) => void;
}

export interface IndexSourceReport {
  calls: number;
  callers: number;
  latency: LatencyModel | null;
  dynamoLatency: LatencyModel | null;
  concurrency: number;
  timedCalls: number;
  throughputConcurrency: number;
  memory: { stepMb: number; indexerMb: number };
  sources: SourceResult[];
  /** Calls whose decision names the same last agent under `search` and under `index`. */
  correctness: { equal: number; total: number; sameReason: number; mismatches: string[] };
  indexer: {
    build: Omit<IndexBuild, 'items'>;
    agent: AgentThroughput;
    /** The contact indexer per contact, as priced. */
    usagePerContact: IndexerUsage;
    /** The agent indexer per million agent events (Lambda requests + duration + writes), USD. */
    agentUsdPerMillionEvents: number;
  };
  freshness: Freshness;
  prices: Prices;
  seconds: number;
}

export async function runIndexSource(o: IndexSourceOptions): Promise<IndexSourceReport> {
  const log = o.log ?? (() => undefined);
  const started = performance.now();
  const sources = o.sources ?? ROUTING_SOURCES;
  const memory = o.memory ?? deployedMemory();
  const dynamoLatency = o.latency ? (o.dynamoLatency ?? DYNAMO_LATENCY) : null;
  const config = indexConfig();
  const phones = [...new Set(o.calls.map((c) => c.phone))];
  const build = await buildIndex(o.scenario, phones, config, log);
  log('routing-state source: agent indexer, freshness …');
  const agent = await agentThroughput(o.scenario, config, o.agentRounds ?? 10);
  const freshness = await measureFreshness(
    o.scenario,
    phones,
    config,
    o.freshnessSamples ?? 100,
    dynamoLatency,
    o.seed,
  );

  const joinWru = writeUnitsFor(build.itemBytes.join);
  const contactWru = writeUnitsFor(Math.max(build.itemBytes.contact, build.itemBytes.join));
  const agentRru = readUnitsFor(agent.itemBytes);
  const usagePerContact: IndexerUsage = {
    lambdaRequests: build.perContact.events,
    lambdaGbSeconds: build.perContact.events * lambdaGbSeconds(freshness.handlerP50, memory.indexerMb),
    readUnits: build.perContact.getItem * readUnitsFor(build.itemBytes.join),
    writeUnits: build.perContact.updateItem * contactWru,
  };
  const agentBatches = 1e6 / KINESIS_BATCH;
  const agentUsdPerMillionEvents =
    agentBatches * PRICES.lambdaRequest.usd +
    agentBatches * lambdaGbSeconds(agent.batchMs.p50, memory.indexerMb) * PRICES.lambdaGbSecond.usd +
    1e6 * agent.putsPerEvent * writeUnitsFor(agent.itemBytes) * PRICES.dynamoWru.usd;

  const latencyCalls = Math.min(o.latencyCalls ?? 150, o.calls.length);
  const results: SourceResult[] = [];
  const decided = new Map<RoutingSource, DecisionSample[]>();
  for (const source of sources) {
    log(`routing-state source: deciding with ${source} …`);
    const session = await startSourceSession(o.scenario, source, {
      env: { LAST_AGENT_DEADLINE_MS: '7000' },
      index: build,
      dynamoLatency,
      seed: o.seed,
    });
    try {
      const latency = new PairedLatency(o.latency, o.seed);
      attachLatency(session.connectClient, () => latency);
      const warmup = o.calls.slice(0, Math.min(o.warmup ?? 5, o.calls.length));
      await decideAll(session, warmup, 1, 'warm-up');
      // Latency: the first `latencyCalls` calls at the bench's concurrency (the machine otherwise idle).
      const timed = await decideAll(session, o.calls.slice(0, latencyCalls), o.concurrency, 'timed');
      // Throughput, counts and correctness: every call, THROUGHPUT_CONCURRENCY at a time.
      session.connect.resetStats();
      session.dynamo?.server.resetStats();
      const all = await decideAll(session, o.calls, THROUGHPUT_CONCURRENCY, 'all');
      const connect = structuredClone(session.connect.stats);
      const dynamoStats = session.dynamo ? structuredClone(session.dynamo.server.stats) : undefined;
      const n = all.samples.length;
      const reads = dynamoStats ? readRequests(dynamoStats) : 0;
      const writes = dynamoStats ? writeRequests(dynamoStats) : 0;
      const queryUnits = all.samples.reduce((a, x) => a + Number(searchOf(x).readUnits ?? 0), 0);
      const getItems = dynamoStats?.GetItem.requests ?? 0;
      const readUnits = (queryUnits + getItems * agentRru) / n;
      const writeUnits = (writes * joinWru) / n;
      // Durations (what Lambda and Express bill) from the timed pass, counts from all calls.
      const usage = {
        ...usageOf(timed.samples, memory.stepMb, { readUnits, writeUnits }),
        lambdaRequests: usageOf(all.samples, memory.stepMb, { readUnits, writeUnits }).lambdaRequests,
      };
      decided.set(source, all.samples);
      const times = timed.samples.map((x) => x.ms);
      results.push({
        source,
        decisions: n,
        timedDecisions: timed.samples.length,
        p50: round(percentile(times, 50)),
        p99: round(percentile(times, 99)),
        decisionsPerSecond: round(n / all.seconds),
        connectPerDecision: {
          SearchContacts: round(connect.SearchContacts.requests / n, 3),
          GetCurrentUserData: round(connect.GetCurrentUserData.requests / n, 3),
        },
        dynamoPerDecision: { reads: round(reads / n, 3), writes: round(writes / n, 3) },
        readUnitsPerDecision: round(readUnits, 3),
        writeUnitsPerDecision: round(writeUnits, 3),
        searchFrom: count(
          all.samples.map((x) => (x.trace.length ? (searchOf(x).source ?? 'SEARCH') : undefined)),
        ),
        availabilityFrom: count(
          all.samples.map((x) => {
            const out = outputOf(x.trace, 'Check Agent Availability');
            return out ? String(out.source ?? 'API') : undefined;
          }),
        ),
        matchesTruth: all.samples.filter((x) => (x.decision.agentId || undefined) === x.call.agentId).length,
        usage,
        cost: costPerMillion(usage, source === 'search' ? undefined : usagePerContact),
      });
    } finally {
      await session.close();
    }
  }

  const bySearch = decided.get('search') ?? [];
  const byIndex = decided.get('index') ?? [];
  const mismatches: string[] = [];
  let equal = 0;
  let sameReason = 0;
  for (const [i, s] of bySearch.entries()) {
    const x = byIndex[i];
    if (!x) continue;
    if ((s.decision.agentId ?? '') === (x.decision.agentId ?? '')) equal++;
    else
      mismatches.push(
        `call ${i}: search ${s.decision.agentId || '-'} (${s.decision.reason}), index ${x.decision.agentId || '-'} (${x.decision.reason})`,
      );
    if (s.decision.reason === x.decision.reason) sameReason++;
  }
  const { items: _items, ...buildSummary } = build;
  return {
    calls: o.calls.length,
    callers: phones.length,
    latency: o.latency,
    dynamoLatency,
    concurrency: o.concurrency,
    timedCalls: latencyCalls,
    throughputConcurrency: THROUGHPUT_CONCURRENCY,
    memory,
    sources: results,
    correctness: {
      equal,
      total: Math.min(bySearch.length, byIndex.length),
      sameReason,
      mismatches: mismatches.slice(0, 10),
    },
    indexer: { build: buildSummary, agent, usagePerContact, agentUsdPerMillionEvents },
    freshness,
    prices: PRICES,
    seconds: round((performance.now() - started) / 1000, 1),
  };
}

const usd = (n: number) => (n >= 10 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);
const fmt = (n: number, digits = 3) => String(round(n, digits));
const shares = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export function formatIndexSource(r: IndexSourceReport): string {
  const head = r.sources.map((s) => s.source);
  const col = (f: (s: SourceResult) => string | number) => r.sources.map(f);
  const b = r.indexer.build;
  const lat = r.latency
    ? `Connect median ${r.latency.median} / p99 ${r.latency.p99} ms (paired per call), DynamoDB median ${r.dynamoLatency?.median} / p99 ${r.dynamoLatency?.p99} ms (${DYNAMO_LATENCY_SOURCE})`
    : 'off';
  const lines = [
    `Routing-state source (LAST_AGENT_SOURCE): ${r.calls} calls from ${r.callers} callers; index built by the real handlers from ${b.contacts} past contacts of those callers (${b.contactEvents} contact events) plus one agent event per agent`,
    `Latency model: ${lat}. p50/p99 over the first ${r.timedCalls} calls at concurrency ${r.concurrency}; decisions/s, counts and correctness over all ${r.calls} calls at concurrency ${r.throughputConcurrency} (one Node process: CPU-bound locally); quotas off (last-agent load shows them)`,
    '',
    table(
      ['', ...head],
      [
        ['decisions/s', ...col((s) => s.decisionsPerSecond)],
        ['p50 ms', ...col((s) => s.p50)],
        ['p99 ms', ...col((s) => s.p99)],
        ['SearchContacts / decision', ...col((s) => fmt(s.connectPerDecision.SearchContacts))],
        ['GetCurrentUserData / decision', ...col((s) => fmt(s.connectPerDecision.GetCurrentUserData))],
        ['DynamoDB reads / decision', ...col((s) => fmt(s.dynamoPerDecision.reads))],
        ['DynamoDB writes / decision', ...col((s) => fmt(s.dynamoPerDecision.writes))],
        ['read units / decision', ...col((s) => fmt(s.readUnitsPerDecision))],
        ['write units / decision', ...col((s) => fmt(s.writeUnitsPerDecision))],
        ['last agent = ground truth', ...col((s) => `${s.matchesTruth}/${s.decisions}`)],
        ['cost per 1M decisions', ...col((s) => usd(s.cost.total))],
      ],
    ),
    '',
    `Search step answered from: ${r.sources.map((s) => `${s.source}: ${shares(s.searchFrom)}`).join('; ')}`,
    `Availability from: ${r.sources.map((s) => `${s.source}: ${shares(s.availabilityFrom)}`).join('; ')}`,
    `Correctness: the last agent under search and under index is the same for ${r.correctness.equal}/${r.correctness.total} calls (${r.correctness.total ? round((r.correctness.equal / r.correctness.total) * 100, 1) : 0}%); same reason ${r.correctness.sameReason}/${r.correctness.total}`,
    ...r.correctness.mismatches.map((m) => `  mismatch ${m}`),
    '',
    'Indexers (our handlers + local dynalite on this machine, not AWS):',
    `  contact events: ${b.contactEventsPerSecond}/s at ${INDEXER_CONCURRENCY} concurrent invocations (${b.contactEvents} events, handler p50 ${b.contactEventMs.p50} / p99 ${b.contactEventMs.p99} ms); per contact ${b.perContact.events} events, ${b.perContact.updateItem} UpdateItem, ${b.perContact.getItem} GetItem (+1 UpdateItem by the search step); largest items: customer contact ${b.itemBytes.contact} B, join ${b.itemBytes.join} B`,
    `  agent events: ${r.indexer.agent.eventsPerSecond}/s, batches of ${KINESIS_BATCH} one after another (one shard; ${r.indexer.agent.events} HEART_BEAT events, batch p50 ${r.indexer.agent.batchMs.p50} / p99 ${r.indexer.agent.batchMs.p99} ms); ${r.indexer.agent.putsPerEvent} PutItem per event; agent item ${r.indexer.agent.itemBytes} B`,
    `Freshness (CONNECTED_TO_AGENT handed to the indexer → the search step's Query returns the contact), ${r.freshness.samples} samples: median ${r.freshness.p50} ms, p99 ${r.freshness.p99} ms, max ${r.freshness.max} (indexer alone p50 ${r.freshness.handlerP50} ms). Locally only: AWS documents no delivery latency for contact events ("near real-time", best effort), nor for the agent event stream.`,
    '',
    `Cost per million decisions (USD, us-east-1, on demand, free tiers ignored; Lambda Arm at ${r.memory.stepMb} MB for the steps, ${r.memory.indexerMb} MB for the indexers; durations as measured here with the latency model ${r.latency ? 'on' : 'off'}):`,
    table(
      ['item', ...head.flatMap((h) => [`${h} quantity`, `${h} $/1M`])],
      (r.sources.at(-1)?.cost.lines ?? []).map((line, i) => [
        line.item,
        ...r.sources.flatMap((s) => {
          const l = s.cost.lines[i];
          return l ? [`${fmt(l.quantity, 5)} ${l.unit}`, usd(l.usdPerMillion)] : ['—', '—'];
        }),
      ]),
    ),
    `  total: ${r.sources.map((s) => `${s.source} ${usd(s.cost.total)}`).join(', ')}`,
    `  Lambda: 1 entry invocation (billed for the whole decision) + 1 per Task state; Express: 1 request, the execution's span rounded up to 100 ms at ${EXPRESS_MEMORY_MB} MB. The contact indexer runs once per contact event on the rule (every contact's DISCONNECTED, agent contacts' CONNECTED_TO_AGENT; COMPLETED, which the local feed does not send, would add one invocation and up to two writes per agent contact); each decision's call becomes one such contact.`,
    `  Not per decision: the agent event stream. Its indexer costs ${usd(r.indexer.agentUsdPerMillionEvents)} per million agent events (Lambda per batch of ${KINESIS_BATCH} + ${r.indexer.agent.putsPerEvent} PutItem per event); each logged-in agent sends at least one event per 120 s (HEART_BEAT). Kinesis on-demand stream-hour and per-GB prices: not found in a source we could read, so not in the table.`,
    'Prices:',
    ...Object.values(r.prices).map((p) => `  ${p.source}`),
  ];
  return lines.join('\n');
}
