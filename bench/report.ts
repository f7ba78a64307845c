import type { ColdModel, HopModel } from './aws-model';
import type { ColdStartReport } from './cold-start';
import type { IndexSourceReport } from './index-source';
import type { LatencyModel, PairingCheck } from './latency';

/** The shapes of `npm run bench`'s results (bench-results/results.json), shared by run.ts and svg.ts. */

export interface ContenderResult {
  name: string;
  description: string;
  calls: number;
  precision: number;
  recall: number;
  routedToLastAgent: number;
  routedToRightAgent: number;
  apiCallsPerDecision: Record<string, number>;
  /** Decision time with the latency model on (ms). */
  p50: number;
  p95: number;
  p99: number;
  /** Decision time with the latency model off: the local work alone (ms). */
  p50NoLatency: number;
  p99NoLatency: number;
  connectP50: number;
  overhead: number;
}

/** One design as it would run in AWS: measured decision time plus the modelled hops and cold starts. */
export interface DesignResult {
  name: string;
  description: string;
  /** Decisions the figures are over (the contender's, all of them). */
  decisions: number;
  /** Lambda invokes on the critical path of a decision that reaches the agent check (median). */
  lambdaHops: number;
  p50: number;
  p99: number;
  /** Latency model off: local work plus hops (ms). */
  p50NoLatency: number;
  /** Every function on the path cold, as the caller waits (ms); undefined when not measured. */
  allCold?: number;
  /** The same, counted from the entry Lambda's handler start (what the deadline measures). */
  allColdFromHandler?: number;
  /** Functions on the serial cold path. */
  coldPath: string;
}

export interface BenchReport {
  generatedAt: string;
  node: string;
  options: {
    size: string;
    seed: number;
    concurrency: number;
    latency: LatencyModel | null;
    scaling: boolean;
    deadlineMs: number;
    coldSamples: number;
  };
  dataset: { agents: number; customers: number; contacts: number; calls: number; callsWithLastAgent: number };
  contenders: ContenderResult[];
  pairing: PairingCheck;
  model: { hops: HopModel; cold: ColdModel; coldFigures?: string };
  designs: DesignResult[];
  cold?: ColdStartReport;
  /** The "Routing-state source" section (LAST_AGENT_SOURCE search vs index vs index-then-search). */
  indexSource?: IndexSourceReport;
  scaling?: {
    history: {
      contactsPerCustomer: number;
      results: { name: string; found: boolean; ms: number; payloadKb?: number }[];
    }[];
    instance: { contacts: number; p50: number; heapMb: number }[];
  };
}
