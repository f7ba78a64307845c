import '../local/polyfills';
import { mkdirSync, writeFileSync } from 'node:fs';
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
  BASELINE_COMMIT,
  type BuildConfig,
  CRITICAL_PATH,
  type ColdStartReport,
  type ColdVariant,
  type FunctionConfig,
  type VariantResult,
  baselineBuild,
  criticalPathOf,
  currentBuildFromStack,
  formatCold,
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
import { withTempDir } from './resources';
import {
  heapAfterGcMb,
  mapConcurrent,
  orDash,
  percentile,
  round,
  roundedPercentile,
  table,
  timed,
} from './stats';
import { latencySvg } from './svg';

export type { BenchReport } from './report';
export { formatCold } from './cold-start';

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
      const { value, ms } = await timed(() =>
        inDecision(`call ${i} ${call.phone}`, () => r.instance.decide(call)),
      );
      (samples.get(r.contender.name) as Sample[])[i] = {
        call,
        answer: value.value,
        ms,
        connectMs: inFlightMs(value.ctx.trips),
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
    p50: roundedPercentile(times, 50),
    p95: roundedPercentile(times, 95),
    p99: roundedPercentile(times, 99),
    p50NoLatency: roundedPercentile(
      off.map((s) => s.ms),
      50,
    ),
    p99NoLatency: roundedPercentile(
      off.map((s) => s.ms),
      99,
    ),
    connectP50: roundedPercentile(connectTimes, 50),
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

/** The cold figures of a build the design table uses: at its deployed memory if measured, else at full CPU. */
function coldFiguresOf(
  cold: ColdStartReport | undefined,
  deployedMb: number | undefined,
  build = 'after',
): VariantResult | undefined {
  const variants = cold?.variants.filter((v) => v.build === build) ?? [];
  return variants.find((v) => v.cpuMb === deployedMb) ?? variants.find((v) => !v.cpuMb);
}

/** What every design is computed from: the two passes, the models, the measured cold figures. */
interface DesignInputs {
  on: Map<string, Sample[]>;
  off: Map<string, Sample[]>;
  models: { hops: HopModel; cold: ColdModel };
  branches: ReturnType<typeof branchOfStates>;
  /** Measured cold figures by build ("after": this tree, "before": the baseline commit). */
  builds: Record<string, ColdBuild | undefined>;
}

/** One build's measured cold start: per function, and the variant it comes from. */
interface ColdBuild {
  figures: VariantResult;
  cold: Record<string, FunctionCold>;
}

function coldBuild(figures: VariantResult | undefined): ColdBuild | undefined {
  if (!figures) return undefined;
  const cold = Object.fromEntries(
    Object.entries(figures.functions).map(([e, f]) => [e, { penaltyMs: f.penaltyMs }]),
  );
  return { figures, cold };
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
  const build = d.builds[spec.coldBuild ?? 'after'];
  if (!build || !coldPath?.every((f) => (Array.isArray(f) ? f : [f]).every((x) => build.cold[x]))) return {};
  const allCold = fullP50 + allColdExtraMs(coldPath, build.cold, d.models.cold);
  // Lambda starts the runtime and loads the entry module (its top-level await included) before
  // the handler, and with it the deadline, starts.
  const entry = coldPath[0] as string;
  const allColdFromHandler =
    allCold - d.models.cold.runtimeInit.ms - (build.figures.functions[entry]?.importMs ?? 0);
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
  return {
    name: spec.name,
    description: spec.description,
    decisions: samplesOn.length,
    lambdaHops: spec.shape.stateMachine
      ? percentile(
          full.map((s) => hopsOf(s).lambdaTasks),
          50,
        )
      : 0,
    p50: roundedPercentile(samplesOn.map(aws), 50),
    p99: roundedPercentile(samplesOn.map(aws), 99),
    p50NoLatency: roundedPercentile(samplesOff.map(aws), 50),
    ...allColdOf(spec, percentile(full.map(aws), 50), d),
    coldPath: spec.coldPath
      ? spec.coldPath.map((f) => (Array.isArray(f) ? `max(${f.join(', ')})` : f)).join(' → ')
      : 'not built (see docs/performance.md)',
  };
}

function designs(
  on: Map<string, Sample[]>,
  off: Map<string, Sample[]>,
  models: { hops: HopModel; cold: ColdModel },
  figures: { after: VariantResult | undefined; before: VariantResult | undefined },
): DesignResult[] {
  const branches = branchOfStates(JSON.parse(readDefinitionText()));
  const builds = { after: coldBuild(figures.after), before: coldBuild(figures.before) };
  return DESIGNS.map((spec) => designResult(spec, { on, off, models, branches, builds }));
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

/** Every contender as one customer's history grows (its agent contact the oldest). */
async function historyScaling(center: GeneratedCenter, o: BenchOptions) {
  const history = [];
  for (const n of [1, 10, 50, 200, 500]) {
    const { scenario, call } = historyScenario(center.scenario, n);
    const results = [];
    for (const c of CONTENDERS) results.push(await historyRun(c, scenario, call, o));
    history.push({ contactsPerCustomer: n, results });
  }
  return history;
}

/** The pipeline's decision time and the local Connect's heap as the instance grows. */
async function instanceScaling(
  center: GeneratedCenter,
  o: BenchOptions,
  size: Omit<GeneratorOptions, 'seed'>,
) {
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
      const { ms } = await timed(() =>
        inDecision(`instance call ${i}`, () =>
          session.decide(connectEventFor({ phone: call.phone, instanceArn: session.instanceArn })),
        ),
      );
      times.push(ms);
    }
    await session.close();
    instance.push({ contacts: big.scenario.contacts.length, p50: roundedPercentile(times, 50), heapMb });
  }
  return instance;
}

async function scalingRuns(center: GeneratedCenter, o: BenchOptions, size: Omit<GeneratorOptions, 'seed'>) {
  const log = o.log ?? (() => undefined);
  log('scaling with history size …');
  const history = await historyScaling(center, o);
  log('scaling with instance size …');
  return { history, instance: await instanceScaling(center, o, size) };
}

/** The round-1 build, or undefined (and a log line) where the baseline commit is not in the clone. */
function tryBaselineBuild(
  work: string,
  deployed: BuildConfig,
  log: BenchOptions['log'],
): BuildConfig | undefined {
  try {
    return baselineBuild(work, deployed);
  } catch (err) {
    // A shallow clone has no baseline commit: measure the current build alone and say so.
    log?.(`cold start: no baseline build (${(err as Error).message.split('\n')[0]}); current build only`);
    return undefined;
  }
}

/** Before and after at full CPU, then both at Lambda's CPU share of each memory size. */
function coldVariants(before: BuildConfig | undefined, memoryMb: number[]): ColdVariant[] {
  const builds = before ? ['before', 'after'] : ['after'];
  return [
    ...builds.map((build) => ({ label: build, build })),
    ...memoryMb.flatMap((mb) => builds.map((build) => ({ label: `${build} @${mb} MB`, build, cpuMb: mb }))),
  ];
}

/** The cold-start benchmark: the round-1 build and the current one, side by side in one run. */
async function coldRuns(o: BenchOptions): Promise<{ report: ColdStartReport; deployedMb: number }> {
  const cold = o.cold as NonNullable<BenchOptions['cold']>;
  return withTempDir('last-agent-baseline-', async (work) => {
    const after = await currentBuildFromStack();
    const before = tryBaselineBuild(work, after, o.log);
    const decide = after.functions.decide;
    if (!decide) throw new Error('the stack has no entry function');
    // The ten-line Lambda, deployed like the entry Lambda, for the "simple" design's cold start.
    after.functions.simple = {
      memoryMb: decide.memoryMb,
      env: { NODE_OPTIONS: decide.env.NODE_OPTIONS ?? '' },
    };
    const report = await runColdStart({
      builds: before ? [before, after] : [after],
      variants: coldVariants(before, cold.memoryMb ?? [decide.memoryMb]),
      samples: cold.samples,
      ...(cold.node ? { node: cold.node } : {}),
      ...(o.log ? { log: o.log } : {}),
    });
    return { report, deployedMb: decide.memoryMb };
  });
}

/** The run's contact center. Latency is added per logical request by the bench (bench/latency.ts), not by the local Connect. */
function benchCenter(o: BenchOptions, size: Omit<GeneratorOptions, 'seed'>, log: (line: string) => void) {
  const center = generateContactCenter({ seed: o.seed, ...size });
  center.scenario.faults = { seed: o.seed, inject: [] };
  log(
    `dataset: ${center.scenario.agents.length} agents, ${center.scenario.contacts.length} contacts, ${center.truth.length} calls`,
  );
  return center;
}

/** Starts every contender, each added to `running` once started (the caller closes them). */
async function startContenders(running: Running[], scenario: Scenario): Promise<void> {
  for (const contender of CONTENDERS) {
    const r: Running = {
      contender,
      instance: undefined as unknown as Instance,
      latency: new PairedLatency(null, 0),
    };
    r.instance = await contender.start(scenario, () => r.latency);
    running.push(r);
  }
}

/** Connect requests per decision of each contender since `before`; warm-ups are counted by the local Connect too: scaled out. */
function apiCallsPerDecision(
  running: Running[],
  before: Record<string, { requests: number }>[],
  calls: number,
  warmups: number,
): Record<string, number>[] {
  return running.map((r, i) =>
    Object.fromEntries(
      Object.entries(r.instance.stats())
        .map(([op, v]) => {
          const per = (v.requests - (before[i]?.[op]?.requests ?? 0)) / (calls + warmups);
          return [op, round(per, 2)] as const;
        })
        .filter(([, v]) => v > 0),
    ),
  );
}

/** The measured passes, latency model on then off; the first also gives the API calls and the pairing check. */
async function contenderPasses(
  running: Running[],
  calls: TruthCall[],
  o: BenchOptions,
  log: (line: string) => void,
) {
  log(`latency model ${o.latency ? `on (median ${o.latency.median}, p99 ${o.latency.p99} ms)` : 'off'} …`);
  const before = running.map((r) => structuredClone(r.instance.stats()));
  const on = await measuredPass(running, calls, o.latency, o, 'on');
  const apiCalls = apiCallsPerDecision(running, before, calls.length, Math.min(o.warmup ?? 5, calls.length));
  const pairing = checkPairing(on.latencies);
  if (!pairing.ok) {
    throw new PairingError(
      `latency draws are not paired between contenders: ${JSON.stringify({ mismatches: pairing.mismatches, unkeyed: pairing.unkeyed, conflicts: pairing.conflicts })}`,
    );
  }
  log('latency model off …');
  const off = await measuredPass(running, calls, null, o, 'off');
  return { on, off, apiCalls, pairing };
}

/** The cold-start runs when asked for, with the figures the design table takes from them. */
async function coldSection(o: BenchOptions, log: (line: string) => void) {
  let cold: ColdStartReport | undefined;
  let deployedMb: number | undefined;
  if (o.cold) {
    log('cold starts (fresh processes) …');
    ({ report: cold, deployedMb } = await coldRuns(o));
  }
  return {
    cold,
    coldFigures: coldFiguresOf(cold, deployedMb),
    coldFiguresBefore: coldFiguresOf(cold, deployedMb, 'before'),
  };
}

interface Measured {
  center: GeneratedCenter;
  running: Running[];
  passes: Awaited<ReturnType<typeof contenderPasses>>;
  models: { hops: HopModel; cold: ColdModel };
  cold: ColdStartReport | undefined;
  coldFigures: VariantResult | undefined;
  coldFiguresBefore: VariantResult | undefined;
  indexSource: IndexSourceReport | undefined;
}

function benchReport(o: BenchOptions, size: Omit<GeneratorOptions, 'seed'>, m: Measured): BenchReport {
  const { center, passes } = m;
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
      agents: center.scenario.agents.length,
      customers: size.customers,
      contacts: center.scenario.contacts.length,
      calls: center.truth.length,
      callsWithLastAgent: center.truth.filter((t) => t.agentId).length,
    },
    contenders: m.running.map((r, i) =>
      contenderResult(
        r.contender,
        passes.on.samples.get(r.contender.name) as Sample[],
        passes.off.samples.get(r.contender.name) as Sample[],
        passes.apiCalls[i] ?? {},
      ),
    ),
    pairing: passes.pairing,
    model: {
      ...m.models,
      ...(m.coldFigures ? { coldFigures: `cold-start variant "${m.coldFigures.label}"` } : {}),
    },
    designs: designs(passes.on.samples, passes.off.samples, m.models, {
      after: m.coldFigures,
      before: m.coldFiguresBefore,
    }),
    ...(m.cold ? { cold: m.cold } : {}),
    ...(m.indexSource ? { indexSource: m.indexSource } : {}),
  };
}

/** results.json, the chart, and the generated data itself: a scenario any local Connect loads, and its ground truth. */
function writeOutputs(outDir: string, report: BenchReport, center: GeneratedCenter): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'latency-recall.svg'), latencySvg(report));
  writeFileSync(join(outDir, 'scenario.json'), JSON.stringify(center.scenario));
  writeFileSync(join(outDir, 'truth.json'), `${JSON.stringify(center.truth, null, 1)}\n`);
}

export async function runBenchmark(o: BenchOptions): Promise<BenchReport> {
  const log = o.log ?? (() => undefined);
  const size = SIZES[o.size];
  if (!size) throw new Error(`unknown size ${o.size}; use ${Object.keys(SIZES).join(', ')}`);
  const center = benchCenter(o, size, log);
  const models = resolveModels(o);
  const running: Running[] = [];
  try {
    await startContenders(running, center.scenario);
    const passes = await contenderPasses(running, center.truth, o, log);
    const indexSource = o.index
      ? await runIndexSource({
          scenario: center.scenario,
          calls: center.truth,
          seed: o.seed,
          latency: o.latency,
          concurrency: o.concurrency,
          log,
        })
      : undefined;
    const cold = await coldSection(o, log);
    const report = benchReport(o, size, { center, running, passes, models, ...cold, indexSource });
    if (o.scaling) report.scaling = await scalingRuns(center, o, size);
    if (o.outDir) writeOutputs(o.outDir, report, center);
    return report;
  } finally {
    await Promise.all(running.map((r) => r.instance.close()));
  }
}

// ---------------------------------------------------------------------------------------------
// The report as text

function datasetLines(r: BenchReport): string[] {
  return [
    `Dataset: ${r.dataset.agents} agents, ${r.dataset.contacts} contacts, ${r.dataset.calls} calls (${r.dataset.callsWithLastAgent} with a last agent in the window)`,
    `Latency model: ${r.options.latency ? `median ${r.options.latency.median} ms, p99 ${r.options.latency.p99} ms per Connect call, paired per call and operation` : 'off'}; concurrency ${r.options.concurrency}; order rotated per call; Node ${r.node}`,
  ];
}

function contenderTable(r: BenchReport): string {
  return table(
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
  );
}

function pairingLine(r: BenchReport): string {
  return `Pairing check: ${r.pairing.ok ? 'passed' : 'FAILED'}: draws shared by contenders per operation ${Object.entries(
    r.pairing.shared,
  )
    .map(([op, n]) => `${op} ${n}`)
    .join(', ')}; mismatches ${r.pairing.mismatches.length}`;
}

/** The AWS-shaped design table and the model figures it rests on. */
function designSection(r: BenchReport): string[] {
  return [
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
        orDash(d.allCold),
        orDash(d.allColdFromHandler),
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
}

function scalingSection(r: BenchReport, scaling: NonNullable<BenchReport['scaling']>): string[] {
  return [
    '',
    'Scaling with history (one customer, the agent contact is the oldest):',
    table(
      ['contacts/customer', ...r.contenders.map((c) => `${c.name} ms (found, max payload)`)],
      scaling.history.map((h) => [
        h.contactsPerCustomer,
        ...h.results.map(
          (x) =>
            `${x.ms} (${x.found ? 'yes' : 'no'}${x.payloadKb !== undefined ? `, ${x.payloadKb} KB` : ''})`,
        ),
      ]),
    ),
    '',
    'Scaling with instance size (pipeline):',
    table(
      ['contacts', 'p50 ms', 'heap MB'],
      scaling.instance.map((i) => [i.contacts, i.p50, i.heapMb]),
    ),
  ];
}

export function formatReport(r: BenchReport): string {
  const lines = [...datasetLines(r), '', contenderTable(r), '', pairingLine(r), '', ...designSection(r)];
  if (r.cold) lines.push('', formatCold(r.cold));
  if (r.indexSource) lines.push('', formatIndexSource(r.indexSource));
  if (r.scaling) lines.push(...scalingSection(r, r.scaling));
  return lines.join('\n');
}
