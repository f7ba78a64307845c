import '../local/polyfills';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectClient } from '@aws-sdk/client-connect';
import type { Scenario } from '../local/connect/scenario';
import { startLocalConnect } from '../local/connect/server';
import { connectEventFor, startLocalSession } from '../local/session';
import { inFlightMs, roundTrips, simpleLastAgent, timeRoundTrips } from './contenders';
import {
  type GeneratedCenter,
  type GeneratorOptions,
  type TruthCall,
  generateContactCenter,
} from './generator';
import { heapAfterGcMb, mapConcurrent, percentile, round, table } from './stats';
import { latencySvg } from './svg';

export const SIZES: Record<string, Omit<GeneratorOptions, 'seed'>> = {
  small: { agents: 10, customers: 150, calls: 60, meanHistory: 5, historyDays: 21 },
  default: { agents: 50, customers: 2_000, calls: 300, meanHistory: 8, historyDays: 21 },
  large: { agents: 200, customers: 6_000, calls: 400, meanHistory: 8, historyDays: 21 },
};

export interface BenchOptions {
  size: keyof typeof SIZES;
  seed: number;
  concurrency: number;
  /** Local Connect latency model (ms); null for none (correctness runs). */
  latency: { median: number; p99: number } | null;
  scaling: boolean;
  outDir?: string;
  log?: (line: string) => void;
}

type Decide = (
  call: TruthCall,
) => Promise<{ agentId?: string; route: string; reason?: string; payloadBytes?: number }>;

interface Contender {
  name: string;
  description: string;
  start(
    scenario: Scenario,
  ): Promise<{ decide: Decide; stats: () => Record<string, { requests: number }>; close(): Promise<void> }>;
}

const pipeline = (name: string, env: Record<string, string>, description: string): Contender => ({
  name,
  description,
  async start(scenario) {
    const session = await startLocalSession({ scenario, env: { ...env, LAST_AGENT_DEADLINE_MS: '7000' } });
    timeRoundTrips(session.connectClient);
    return {
      decide: async (call) => {
        const { decision, trace } = await session.decide(
          connectEventFor({ phone: call.phone, instanceArn: session.instanceArn }),
        );
        // Largest state payload of the decision: what Step Functions carries (limit 256 KB).
        const payloadBytes = Math.max(0, ...trace.map((t) => JSON.stringify(t.output ?? null).length));
        return {
          ...(decision.agentId ? { agentId: decision.agentId } : {}),
          route: decision.route,
          reason: decision.reason,
          payloadBytes,
        };
      },
      stats: () => session.connect.stats,
      close: () => session.close(),
    };
  },
});

export const CONTENDERS: Contender[] = [
  {
    name: 'simple',
    description:
      'one SearchContacts (MaxResults 10, by initiation time), first contact with an agent, one status check',
    async start(scenario) {
      const connect = await startLocalConnect(scenario);
      const client = new ConnectClient({
        endpoint: connect.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      timeRoundTrips(client);
      const now = new Date(scenario.now);
      return {
        decide: (call) =>
          simpleLastAgent(client, { instanceId: scenario.instance.id, phone: call.phone, now }),
        stats: () => connect.stats,
        close: async () => {
          client.destroy();
          await connect.close();
        },
      };
    },
  },
  pipeline(
    'pipeline',
    {},
    'this project as shipped (CONNECTED_TO_AGENT_TIMESTAMP search, local state machine)',
  ),
  pipeline(
    'pipeline-initiated',
    { LAST_AGENT_SEARCH_MODE: 'initiated', LAST_AGENT_PAGE_SIZE: '100' },
    'this project scanning by INITIATION_TIMESTAMP (pages of 100)',
  ),
];

export interface ContenderResult {
  name: string;
  description: string;
  calls: number;
  precision: number;
  recall: number;
  routedToLastAgent: number;
  routedToRightAgent: number;
  apiCallsPerDecision: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  connectP50: number;
  overhead: number;
}

async function runContender(
  contender: Contender,
  center: GeneratedCenter,
  o: BenchOptions,
): Promise<ContenderResult> {
  const instance = await contender.start(center.scenario);
  try {
    // Warm-up (module load, first connection), not measured.
    await instance.decide(center.truth[0] as TruthCall);
    const before = structuredClone(instance.stats());
    const samples = await mapConcurrent(center.truth, o.concurrency, async (call) => {
      const trips: [number, number][] = [];
      const started = performance.now();
      const answer = await roundTrips.run(trips, () => instance.decide(call));
      return { call, answer, ms: performance.now() - started, connectMs: inFlightMs(trips) };
    });
    const after = instance.stats();
    const predicted = samples.filter((s) => s.answer.agentId);
    const correct = predicted.filter((s) => s.answer.agentId === s.call.agentId);
    const withTruth = samples.filter((s) => s.call.agentId);
    const apiCalls = Object.fromEntries(
      Object.entries(after)
        .map(
          ([op, v]) => [op, round((v.requests - (before[op]?.requests ?? 0)) / samples.length, 2)] as const,
        )
        .filter(([, v]) => v > 0),
    );
    const times = samples.map((s) => s.ms);
    const connectTimes = samples.map((s) => s.connectMs);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      name: contender.name,
      description: contender.description,
      calls: samples.length,
      precision: round(predicted.length ? correct.length / predicted.length : 1, 3),
      recall: round(withTruth.length ? correct.length / withTruth.length : 1, 3),
      routedToLastAgent: round(
        samples.filter((s) => s.answer.route === 'LAST_AGENT').length / samples.length,
        3,
      ),
      routedToRightAgent: round(
        samples.filter((s) => s.answer.route === 'LAST_AGENT' && s.answer.agentId === s.call.agentId).length /
          samples.length,
        3,
      ),
      apiCallsPerDecision: apiCalls,
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      p99: round(percentile(times, 99)),
      connectP50: round(percentile(connectTimes, 50)),
      overhead: round(sum(connectTimes) ? sum(times) / sum(connectTimes) : 0, 2),
    };
  } finally {
    await instance.close();
  }
}

/** One customer whose only agent-handled contact is the oldest of `history` contacts. */
function historyScenario(base: Scenario, history: number): { scenario: Scenario; call: TruthCall } {
  const phone = '+14155550177';
  const now = Date.parse(base.now);
  const agent = base.agents.find((a) => a.status === 'Available') ?? base.agents[0];
  const contacts = Array.from({ length: history }, (_, i) => {
    const start = now - (i + 1) * ((6 * 86_400_000) / (history + 1));
    const handled = i === history - 1;
    return {
      id: `hist-${history}-${i}`,
      channel: 'VOICE' as const,
      initiationMethod: 'INBOUND',
      initiationTimestamp: new Date(start).toISOString(),
      disconnectTimestamp: new Date(start + 600_000).toISOString(),
      ...(handled
        ? { agentId: agent?.id, connectedToAgentTimestamp: new Date(start + 30_000).toISOString() }
        : {}),
      attributes: { CustomerPhoneNumber: phone },
    };
  });
  return {
    scenario: { ...base, contacts: [...base.contacts, ...contacts] } as Scenario,
    call: { phone, agentId: agent?.id },
  };
}

export interface BenchReport {
  generatedAt: string;
  node: string;
  options: Omit<BenchOptions, 'log'>;
  dataset: { agents: number; customers: number; contacts: number; calls: number; callsWithLastAgent: number };
  contenders: ContenderResult[];
  scaling?: {
    history: {
      contactsPerCustomer: number;
      results: { name: string; found: boolean; ms: number; payloadKb?: number }[];
    }[];
    instance: { contacts: number; p50: number; heapMb: number }[];
  };
}

export async function runBenchmark(o: BenchOptions): Promise<BenchReport> {
  const log = o.log ?? (() => undefined);
  const size = SIZES[o.size];
  if (!size) throw new Error(`unknown size ${o.size}; use ${Object.keys(SIZES).join(', ')}`);
  const center = generateContactCenter({ seed: o.seed, ...size });
  center.scenario.faults = { seed: o.seed, inject: [], ...(o.latency ? { latencyMs: o.latency } : {}) };
  log(
    `dataset: ${center.scenario.agents.length} agents, ${center.scenario.contacts.length} contacts, ${center.truth.length} calls`,
  );

  const contenders: ContenderResult[] = [];
  for (const c of CONTENDERS) {
    log(`running ${c.name} …`);
    contenders.push(await runContender(c, center, o));
  }

  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    options: { ...o, log: undefined } as BenchReport['options'],
    dataset: {
      agents: center.scenario.agents.length,
      customers: size.customers,
      contacts: center.scenario.contacts.length,
      calls: center.truth.length,
      callsWithLastAgent: center.truth.filter((t) => t.agentId).length,
    },
    contenders,
  };

  if (o.scaling) {
    log('scaling with history size …');
    const history = [];
    for (const n of [1, 10, 50, 200, 500]) {
      const { scenario, call } = historyScenario(center.scenario, n);
      const results = [];
      for (const c of CONTENDERS) {
        const instance = await c.start(scenario);
        await instance.decide(call);
        const runs = [];
        let last: Awaited<ReturnType<Decide>> = { route: 'DEFAULT' };
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          last = await instance.decide(call);
          runs.push(performance.now() - t);
        }
        await instance.close();
        results.push({
          name: c.name,
          found: last.agentId === call.agentId,
          ms: round(percentile(runs, 50)),
          ...(last.payloadBytes !== undefined ? { payloadKb: round(last.payloadBytes / 1024) } : {}),
        });
      }
      history.push({ contactsPerCustomer: n, results });
    }
    log('scaling with instance size …');
    const instance = [];
    for (const customers of [500, 2_000, 6_000]) {
      const big = generateContactCenter({ seed: o.seed, ...size, customers, calls: 40 });
      big.scenario.faults = center.scenario.faults;
      const heapBefore = heapAfterGcMb();
      const session = await startLocalSession({ scenario: big.scenario, env: {} });
      const heapMb = round(heapAfterGcMb() - heapBefore);
      const times = [];
      for (const call of big.truth) {
        const t = performance.now();
        await session.decide(connectEventFor({ phone: call.phone, instanceArn: session.instanceArn }));
        times.push(performance.now() - t);
      }
      await session.close();
      instance.push({ contacts: big.scenario.contacts.length, p50: round(percentile(times, 50)), heapMb });
    }
    report.scaling = { history, instance };
  }

  if (o.outDir) {
    mkdirSync(o.outDir, { recursive: true });
    writeFileSync(join(o.outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(o.outDir, 'latency-recall.svg'), latencySvg(report));
    // The generated data itself: a scenario any local Connect loads, and its ground truth.
    writeFileSync(join(o.outDir, 'scenario.json'), JSON.stringify(center.scenario));
    writeFileSync(join(o.outDir, 'truth.json'), `${JSON.stringify(center.truth, null, 1)}\n`);
  }
  return report;
}

export function formatReport(r: BenchReport): string {
  const lines = [
    `Dataset: ${r.dataset.agents} agents, ${r.dataset.contacts} contacts, ${r.dataset.calls} calls (${r.dataset.callsWithLastAgent} with a last agent in the window)`,
    `Latency model: ${r.options.latency ? `median ${r.options.latency.median} ms, p99 ${r.options.latency.p99} ms per Connect call` : 'off'}; concurrency ${r.options.concurrency}; Node ${r.node}`,
    '',
    table(
      [
        'contender',
        'precision',
        'recall',
        'to last agent',
        'to right agent',
        'API calls/decision',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'Connect p50',
        'overhead',
      ],
      r.contenders.map((c) => [
        c.name,
        c.precision.toFixed(3),
        c.recall.toFixed(3),
        `${(c.routedToLastAgent * 100).toFixed(1)}%`,
        `${(c.routedToRightAgent * 100).toFixed(1)}%`,
        Object.entries(c.apiCallsPerDecision)
          .map(([op, n]) => `${op.replace(/^Get|^Search/, '')} ${n}`)
          .join(', '),
        c.p50,
        c.p95,
        c.p99,
        c.connectP50,
        `${c.overhead}x`,
      ]),
    ),
  ];
  if (r.scaling) {
    lines.push('', 'Scaling with history (one customer, the agent contact is the oldest):');
    lines.push(
      table(
        ['contacts/customer', ...r.contenders.map((c) => `${c.name} ms (found, max payload)`)],
        r.scaling.history.map((h) => [
          h.contactsPerCustomer,
          ...h.results.map(
            (x) =>
              `${x.ms} (${x.found ? 'yes' : 'no'}${x.payloadKb !== undefined ? `, ${x.payloadKb} KB` : ''})`,
          ),
        ]),
      ),
    );
    lines.push('', 'Scaling with instance size (pipeline):');
    lines.push(
      table(
        ['contacts', 'p50 ms', 'heap MB'],
        r.scaling.instance.map((i) => [i.contacts, i.p50, i.heapMb]),
      ),
    );
  }
  return lines.join('\n');
}
