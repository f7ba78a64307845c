import '../local/polyfills';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectClient } from '@aws-sdk/client-connect';
import type { Scenario } from '../local/connect/scenario';
import { startLocalConnect } from '../local/connect/server';
import { connectEventFor, startLocalSession } from '../local/session';
import { readDefinitionText } from '../statemachine/definition';
import {
  type ColdModel,
  DEFAULT_COLD,
  DEFAULT_HOPS,
  type FunctionCold,
  type HopModel,
  type TraceStep,
  allColdExtraMs,
  branchOfStates,
  criticalPathHops,
  hopMs,
} from './aws-model';
import {
  CRITICAL_PATH,
  type ColdStartReport,
  type ColdVariant,
  type VariantResult,
  baselineBuild,
  currentBuildFromStack,
  runColdStart,
} from './cold-start';
import { inFlightMs, simpleLastAgent } from './contenders';
import {
  type GeneratedCenter,
  type GeneratorOptions,
  type TruthCall,
  generateContactCenter,
} from './generator';
import { type IndexSourceReport, formatIndexSource, runIndexSource } from './index-source';
import {
  type LatencyModel,
  PairedLatency,
  PairingError,
  attachLatency,
  checkPairing,
  inDecision,
} from './latency';
import type { BenchReport, ContenderResult, DesignResult } from './report';
import { heapAfterGcMb, mapConcurrent, percentile, round, table } from './stats';
import { latencySvg } from './svg';

export type { BenchReport } from './report';

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
  cold: {
    samples: number;
    /** Memory sizes (MB) at whose CPU share the current build is also measured; default: the stack's. */
    memoryMb?: number[];
    /** Node binary for the samples (default: Node 22 from the npm cache, else this Node). */
    node?: string;
  } | null;
  /** Overrides of the hop model (ms). */
  hops?: Partial<Record<keyof HopModel, number>>;
  /** Override of Lambda's runtime start-up per cold function (ms). */
  runtimeInitMs?: number;
  /** Decisions each contender makes before every measured pass (default 5). */
  warmup?: number;
  /** The decision budget the all-cold figures are compared with (ms, default 3000). */
  deadlineMs?: number;
  outDir?: string;
  log?: (line: string) => void;
}

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
        return {
          ...(decision.agentId ? { agentId: decision.agentId } : {}),
          route: decision.route,
          reason: decision.reason,
          payloadBytes,
          trace,
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

interface Sample {
  call: TruthCall;
  answer: Answer;
  ms: number;
  connectMs: number;
}

interface Running {
  contender: Contender;
  instance: Instance;
  latency: PairedLatency;
}

/**
 * One measured pass: every contender warms up again, then each call is decided by every
 * contender, in an order that rotates call by call (no contender always goes first), each
 * decision as the same logical request so that the latency draws pair up.
 */
async function measuredPass(
  running: Running[],
  calls: TruthCall[],
  model: LatencyModel | null,
  o: BenchOptions,
  label: string,
): Promise<{ samples: Map<string, Sample[]>; latencies: Record<string, PairedLatency> }> {
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
  await mapConcurrent(calls, o.concurrency, async (call, i) => {
    const order = [...running.slice(i % running.length), ...running.slice(0, i % running.length)];
    for (const r of order) {
      const started = performance.now();
      const { value, ctx } = await inDecision(`call ${i} ${call.phone}`, () => r.instance.decide(call));
      (samples.get(r.contender.name) as Sample[])[i] = {
        call,
        answer: value,
        ms: performance.now() - started,
        connectMs: inFlightMs(ctx.trips),
      };
    }
  });
  return { samples, latencies };
}

function contenderResult(
  c: Contender,
  on: Sample[],
  off: Sample[],
  apiCalls: Record<string, number>,
): ContenderResult {
  const predicted = on.filter((s) => s.answer.agentId);
  const correct = predicted.filter((s) => s.answer.agentId === s.call.agentId);
  const withTruth = on.filter((s) => s.call.agentId);
  const times = on.map((s) => s.ms);
  const connectTimes = on.map((s) => s.connectMs);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    name: c.name,
    description: c.description,
    calls: on.length,
    precision: round(predicted.length ? correct.length / predicted.length : 1, 3),
    recall: round(withTruth.length ? correct.length / withTruth.length : 1, 3),
    routedToLastAgent: round(on.filter((s) => s.answer.route === 'LAST_AGENT').length / on.length, 3),
    routedToRightAgent: round(
      on.filter((s) => s.answer.route === 'LAST_AGENT' && s.answer.agentId === s.call.agentId).length /
        on.length,
      3,
    ),
    apiCallsPerDecision: apiCalls,
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    p99: round(percentile(times, 99)),
    p50NoLatency: round(
      percentile(
        off.map((s) => s.ms),
        50,
      ),
    ),
    p99NoLatency: round(
      percentile(
        off.map((s) => s.ms),
        99,
      ),
    ),
    connectP50: round(percentile(connectTimes, 50)),
    overhead: round(sum(connectTimes) ? sum(times) / sum(connectTimes) : 0, 2),
  };
}

/** The hop model with the command line's overrides, each override labelled as such. */
export function resolveModels(o: Pick<BenchOptions, 'hops' | 'runtimeInitMs'>): {
  hops: HopModel;
  cold: ColdModel;
} {
  const override = (ms: number) => ({ ms, source: 'set on the command line' });
  const hops: HopModel = { ...DEFAULT_HOPS };
  for (const [k, v] of Object.entries(o.hops ?? {}) as [keyof HopModel, number | undefined][]) {
    if (v !== undefined) hops[k] = override(v);
  }
  const cold: ColdModel =
    o.runtimeInitMs !== undefined ? { runtimeInit: override(o.runtimeInitMs) } : { ...DEFAULT_COLD };
  return { hops, cold };
}

/** Pick and Choose as in-machine states (JSONata/Choice) instead of Lambda Task states. */
const PURE_STATES = new Set(['Pick Last Agent Contact', 'Choose Route']);
const PURE_FUNCTIONS = new Set(['pick-last-agent-contact', 'choose-route']);

/** The cold figures the design table uses: the current build at its deployed memory if measured, else at full CPU. */
function coldFiguresOf(
  cold: ColdStartReport | undefined,
  deployedMb: number | undefined,
): VariantResult | undefined {
  const after = cold?.variants.filter((v) => v.build === 'after' && !v.label.includes('source maps')) ?? [];
  return after.find((v) => v.cpuMb === deployedMb) ?? after.find((v) => !v.cpuMb);
}

function designs(
  on: Map<string, Sample[]>,
  off: Map<string, Sample[]>,
  models: { hops: HopModel; cold: ColdModel },
  coldFigures: VariantResult | undefined,
): DesignResult[] {
  const branches = branchOfStates(JSON.parse(readDefinitionText()));
  const cold: Record<string, FunctionCold> = Object.fromEntries(
    Object.entries(coldFigures?.functions ?? {}).map(([e, f]) => [e, { penaltyMs: f.penaltyMs }]),
  );
  const make = (
    name: string,
    description: string,
    contender: string,
    shape: { stateMachine: boolean; asStates?: Set<string> },
    coldPath: (string | string[])[] | undefined,
  ): DesignResult => {
    const samplesOn = on.get(contender) ?? [];
    const samplesOff = off.get(contender) ?? [];
    const hopsOf = (s: Sample) => criticalPathHops(s.answer.trace ?? [], branches, shape.asStates);
    const aws = (s: Sample) => s.ms + hopMs(hopsOf(s), models.hops, shape.stateMachine);
    // Decisions that reach the agent check run the whole path: the case the all-cold figure is for.
    const full = samplesOn.filter((s) =>
      s.answer.trace ? s.answer.trace.some((t) => t.state === 'Check Agent Availability') : s.answer.agentId,
    );
    const fullP50 = percentile(full.map(aws), 50);
    let allCold: number | undefined;
    let allColdFromHandler: number | undefined;
    if (coldPath?.every((f) => (Array.isArray(f) ? f : [f]).every((x) => cold[x]))) {
      allCold = fullP50 + allColdExtraMs(coldPath, cold, models.cold);
      // Lambda starts the runtime and loads the entry module before the handler (and its deadline) starts.
      const entry = coldPath[0] as string;
      allColdFromHandler =
        allCold - models.cold.runtimeInit.ms - (coldFigures?.functions[entry]?.importMs ?? 0);
    }
    return {
      name,
      description,
      decisions: samplesOn.length,
      lambdaHops: shape.stateMachine
        ? percentile(
            full.map((s) => hopsOf(s).lambdaTasks),
            50,
          )
        : 0,
      p50: round(percentile(samplesOn.map(aws), 50)),
      p99: round(percentile(samplesOn.map(aws), 99)),
      p50NoLatency: round(percentile(samplesOff.map(aws), 50)),
      ...(allCold !== undefined ? { allCold: round(allCold) } : {}),
      ...(allColdFromHandler !== undefined ? { allColdFromHandler: round(allColdFromHandler) } : {}),
      coldPath: coldPath
        ? coldPath.map((f) => (Array.isArray(f) ? `max(${f.join(', ')})` : f)).join(' → ')
        : 'not built (see docs/performance.md)',
    };
  };
  return [
    make('simple', 'the ten-line Lambda: one function, no state machine', 'simple', { stateMachine: false }, [
      'simple',
    ]),
    make(
      'shipped',
      'entry Lambda → Express StartSyncExecution → a Lambda per Task state',
      'pipeline',
      { stateMachine: true },
      CRITICAL_PATH,
    ),
    make(
      'pick/choose as states',
      'Pick folded into the search Lambda, Choose as Choice/Pass states: two fewer Lambda hops',
      'pipeline',
      { stateMachine: true, asStates: PURE_STATES },
      CRITICAL_PATH.filter((f) => typeof f !== 'string' || !PURE_FUNCTIONS.has(f)),
    ),
    make(
      'single Lambda',
      'the same steps in the entry Lambda: no hops, no console graph per decision',
      'pipeline',
      { stateMachine: false },
      undefined,
    ),
  ];
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

async function scalingRuns(center: GeneratedCenter, o: BenchOptions, size: Omit<GeneratorOptions, 'seed'>) {
  const log = o.log ?? (() => undefined);
  log('scaling with history size …');
  const history = [];
  for (const n of [1, 10, 50, 200, 500]) {
    const { scenario, call } = historyScenario(center.scenario, n);
    const results = [];
    for (const c of CONTENDERS) {
      const latency = new PairedLatency(o.latency, o.seed);
      const instance = await c.start(scenario, () => latency);
      // The same customer's call, repeated: run i draws alike in every row and contender.
      await inDecision('history warm-up', () => instance.decide(call));
      const runs = [];
      let last: Answer = { route: 'DEFAULT' };
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        last = (await inDecision(`history run ${i}`, () => instance.decide(call))).value;
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
    const latency = new PairedLatency(o.latency, o.seed);
    attachLatency(session.connectClient, () => latency);
    const times = [];
    for (const [i, call] of big.truth.entries()) {
      const t = performance.now();
      await inDecision(`instance call ${i}`, () =>
        session.decide(connectEventFor({ phone: call.phone, instanceArn: session.instanceArn })),
      );
      times.push(performance.now() - t);
    }
    await session.close();
    instance.push({ contacts: big.scenario.contacts.length, p50: round(percentile(times, 50)), heapMb });
  }
  return { history, instance };
}

/** The cold-start benchmark: the round-1 build and the current one, side by side in one run. */
async function coldRuns(o: BenchOptions): Promise<{ report: ColdStartReport; deployedMb: number }> {
  const cold = o.cold as NonNullable<BenchOptions['cold']>;
  const work = mkdtempSync(join(tmpdir(), 'last-agent-baseline-'));
  try {
    let before: ReturnType<typeof baselineBuild> | undefined;
    try {
      before = baselineBuild(work);
    } catch (err) {
      // A shallow clone has no baseline commit: measure the current build alone and say so.
      o.log?.(`cold start: no baseline build (${(err as Error).message.split('\n')[0]}); current build only`);
    }
    const after = await currentBuildFromStack();
    const decide = after.functions.decide;
    if (!decide) throw new Error('the stack has no entry function');
    // The ten-line Lambda, deployed like the entry Lambda, for the "simple" design's cold start.
    after.functions.simple = {
      memoryMb: decide.memoryMb,
      env: { NODE_OPTIONS: decide.env.NODE_OPTIONS ?? '' },
    };
    const deployedMb = decide.memoryMb;
    const pipelineEntries = Object.keys(after.functions).filter((e) => e !== 'simple');
    const variants: ColdVariant[] = [
      ...(before ? [{ label: 'before', build: 'before' }] : []),
      { label: 'after', build: 'after' },
    ];
    if (!(decide.env.NODE_OPTIONS ?? '').includes('--enable-source-maps')) {
      variants.push({
        label: 'after, source maps on',
        build: 'after',
        nodeOptions: '--enable-source-maps',
        entries: pipelineEntries,
      });
    }
    if (before) {
      const beforeMb = before.functions.decide?.memoryMb ?? 512;
      variants.push({ label: `before @${beforeMb} MB`, build: 'before', cpuMb: beforeMb });
    }
    for (const mb of cold.memoryMb ?? [deployedMb]) {
      variants.push({ label: `after @${mb} MB`, build: 'after', cpuMb: mb });
    }
    const report = await runColdStart({
      builds: before ? [before, after] : [after],
      variants,
      samples: cold.samples,
      ...(cold.node ? { node: cold.node } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    return { report, deployedMb };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function runBenchmark(o: BenchOptions): Promise<BenchReport> {
  const log = o.log ?? (() => undefined);
  const size = SIZES[o.size];
  if (!size) throw new Error(`unknown size ${o.size}; use ${Object.keys(SIZES).join(', ')}`);
  const center = generateContactCenter({ seed: o.seed, ...size });
  // Latency is added per logical request by the bench (bench/latency.ts), not by the local Connect.
  center.scenario.faults = { seed: o.seed, inject: [] };
  log(
    `dataset: ${center.scenario.agents.length} agents, ${center.scenario.contacts.length} contacts, ${center.truth.length} calls`,
  );
  const models = resolveModels(o);

  const running: Running[] = [];
  try {
    for (const contender of CONTENDERS) {
      const r: Running = {
        contender,
        instance: undefined as unknown as Instance,
        latency: new PairedLatency(null, 0),
      };
      r.instance = await contender.start(center.scenario, () => r.latency);
      running.push(r);
    }
    log(`latency model ${o.latency ? `on (median ${o.latency.median}, p99 ${o.latency.p99} ms)` : 'off'} …`);
    const before = running.map((r) => structuredClone(r.instance.stats()));
    const on = await measuredPass(running, center.truth, o.latency, o, 'on');
    const apiCalls = running.map((r, i) =>
      Object.fromEntries(
        Object.entries(r.instance.stats())
          .map(([op, v]) => {
            const warmups = Math.min(o.warmup ?? 5, center.truth.length);
            const calls = center.truth.length;
            // Warm-up decisions are counted by the local Connect too: scale them out.
            const per = (v.requests - (before[i]?.[op]?.requests ?? 0)) / (calls + warmups);
            return [op, round(per, 2)] as const;
          })
          .filter(([, v]) => v > 0),
      ),
    );
    const pairing = checkPairing(on.latencies);
    if (!pairing.ok) {
      throw new PairingError(
        `latency draws are not paired between contenders: ${JSON.stringify({ mismatches: pairing.mismatches, unkeyed: pairing.unkeyed, conflicts: pairing.conflicts })}`,
      );
    }
    log('latency model off …');
    const off = await measuredPass(running, center.truth, null, o, 'off');

    let indexSource: IndexSourceReport | undefined;
    if (o.index) {
      indexSource = await runIndexSource({
        scenario: center.scenario,
        calls: center.truth,
        seed: o.seed,
        latency: o.latency,
        concurrency: o.concurrency,
        log,
      });
    }

    let cold: ColdStartReport | undefined;
    let deployedMb: number | undefined;
    if (o.cold) {
      log('cold starts (fresh processes) …');
      ({ report: cold, deployedMb } = await coldRuns(o));
    }
    const coldFigures = coldFiguresOf(cold, deployedMb);

    const report: BenchReport = {
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
        agents: center.scenario.agents.length,
        customers: size.customers,
        contacts: center.scenario.contacts.length,
        calls: center.truth.length,
        callsWithLastAgent: center.truth.filter((t) => t.agentId).length,
      },
      contenders: running.map((r, i) =>
        contenderResult(
          r.contender,
          on.samples.get(r.contender.name) as Sample[],
          off.samples.get(r.contender.name) as Sample[],
          apiCalls[i] ?? {},
        ),
      ),
      pairing,
      model: {
        ...models,
        ...(coldFigures ? { coldFigures: `cold-start variant "${coldFigures.label}"` } : {}),
      },
      designs: designs(on.samples, off.samples, models, coldFigures),
      ...(cold ? { cold } : {}),
      ...(indexSource ? { indexSource } : {}),
    };
    if (o.scaling) report.scaling = await scalingRuns(center, o, size);

    if (o.outDir) {
      mkdirSync(o.outDir, { recursive: true });
      writeFileSync(join(o.outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(o.outDir, 'latency-recall.svg'), latencySvg(report));
      // The generated data itself: a scenario any local Connect loads, and its ground truth.
      writeFileSync(join(o.outDir, 'scenario.json'), JSON.stringify(center.scenario));
      writeFileSync(join(o.outDir, 'truth.json'), `${JSON.stringify(center.truth, null, 1)}\n`);
    }
    return report;
  } finally {
    await Promise.all(running.map((r) => r.instance.close()));
  }
}

const ms = (v: number | undefined) => (v === undefined ? '—' : String(v));

/** The cold-start table: per function and over the critical path, every variant side by side. */
export function formatCold(c: ColdStartReport): string {
  const entries = [...new Set(c.variants.flatMap((v) => Object.keys(v.functions)))];
  const head = [
    `Cold start: fresh ${c.node} process per sample, ${c.samples} samples, median (p90) of import + first invocation in ms,`,
    `first ${c.tls ? 'TLS ' : ''}round trips to local endpoints included; CPU limit: ${c.cpuLimit}; baseline ${c.baselineCommit}`,
  ];
  const rows = entries.map((e) => [
    e,
    ...c.variants.map((v) => {
      const f = v.functions[e];
      return f ? `${f.coldMs} (${f.coldP90})` : '—';
    }),
  ]);
  rows.push(['critical path (sum)', ...c.variants.map((v) => ms(v.criticalPathMs))]);
  const sizes = entries.map((e) => [
    e,
    ...[...new Set(c.variants.map((v) => v.build))].map((b) => {
      const f = c.variants.find((v) => v.build === b && v.functions[e])?.functions[e];
      return f ? `${f.bundleKb} / ${f.mapKb}` : '—';
    }),
    ...c.variants.map((v) => ms(v.functions[e]?.cpuMs)),
  ]);
  const builds = [...new Set(c.variants.map((v) => v.build))];
  const baseline = c.variants.find((v) => v.label === 'before')?.criticalPathMs;
  const current = c.variants.find((v) => v.label === 'after')?.criticalPathMs;
  const lines = [
    ...head,
    table(['function', ...c.variants.map((v) => v.label)], rows),
    '',
    table(
      ['function', ...builds.map((b) => `${b} bundle/map KB`), ...c.variants.map((v) => `CPU ms ${v.label}`)],
      sizes,
    ),
  ];
  if (baseline && current)
    lines.push(
      '',
      `Critical path, same CPU: ${baseline} → ${current} ms (${round((1 - current / baseline) * 100)}% less)`,
    );
  for (const n of c.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export function formatReport(r: BenchReport): string {
  const lines = [
    `Dataset: ${r.dataset.agents} agents, ${r.dataset.contacts} contacts, ${r.dataset.calls} calls (${r.dataset.callsWithLastAgent} with a last agent in the window)`,
    `Latency model: ${r.options.latency ? `median ${r.options.latency.median} ms, p99 ${r.options.latency.p99} ms per Connect call, paired per call and operation` : 'off'}; concurrency ${r.options.concurrency}; order rotated per call; Node ${r.node}`,
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
        'p50 no latency',
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
        c.p50NoLatency,
        c.connectP50,
        `${c.overhead}x`,
      ]),
    ),
    '',
    `Pairing check: ${r.pairing.ok ? 'passed' : 'FAILED'}: draws shared by contenders per operation ${Object.entries(
      r.pairing.shared,
    )
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}; mismatches ${r.pairing.mismatches.length}`,
    '',
    `AWS-shaped (measured decision + hop model${r.model.coldFigures ? ` + cold model from the ${r.model.coldFigures}` : ''}; budget ${r.options.deadlineMs} ms):`,
    table(
      [
        'design',
        'Lambda hops',
        'warm p50',
        'warm p99',
        'p50 no latency',
        'all-cold (caller)',
        'all-cold (deadline clock)',
        'of budget',
      ],
      r.designs.map((d) => [
        d.name,
        d.lambdaHops,
        d.p50,
        d.p99,
        d.p50NoLatency,
        ms(d.allCold),
        ms(d.allColdFromHandler),
        d.allColdFromHandler !== undefined
          ? `${round((d.allColdFromHandler / r.options.deadlineMs) * 100)}%`
          : '—',
      ]),
    ),
    `  StartSyncExecution ${r.model.hops.startSync.ms} ms: ${r.model.hops.startSync.source}`,
    `  Lambda Task state ${r.model.hops.lambdaTask.ms} ms: ${r.model.hops.lambdaTask.source}`,
    `  other state ${r.model.hops.otherState.ms} ms: ${r.model.hops.otherState.source}`,
    `  runtime start-up per cold function ${r.model.cold.runtimeInit.ms} ms: ${r.model.cold.runtimeInit.source}`,
  ];
  if (r.cold) lines.push('', formatCold(r.cold));
  if (r.indexSource) lines.push('', formatIndexSource(r.indexSource));
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
