import '../local/polyfills';
import { parseQuotas } from '../local/connect/faults';
import { readRequests, writeRequests } from '../local/dynamodb/server';
import { type DecidedCall, type OutcomeFigure, localOutcomes, outcomeLine } from '../local/outcomes';
import { type LocalSession, connectEventFor } from '../local/session';
import type { FlowResponse, Reason } from '../steps/lib/decision/decision';
import { type GeneratedCenter, generateContactCenter } from './generator';
import {
  DYNAMO_LATENCY,
  type IndexBuild,
  ROUTING_SOURCES,
  type RoutingSource,
  buildIndex,
  startSourceSession,
} from './index-source';
import { type Progress, QUIET } from './progress';
import { figures, mapConcurrent, percentile, round, secondsSince } from './stats';

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
  /**
   * Issue 25: the answered calls' CONNECTED_TO_AGENT events replayed through the outcome function
   * (local/outcomes.ts, after the timed run): the dashboard's Reached / (Reached + Missed).
   */
  outcome?: OutcomeFigure;
}

/** The bench's default contact center, with the run's calls; quotas and latency in the local Connect. */
function centerFor(o: Omit<LoadOptions, 'source'>): GeneratedCenter {
  const size = { agents: 50, customers: 2_000, meanHistory: 8, historyDays: 21 };
  const center = generateContactCenter({ seed: o.seed, ...size, calls: o.calls });
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
 * `progress` hears of the calls as they are answered, in a phase named `phase` (the source).
 */
export async function runLoad(
  o: LoadOptions,
  shared: { center?: GeneratedCenter; index?: IndexBuild } = {},
  progress: Progress = QUIET,
  phase: string = o.source ?? 'search',
): Promise<LoadReport> {
  const source = o.source ?? 'search';
  const center = shared.center ?? centerFor(o);
  const phones = center.truth.map((c) => c.phone);
  const index =
    source === 'search'
      ? undefined
      : (shared.index ?? (await buildIndex(center.scenario, phones, undefined, progress)));
  const dynamoLatency = source !== 'search' && o.latency ? DYNAMO_LATENCY : undefined;
  progress.phase(`${phase}: starting the local services`);
  const session = await startSourceSession(center.scenario, source, {
    env: { LAST_AGENT_DEADLINE_MS: String(o.deadlineMs) },
    ...(index ? { index } : {}),
    dynamoLatency: dynamoLatency ?? null,
    seed: o.seed,
  });
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled++;
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const total = center.truth.length;
    let done = 0;
    progress.phase(phase);
    const started = performance.now();
    const results = await mapConcurrent(center.truth, o.concurrency, async (call) => {
      const t = performance.now();
      try {
        const { decision } = await session.decide(
          connectEventFor({ phone: call.phone, instanceArn: session.instanceArn }),
        );
        return { reason: decision.reason as string | undefined, ms: performance.now() - t, decision };
      } catch {
        return { reason: undefined, ms: performance.now() - t, decision: undefined };
      } finally {
        progress.count(++done, total, 'calls', true);
      }
    });
    const wall = secondsSince(started);
    progress.phase(`${phase}: preferred-agent outcomes`);
    const decided: DecidedCall[] = results.flatMap((r) =>
      r.decision ? [{ decision: r.decision as FlowResponse }] : [],
    );
    const outcome = await localOutcomes(center.scenario, decided);
    return {
      options: o,
      source,
      ...answers(o, results, unhandled),
      wallSeconds: round(wall, 2),
      decisionsPerSecond: round(results.length / wall),
      ...requestsPerDecision(session, results.length),
      ...(dynamoLatency ? { dynamoLatency } : {}),
      outcome,
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await session.close();
  }
}

/** How the calls were answered: counts, reasons, shares and times. */
function answers(o: LoadOptions, results: { reason: string | undefined; ms: number }[], unhandled: number) {
  const answered = results.filter((r) => r.reason);
  const times = answered.map((r) => r.ms);
  const byReason: Record<string, number> = {};
  for (const r of answered) byReason[r.reason as string] = (byReason[r.reason as string] ?? 0) + 1;
  const unanswered = results.length - answered.length + unhandled;
  const calls = (reasons: readonly string[]) => reasons.reduce((n, r) => n + (byReason[r] ?? 0), 0);
  const share = (reasons: readonly string[], extra = 0) =>
    round(((calls(reasons) + extra) / Math.max(1, results.length)) * 100, 2);
  return {
    answered: answered.length,
    inBudget: answered.filter((r) => r.ms <= o.deadlineMs).length,
    unanswered,
    byReason,
    throttledPercent: share(THROTTLED),
    failedPercent: share(FAILED, unanswered),
    p50: round(percentile(times, 50)),
    p99: round(percentile(times, 99)),
    max: round(Math.max(0, ...times)),
  };
}

/** Connect (and, for index sources, DynamoDB) requests, as the local servers counted them. */
function requestsPerDecision(session: LocalSession, calls: number) {
  const stats = session.connect.stats;
  const dynamo = session.dynamo?.server.stats;
  const per = (n: number) => round(n / Math.max(1, calls), 3);
  return {
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
  };
}

/** `--source all`: every source in turn on the same calls; the index is built once. */
export const LOAD_SOURCES = [...ROUTING_SOURCES, 'all'] as const;

export async function runLoadSources(
  o: Omit<LoadOptions, 'source'>,
  source: (typeof LOAD_SOURCES)[number],
  progress: Progress = QUIET,
): Promise<LoadReport[]> {
  const sources = source === 'all' ? ROUTING_SOURCES : [source];
  progress.phase(`generating ${o.calls.toLocaleString('en-US')} calls`);
  const center = centerFor(o);
  let index: IndexBuild | undefined;
  if (sources.some((s) => s !== 'search')) {
    const phones = center.truth.map((c) => c.phone);
    index = await buildIndex(center.scenario, phones, undefined, progress);
    progress.note(
      `index built in ${index.seconds} s (${index.contacts} contacts, ${index.contactEvents} contact events)`,
    );
  }
  const reports: LoadReport[] = [];
  for (const [i, s] of sources.entries()) {
    const phase = sources.length > 1 ? `${s} (${i + 1}/${sources.length})` : s;
    const shared = { center, ...(index ? { index } : {}) };
    reports.push(await runLoad({ ...o, source: s }, shared, progress, phase));
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
  const total = (reason: string) => reports.reduce((n, r) => n + (r.byReason[reason] ?? 0), 0);
  const reasons = [...new Set(reports.flatMap((r) => Object.keys(r.byReason)))].sort(
    (a, b) => total(b) - total(a),
  );
  const operations = [...new Set(reports.flatMap((r) => Object.keys(r.connect)))];
  const bySource = (corner: string, rows: [string, (r: LoadReport) => string | number][]) =>
    figures(corner, reports, (r) => r.source, rows);
  return [
    `Load: ${o.calls} calls at concurrency ${o.concurrency}, quotas ${o.quotas}, latency ${o.latency ? `median ${o.latency.median} / p99 ${o.latency.p99} ms` : 'off'}${dyn ? ` (DynamoDB median ${dyn.median} / p99 ${dyn.p99} ms, assumed)` : ''}, budget ${o.deadlineMs} ms`,
    '',
    bySource('source', [
      ['calls', () => o.calls],
      ['answered', (r) => r.answered],
      ['within budget', (r) => r.inBudget],
      ['unanswered', (r) => r.unanswered],
      ['throttled', (r) => pct(r.throttledPercent)],
      ['failed', (r) => pct(r.failedPercent)],
      ['decisions/s', (r) => r.decisionsPerSecond],
      ['p50 ms', (r) => r.p50],
      ['p99 ms', (r) => r.p99],
      ['max ms', (r) => r.max],
      ['SearchContacts / decision', (r) => r.connectPerDecision.SearchContacts],
      ['GetCurrentUserData / decision', (r) => r.connectPerDecision.GetCurrentUserData],
      ['DynamoDB reads / decision', (r) => r.dynamoPerDecision?.reads ?? '—'],
      ['DynamoDB writes / decision', (r) => r.dynamoPerDecision?.writes ?? '—'],
    ]),
    '',
    bySource(
      'reason',
      reasons.map((k) => [
        k,
        (r) => `${r.byReason[k] ?? 0} (${(((r.byReason[k] ?? 0) / o.calls) * 100).toFixed(1)}%)`,
      ]),
    ),
    '',
    bySource(
      'Connect operation (requests / throttled)',
      (operations.length ? operations : ['(none)']).map((op) => [
        op,
        (r) => (r.connect[op] ? `${r.connect[op].requests} / ${r.connect[op].throttled}` : '0'),
      ]),
    ),
    ...outcomeLines(reports),
  ].join('\n');
}

/** "preferred agent reached: N of M (x %)" per source (issue 25), when the run computed it. */
function outcomeLines(reports: LoadReport[]): string[] {
  const lines = reports.flatMap((r) =>
    r.outcome ? [`${reports.length > 1 ? `${r.source}: ` : ''}${outcomeLine(r.outcome)}`] : [],
  );
  return lines.length ? ['', ...lines] : [];
}
