import { type DynamoStats, readRequests, writeRequests } from '../../local/dynamodb/server';
import type { TraceEntry } from '../../local/runner';
import { type LocalSession, connectEventFor } from '../../local/session';
import type { FlowResponse } from '../../steps/lib/decision/decision';
import type { TruthCall } from '../generator';
import { type LatencyModel, PairedLatency, attachLatency, inDecision } from '../latency';
import { mapConcurrent, mean, p50p99, round, secondsSince, timed } from '../stats';
import {
  type CostLine,
  type DecisionUsage,
  type IndexerUsage,
  costPerMillion,
  expressGbSeconds,
  lambdaGbSeconds,
} from './cost';
import type { RoutingSource } from './scenario';

/** The same calls decided under one routing-state source: time, throughput, requests, units, cost. */

/** Concurrency of the throughput pass (decisions/s). */
export const THROUGHPUT_CONCURRENCY = 20;

export interface DecisionSample {
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

/** How the calls are decided under each source (IndexSourceOptions, defaults applied). */
export interface DecisionPlan {
  calls: TruthCall[];
  seed: number;
  latency: LatencyModel | null;
  concurrency: number;
  latencyCalls: number;
  warmup: number;
}

/** What a decision costs in DynamoDB units and Lambda memory, and what the contact indexer adds. */
export interface DecisionPricing {
  stepMb: number;
  /** Write units of a join item (the search step's recordCustomerKey). */
  joinWru: number;
  /** Read units of an agent item (the availability step's GetItem). */
  agentRru: number;
  /** Added to every index source's cost. */
  indexer: IndexerUsage;
}

interface Pass {
  samples: DecisionSample[];
  seconds: number;
}

interface Passes {
  timed: Pass;
  all: Pass;
  connect: LocalSession['connect']['stats'];
  dynamo: DynamoStats | undefined;
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
): Promise<Pass> {
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

/**
 * A warm-up; latency: the first `latencyCalls` calls at the bench's concurrency (the machine
 * otherwise idle); throughput, counts and correctness: every call, THROUGHPUT_CONCURRENCY at a time.
 */
async function decisionPasses(session: LocalSession, plan: DecisionPlan): Promise<Passes> {
  const latency = new PairedLatency(plan.latency, plan.seed);
  attachLatency(session.connectClient, () => latency);
  const warmup = plan.calls.slice(0, Math.min(plan.warmup, plan.calls.length));
  await decideAll(session, warmup, 1, 'warm-up');
  const timedPass = await decideAll(
    session,
    plan.calls.slice(0, plan.latencyCalls),
    plan.concurrency,
    'timed',
  );
  session.connect.resetStats();
  session.dynamo?.server.resetStats();
  const all = await decideAll(session, plan.calls, THROUGHPUT_CONCURRENCY, 'all');
  return {
    timed: timedPass,
    all,
    connect: structuredClone(session.connect.stats),
    dynamo: session.dynamo ? structuredClone(session.dynamo.server.stats) : undefined,
  };
}

function usageOf(
  samples: DecisionSample[],
  stepMb: number,
  units: { readUnits: number; writeUnits: number },
): DecisionUsage {
  const tasks = (s: DecisionSample) => s.trace.filter((t) => t.type === 'Task');
  const span = (s: DecisionSample) => Math.max(0, ...s.trace.map((t) => t.startMs + t.durationMs));
  return {
    lambdaRequests: mean(samples, (s) => 1 + tasks(s).length),
    // The entry function waits for the whole decision; each Task state is one invocation.
    lambdaGbSeconds: mean(
      samples,
      (s) =>
        lambdaGbSeconds(s.ms, stepMb) +
        tasks(s).reduce((a, t) => a + lambdaGbSeconds(t.durationMs, stepMb), 0),
    ),
    sfnRequests: mean(samples, (s) => (s.trace.length ? 1 : 0)),
    sfnGbSeconds: mean(samples, (s) => (s.trace.length ? expressGbSeconds(span(s)) : 0)),
    ...units,
  };
}

/** DynamoDB requests and request units per decision, over every call. */
function dynamoPerDecision(p: Passes, pricing: DecisionPricing) {
  const n = p.all.samples.length;
  const reads = p.dynamo ? readRequests(p.dynamo) : 0;
  const writes = p.dynamo ? writeRequests(p.dynamo) : 0;
  const queryUnits = p.all.samples.reduce((a, x) => a + Number(searchOf(x).readUnits ?? 0), 0);
  const getItems = p.dynamo?.GetItem.requests ?? 0;
  return {
    reads,
    writes,
    readUnits: (queryUnits + getItems * pricing.agentRru) / n,
    writeUnits: (writes * pricing.joinWru) / n,
  };
}

/** Where the search step and the availability step took their answers from. */
function answersFrom(samples: DecisionSample[]) {
  return {
    searchFrom: count(samples.map((x) => (x.trace.length ? (searchOf(x).source ?? 'SEARCH') : undefined))),
    availabilityFrom: count(
      samples.map((x) => {
        const out = outputOf(x.trace, 'Check Agent Availability');
        return out ? String(out.source ?? 'API') : undefined;
      }),
    ),
  };
}

function sourceResult(source: RoutingSource, p: Passes, pricing: DecisionPricing): SourceResult {
  const n = p.all.samples.length;
  const { reads, writes, readUnits, writeUnits } = dynamoPerDecision(p, pricing);
  // Durations (what Lambda and Express bill) from the timed pass, counts from all calls.
  const usage = {
    ...usageOf(p.timed.samples, pricing.stepMb, { readUnits, writeUnits }),
    lambdaRequests: usageOf(p.all.samples, pricing.stepMb, { readUnits, writeUnits }).lambdaRequests,
  };
  return {
    source,
    decisions: n,
    timedDecisions: p.timed.samples.length,
    ...p50p99(p.timed.samples.map((x) => x.ms)),
    decisionsPerSecond: round(n / p.all.seconds),
    connectPerDecision: {
      SearchContacts: round(p.connect.SearchContacts.requests / n, 3),
      GetCurrentUserData: round(p.connect.GetCurrentUserData.requests / n, 3),
    },
    dynamoPerDecision: { reads: round(reads / n, 3), writes: round(writes / n, 3) },
    readUnitsPerDecision: round(readUnits, 3),
    writeUnitsPerDecision: round(writeUnits, 3),
    ...answersFrom(p.all.samples),
    matchesTruth: p.all.samples.filter((x) => (x.decision.agentId || undefined) === x.call.agentId).length,
    usage,
    cost: costPerMillion(usage, source === 'search' ? undefined : pricing.indexer),
  };
}

/** The calls decided in a session with `source`: its result, and every call's decision. */
export async function decideWith(
  session: LocalSession,
  source: RoutingSource,
  plan: DecisionPlan,
  pricing: DecisionPricing,
): Promise<{ result: SourceResult; samples: DecisionSample[] }> {
  const passes = await decisionPasses(session, plan);
  return { result: sourceResult(source, passes, pricing), samples: passes.all.samples };
}

/** Calls whose decision names the same last agent under `search` and under `index`. */
export function correctness(bySearch: DecisionSample[], byIndex: DecisionSample[]) {
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
  return {
    equal,
    total: Math.min(bySearch.length, byIndex.length),
    sameReason,
    mismatches: mismatches.slice(0, 10),
  };
}
