import type { LatencyModel } from '../latency';
import type { IndexerUsage, Prices } from './cost';
import type { SourceResult } from './decisions';
import type { AgentThroughput, Freshness } from './indexers';
import type { IndexBuild } from './scenario';

/** The shape of the routing-state source section's results (results.json `indexSource`). */
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
