import '../local/polyfills';
import type { Scenario } from '../local/connect/scenario';
import type { TruthCall } from './generator';
import { PRICES, deployedMemory, readUnitsFor, writeUnitsFor } from './index-source/cost';
import {
  type DecisionPlan,
  type DecisionPricing,
  type DecisionSample,
  type SourceResult,
  THROUGHPUT_CONCURRENCY,
  correctness,
  decideWith,
} from './index-source/decisions';
import {
  agentThroughput,
  agentUsdPerMillionEvents,
  indexerUsagePerContact,
  measureFreshness,
} from './index-source/indexers';
import type { IndexSourceReport } from './index-source/results';
import {
  DYNAMO_LATENCY,
  type IndexBuild,
  ROUTING_SOURCES,
  type RoutingSource,
  buildIndex,
  indexConfig,
  startSourceSession,
} from './index-source/scenario';
import { answerLines, costLines, headline, indexerLines, sourceTable } from './index-source/table';
import type { LatencyModel } from './latency';
import { round, secondsSince } from './stats';

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
 *
 * Scenario: index-source/scenario.ts; measurement: index-source/indexers.ts and decisions.ts;
 * prices: index-source/cost.ts; table: index-source/table.ts.
 */

export {
  type CostLine,
  type DecisionUsage,
  EXPRESS_MEMORY_MB,
  type IndexerUsage,
  PRICES,
  type Price,
  type Prices,
  costPerMillion,
  deployedMemory,
  expressGbSeconds,
  itemBytes,
  lambdaGbSeconds,
} from './index-source/cost';
export { type SourceResult, THROUGHPUT_CONCURRENCY } from './index-source/decisions';
export type { AgentThroughput, Freshness } from './index-source/indexers';
export type { IndexSourceReport } from './index-source/results';
export {
  DYNAMO_LATENCY,
  DYNAMO_LATENCY_SOURCE,
  type IndexBuild,
  ROUTING_SOURCES,
  type RoutingSource,
  buildIndex,
  callerContacts,
  indexConfig,
  loadItems,
  startSourceSession,
} from './index-source/scenario';

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

/** Every source in turn, each in its own session (index sources on a copy of the built index). */
async function decideBySource(
  o: IndexSourceOptions,
  build: IndexBuild,
  dynamoLatency: LatencyModel | null,
  plan: DecisionPlan,
  pricing: DecisionPricing,
) {
  const log = o.log ?? (() => undefined);
  const results: SourceResult[] = [];
  const decided = new Map<RoutingSource, DecisionSample[]>();
  for (const source of o.sources ?? ROUTING_SOURCES) {
    log(`routing-state source: deciding with ${source} …`);
    const session = await startSourceSession(o.scenario, source, {
      env: { LAST_AGENT_DEADLINE_MS: '7000' },
      index: build,
      dynamoLatency,
      seed: o.seed,
    });
    try {
      const { result, samples } = await decideWith(session, source, plan, pricing);
      results.push(result);
      decided.set(source, samples);
    } finally {
      await session.close();
    }
  }
  return { results, correctness: correctness(decided.get('search') ?? [], decided.get('index') ?? []) };
}

export async function runIndexSource(o: IndexSourceOptions): Promise<IndexSourceReport> {
  const log = o.log ?? (() => undefined);
  const started = performance.now();
  const memory = o.memory ?? deployedMemory();
  const dynamoLatency = o.latency ? (o.dynamoLatency ?? DYNAMO_LATENCY) : null;
  const config = indexConfig();
  const phones = [...new Set(o.calls.map((c) => c.phone))];
  // Scenario: the callers' part of the routing-state table, built by the real handlers.
  const build = await buildIndex(o.scenario, phones, config, log);
  // Measure: the indexers on their own, then the calls decided under every source.
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
  const usagePerContact = indexerUsagePerContact(build, freshness, memory.indexerMb);
  const plan: DecisionPlan = {
    calls: o.calls,
    seed: o.seed,
    latency: o.latency,
    concurrency: o.concurrency,
    latencyCalls: Math.min(o.latencyCalls ?? 150, o.calls.length),
    warmup: o.warmup ?? 5,
  };
  const decided = await decideBySource(o, build, dynamoLatency, plan, {
    stepMb: memory.stepMb,
    joinWru: writeUnitsFor(build.itemBytes.join),
    agentRru: readUnitsFor(agent.itemBytes),
    indexer: usagePerContact,
  });
  const { items: _items, ...buildSummary } = build;
  return {
    calls: o.calls.length,
    callers: phones.length,
    latency: o.latency,
    dynamoLatency,
    concurrency: o.concurrency,
    timedCalls: plan.latencyCalls,
    throughputConcurrency: THROUGHPUT_CONCURRENCY,
    memory,
    sources: decided.results,
    correctness: decided.correctness,
    indexer: {
      build: buildSummary,
      agent,
      usagePerContact,
      agentUsdPerMillionEvents: agentUsdPerMillionEvents(agent, memory.indexerMb),
    },
    freshness,
    prices: PRICES,
    seconds: round(secondsSince(started), 1),
  };
}

/** The section as text: what was run, the per-source table, answers, indexers, cost. */
export function formatIndexSource(r: IndexSourceReport): string {
  return [
    ...headline(r),
    '',
    sourceTable(r),
    '',
    ...answerLines(r),
    '',
    ...indexerLines(r),
    '',
    ...costLines(r),
  ].join('\n');
}
