import '../local/polyfills';
import { parseQuotas } from '../local/connect/faults';
import { readRequests, writeRequests } from '../local/dynamodb/server';
import { connectEventFor } from '../local/session';
import type { Reason } from '../steps/lib/decision/decision';
import { type GeneratedCenter, generateContactCenter } from './generator';
import {
  DYNAMO_LATENCY,
  type IndexBuild,
  ROUTING_SOURCES,
  type RoutingSource,
  buildIndex,
  startSourceSession,
} from './index-source';
import { mapConcurrent, percentile, round, table } from './stats';

export interface LoadOptions {
  calls: number;
  concurrency: number;
  /** "connect-defaults" (each operation's documented default, SearchContacts 0.5 rps burst 1), "off", or "RPS:BURST" for every operation. */
  quotas: string;
  /** Connect latency model; when on, DynamoDB gets DYNAMO_LATENCY too (index sources). */
  latency: { median: number; p99: number } | null;
  deadlineMs: number;
  seed: number;
  /** LAST_AGENT_SOURCE of the decisions (default search). */
  source?: RoutingSource;
}

/** Reasons that mean the lookup did not happen: throttled, or failed (timeout, error). */
const THROTTLED: readonly string[] = ['LOOKUP_THROTTLED'] satisfies Reason[];
const FAILED: readonly string[] = ['LOOKUP_TIMEOUT', 'LOOKUP_ERROR', 'CONFIG_ERROR'] satisfies Reason[];

export interface LoadReport {
  options: LoadOptions;
  source: RoutingSource;
  answered: number;
  inBudget: number;
  unanswered: number;
  byReason: Record<string, number>;
  /** Share of calls answered LOOKUP_THROTTLED (%). */
  throttledPercent: number;
  /** Share of calls not answered, or answered LOOKUP_TIMEOUT, LOOKUP_ERROR or CONFIG_ERROR (%). */
  failedPercent: number;
  p50: number;
  p99: number;
  max: number;
  wallSeconds: number;
  decisionsPerSecond: number;
  connect: Record<string, { requests: number; throttled: number }>;
  /** Per decision, from the local Connect's counts. */
  connectPerDecision: { SearchContacts: number; GetCurrentUserData: number };
  /** Index sources: DynamoDB requests per decision (the local DynamoDB's counts). */
  dynamoPerDecision?: { reads: number; writes: number };
  /** The DynamoDB latency model applied (index sources, latency on). */
  dynamoLatency?: { median: number; p99: number };
}

function centerFor(o: Omit<LoadOptions, 'source'>): GeneratedCenter {
  const center = generateContactCenter({
    seed: o.seed,
    agents: 50,
    customers: 2_000,
    calls: o.calls,
    meanHistory: 8,
    historyDays: 21,
  });
  const throttle = parseQuotas(o.quotas);
  center.scenario.faults = {
    seed: o.seed,
    inject: [],
    ...(o.latency ? { latencyMs: o.latency } : {}),
    ...(throttle ? { throttle } : {}),
  };
  return center;
}

/**
 * Many concurrent decisions through the local state machine against the local Connect, quotas
 * and latency on. Every call must be answered; the report says how many inside the budget.
 * Index sources read a local DynamoDB holding the callers' history, built by the real indexers
 * (bench/index-source.ts). `shared` reuses a generated center and a build across sources.
 */
export async function runLoad(
  o: LoadOptions,
  shared: { center?: GeneratedCenter; index?: IndexBuild } = {},
): Promise<LoadReport> {
  const source = o.source ?? 'search';
  const center = shared.center ?? centerFor(o);
  const build =
    source === 'search'
      ? undefined
      : (shared.index ??
        (await buildIndex(
          center.scenario,
          center.truth.map((c) => c.phone),
        )));
  const dynamoLatency = source !== 'search' && o.latency ? DYNAMO_LATENCY : undefined;
  const session = await startSourceSession(center.scenario, source, {
    env: { LAST_AGENT_DEADLINE_MS: String(o.deadlineMs) },
    ...(build ? { index: build } : {}),
    dynamoLatency: dynamoLatency ?? null,
    seed: o.seed,
  });
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled++;
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const started = performance.now();
    const results = await mapConcurrent(center.truth, o.concurrency, async (call) => {
      const t = performance.now();
      try {
        const { decision } = await session.decide(
          connectEventFor({ phone: call.phone, instanceArn: session.instanceArn }),
        );
        return { reason: decision.reason, ms: performance.now() - t };
      } catch {
        return { reason: undefined, ms: performance.now() - t };
      }
    });
    const wall = (performance.now() - started) / 1000;
    const answered = results.filter((r) => r.reason);
    const times = answered.map((r) => r.ms);
    const byReason: Record<string, number> = {};
    for (const r of answered) byReason[r.reason as string] = (byReason[r.reason as string] ?? 0) + 1;
    const unanswered = results.length - answered.length + unhandled;
    const share = (reasons: readonly string[], extra = 0) =>
      round(
        ((reasons.reduce((n, r) => n + (byReason[r] ?? 0), 0) + extra) / Math.max(1, results.length)) * 100,
        2,
      );
    const stats = session.connect.stats;
    const dynamo = session.dynamo?.server.stats;
    const per = (n: number) => round(n / Math.max(1, results.length), 3);
    return {
      options: o,
      source,
      answered: answered.length,
      inBudget: answered.filter((r) => r.ms <= o.deadlineMs).length,
      unanswered,
      byReason,
      throttledPercent: share(THROTTLED),
      failedPercent: share(FAILED, unanswered),
      p50: round(percentile(times, 50)),
      p99: round(percentile(times, 99)),
      max: round(Math.max(0, ...times)),
      wallSeconds: round(wall, 2),
      decisionsPerSecond: round(results.length / wall),
      connect: Object.fromEntries(
        Object.entries(stats)
          .filter(([, v]) => v.requests > 0)
          .map(([op, v]) => [op, { requests: v.requests, throttled: v.throttled }]),
      ),
      connectPerDecision: {
        SearchContacts: per(stats.SearchContacts.requests),
        GetCurrentUserData: per(stats.GetCurrentUserData.requests),
      },
      ...(dynamo
        ? { dynamoPerDecision: { reads: per(readRequests(dynamo)), writes: per(writeRequests(dynamo)) } }
        : {}),
      ...(dynamoLatency ? { dynamoLatency } : {}),
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await session.close();
  }
}

/** `--source all`: every source in turn on the same calls; the index is built once. */
export const LOAD_SOURCES = [...ROUTING_SOURCES, 'all'] as const;
export type LoadSource = (typeof LOAD_SOURCES)[number];

export async function runLoadSources(
  o: Omit<LoadOptions, 'source'>,
  source: LoadSource,
  log: (line: string) => void = () => undefined,
): Promise<LoadReport[]> {
  const sources = source === 'all' ? ROUTING_SOURCES : [source];
  const center = centerFor(o);
  let index: IndexBuild | undefined;
  if (sources.some((s) => s !== 'search')) {
    index = await buildIndex(
      center.scenario,
      center.truth.map((c) => c.phone),
      undefined,
      log,
    );
    log(
      `index built in ${index.seconds} s (${index.contacts} contacts, ${index.contactEvents} contact events)`,
    );
  }
  const reports: LoadReport[] = [];
  for (const s of sources) {
    log(`load: ${s} …`);
    reports.push(await runLoad({ ...o, source: s }, { center, ...(index ? { index } : {}) }));
  }
  return reports;
}

const pct = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)}%`;

/** One table with a column per source (one column for one source), then reasons and Connect operations. */
export function formatLoad(input: LoadReport | LoadReport[]): string {
  const reports = Array.isArray(input) ? input : [input];
  const first = reports[0];
  if (!first) return '';
  const o = first.options;
  const dyn = reports.find((r) => r.dynamoLatency)?.dynamoLatency;
  const head = reports.map((r) => r.source);
  const row = (name: string, f: (r: LoadReport) => string | number) => [name, ...reports.map(f)];
  const reasons = [...new Set(reports.flatMap((r) => Object.keys(r.byReason)))].sort(
    (a, b) =>
      reports.reduce((n, r) => n + (r.byReason[b] ?? 0), 0) -
      reports.reduce((n, r) => n + (r.byReason[a] ?? 0), 0),
  );
  const operations = [...new Set(reports.flatMap((r) => Object.keys(r.connect)))];
  return [
    `Load: ${o.calls} calls at concurrency ${o.concurrency}, quotas ${o.quotas}, latency ${o.latency ? `median ${o.latency.median} / p99 ${o.latency.p99} ms` : 'off'}${dyn ? ` (DynamoDB median ${dyn.median} / p99 ${dyn.p99} ms, assumed)` : ''}, budget ${o.deadlineMs} ms`,
    '',
    table(
      ['source', ...head],
      [
        row('calls', () => o.calls),
        row('answered', (r) => r.answered),
        row('within budget', (r) => r.inBudget),
        row('unanswered', (r) => r.unanswered),
        row('throttled', (r) => pct(r.throttledPercent)),
        row('failed', (r) => pct(r.failedPercent)),
        row('decisions/s', (r) => r.decisionsPerSecond),
        row('p50 ms', (r) => r.p50),
        row('p99 ms', (r) => r.p99),
        row('max ms', (r) => r.max),
        row('SearchContacts / decision', (r) => r.connectPerDecision.SearchContacts),
        row('GetCurrentUserData / decision', (r) => r.connectPerDecision.GetCurrentUserData),
        row('DynamoDB reads / decision', (r) => r.dynamoPerDecision?.reads ?? '—'),
        row('DynamoDB writes / decision', (r) => r.dynamoPerDecision?.writes ?? '—'),
      ],
    ),
    '',
    table(
      ['reason', ...head],
      reasons.map((k) => [
        k,
        ...reports.map((r) => {
          const v = r.byReason[k] ?? 0;
          return `${v} (${((v / o.calls) * 100).toFixed(1)}%)`;
        }),
      ]),
    ),
    '',
    table(
      ['Connect operation (requests / throttled)', ...head],
      (operations.length ? operations : ['(none)']).map((op) => [
        op,
        ...reports.map((r) => {
          const v = r.connect[op];
          return v ? `${v.requests} / ${v.throttled}` : '0';
        }),
      ]),
    ),
  ].join('\n');
}
