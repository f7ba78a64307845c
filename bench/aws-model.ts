/**
 * What the local runtime cannot show: the AWS hops around each decision (the entry Lambda's
 * StartSyncExecution, one Lambda invoke per Task state) and cold starts. The local benchmark
 * measures the decision itself (steps, local state machine, Connect round trips with a latency
 * model); this model adds the hops and, for the all-cold case, each function's start-up.
 *
 * Every default names its source. Where no published measurement isolating the figure was
 * found, the default is a conservative assumption, labelled as such and overridable
 * (`npm run bench -- --hop-task-ms N --hop-start-ms N --hop-state-ms N --runtime-init-ms N`).
 */

export type Figure = { ms: number; source: string };

export interface HopModel {
  /** StartSyncExecution from the entry Lambda: request, execution start, result back (excluding the states). */
  startSync: Figure;
  /** One Lambda Task state, warm: Step Functions invokes the function and reads its result. */
  lambdaTask: Figure;
  /** A state that runs inside Step Functions (Choice, Pass, Parallel, JSONata): per state. */
  otherState: Figure;
}

export interface ColdModel {
  /**
   * Lambda's own start-up of a Node.js 22 execution environment before the handler module
   * loads (the Init Duration of a hello-world function). The bench adds each function's
   * measured import + first-invocation time on top.
   */
  runtimeInit: Figure;
}

export const DEFAULT_HOPS: HopModel = {
  startSync: {
    ms: 50,
    source:
      'assumption (conservative): no published measurement isolating StartSyncExecution overhead was found; cremich.cloud "AWS Step function vs. AWS Lambda benchmark" and readysetcloud.io "Serverless Speed Test" compare end to end only',
  },
  lambdaTask: {
    ms: 30,
    source:
      'assumption (conservative): a warm synchronous Lambda invoke from a Task state; no published per-state figure was found (same sources as above)',
  },
  otherState: {
    ms: 0,
    source: 'assumption: a state evaluated inside Step Functions makes no network hop',
  },
};

export const DEFAULT_COLD: ColdModel = {
  runtimeInit: {
    ms: 118,
    source:
      'maxday/lambda-perf, data/2025/2025-12-21.json, "lambda-perf-nodejs22x-zip-512-arm64": mean Init Duration of 10 cold starts of a hello-world function (103.9-138.8 ms); sandbox placement before Init is not included',
  },
};

/** Lambda gives a function CPU in proportion to memory; 1,769 MB is one vCPU (Lambda developer guide, "Configuring Lambda function memory"). */
export const MB_PER_VCPU = 1769;

export type TraceStep = { state: string; type: string; status?: string };

/**
 * Where each state of an ASL document runs: the Parallel branch it belongs to (by index), or
 * none for the main line. Nested Parallels are not used by this project.
 */
export function branchOfStates(definition: {
  States: Record<string, { Type: string; Branches?: { States: Record<string, unknown> }[] }>;
}): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, state] of Object.entries(definition.States)) {
    state.Branches?.forEach((branch, i) => {
      for (const inner of Object.keys(branch.States)) out.set(inner, `${name}#${i}`);
    });
  }
  return out;
}

export interface Hops {
  /** Lambda invokes on the critical path (Parallel branches count once: the slowest). */
  lambdaTasks: number;
  /** Other states on the critical path. */
  otherStates: number;
  /** Task states run, by state name (retries included). */
  tasks: string[];
}

/**
 * The hops of one execution from its trace. States inside a Parallel run side by side, so a
 * Parallel contributes its busiest branch.
 */
export function criticalPathHops(trace: TraceStep[], branches: Map<string, string>): Hops {
  const main = { lambdaTasks: 0, otherStates: 0 };
  const perBranch = new Map<string, { lambdaTasks: number; otherStates: number }>();
  const tasks: string[] = [];
  for (const t of trace) {
    const lambda = t.type === 'Task';
    if (t.type === 'Task') tasks.push(t.state);
    const branch = branches.get(t.state);
    const bucket = branch
      ? (perBranch.get(branch) ?? perBranch.set(branch, { lambdaTasks: 0, otherStates: 0 }).get(branch))
      : main;
    if (!bucket) continue;
    if (lambda) bucket.lambdaTasks++;
    else bucket.otherStates++;
  }
  // Branches of the same Parallel overlap: keep the maximum per Parallel state.
  const byParallel = new Map<string, { lambdaTasks: number; otherStates: number }>();
  for (const [branch, counts] of perBranch) {
    const parallel = branch.split('#')[0] as string;
    const best = byParallel.get(parallel);
    if (!best || counts.lambdaTasks > best.lambdaTasks) byParallel.set(parallel, counts);
  }
  for (const counts of byParallel.values()) {
    main.lambdaTasks += counts.lambdaTasks;
    main.otherStates += counts.otherStates;
  }
  return { ...main, tasks };
}

/** Added time of the AWS hops for one decision (ms). */
export function hopMs(hops: Pick<Hops, 'lambdaTasks' | 'otherStates'>, model: HopModel, stateMachine = true) {
  if (!stateMachine) return 0;
  return model.startSync.ms + hops.lambdaTasks * model.lambdaTask.ms + hops.otherStates * model.otherState.ms;
}

/** The hop model with the command line's overrides, each override labelled as such. */
export function resolveModels(o: { hops?: Partial<Record<keyof HopModel, number>>; runtimeInitMs?: number }) {
  const override = (ms: number) => ({ ms, source: 'set on the command line' });
  const hops: HopModel = { ...DEFAULT_HOPS };
  for (const [k, v] of Object.entries(o.hops ?? {}) as [keyof HopModel, number | undefined][]) {
    if (v !== undefined) hops[k] = override(v);
  }
  const cold: ColdModel =
    o.runtimeInitMs !== undefined ? { runtimeInit: override(o.runtimeInitMs) } : { ...DEFAULT_COLD };
  return { hops, cold };
}

export interface FunctionCold {
  /** Measured import + first invocation minus the same invocation warm (median, ms). */
  penaltyMs: number;
}

/**
 * Extra time of a decision whose functions are all cold: each function on the serial critical
 * path adds Lambda's runtime start-up and its own measured cold penalty. An inner list groups
 * functions that start side by side (the slowest counts).
 */
export function allColdExtraMs(
  path: (string | string[])[],
  cold: Record<string, FunctionCold | undefined>,
  model: ColdModel,
): number {
  const one = (fn: string) => {
    const c = cold[fn];
    if (!c) throw new Error(`no cold-start measurement for ${fn}`);
    return model.runtimeInit.ms + c.penaltyMs;
  };
  return path.reduce<number>(
    (sum, step) => sum + (Array.isArray(step) ? Math.max(...step.map(one)) : one(step)),
    0,
  );
}

/**
 * Probability that a decision finds its functions cold when calls arrive at random (Poisson)
 * at `callsPerHour` and Lambda reclaims an environment after `idleMinutes` without use. Every
 * function of the pipeline runs once per decision, so they go cold together.
 */
export function coldDecisionShare(callsPerHour: number, idleMinutes: number): number {
  return Math.exp(-(callsPerHour / 60) * idleMinutes);
}

/** Idle time after which Lambda recycled an environment in the cited measurement (not documented by AWS, may change). */
export const IDLE_RECYCLE: Figure = {
  ms: 10 * 60_000,
  source:
    'mikhail.io, "AWS Lambda Cold Starts After 10 Minutes" (2019): idle instances recycled about 10 minutes after the last request; AWS documents no figure',
};

/** Public AWS Lambda prices, US East (N. Virginia), Arm (aws.amazon.com/lambda/pricing). */
export const LAMBDA_PRICES_ARM_US_EAST_1 = {
  /** Provisioned concurrency, per GB-second configured (used or not). */
  provisionedGbSecond: 0.0000033334,
  /** Duration while provisioned concurrency serves, per GB-second. */
  provisionedDurationGbSecond: 0.0000077778,
  /** On-demand duration, per GB-second (first tier). */
  durationGbSecond: 0.0000133334,
  requestPerMillion: 0.2,
};

/** Monthly price of keeping `concurrency` environments of each function initialised (730 h). */
export function provisionedMonthlyUsd(memoryMb: number[], concurrency: number): number {
  const seconds = 730 * 3600;
  return memoryMb.reduce(
    (sum, mb) => sum + (mb / 1024) * seconds * concurrency * LAMBDA_PRICES_ARM_US_EAST_1.provisionedGbSecond,
    0,
  );
}
