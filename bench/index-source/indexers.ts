import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { agentEventFor, contactEventsFor } from '../../local/connect/event-feed';
import type { Scenario, ScenarioContact } from '../../local/connect/scenario';
import { KINESIS_BATCH, deliverAgentEvents } from '../../local/index-replay';
import { type IndexerDeps, indexContactEvent } from '../../steps/index-contact-events';
import { Deadline } from '../../steps/lib/connect/deadline';
import { queryCustomerContacts, recordCustomerKey } from '../../steps/lib/routing-state/store';
import type { Config } from '../../steps/lib/runtime/config';
import type { LatencyModel } from '../latency';
import { p50p99, round, roundedPercentile, secondsSince } from '../stats';
import { type IndexerUsage, PRICES, itemBytes, lambdaGbSeconds, readUnitsFor, writeUnitsFor } from './cost';
import { type IndexBuild, countRequests, indexerDeps, keyOf, scanAll, withTable } from './scenario';

/** The indexers measured on their own: the agent indexer's throughput, and the index's freshness. */

export interface AgentThroughput {
  events: number;
  eventsPerSecond: number;
  batchMs: { p50: number; p99: number };
  putsPerEvent: number;
  itemBytes: number;
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
 * HEART_BEAT events for every agent, `rounds` times (120 s apart), in batches of 100 through the
 * real agent indexer, one batch after another: one shard with ParallelizationFactor 1.
 */
export async function agentThroughput(
  scenario: Scenario,
  config: Config,
  rounds: number,
): Promise<AgentThroughput> {
  const table = config.tableName as string;
  return withTable(table, 'direct', async ({ client }) => {
    const requests = countRequests(client);
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
    const items = await scanAll(client, table);
    return {
      events: events.length,
      eventsPerSecond: round(events.length / seconds),
      batchMs: p50p99(times),
      putsPerEvent: round((requests.PutItem ?? 0) / events.length, 3),
      itemBytes: Math.max(0, ...items.map(itemBytes)),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Freshness

/** A contact of `phone` connected to an agent a second ago. */
function freshContact(
  scenario: Scenario,
  config: Config,
  phone: string,
  id: string,
  now: number,
): ScenarioContact {
  return {
    id,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    initiationTimestamp: new Date(now - 60_000).toISOString(),
    queueId: scenario.queues[0]?.id,
    agentId: scenario.agents[0]?.id,
    enqueueTimestamp: new Date(now - 50_000).toISOString(),
    connectedToAgentTimestamp: new Date(now - 1_000).toISOString(),
    attributes: { [config.attributeKey]: phone },
  } as ScenarioContact;
}

/** The search step's Query, again and again, until the contact is in the caller's partition. */
async function pollUntilReadable(
  client: DynamoDBDocumentClient,
  config: Config,
  q: { deadline: Deadline; customerKey: string; nowSeconds: number; contactId: string; t0: number },
): Promise<void> {
  for (;;) {
    const page = await queryCustomerContacts(client, q.deadline, {
      table: config.tableName as string,
      customerKey: q.customerKey,
      fromSeconds: q.nowSeconds - config.lookbackDays * 86_400,
      toSeconds: q.nowSeconds + 60,
      nowSeconds: q.nowSeconds,
      limit: config.pageSize,
    });
    if (page.contacts.some((c) => c.id === q.contactId)) return;
    if (performance.now() - q.t0 > 10_000) throw new Error('indexed contact never became readable');
  }
}

/** One sample: until readable (ms), and the indexer's own time (ms). */
async function freshnessSample(
  scenario: Scenario,
  client: DynamoDBDocumentClient,
  config: Config,
  deps: IndexerDeps,
  sample: { phone: string; id: string },
): Promise<{ readable: number; handler: number }> {
  const now = Date.now();
  const contact = freshContact(scenario, config, sample.phone, sample.id, now);
  const deadline = new Deadline(now + 60_000);
  const customerKey = keyOf(config)(sample.phone);
  const nowSeconds = Math.floor(now / 1000);
  await recordCustomerKey(client, deadline, {
    table: config.tableName as string,
    contactId: contact.id,
    customerKey,
    nowSeconds,
    lookbackDays: config.lookbackDays,
  });
  const event = contactEventsFor({ ...scenario, contacts: [contact] })[0];
  if (!event) throw new Error('no CONNECTED_TO_AGENT event');
  const t0 = performance.now();
  let handler = 0;
  const handling = indexContactEvent(event, deps).then(() => {
    handler = performance.now() - t0;
  });
  await pollUntilReadable(client, config, { deadline, customerKey, nowSeconds, contactId: contact.id, t0 });
  const readable = performance.now() - t0;
  await handling;
  return { readable, handler };
}

/**
 * For each sample: the search step records a new contact's customer key (as during the call);
 * then its CONNECTED_TO_AGENT event is handed to the real contact indexer without waiting, while
 * the search step's Query (queryCustomerContacts) polls the caller's partition until the contact
 * is there. DynamoDB latency applies when `dynamoLatency` is set.
 */
export async function measureFreshness(
  scenario: Scenario,
  phones: string[],
  config: Config,
  samples: number,
  dynamoLatency: LatencyModel | null,
  seed: number,
): Promise<Freshness> {
  return withTable(config.tableName as string, 'proxy', async ({ server, client }) => {
    if (dynamoLatency)
      server.setFaults({ seed, latency: { medianMs: dynamoLatency.median, p99Ms: dynamoLatency.p99 } });
    const deps = indexerDeps(client, config);
    const times: number[] = [];
    const handler: number[] = [];
    for (let i = 0; i < samples; i++) {
      const phone = phones[i % phones.length] as string;
      const s = await freshnessSample(scenario, client, config, deps, {
        phone,
        id: `freshness-${seed}-${i}`,
      });
      times.push(s.readable);
      handler.push(s.handler);
    }
    return {
      samples,
      ...p50p99(times, 1),
      max: round(Math.max(...times), 1),
      handlerP50: roundedPercentile(handler, 50, 1),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The indexers, priced

/** The contact indexer per contact: its invocations (at the measured handler time), reads and writes. */
export function indexerUsagePerContact(
  build: IndexBuild,
  freshness: Freshness,
  indexerMb: number,
): IndexerUsage {
  const contactWru = writeUnitsFor(Math.max(build.itemBytes.contact, build.itemBytes.join));
  return {
    lambdaRequests: build.perContact.events,
    lambdaGbSeconds: build.perContact.events * lambdaGbSeconds(freshness.handlerP50, indexerMb),
    readUnits: build.perContact.getItem * readUnitsFor(build.itemBytes.join),
    writeUnits: build.perContact.updateItem * contactWru,
  };
}

/** The agent indexer per million agent events (Lambda requests + duration per batch, writes per event), USD. */
export function agentUsdPerMillionEvents(agent: AgentThroughput, indexerMb: number): number {
  const agentBatches = 1e6 / KINESIS_BATCH;
  return (
    agentBatches * PRICES.lambdaRequest.usd +
    agentBatches * lambdaGbSeconds(agent.batchMs.p50, indexerMb) * PRICES.lambdaGbSecond.usd +
    1e6 * agent.putsPerEvent * writeUnitsFor(agent.itemBytes) * PRICES.dynamoWru.usd
  );
}
