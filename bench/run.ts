import '../local/polyfills';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectClient } from '@aws-sdk/client-connect';
import type { Scenario } from '../local/connect/scenario';
import { startLocalConnect } from '../local/connect/server';
import { connectEventFor, startLocalSession } from '../local/session';
import { readDefinitionText } from '../statemachine/definition';
import type { ColdModel, HopModel, TraceStep } from './aws-model';
import { allColdExtraMs, branchOfStates, criticalPathHops, hopMs, resolveModels } from './aws-model';
import type { ColdBenchOptions, VariantResult } from './cold-start';
import { BASELINE_COMMIT, CRITICAL_PATH, coldBench, criticalPathOf, formatCold } from './cold-start';
import { simpleLastAgent } from './contenders';
import { type GeneratorOptions, type TruthCall, generateContactCenter } from './generator';
import { formatIndexSource, runIndexSource } from './index-source';
import type { LatencyModel } from './latency';
import { PairedLatency, assertPaired, attachLatency, inDecision, inFlightMs } from './latency';
import { type Progress, QUIET } from './progress';
import type { BenchReport, DesignResult } from './report';
import { columns, heapAfterGcMb, mapConcurrent, percentile, round, roundedPercentile, timed } from './stats';
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
  /** Connect latency model (ms), paired per logical request; the bench also runs with it off. */
  latency: LatencyModel | null;
  scaling: boolean;
  /** The "Routing-state source" section (bench/index-source.ts): search vs index vs index-then-search. */
  index?: boolean;
  /** Cold-start benchmark (fresh processes per sample); null skips it. */
  cold: ColdBenchOptions | null;
  /** Overrides of the hop model (ms). */
  hops?: Partial<Record<keyof HopModel, number>>;
  /** Override of Lambda's runtime start-up per cold function (ms). */
  runtimeInitMs?: number;
  /** Decisions each contender makes before every measured pass (default 5). */
  warmup?: number;
  /** The decision budget the all-cold figures are compared with (ms, default 3000). */
  deadlineMs?: number;
  outDir?: string;
  /** Where the run says which phase it runs and how far it is (bench/progress.ts). */
  progress?: Progress;
}

// ---------------------------------------------------------------------------------------------
// Scenario: the contenders, each deciding the generated calls against its own local Connect

interface Answer {
  agentId?: string;
  route: string;
  reason?: string;
  payloadBytes?: number;
  trace?: TraceStep[];
}

interface Instance {
  decide(call: TruthCall): Promise<Answer>;
  stats(): Record<string, { requests: number }>;
  close(): Promise<void>;
}

interface Contender {
  name: string;
  description: string;
  start(scenario: Scenario, latency: () => PairedLatency): Promise<Instance>;
}

const pipeline = (name: string, env: Record<string, string>, description: string): Contender => ({
  name,
  description,
  async start(scenario, latency) {
    const session = await startLocalSession({ scenario, env: { ...env, LAST_AGENT_DEADLINE_MS: '7000' } });
    attachLatency(session.connectClient, latency);
    return {
      decide: async (call) => {
        const { decision, trace } = await session.decide(
          connectEventFor({ phone: call.phone, instanceArn: session.instanceArn }),
        );
        // Largest state payload of the decision: what Step Functions carries (limit 256 KB).
        const payloadBytes = Math.max(0, ...trace.map((t) => JSON.stringify(t.output ?? null).length));
        const { agentId, route, reason } = decision;
        return { ...(agentId ? { agentId } : {}), route, reason, payloadBytes, trace };
      },
      stats: () => session.connect.stats,
      close: () => session.close(),
    };
  },
});

const CONTENDERS: Contender[] = [
  {
    name: 'simple',
    description:
      'one SearchContacts (MaxResults 10, by initiation time), first contact with an agent, one status check',
    async start(scenario, latency) {
      const connect = await startLocalConnect(scenario);
      const client = new ConnectClient({
        endpoint: connect.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      attachLatency(client, latency);
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

type Sample = { call: TruthCall; answer: Answer; ms: number; connectMs: number };
type Running = { contender: Contender; instance: Instance; latency: PairedLatency };

// ---------------------------------------------------------------------------------------------
// Measure: the passes with the latency model on and off

/**
 * One measured pass: every contender warms up again, then each call is decided by every
 * contender, in an order that rotates call by call (no contender always goes first), each
 * decision as the same logical request so that the latency draws pair up.
 */
async function measuredPass(running: Running[], calls: TruthCall[], o: BenchOptions, label: 'on' | 'off') {
  const progress = o.progress ?? QUIET;
  const pass = `pass ${label === 'on' ? 1 : 2}/2, latency model ${o.latency && label === 'on' ? 'on' : 'off'}`;
  progress.phase(`${pass}: warm-up`);
  const model = label === 'on' ? o.latency : null;
  const latencies: Record<string, PairedLatency> = {};
  for (const r of running) {
    r.latency = new PairedLatency(model, o.seed);
    latencies[r.contender.name] = r.latency;
  }
  const warmup = Math.min(o.warmup ?? 5, calls.length);
  for (const r of running) {
    for (let w = 0; w < warmup; w++) {
      await inDecision(`${label} warm-up ${w}`, () => r.instance.decide(calls[w] as TruthCall));
    }
  }
  const samples = new Map<string, Sample[]>(running.map((r) => [r.contender.name, new Array(calls.length)]));
  progress.phase(pass);
  let done = 0;
  await mapConcurrent(calls, o.concurrency, async (call, i) => {
    const order = [...running.slice(i % running.length), ...running.slice(0, i % running.length)];
    for (const r of order) {
      const { value, ms } = await timed(() =>
        inDecision(`call ${i} ${call.phone}`, () => r.instance.decide(call)),
      );
      const sample = { call, answer: value.value, ms, connectMs: inFlightMs(value.ctx.trips) };
      (samples.get(r.contender.name) as Sample[])[i] = sample;
    }
    progress.count(++done, calls.length, `calls (${running.length} contenders each)`);
  });
  return { samples, latencies };
}

/** The passes, latency model on then off; the first also gives the API calls and the pairing check. */
async function contenderPasses(running: Running[], calls: TruthCall[], o: BenchOptions) {
  const before = running.map((r) => structuredClone(r.instance.stats()));
  const on = await measuredPass(running, calls, o, 'on');
  // Connect requests per decision since `before`; warm-ups are counted by the local Connect too: scaled out.
  const decisions = calls.length + Math.min(o.warmup ?? 5, calls.length);
  const apiCalls = running.map((r, i) =>
    Object.fromEntries(
      Object.entries(r.instance.stats())
        .map(
          ([op, v]) => [op, round((v.requests - (before[i]?.[op]?.requests ?? 0)) / decisions, 2)] as const,
        )
        .filter(([, v]) => v > 0),
    ),
  );
  const pairing = assertPaired(on.latencies);
  const off = await measuredPass(running, calls, o, 'off');
  return { on: on.samples, off: off.samples, apiCalls, pairing };
}

function contenderResult(c: Contender, on: Sample[], off: Sample[], api: Record<string, number>) {
  const predicted = on.filter((s) => s.answer.agentId);
  const correct = predicted.filter((s) => s.answer.agentId === s.call.agentId);
  const withTruth = on.filter((s) => s.call.agentId);
  const toLast = on.filter((s) => s.answer.route === 'LAST_AGENT');
  const toRight = toLast.filter((s) => s.answer.agentId === s.call.agentId);
  const times = on.map((s) => s.ms);
  const offTimes = off.map((s) => s.ms);
  const connectTimes = on.map((s) => s.connectMs);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    name: c.name,
    description: c.description,
    calls: on.length,
    precision: round(predicted.length ? correct.length / predicted.length : 1, 3),
    recall: round(withTruth.length ? correct.length / withTruth.length : 1, 3),
    routedToLastAgent: round(toLast.length / on.length, 3),
    routedToRightAgent: round(toRight.length / on.length, 3),
    apiCallsPerDecision: api,
    p50: roundedPercentile(times, 50),
    p95: roundedPercentile(times, 95),
    p99: roundedPercentile(times, 99),
    p50NoLatency: roundedPercentile(offTimes, 50),
    p99NoLatency: roundedPercentile(offTimes, 99),
    connectP50: roundedPercentile(connectTimes, 50),
    overhead: round(sum(connectTimes) ? sum(times) / sum(connectTimes) : 0, 2),
  };
}

// ---------------------------------------------------------------------------------------------
// Designs: the measured decisions as they would run in AWS (hop model, measured cold starts)

/** What every design is computed from: the two passes, the models, the measured cold figures. */
interface DesignInputs {
  on: Map<string, Sample[]>;
  off: Map<string, Sample[]>;
  models: { hops: HopModel; cold: ColdModel };
  branches: ReturnType<typeof branchOfStates>;
  /** Measured cold figures by build ("after": this tree, "before": the baseline commit). */
  builds: Record<string, VariantResult | undefined>;
}

interface DesignSpec {
  name: string;
  description: string;
  /** The contender whose decisions the design reuses. */
  contender: string;
  shape: { stateMachine: boolean; extraLambdaHops?: number };
  /** The functions a decision waits for when all are cold; undefined: the design is not built. */
  coldPath: (string | string[])[] | undefined;
  /** Whose cold figures the path takes (default "after"). */
  coldBuild?: string;
}

const DESIGNS: DesignSpec[] = [
  {
    name: 'simple',
    description: 'the ten-line Lambda: one function, no state machine',
    contender: 'simple',
    shape: { stateMachine: false },
    coldPath: ['simple'],
  },
  {
    name: 'shipped',
    description: 'entry Lambda → Express StartSyncExecution → a Lambda per Task state',
    contender: 'pipeline',
    shape: { stateMachine: true },
    coldPath: CRITICAL_PATH,
  },
  {
    name: `shipped before (${BASELINE_COMMIT})`,
    description:
      "the baseline commit's design: the route choice in a Lambda of its own (one more hop and cold start), its bundles and entry-function cold start",
    contender: 'pipeline',
    shape: { stateMachine: true, extraLambdaHops: 1 },
    coldPath: criticalPathOf(['choose-route']),
    coldBuild: 'before',
  },
  {
    name: 'single Lambda',
    description: 'the same steps in the entry Lambda: no hops, no console graph per decision',
    contender: 'pipeline',
    shape: { stateMachine: false },
    coldPath: undefined,
  },
];

/** Every function on the path cold: as the caller waits, and as the entry handler's deadline counts it. */
function allColdOf(spec: DesignSpec, fullP50: number, d: DesignInputs) {
  const { coldPath } = spec;
  const figures = d.builds[spec.coldBuild ?? 'after'];
  if (!figures || !coldPath?.flat().every((f) => figures.functions[f])) return {};
  const allCold = fullP50 + allColdExtraMs(coldPath, figures.functions, d.models.cold);
  // Lambda starts the runtime and loads the entry module (its top-level await included) before
  // the handler, and with it the deadline, starts.
  const entryImportMs = figures.functions[coldPath[0] as string]?.importMs ?? 0;
  const allColdFromHandler = allCold - d.models.cold.runtimeInit.ms - entryImportMs;
  return { allCold: round(allCold), allColdFromHandler: round(allColdFromHandler) };
}

function designResult(spec: DesignSpec, d: DesignInputs): DesignResult {
  const samplesOn = d.on.get(spec.contender) ?? [];
  const samplesOff = d.off.get(spec.contender) ?? [];
  const hopsOf = (s: Sample) => {
    const hops = criticalPathHops(s.answer.trace ?? [], d.branches);
    return { ...hops, lambdaTasks: hops.lambdaTasks + (spec.shape.extraLambdaHops ?? 0) };
  };
  const aws = (s: Sample) => s.ms + hopMs(hopsOf(s), d.models.hops, spec.shape.stateMachine);
  // Decisions that reach the agent check run the whole path: the case the all-cold figure is for.
  const full = samplesOn.filter((s) =>
    s.answer.trace ? s.answer.trace.some((t) => t.state === 'Check Agent Availability') : s.answer.agentId,
  );
  const hopCounts = full.map((s) => hopsOf(s).lambdaTasks);
  return {
    name: spec.name,
    description: spec.description,
    decisions: samplesOn.length,
    lambdaHops: spec.shape.stateMachine ? percentile(hopCounts, 50) : 0,
    p50: roundedPercentile(samplesOn.map(aws), 50),
    p99: roundedPercentile(samplesOn.map(aws), 99),
    p50NoLatency: roundedPercentile(samplesOff.map(aws), 50),
    ...allColdOf(spec, percentile(full.map(aws), 50), d),
    coldPath: spec.coldPath
      ? spec.coldPath.map((f) => (Array.isArray(f) ? `max(${f.join(', ')})` : f)).join(' → ')
      : 'not built (see docs/performance.md)',
  };
}

// ---------------------------------------------------------------------------------------------
// Scaling: with one customer's history, and with the instance

/** One customer whose only agent-handled contact is the oldest of `history` contacts. */
function historyScenario(base: Scenario, history: number): { scenario: Scenario; call: TruthCall } {
  const phone = '+14155550177';
  const now = Date.parse(base.now);
  const iso = (ms: number) => new Date(ms).toISOString();
  const agent = base.agents.find((a) => a.status === 'Available') ?? base.agents[0];
  const contacts = Array.from({ length: history }, (_, i) => {
    const start = now - (i + 1) * ((6 * 86_400_000) / (history + 1));
    return {
      id: `hist-${history}-${i}`,
      channel: 'VOICE' as const,
      initiationMethod: 'INBOUND',
      initiationTimestamp: iso(start),
      disconnectTimestamp: iso(start + 600_000),
      ...(i === history - 1 ? { agentId: agent?.id, connectedToAgentTimestamp: iso(start + 30_000) } : {}),
      attributes: { CustomerPhoneNumber: phone },
    };
  });
  return {
    scenario: { ...base, contacts: [...base.contacts, ...contacts] } as Scenario,
    call: { phone, agentId: agent?.id },
  };
}

/** One contender on one customer's call, five times after a warm-up: the median and the last answer. */
async function historyRun(c: Contender, scenario: Scenario, call: TruthCall, o: BenchOptions) {
  const latency = new PairedLatency(o.latency, o.seed);
  const instance = await c.start(scenario, () => latency);
  // The same customer's call, repeated: run i draws alike in every row and contender.
  await inDecision('history warm-up', () => instance.decide(call));
  const runs = [];
  let last: Answer = { route: 'DEFAULT' };
  for (let i = 0; i < 5; i++) {
    const run = await timed(() => inDecision(`history run ${i}`, () => instance.decide(call)));
    last = run.value.value;
    runs.push(run.ms);
  }
  await instance.close();
  return {
    name: c.name,
    found: last.agentId === call.agentId,
    ms: roundedPercentile(runs, 50),
    ...(last.payloadBytes !== undefined ? { payloadKb: round(last.payloadBytes / 1024) } : {}),
  };
}

/** The pipeline's decision time and the local Connect's heap as the instance grows. */
async function instanceScaling(base: Scenario, o: BenchOptions, size: Omit<GeneratorOptions, 'seed'>) {
  const instance = [];
  const sizes = [500, 2_000, 6_000];
  for (const customers of sizes) {
    const big = generateContactCenter({ seed: o.seed, ...size, customers, calls: 40 });
    big.scenario.faults = base.faults;
    const heapBefore = heapAfterGcMb();
    const session = await startLocalSession({ scenario: big.scenario, env: {} });
    const heapMb = round(heapAfterGcMb() - heapBefore);
    const latency = new PairedLatency(o.latency, o.seed);
    attachLatency(session.connectClient, () => latency);
    const times = [];
    for (const [i, call] of big.truth.entries()) {
      const { ms } = await timed(() =>
        inDecision(`instance call ${i}`, () =>
          session.decide(connectEventFor({ phone: call.phone, instanceArn: session.instanceArn })),
        ),
      );
      times.push(ms);
    }
    await session.close();
    instance.push({ contacts: big.scenario.contacts.length, p50: roundedPercentile(times, 50), heapMb });
    o.progress?.count(instance.length, sizes.length, 'instance sizes');
  }
  return instance;
}

/** Every contender as one customer's history grows (its agent contact the oldest), then the instance. */
async function scalingRuns(base: Scenario, o: BenchOptions, size: Omit<GeneratorOptions, 'seed'>) {
  const progress = o.progress ?? QUIET;
  progress.phase('scaling with history size');
  const history = [];
  const lengths = [1, 10, 50, 200, 500];
  for (const [i, n] of lengths.entries()) {
    const { scenario, call } = historyScenario(base, n);
    const results = [];
    for (const c of CONTENDERS) results.push(await historyRun(c, scenario, call, o));
    history.push({ contactsPerCustomer: n, results });
    progress.count(i + 1, lengths.length, 'history lengths');
  }
  progress.phase('scaling with instance size');
  return { history, instance: await instanceScaling(base, o, size) };
}

// ---------------------------------------------------------------------------------------------
// The run

export async function runBenchmark(o: BenchOptions): Promise<BenchReport> {
  const progress = o.progress ?? QUIET;
  const size = SIZES[o.size];
  if (!size) throw new Error(`unknown size ${o.size}; use ${Object.keys(SIZES).join(', ')}`);
  // Latency is added per logical request by the bench (bench/latency.ts), not by the local Connect.
  const center = generateContactCenter({ seed: o.seed, ...size });
  center.scenario.faults = { seed: o.seed, inject: [] };
  const { scenario, truth } = center;
  const running: Running[] = [];
  try {
    progress.phase(`starting the ${CONTENDERS.length} contenders`);
    for (const contender of CONTENDERS) {
      const r = { contender, latency: new PairedLatency(null, 0) } as Running;
      r.instance = await contender.start(scenario, () => r.latency);
      running.push(r);
    }
    const passes = await contenderPasses(running, truth, o);
    const { concurrency, latency, seed } = o;
    const indexSource = o.index
      ? await runIndexSource({ scenario, calls: truth, seed, latency, concurrency, progress })
      : undefined;
    const cold = o.cold ? await coldBench(o.cold, progress) : undefined;
    const report = benchReport(o, size, center, running, passes, cold);
    if (cold) report.cold = cold.report;
    if (indexSource) report.indexSource = indexSource;
    if (o.scaling) report.scaling = await scalingRuns(scenario, o, size);
    if (o.outDir) {
      progress.phase(`writing the results to ${o.outDir}`);
      // results.json, the chart, and the generated data: a scenario any local Connect loads, and its truth.
      mkdirSync(o.outDir, { recursive: true });
      writeFileSync(join(o.outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(o.outDir, 'latency-recall.svg'), latencySvg(report));
      writeFileSync(join(o.outDir, 'scenario.json'), JSON.stringify(scenario));
      writeFileSync(join(o.outDir, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
    }
    return report;
  } finally {
    await Promise.all(running.map((r) => r.instance.close()));
  }
}

function benchReport(
  o: BenchOptions,
  size: Omit<GeneratorOptions, 'seed'>,
  { scenario, truth }: ReturnType<typeof generateContactCenter>,
  running: Running[],
  passes: Awaited<ReturnType<typeof contenderPasses>>,
  cold: Awaited<ReturnType<typeof coldBench>> | undefined,
): BenchReport {
  const models = resolveModels(o);
  const branches = branchOfStates(JSON.parse(readDefinitionText()));
  const inputs = { ...passes, models, branches, builds: { after: cold?.after, before: cold?.before } };
  return {
    generatedAt: new Date().toISOString(),
    node: process.version,
    options: {
      size: o.size,
      seed: o.seed,
      concurrency: o.concurrency,
      latency: o.latency,
      scaling: o.scaling,
      deadlineMs: o.deadlineMs ?? 3000,
      coldSamples: o.cold?.samples ?? 0,
    },
    dataset: {
      agents: scenario.agents.length,
      customers: size.customers,
      contacts: scenario.contacts.length,
      calls: truth.length,
      callsWithLastAgent: truth.filter((t) => t.agentId).length,
    },
    contenders: running.map(({ contender: c }, i) =>
      contenderResult(c, passes.on.get(c.name) ?? [], passes.off.get(c.name) ?? [], passes.apiCalls[i] ?? {}),
    ),
    pairing: passes.pairing,
    model: { ...models, ...(cold?.after ? { coldFigures: `cold-start variant "${cold.after.label}"` } : {}) },
    designs: DESIGNS.map((spec) => designResult(spec, inputs)),
  };
}

// ---------------------------------------------------------------------------------------------
// Table

/** The AWS-shaped design table and the model figures it rests on. */
function designSection(r: BenchReport): string[] {
  const { hops, cold, coldFigures } = r.model;
  const ofBudget = (ms: number) => round((ms / r.options.deadlineMs) * 100);
  return [
    `AWS-shaped (measured decision + hop model${coldFigures ? ` + cold model from the ${coldFigures}` : ''}; budget ${r.options.deadlineMs} ms):`,
    columns(r.designs, [
      ['design', (d) => d.name],
      ['Lambda hops', (d) => d.lambdaHops],
      ['warm p50', (d) => d.p50],
      ['warm p99', (d) => d.p99],
      ['p50 no latency', (d) => d.p50NoLatency],
      ['all-cold (caller)', (d) => d.allCold ?? '—'],
      ['all-cold (deadline clock)', (d) => d.allColdFromHandler ?? '—'],
      ['of budget', (d) => (d.allColdFromHandler === undefined ? '—' : `${ofBudget(d.allColdFromHandler)}%`)],
    ]),
    `  StartSyncExecution ${hops.startSync.ms} ms: ${hops.startSync.source}`,
    `  Lambda Task state ${hops.lambdaTask.ms} ms: ${hops.lambdaTask.source}`,
    `  other state ${hops.otherState.ms} ms: ${hops.otherState.source}`,
    `  runtime start-up per cold function ${cold.runtimeInit.ms} ms: ${cold.runtimeInit.source}`,
  ];
}

function scalingSection(r: BenchReport, scaling: NonNullable<BenchReport['scaling']>): string[] {
  type Row = (typeof scaling.history)[number];
  const result = (i: number) => (h: Row) => {
    const x = h.results[i];
    return x
      ? `${x.ms} (${x.found ? 'yes' : 'no'}${x.payloadKb !== undefined ? `, ${x.payloadKb} KB` : ''})`
      : '';
  };
  const byContender = r.contenders.map((c, i) => [`${c.name} ms (found, max payload)`, result(i)] as const);
  return [
    '',
    'Scaling with history (one customer, the agent contact is the oldest):',
    columns(scaling.history, [['contacts/customer', (h) => h.contactsPerCustomer], ...byContender]),
    '',
    'Scaling with instance size (pipeline):',
    columns(scaling.instance, [
      ['contacts', (i) => i.contacts],
      ['p50 ms', (i) => i.p50],
      ['heap MB', (i) => i.heapMb],
    ]),
  ];
}

export function formatReport(r: BenchReport): string {
  const { dataset: d, options: o, pairing } = r;
  const shared = Object.entries(pairing.shared).map(([op, n]) => `${op} ${n}`);
  const api = (calls: Record<string, number>) =>
    Object.entries(calls).map(([op, n]) => `${op.replace(/^Get|^Search/, '')} ${n}`);
  const lines = [
    `Dataset: ${d.agents} agents, ${d.contacts} contacts, ${d.calls} calls (${d.callsWithLastAgent} with a last agent in the window)`,
    `Latency model: ${o.latency ? `median ${o.latency.median} ms, p99 ${o.latency.p99} ms per Connect call, paired per call and operation` : 'off'}; concurrency ${o.concurrency}; order rotated per call; Node ${r.node}`,
    '',
    columns(r.contenders, [
      ['contender', (c) => c.name],
      ['precision', (c) => c.precision.toFixed(3)],
      ['recall', (c) => c.recall.toFixed(3)],
      ['to last agent', (c) => `${(c.routedToLastAgent * 100).toFixed(1)}%`],
      ['to right agent', (c) => `${(c.routedToRightAgent * 100).toFixed(1)}%`],
      ['API calls/decision', (c) => api(c.apiCallsPerDecision).join(', ')],
      ['p50 ms', (c) => c.p50],
      ['p95 ms', (c) => c.p95],
      ['p99 ms', (c) => c.p99],
      ['p50 no latency', (c) => c.p50NoLatency],
      ['Connect p50', (c) => c.connectP50],
      ['overhead', (c) => `${c.overhead}x`],
    ]),
    '',
    `Pairing check: ${pairing.ok ? 'passed' : 'FAILED'}: draws shared by contenders per operation ${shared.join(', ')}; mismatches ${pairing.mismatches.length}`,
    '',
    ...designSection(r),
  ];
  if (r.cold) lines.push('', formatCold(r.cold));
  if (r.indexSource) lines.push('', formatIndexSource(r.indexSource));
  if (r.scaling) lines.push(...scalingSection(r, r.scaling));
  return lines.join('\n');
}
