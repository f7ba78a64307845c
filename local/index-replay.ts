import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexAgentEvents } from '../steps/index-agent-events';
import { type IndexerDeps, indexContactEvent } from '../steps/index-contact-events';
import { Deadline } from '../steps/lib/connect/deadline';
import { recordCustomerKey } from '../steps/lib/routing-state/store';
import type { Config } from '../steps/lib/runtime/config';
import type { Logger } from '../steps/lib/runtime/logger';
import { type AgentEvent, agentEventsFor, contactEventsFor, kinesisEventOf } from './connect/event-feed';
import type { Scenario } from './connect/scenario';

export interface ReplayStats {
  /** Contacts whose customer key was recorded (what the search step writes for each routed call). */
  keys: number;
  contactEvents: number;
  agentEvents: number;
  /** Contact events that completed a customer contact. */
  indexed: number;
}

export interface ReplayTarget {
  dynamo: DynamoDBDocumentClient;
  config: Pick<Config, 'tableName' | 'lookbackDays' | 'attributeKey'>;
  logger: Logger;
  instanceArn: string;
  /** The customer key the local Connect stores for a contact's attribute value (hashed-key mode). */
  customerKeyOf?: (value: string) => string;
}

/**
 * Builds the routing-state table from a scenario as the deployed system would have built it:
 * each past call passed the search step, which recorded its contact id → customer key, then
 * Amazon Connect published its contact events (local/connect/event-feed.ts, AWS's format), which
 * the real contact indexer handled; the agent event stream then published every agent's current
 * snapshot (stamped now: it is live state), which the real agent indexer handled. So the same
 * scenario files serve both sources.
 */
export async function replayScenario(scenario: Scenario, target: ReplayTarget): Promise<ReplayStats> {
  const { config } = target;
  const deps: IndexerDeps = { dynamo: target.dynamo, config, logger: target.logger, clock: Date.now };
  const stats: ReplayStats = { keys: 0, contactEvents: 0, agentEvents: 0, indexed: 0 };
  // Each write gets its own budget: a large scenario takes minutes in all.
  const budget = () => new Deadline(Date.now() + 10_000);
  for (const contact of scenario.contacts) {
    const value = contact.attributes[config.attributeKey];
    if (!value) continue;
    await recordCustomerKey(target.dynamo, budget(), {
      table: config.tableName as string,
      contactId: contact.id,
      // As the local Connect stores it: numbers become keys in hashed-key mode, other values stay.
      customerKey: target.customerKeyOf && value.startsWith('+') ? target.customerKeyOf(value) : value,
      nowSeconds: Math.floor(Date.parse(contact.initiationTimestamp) / 1000),
      lookbackDays: config.lookbackDays,
    });
    stats.keys++;
  }
  for (const event of contactEventsFor(scenario, { instanceArn: target.instanceArn })) {
    const outcome = await indexContactEvent(event, deps);
    stats.contactEvents++;
    if (outcome.status === 'INDEXED') stats.indexed++;
  }
  const agentEvents = agentEventsFor(scenario, { instanceArn: target.instanceArn, at: new Date() });
  await deliverAgentEvents(agentEvents, deps);
  stats.agentEvents = agentEvents.length;
  return stats;
}

/** Records per batch, the agent indexer's event source mapping's batchSize (infra). */
export const KINESIS_BATCH = 100;

/**
 * Delivers agent events to the real agent indexer as the event source mapping would: Kinesis
 * batches of KINESIS_BATCH records, one after another (one shard). `onBatch` gets each batch's
 * handling time. A reported record failure is an error here: nothing retries locally.
 */
export async function deliverAgentEvents(
  events: AgentEvent[],
  deps: IndexerDeps,
  onBatch: (ms: number) => void = () => undefined,
): Promise<void> {
  for (let i = 0; i < events.length; i += KINESIS_BATCH) {
    const started = performance.now();
    const out = await indexAgentEvents(kinesisEventOf(events.slice(i, i + KINESIS_BATCH)), deps);
    if (out.batchItemFailures.length) throw new Error('agent events could not be indexed');
    onBatch(performance.now() - started);
  }
}
