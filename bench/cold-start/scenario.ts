import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { connectEventFor } from '../../local/session';
import { customerKeyFor } from '../../steps/lib/decision/caller';
import { generateContactCenter } from '../generator';
import type { Closers } from '../resources';
import {
  type BuildConfig,
  type Bundle,
  type FunctionConfig,
  bundleBuild,
  stateMachineArn,
  taskFunctionsOf,
  withOwnStateMachine,
} from './builds';
import { type Endpoint, type Tls, awsJsonStub, tlsFront } from './endpoints';
import { type NodeBinary, answerProblem, lambdaEnv, runChild } from './processes';

/**
 * The scenario every cold-start sample replays: one returning caller's decision, run once per
 * build through its own bundles (captured), against a local Connect behind TLS and a stub that
 * answers Step Functions, Secrets Manager and SSM.
 */
export interface ColdScenario {
  work: string;
  tls: Tls | undefined;
  secret: string;
  /** The contact flow's event for the caller. */
  event: unknown;
  /** Environment every process gets besides the function's own and the endpoints. */
  common: Record<string, string>;
  /** The local Connect (behind TLS) storing hashed or E.164 customer keys, started on first use. */
  connectFor(hashed: boolean): Promise<Endpoint>;
}

/** A build, bundled, with the payload each of its functions handled in the captured decision. */
export interface PreparedBuild {
  build: BuildConfig;
  bundles: Record<string, Bundle>;
  /** entry → its payload; `__decision`: the decision the entry function answered. */
  events: Record<string, unknown>;
  connectUrl: string;
  /** What the build's state machine answered (the stub answers StartSyncExecution with it). */
  sfnOutput: unknown;
}

interface Captured {
  decision: unknown;
  sfnOutput: unknown;
  inputs: Record<string, unknown>;
}

const SECRET = 'bench-key-secret-0123456789abcdef';

/** A caller whose last agent is available: the whole pipeline runs (CSAT gate on). */
function returningCaller(): { scenario: Scenario; phone: string } {
  const center = generateContactCenter({
    seed: 7,
    agents: 10,
    customers: 120,
    calls: 60,
    meanHistory: 5,
    historyDays: 6,
    now: new Date(Date.now() - 60_000).toISOString(),
  });
  const call =
    center.truth.find((t) => t.agentId && t.agentState === 'AVAILABLE') ??
    center.truth.find((t) => t.agentId);
  if (!call) throw new Error('cold-start bench: the generated scenario has no returning caller');
  return { scenario: { ...center.scenario, faults: { seed: 1, inject: [] } }, phone: call.phone };
}

/** One local Connect per key mode, each behind its TLS front, started on first use. */
function localConnects(scenario: Scenario, tls: Tls | undefined, closers: Closers) {
  const connects = new Map<boolean, { connect: LocalConnect; front: Endpoint }>();
  return async (hashed: boolean) => {
    const existing = connects.get(hashed);
    if (existing) return existing;
    const connect = await startLocalConnect(
      scenario,
      hashed
        ? { customerKeyOf: (phone) => customerKeyFor(phone, { keyMode: 'hmac-sha256', keySecret: SECRET }) }
        : {},
    );
    const front = await tlsFront(Number(new URL(connect.endpoint).port), tls);
    closers.add(
      () => front.close(),
      () => connect.close(),
    );
    const entry = { connect, front };
    connects.set(hashed, entry);
    return entry;
  };
}

export async function coldScenario(
  work: string,
  tls: Tls | undefined,
  closers: Closers,
): Promise<ColdScenario> {
  const { scenario, phone } = returningCaller();
  const connects = localConnects(scenario, tls, closers);
  const event = connectEventFor({ phone, instanceArn: (await connects(false)).connect.instanceArn });
  return {
    work,
    tls,
    secret: SECRET,
    event,
    common: {
      LAST_AGENT_CSAT_ATTRIBUTE: 'csat',
      ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}),
    },
    connectFor: async (hashed) => (await connects(hashed)).front,
  };
}

/** One whole decision through a build's bundles (bench/cold-child.cjs capture), checked. */
async function captureDecision(
  b: BuildConfig,
  bundles: Record<string, Bundle>,
  tasks: Record<string, string>,
  connectUrl: string,
  s: ColdScenario,
  node: NodeBinary,
): Promise<Captured> {
  const spec = {
    aslPath: join(b.srcRoot, 'statemachine', 'last-agent-routing.asl.json'),
    functions: tasks,
    bundles: Object.fromEntries(Object.entries(bundles).map(([e, x]) => [e, x.path])),
    env: Object.assign({}, ...Object.values(b.functions).map((f) => f.env), { NODE_OPTIONS: '' }),
    event: s.event,
    secret: s.secret,
    entry: 'decide',
  };
  const specFile = join(s.work, `${b.name}-capture.json`);
  const outFile = join(s.work, `${b.name}-captured.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const env = lambdaEnv('decide', b.functions.decide as FunctionConfig, {
    ...s.common,
    AWS_ENDPOINT_URL_CONNECT: connectUrl,
  });
  await runChild(node.path, ['capture', specFile, outFile], env);
  const captured = JSON.parse(readFileSync(outFile, 'utf8')) as Captured;
  const problem = answerProblem('decide', captured.decision);
  if (problem) throw new Error(`cold-start capture (${b.name}): ${problem}`);
  return captured;
}

/** The payload each function handled in the captured decision (every Task function must have run). */
function payloadsOf(
  b: BuildConfig,
  tasks: Record<string, string>,
  captured: Captured,
  event: unknown,
): Record<string, unknown> {
  const events: Record<string, unknown> = { decide: event, simple: event };
  for (const entry of Object.values(tasks)) {
    if (!(entry in captured.inputs)) throw new Error(`cold-start capture (${b.name}): ${entry} never ran`);
    events[entry] = captured.inputs[entry];
  }
  events.__decision = captured.decision;
  return events;
}

/** Bundles a build and captures its decision. */
async function prepareBuild(
  given: BuildConfig,
  s: ColdScenario,
  node: NodeBinary,
  log: (line: string) => void,
): Promise<PreparedBuild> {
  const b = withOwnStateMachine(given);
  log(`cold start: bundling ${b.name} …`);
  const bundles = await bundleBuild(b, s.work);
  const connectUrl = (await s.connectFor(b.hashedKeys)).url;
  const tasks = taskFunctionsOf(b.srcRoot);
  const captured = await captureDecision(b, bundles, tasks, connectUrl, s, node);
  const events = payloadsOf(b, tasks, captured, s.event);
  return { build: b, bundles, events, connectUrl, sfnOutput: captured.sfnOutput };
}

/** Every build, bundled and captured, by name. */
export async function prepareBuilds(
  builds: BuildConfig[],
  s: ColdScenario,
  node: NodeBinary,
  log: (line: string) => void,
): Promise<Map<string, PreparedBuild>> {
  const prepared = new Map<string, PreparedBuild>();
  for (const given of builds) {
    const p = await prepareBuild(given, s, node, log);
    prepared.set(p.build.name, p);
  }
  return prepared;
}

/** The stub that answers each build's StartSyncExecution with its captured output, and the secret. */
export async function replayStub(
  prepared: Map<string, PreparedBuild>,
  s: ColdScenario,
  closers: Closers,
): Promise<Endpoint> {
  const answers = new Map([...prepared.values()].map((p) => [stateMachineArn(p.build.name), p.sfnOutput]));
  const stub = await awsJsonStub(s.tls, answers, s.secret);
  closers.add(() => stub.close());
  return stub;
}
