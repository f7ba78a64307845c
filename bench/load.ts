import '../local/polyfills';
import { parseQuotas } from '../local/connect/faults';
import { connectEventFor, startLocalSession } from '../local/session';
import { generateContactCenter } from './generator';
import { mapConcurrent, percentile, round, table } from './stats';

export interface LoadOptions {
  calls: number;
  concurrency: number;
  /** "connect-defaults" (each operation's documented default, SearchContacts 0.5 rps burst 1), "off", or "RPS:BURST" for every operation. */
  quotas: string;
  latency: { median: number; p99: number } | null;
  deadlineMs: number;
  seed: number;
}

export interface LoadReport {
  options: LoadOptions;
  answered: number;
  inBudget: number;
  unanswered: number;
  byReason: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  wallSeconds: number;
  decisionsPerSecond: number;
  connect: Record<string, { requests: number; throttled: number }>;
}

/**
 * Many concurrent decisions through the local state machine against the local Connect, quotas
 * and latency on. Every call must be answered; the report says how many inside the budget.
 */
export async function runLoad(o: LoadOptions): Promise<LoadReport> {
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
  const session = await startLocalSession({
    scenario: center.scenario,
    env: { LAST_AGENT_DEADLINE_MS: String(o.deadlineMs) },
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
    return {
      options: o,
      answered: answered.length,
      inBudget: answered.filter((r) => r.ms <= o.deadlineMs).length,
      unanswered: results.length - answered.length + unhandled,
      byReason,
      p50: round(percentile(times, 50)),
      p99: round(percentile(times, 99)),
      max: round(Math.max(0, ...times)),
      wallSeconds: round(wall, 2),
      decisionsPerSecond: round(results.length / wall),
      connect: Object.fromEntries(
        Object.entries(session.connect.stats)
          .filter(([, v]) => v.requests > 0)
          .map(([op, v]) => [op, { requests: v.requests, throttled: v.throttled }]),
      ),
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await session.close();
  }
}

export function formatLoad(r: LoadReport): string {
  const o = r.options;
  return [
    `Load: ${o.calls} calls at concurrency ${o.concurrency}, quotas ${o.quotas}, latency ${o.latency ? `median ${o.latency.median} / p99 ${o.latency.p99} ms` : 'off'}, budget ${o.deadlineMs} ms`,
    '',
    table(
      ['calls', 'answered', 'in budget', 'unanswered', 'p50 ms', 'p99 ms', 'max ms', 'decisions/s'],
      [[o.calls, r.answered, r.inBudget, r.unanswered, r.p50, r.p99, r.max, r.decisionsPerSecond]],
    ),
    '',
    table(
      ['reason', 'decisions', 'share'],
      Object.entries(r.byReason)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, v, `${((v / o.calls) * 100).toFixed(1)}%`]),
    ),
    '',
    table(
      ['Connect operation', 'requests', 'throttled'],
      Object.entries(r.connect).map(([op, v]) => [op, v.requests, v.throttled]),
    ),
  ].join('\n');
}
