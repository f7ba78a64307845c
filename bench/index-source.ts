import '../local/polyfills';
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { agentEventFor, agentEventsFor, contactEventsFor, instanceArnOf } from '../local/connect/event-feed';
import type { Scenario, ScenarioContact } from '../local/connect/scenario';
import { readRequests, startLocalDynamo, writeRequests } from '../local/dynamodb/server';
import { KINESIS_BATCH, deliverAgentEvents } from '../local/index-replay';
import { LOCAL_TABLE_NAME, type LocalSession, connectEventFor, startLocalSession } from '../local/session';
import { type IndexerDeps, indexContactEvent } from '../steps/index-contact-events';
import { Deadline } from '../steps/lib/connect/deadline';
import { customerKeyFor } from '../steps/lib/decision/caller';
import { createDynamoClient } from '../steps/lib/routing-state/dynamo-client';
import { queryCustomerContacts, recordCustomerKey } from '../steps/lib/routing-state/store';
import { type Config, loadConfig } from '../steps/lib/runtime/config';
import { createLogger } from '../steps/lib/runtime/logger';
import type { TruthCall } from './generator';
import { type LatencyModel, PairedLatency, attachLatency, inDecision } from './latency';
import { type Progress, QUIET } from './progress';
import { figures, mapConcurrent, mean, p50p99, round, secondsSince, table, timed } from './stats';

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
const DYNAMO_LATENCY_SOURCE =
  'assumption within AWS\'s "single-digit millisecond performance" (DynamoDB Developer Guide, Introduction.html); no published percentiles';

/** Concurrency of the contact-event replay. */
const INDEXER_CONCURRENCY = 8;
/** Concurrency of the throughput pass (decisions/s). */
const THROUGHPUT_CONCURRENCY = 20;

export interface IndexSourceOptions {
  scenario: Scenario;
  calls: TruthCall[];
  seed: number;
  /** Connect latency model (paired per call and operation, bench/latency.ts); null = off. */
  latency: LatencyModel | null;
  /** Concurrency of the measured pass (the bench's; 1 = sequential). */
  concurrency: number;
  freshnessSamples?: number;
  /** Calls of the timed pass (default 150, at most every call). */
  latencyCalls?: number;
  /** HEART_BEAT rounds over all agents for the agent-indexer throughput. */
  agentRounds?: number;
  warmup?: number;
  memory?: { stepMb: number; indexerMb: number };
  /** Where the section says which phase it runs (bench/progress.ts). */
  progress?: Progress;
}

/** The shape of the section's results (results.json `indexSource`). */
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
  cost: ReturnType<typeof costPerMillion>;
}

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

type AgentThroughput = Awaited<ReturnType<typeof agentThroughput>>;

interface Freshness {
  samples: number;
  /** From handing the CONNECTED_TO_AGENT event to the indexer to the search step's Query returning the contact. */
  p50: number;
  p99: number;
  max: number;
  /** The indexer's own time for the event. */
  handlerP50: number;
}

export async function runIndexSource(o: IndexSourceOptions): Promise<IndexSourceReport> {
  const progress = o.progress ?? QUIET;
  const started = performance.now();
  const memory = o.memory ?? deployedMemory();
  const dynamoLatency = o.latency ? DYNAMO_LATENCY : null;
  const config = indexConfig();
  const phones = [...new Set(o.calls.map((c) => c.phone))];
  // Scenario: the callers' part of the routing-state table, built by the real handlers.
  const build = await buildIndex(o.scenario, phones, config, progress);
  // Measure: the indexers on their own, then the calls decided under every source.
  progress.phase('routing-state source: agent indexer, freshness');
  const agent = await agentThroughput(o.scenario, config, o.agentRounds ?? 10);
  const freshness = await measureFreshness(o, phones, config, dynamoLatency);
  const usagePerContact = indexerUsagePerContact(build, freshness, memory.indexerMb);
  const pricing: DecisionPricing = {
    stepMb: memory.stepMb,
    joinWru: writeUnitsFor(build.itemBytes.join),
    agentRru: readUnitsFor(agent.itemBytes),
    indexer: usagePerContact,
  };
  const timedCalls = Math.min(o.latencyCalls ?? 150, o.calls.length);
  const sources: SourceResult[] = [];
  const decided = new Map<RoutingSource, DecisionSample[]>();
  const options = { env: { LAST_AGENT_DEADLINE_MS: '7000' }, index: build, dynamoLatency, seed: o.seed };
  for (const [i, source] of ROUTING_SOURCES.entries()) {
    progress.phase(`routing-state source: deciding with ${source} (${i + 1}/${ROUTING_SOURCES.length})`);
    const session = await startSourceSession(o.scenario, source, options);
    try {
      const passes = await decisionPasses(session, o, timedCalls);
      sources.push(sourceResult(source, passes, pricing));
      decided.set(source, passes.all.samples);
    } finally {
      await session.close();
    }
  }
  const { items: _items, ...buildSummary } = build;
  const indexer = { build: buildSummary, agent, usagePerContact };
  return {
    calls: o.calls.length,
    callers: phones.length,
    latency: o.latency,
    dynamoLatency,
    concurrency: o.concurrency,
    timedCalls,
    throughputConcurrency: THROUGHPUT_CONCURRENCY,
    memory,
    sources,
    correctness: correctness(decided.get('search') ?? [], decided.get('index') ?? []),
    indexer: { ...indexer, agentUsdPerMillionEvents: agentUsdPerMillionEvents(agent, memory.indexerMb) },
    freshness,
    prices: PRICES,
    seconds: round(secondsSince(started), 1),
  };
}

// ---------------------------------------------------------------------------------------------
// Scenario: local tables, the index built by the real handlers, sessions deciding with a source

const directClient = (endpoint: string) =>
  createDynamoClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });

/** What the indexers' handlers get (a silent logger, the real clock). */
const indexerDeps = (dynamo: DynamoDBDocumentClient, config: Config): IndexerDeps => ({
  dynamo,
  config,
  logger: createLogger({ level: 'silent' }),
  clock: Date.now,
});

/** The configuration the index sessions run with (the local table name, the source's defaults). */
const indexConfig = (): Config =>
  loadConfig({ LAST_AGENT_TABLE_NAME: LOCAL_TABLE_NAME, LAST_AGENT_SOURCE: 'index' });

/** The local DynamoDB's faults for a latency model: latency alone. */
const faultsOf = (m: LatencyModel, seed: number) => ({ seed, latency: { medianMs: m.median, p99Ms: m.p99 } });

/** The customer key the local Connect stores for a caller's number, under this configuration. */
const keyOf = (config: Config) => (value: string) =>
  config.keyMode === 'hmac-sha256' && value.startsWith('+') ? customerKeyFor(value, config) : value;

/**
 * Runs `use` with a local DynamoDB holding the routing-state table, and a client of it: through
 * the proxy (latency model, counted) or straight to dynalite (set-up and throughput: nothing in
 * between). The client counts its requests per operation (set-up traffic bypasses the proxy).
 */
async function withTable<T>(
  config: Config,
  via: 'proxy' | 'direct',
  use: (t: {
    server: Awaited<ReturnType<typeof startLocalDynamo>>;
    client: DynamoDBDocumentClient;
    requests: Record<string, number>;
  }) => Promise<T>,
): Promise<T> {
  const server = await startLocalDynamo();
  await server.createRoutingTable(config.tableName as string);
  const client = directClient(via === 'proxy' ? server.endpoint : server.directEndpoint);
  const requests: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => (args) => {
      const op = (context.commandName ?? 'unknown').replace(/Command$/, '');
      requests[op] = (requests[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountRequests' },
  );
  try {
    return await use({ server, client, requests });
  } finally {
    client.destroy();
    await server.close();
  }
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
async function loadItems(client: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]) {
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

/** The search step's half of the join (recordCustomerKey) for a contact, as during its call. */
function recordJoin(
  client: DynamoDBDocumentClient,
  config: Config,
  deadline: Deadline,
  c: ScenarioContact,
  nowSeconds = Math.floor(Date.parse(c.initiationTimestamp) / 1000),
) {
  return recordCustomerKey(client, deadline, {
    table: config.tableName as string,
    contactId: c.id,
    customerKey: keyOf(config)(c.attributes[config.attributeKey] as string),
    nowSeconds,
    lookbackDays: config.lookbackDays,
  });
}

/**
 * Builds the callers' part of the routing-state table through the real code: the search step's
 * recordCustomerKey for every past contact of the callers (their partitions are the ones the
 * decisions read), then the scenario's contact events through the contact indexer's handler,
 * INDEXER_CONCURRENCY at a time (timed: the indexer throughput). Returns the items, to be copied
 * per session.
 */
export async function buildIndex(
  scenario: Scenario,
  phones: Iterable<string>,
  config: Config = indexConfig(),
  progress: Progress = QUIET,
): Promise<IndexBuild> {
  const started = performance.now();
  const wanted = new Set(phones);
  const contacts = scenario.contacts.filter((c) => wanted.has(c.attributes[config.attributeKey] ?? ''));
  const callers = new Set(contacts.map((c) => c.attributes[config.attributeKey])).size;
  return withTable(config, 'direct', async ({ client, requests }) => {
    progress.phase(`index: the customer keys of ${callers} callers`);
    const deadline = new Deadline(Date.now() + 3_600_000);
    let joined = 0;
    await mapConcurrent(contacts, INDEXER_CONCURRENCY, async (c) => {
      await recordJoin(client, config, deadline, c);
      progress.count(++joined, contacts.length, 'contacts');
    });
    // From here on, the contact indexer's requests alone.
    for (const op of Object.keys(requests)) delete requests[op];
    const events = contactEventsFor({ ...scenario, contacts }, { instanceArn: instanceArnOf(scenario) });
    const deps = indexerDeps(client, config);
    const times: number[] = [];
    let indexed = 0;
    progress.phase('index: the contact events');
    const t0 = performance.now();
    await mapConcurrent(events, INDEXER_CONCURRENCY, async (event) => {
      const { value: outcome, ms } = await timed(() => indexContactEvent(event, deps));
      times.push(ms);
      if (outcome.status === 'INDEXED') indexed++;
      progress.count(times.length, events.length, 'events');
    });
    const seconds = secondsSince(t0);
    const perContact = (n: number) => round(n / Math.max(1, contacts.length), 3);
    const items = await scanAll(client, config.tableName as string);
    const largest = (prefix: string) =>
      Math.max(0, ...items.filter((i) => String(i.pk).startsWith(prefix)).map(itemBytes));
    return {
      callers,
      contacts: contacts.length,
      contactEvents: events.length,
      indexed,
      contactEventsPerSecond: round(events.length / seconds),
      contactEventMs: p50p99(times, 2),
      perContact: {
        events: perContact(events.length),
        updateItem: perContact(requests.UpdateItem ?? 0),
        getItem: perContact(requests.GetItem ?? 0),
      },
      itemBytes: { contact: largest('C#'), join: largest('K#') },
      items,
      seconds: round(secondsSince(started), 1),
    };
  });
}

/**
 * A local session deciding with `source`. Index sources get a table holding the built index and
 * every agent's state (stamped now, through the real agent indexer), written past the proxy (no
 * latency, no faults, not counted); and DynamoDB latency when `dynamoLatency` is set.
 */
export async function startSourceSession(
  scenario: Scenario,
  source: RoutingSource,
  options: {
    env?: Record<string, string>;
    index?: IndexBuild;
    dynamoLatency?: LatencyModel | null;
    seed?: number;
  },
): Promise<LocalSession> {
  const latency = options.dynamoLatency;
  const session = await startLocalSession({
    scenario,
    env: { ...options.env, LAST_AGENT_SOURCE: source },
    replay: false,
    ...(latency ? { dynamoFaults: faultsOf(latency, options.seed ?? 1) } : {}),
  });
  const dynamo = session.dynamo;
  if (source === 'search' || !dynamo) return session;
  const client = directClient(dynamo.server.directEndpoint);
  try {
    await loadItems(client, session.config.tableName as string, options.index?.items ?? []);
    const events = agentEventsFor(scenario, { instanceArn: session.instanceArn, at: new Date() });
    await deliverAgentEvents(events, indexerDeps(client, session.config));
    dynamo.server.resetStats();
    return session;
  } catch (err) {
    await session.close();
    throw err;
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Measure: the indexers on their own

/**
 * HEART_BEAT events for every agent, `rounds` times (120 s apart), in batches of 100 through the
 * real agent indexer, one batch after another: one shard with ParallelizationFactor 1.
 */
async function agentThroughput(scenario: Scenario, config: Config, rounds: number) {
  return withTable(config, 'direct', async ({ client, requests }) => {
    const base = Date.now() - rounds * 120_000;
    const events = Array.from({ length: rounds }, (_, r) =>
      scenario.agents.map((agent) =>
        agentEventFor(scenario, agent, { eventType: 'HEART_BEAT', at: new Date(base + r * 120_000) }),
      ),
    ).flat();
    const times: number[] = [];
    const t0 = performance.now();
    await deliverAgentEvents(events, indexerDeps(client, config), (ms) => times.push(ms));
    const seconds = secondsSince(t0);
    const items = await scanAll(client, config.tableName as string);
    return {
      events: events.length,
      eventsPerSecond: round(events.length / seconds),
      batchMs: p50p99(times),
      putsPerEvent: round((requests.PutItem ?? 0) / events.length, 3),
      itemBytes: Math.max(0, ...items.map(itemBytes)),
    };
  });
}

/**
 * For each sample: the search step records a new contact's customer key (as during the call);
 * then its CONNECTED_TO_AGENT event is handed to the real contact indexer without waiting, while
 * the search step's Query (queryCustomerContacts) polls the caller's partition until the contact
 * is there. DynamoDB latency applies when `dynamoLatency` is set.
 */
async function measureFreshness(
  o: IndexSourceOptions,
  phones: string[],
  config: Config,
  dynamoLatency: LatencyModel | null,
): Promise<Freshness> {
  const samples = o.freshnessSamples ?? 100;
  return withTable(config, 'proxy', async ({ server, client }) => {
    if (dynamoLatency) server.setFaults(faultsOf(dynamoLatency, o.seed));
    const times: number[] = [];
    const handler: number[] = [];
    for (let i = 0; i < samples; i++) {
      const phone = phones[i % phones.length] as string;
      const s = await freshnessSample(o.scenario, client, config, phone, i, o.seed);
      times.push(s.readable);
      handler.push(s.handler);
    }
    const max = round(Math.max(...times), 1);
    return { samples, ...p50p99(times, 1), max, handlerP50: p50p99(handler, 1).p50 };
  });
}

/** One freshness sample, a contact connected to an agent a second ago: until readable, and the indexer's own time (ms). */
async function freshnessSample(
  scenario: Scenario,
  client: DynamoDBDocumentClient,
  config: Config,
  phone: string,
  i: number,
  seed: number,
): Promise<{ readable: number; handler: number }> {
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const contact = {
    id: `freshness-${seed}-${i}`,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    initiationTimestamp: at(60_000),
    queueId: scenario.queues[0]?.id,
    agentId: scenario.agents[0]?.id,
    enqueueTimestamp: at(50_000),
    connectedToAgentTimestamp: at(1_000),
    attributes: { [config.attributeKey]: phone },
  } as ScenarioContact;
  const deadline = new Deadline(now + 60_000);
  const nowSeconds = Math.floor(now / 1000);
  await recordJoin(client, config, deadline, contact, nowSeconds);
  const event = contactEventsFor({ ...scenario, contacts: [contact] })[0];
  if (!event) throw new Error('no CONNECTED_TO_AGENT event');
  const deps = indexerDeps(client, config);
  const t0 = performance.now();
  let handler = 0;
  const handling = indexContactEvent(event, deps).then(() => {
    handler = performance.now() - t0;
  });
  const query = {
    table: config.tableName as string,
    customerKey: keyOf(config)(phone),
    fromSeconds: nowSeconds - config.lookbackDays * 86_400,
    toSeconds: nowSeconds + 60,
    nowSeconds,
    limit: config.pageSize,
  };
  while (!(await queryCustomerContacts(client, deadline, query)).contacts.some((c) => c.id === contact.id)) {
    if (performance.now() - t0 > 10_000) throw new Error('indexed contact never became readable');
  }
  const readable = performance.now() - t0;
  await handling;
  return { readable, handler };
}

// ---------------------------------------------------------------------------------------------
// Measure: the calls decided under one source (time, throughput, requests, units, cost)

/** What a decision costs in DynamoDB units and Lambda memory, and what the contact indexer adds. */
interface DecisionPricing {
  stepMb: number;
  /** Write units of a join item (the search step's recordCustomerKey). */
  joinWru: number;
  /** Read units of an agent item (the availability step's GetItem). */
  agentRru: number;
  /** Added to every index source's cost. */
  indexer: IndexerUsage;
}

async function decideAll(session: LocalSession, calls: TruthCall[], concurrency: number, label: string) {
  const t0 = performance.now();
  const samples = await mapConcurrent(calls, concurrency, async (call, i) => {
    const { value, ms } = await timed(() =>
      inDecision(`${label} call ${i} ${call.phone}`, () =>
        session.decide(connectEventFor({ phone: call.phone, instanceArn: session.instanceArn })),
      ),
    );
    return { call, ms, decision: value.value.decision, trace: value.value.trace };
  });
  return { samples, seconds: secondsSince(t0) };
}

type DecisionSample = Awaited<ReturnType<typeof decideAll>>['samples'][number];
type Passes = Awaited<ReturnType<typeof decisionPasses>>;

/**
 * A warm-up; latency: the first `timedCalls` calls at the bench's concurrency (the machine
 * otherwise idle); throughput, counts and correctness: every call, THROUGHPUT_CONCURRENCY at a time.
 */
async function decisionPasses(session: LocalSession, o: IndexSourceOptions, timedCalls: number) {
  const latency = new PairedLatency(o.latency, o.seed);
  attachLatency(session.connectClient, () => latency);
  await decideAll(session, o.calls.slice(0, Math.min(o.warmup ?? 5, o.calls.length)), 1, 'warm-up');
  const timedPass = await decideAll(session, o.calls.slice(0, timedCalls), o.concurrency, 'timed');
  session.connect.resetStats();
  session.dynamo?.server.resetStats();
  const all = await decideAll(session, o.calls, THROUGHPUT_CONCURRENCY, 'all');
  return {
    timed: timedPass,
    all,
    connect: structuredClone(session.connect.stats),
    dynamo: session.dynamo ? structuredClone(session.dynamo.server.stats) : undefined,
  };
}

const count = (values: (string | undefined)[]) => {
  const out: Record<string, number> = {};
  for (const v of values) if (v) out[v] = (out[v] ?? 0) + 1;
  return out;
};

const outputOf = (x: DecisionSample, state: string) =>
  x.trace.find((t) => t.state === state && t.status === 'SUCCEEDED')?.output as
    | Record<string, unknown>
    | undefined;

/** The search step's result (the state machine keeps it at $.search). */
const searchOf = (x: DecisionSample) =>
  (outputOf(x, 'Search Recent Contacts')?.search ?? {}) as { readUnits?: number; source?: string };

function sourceResult(source: RoutingSource, p: Passes, pricing: DecisionPricing): SourceResult {
  const [all, timedSamples, n] = [p.all.samples, p.timed.samples, p.all.samples.length];
  // DynamoDB requests and request units per decision, over every call.
  const reads = p.dynamo ? readRequests(p.dynamo) : 0;
  const writes = p.dynamo ? writeRequests(p.dynamo) : 0;
  const queryUnits = all.reduce((a, x) => a + Number(searchOf(x).readUnits ?? 0), 0);
  const readUnits = (queryUnits + (p.dynamo?.GetItem.requests ?? 0) * pricing.agentRru) / n;
  const writeUnits = (writes * pricing.joinWru) / n;
  // Durations (what Lambda and Express bill) from the timed pass, counts from all calls.
  const tasks = (s: DecisionSample) => s.trace.filter((t) => t.type === 'Task');
  const span = (s: DecisionSample) => Math.max(0, ...s.trace.map((t) => t.startMs + t.durationMs));
  const billed = (ms: number) => lambdaGbSeconds(ms, pricing.stepMb);
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const usage: DecisionUsage = {
    lambdaRequests: mean(all, (s) => 1 + tasks(s).length),
    // The entry function waits for the whole decision; each Task state is one invocation.
    lambdaGbSeconds: mean(timedSamples, (s) => billed(s.ms) + sum(tasks(s).map((t) => billed(t.durationMs)))),
    sfnRequests: mean(timedSamples, (s) => (s.trace.length ? 1 : 0)),
    sfnGbSeconds: mean(timedSamples, (s) => (s.trace.length ? expressGbSeconds(span(s)) : 0)),
    readUnits,
    writeUnits,
  };
  const availability = (x: DecisionSample) => outputOf(x, 'Check Agent Availability');
  return {
    source,
    decisions: n,
    timedDecisions: timedSamples.length,
    ...p50p99(timedSamples.map((x) => x.ms)),
    decisionsPerSecond: round(n / p.all.seconds),
    connectPerDecision: {
      SearchContacts: round(p.connect.SearchContacts.requests / n, 3),
      GetCurrentUserData: round(p.connect.GetCurrentUserData.requests / n, 3),
    },
    dynamoPerDecision: { reads: round(reads / n, 3), writes: round(writes / n, 3) },
    readUnitsPerDecision: round(readUnits, 3),
    writeUnitsPerDecision: round(writeUnits, 3),
    searchFrom: count(all.map((x) => (x.trace.length ? (searchOf(x).source ?? 'SEARCH') : undefined))),
    availabilityFrom: count(
      all.map((x) => (availability(x) ? String(availability(x)?.source ?? 'API') : undefined)),
    ),
    matchesTruth: all.filter((x) => (x.decision.agentId || undefined) === x.call.agentId).length,
    usage,
    cost: costPerMillion(usage, source === 'search' ? undefined : pricing.indexer),
  };
}

/** Calls whose decision names the same last agent under `search` and under `index`. */
function correctness(bySearch: DecisionSample[], byIndex: DecisionSample[]) {
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
  const total = Math.min(bySearch.length, byIndex.length);
  return { equal, total, sameReason, mismatches: mismatches.slice(0, 10) };
}

// ---------------------------------------------------------------------------------------------
// Cost: public prices, what a decision and the indexers use, DynamoDB's item sizes and units

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
} satisfies Record<string, { usd: number; unit: string; source: string }>;
type Prices = typeof PRICES;

/** Step Functions Express bills memory in 64 MB chunks; the state payloads here are a few KB. */
const EXPRESS_MEMORY_MB = 64;

/** What one decision uses (means over the measured decisions). */
interface DecisionUsage {
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
type IndexerUsage = Pick<DecisionUsage, 'lambdaRequests' | 'lambdaGbSeconds' | 'readUnits' | 'writeUnits'>;

/** The cost lines of a decision, then of the contact indexer (per contact: each decision's call becomes one). */
const COST_ITEMS: [item: string, usage: keyof DecisionUsage, price: keyof Prices, indexer?: true][] = [
  ['Lambda requests', 'lambdaRequests', 'lambdaRequest'],
  ['Lambda duration', 'lambdaGbSeconds', 'lambdaGbSecond'],
  ['Express requests', 'sfnRequests', 'sfnExpressRequest'],
  ['Express duration', 'sfnGbSeconds', 'sfnExpressGbSecond'],
  ['DynamoDB reads (decision)', 'readUnits', 'dynamoRru'],
  ['DynamoDB writes (decision)', 'writeUnits', 'dynamoWru'],
  ['contact indexer requests', 'lambdaRequests', 'lambdaRequest', true],
  ['contact indexer duration', 'lambdaGbSeconds', 'lambdaGbSecond', true],
  ['contact indexer reads', 'readUnits', 'dynamoRru', true],
  ['contact indexer writes', 'writeUnits', 'dynamoWru', true],
  ['contact events (EventBridge)', 'lambdaRequests', 'eventBridgeServiceEvent', true],
];

/** Cost per million decisions: each usage figure × its price × 10⁶, line by line. */
export function costPerMillion(usage: DecisionUsage, indexer: IndexerUsage | undefined) {
  const lines = COST_ITEMS.flatMap(([item, figure, price, ofIndexer]) => {
    const of: Partial<DecisionUsage> | undefined = ofIndexer ? indexer : usage;
    if (!of) return [];
    const quantity = of[figure] as number;
    return [{ item, quantity, unit: PRICES[price].unit, usdPerMillion: quantity * PRICES[price].usd * 1e6 }];
  });
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

/** The contact indexer per contact: its invocations (at the measured handler time), reads and writes. */
function indexerUsagePerContact(build: IndexBuild, freshness: Freshness, indexerMb: number): IndexerUsage {
  const contactWru = writeUnitsFor(Math.max(build.itemBytes.contact, build.itemBytes.join));
  return {
    lambdaRequests: build.perContact.events,
    lambdaGbSeconds: build.perContact.events * lambdaGbSeconds(freshness.handlerP50, indexerMb),
    readUnits: build.perContact.getItem * readUnitsFor(build.itemBytes.join),
    writeUnits: build.perContact.updateItem * contactWru,
  };
}

/** The agent indexer per million agent events (Lambda requests + duration per batch, writes per event), USD. */
function agentUsdPerMillionEvents(agent: AgentThroughput, indexerMb: number): number {
  const agentBatches = 1e6 / KINESIS_BATCH;
  return (
    agentBatches * PRICES.lambdaRequest.usd +
    agentBatches * lambdaGbSeconds(agent.batchMs.p50, indexerMb) * PRICES.lambdaGbSecond.usd +
    1e6 * agent.putsPerEvent * writeUnitsFor(agent.itemBytes) * PRICES.dynamoWru.usd
  );
}

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
// Table

const usd = (n: number) => (n >= 10 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);
const fmt = (n: number, digits = 3) => String(round(n, digits));
const shares = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** The section as text: what was run, the per-source table, answers, indexers, cost. */
export function formatIndexSource(r: IndexSourceReport): string {
  const { build: b, agent: a } = r.indexer;
  const { correctness: c, freshness: f } = r;
  const lat = r.latency
    ? `Connect median ${r.latency.median} / p99 ${r.latency.p99} ms (paired per call), DynamoDB median ${r.dynamoLatency?.median} / p99 ${r.dynamoLatency?.p99} ms (${DYNAMO_LATENCY_SOURCE})`
    : 'off';
  const from = (f: (s: SourceResult) => Record<string, number>) =>
    r.sources.map((s) => `${s.source}: ${shares(f(s))}`).join('; ');
  return [
    `Routing-state source (LAST_AGENT_SOURCE): ${r.calls} calls from ${r.callers} callers; index built by the real handlers from ${b.contacts} past contacts of those callers (${b.contactEvents} contact events) plus one agent event per agent`,
    `Latency model: ${lat}. p50/p99 over the first ${r.timedCalls} calls at concurrency ${r.concurrency}; decisions/s, counts and correctness over all ${r.calls} calls at concurrency ${r.throughputConcurrency} (one Node process: CPU-bound locally); quotas off (last-agent load shows them)`,
    '',
    figures('', r.sources, (s) => s.source, [
      ['decisions/s', (s) => s.decisionsPerSecond],
      ['p50 ms', (s) => s.p50],
      ['p99 ms', (s) => s.p99],
      ['SearchContacts / decision', (s) => fmt(s.connectPerDecision.SearchContacts)],
      ['GetCurrentUserData / decision', (s) => fmt(s.connectPerDecision.GetCurrentUserData)],
      ['DynamoDB reads / decision', (s) => fmt(s.dynamoPerDecision.reads)],
      ['DynamoDB writes / decision', (s) => fmt(s.dynamoPerDecision.writes)],
      ['read units / decision', (s) => fmt(s.readUnitsPerDecision)],
      ['write units / decision', (s) => fmt(s.writeUnitsPerDecision)],
      ['last agent = ground truth', (s) => `${s.matchesTruth}/${s.decisions}`],
      ['cost per 1M decisions', (s) => usd(s.cost.total)],
    ]),
    '',
    `Search step answered from: ${from((s) => s.searchFrom)}`,
    `Availability from: ${from((s) => s.availabilityFrom)}`,
    `Correctness: the last agent under search and under index is the same for ${c.equal}/${c.total} calls (${c.total ? round((c.equal / c.total) * 100, 1) : 0}%); same reason ${c.sameReason}/${c.total}`,
    ...c.mismatches.map((m) => `  mismatch ${m}`),
    '',
    'Indexers (our handlers + local dynalite on this machine, not AWS):',
    `  contact events: ${b.contactEventsPerSecond}/s at ${INDEXER_CONCURRENCY} concurrent invocations (${b.contactEvents} events, handler p50 ${b.contactEventMs.p50} / p99 ${b.contactEventMs.p99} ms); per contact ${b.perContact.events} events, ${b.perContact.updateItem} UpdateItem, ${b.perContact.getItem} GetItem (+1 UpdateItem by the search step); largest items: customer contact ${b.itemBytes.contact} B, join ${b.itemBytes.join} B`,
    `  agent events: ${a.eventsPerSecond}/s, batches of ${KINESIS_BATCH} one after another (one shard; ${a.events} HEART_BEAT events, batch p50 ${a.batchMs.p50} / p99 ${a.batchMs.p99} ms); ${a.putsPerEvent} PutItem per event; agent item ${a.itemBytes} B`,
    `Freshness (CONNECTED_TO_AGENT handed to the indexer → the search step's Query returns the contact), ${f.samples} samples: median ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} (indexer alone p50 ${f.handlerP50} ms). Locally only: AWS documents no delivery latency for contact events ("near real-time", best effort), nor for the agent event stream.`,
    '',
    ...costLines(r),
  ].join('\n');
}

/** Cost per million decisions, line by line for every source, and the prices with their sources. */
function costLines(r: IndexSourceReport): string[] {
  return [
    `Cost per million decisions (USD, us-east-1, on demand, free tiers ignored; Lambda Arm at ${r.memory.stepMb} MB for the steps, ${r.memory.indexerMb} MB for the indexers; durations as measured here with the latency model ${r.latency ? 'on' : 'off'}):`,
    table(
      ['item', ...r.sources.flatMap((s) => [`${s.source} quantity`, `${s.source} $/1M`])],
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
}
