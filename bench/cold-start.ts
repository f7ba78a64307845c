import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type Server, connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { instanceArnOf } from '../local/connect/event-feed';
import type { Scenario } from '../local/connect/scenario';
import { startLocalConnect } from '../local/connect/server';
import { connectEventFor } from '../local/session';
import { customerKeyFor } from '../steps/lib/decision/caller';
import { MB_PER_VCPU } from './aws-model';
import { generateContactCenter } from './generator';
import { type Progress, QUIET } from './progress';
import { columns, figures, round, roundedPercentile, withTempDir } from './stats';

/**
 * The cold-start bench. Scenario: every build bundled with its own esbuild settings, one real
 * decision captured through its bundles, local endpoints. Measure: for every sample, a fresh Node
 * process (cold-child.cjs) loads a bundle and handles its captured payload twice (cold, then warm),
 * its first Connect / Step Functions / Secrets Manager round trip over TLS to a local endpoint.
 * Table: per function and over the critical path, every variant side by side.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./cold-child.cjs', import.meta.url));

/**
 * "Before": the landed tree before issue 20 (layout and cold path): the route choice a Lambda of
 * its own, CommonJS bundles with the SDK's whole default credential chain and both secret-store
 * clients in the entry function, which read its key secret on the first call.
 */
export const BASELINE_COMMIT = 'fda8f31';

/** esbuild settings as `NodejsFunction` passes them (the CDK `bundling` props this bench needs). */
export interface BundleSettings {
  minify: boolean;
  sourceMap: boolean;
  sourcesContent: boolean;
  target: string;
  format: 'cjs' | 'esm';
  mainFields: string[];
  /** esbuild `define` (the stack's bundle flags: infra/constructs/step-function.ts). */
  define?: Record<string, string>;
  /** Code before the bundle (the ES module `require` shim). */
  banner?: string;
  /** Package → file replacements, relative to the build's source root (`BUNDLE_ALIAS`). */
  alias?: Record<string, string>;
}

/** The baseline stack's bundling of a search deployment (infra/constructs/step-function.ts at the baseline commit). */
export const BASELINE_BUNDLING: BundleSettings = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
  define: { 'process.env.LAST_AGENT_BUNDLE_INDEX': '"false"' },
};

/** How a function is deployed: its memory, and the environment Lambda gives it (NODE_OPTIONS included). */
export type FunctionConfig = { memoryMb: number; env: Record<string, string> };

export interface BuildConfig {
  name: string;
  /** Holds steps/ and statemachine/ of this build. */
  srcRoot: string;
  bundling: BundleSettings;
  /** entry (steps/<entry>.ts, or "simple") → how it is deployed. */
  functions: Record<string, FunctionConfig>;
  /** The entry Lambda hashes caller numbers (the local Connect then stores hashed keys). */
  hashedKeys: boolean;
  /** What the bench had to change to run the build (reported). */
  notes?: string[];
}

export interface ColdVariant {
  label: string;
  build: string;
  /** Limit the process to the CPU Lambda gives this much memory (cgroup CPU quota). */
  cpuMb?: number;
  /** Only these functions (default: all of the build). */
  entries?: string[];
}

export interface ColdStartOptions {
  builds: BuildConfig[];
  variants: ColdVariant[];
  samples: number;
  /** Node binary for the fresh processes (Lambda runs Node 22). */
  node?: string;
  /** Where the run says which phase it runs and how many samples are done (bench/progress.ts). */
  progress?: Progress;
}

export interface FunctionColdResult {
  bundleKb: number;
  mapKb: number;
  /** import() of the bundle, median (ms). */
  importMs: number;
  /** First invocation, median (ms). */
  firstMs: number;
  /** import + first invocation: median and p90 (ms). */
  coldMs: number;
  coldP90: number;
  /** The same invocation warm, median (ms). */
  warmMs: number;
  /** import + first − warm, median (ms): what a cold start adds to the warm path. */
  penaltyMs: number;
  /** CPU time of import + first invocation, median (ms). */
  cpuMs: number;
}

export interface VariantResult {
  label: string;
  build: string;
  nodeOptions: string;
  cpuMb?: number;
  functions: Record<string, FunctionColdResult>;
  /** Sum over the build's critical path (`criticalPathOf`) of the median import + first invocation (ms). */
  criticalPathMs?: number;
}

export interface ColdStartReport {
  node: string;
  tls: boolean;
  cpuLimit: string;
  samples: number;
  baselineCommit: string;
  variants: VariantResult[];
  notes: string[];
}

/**
 * The serial critical path of a decision among a build's functions; an inner list runs side by
 * side (the Parallel state). Builds before issue 20 ended with a Choose Route Lambda.
 */
export function criticalPathOf(entries: string[]): (string | string[])[] {
  return [
    'decide',
    'search-contacts',
    'pick-last-agent-contact',
    ['check-agent-availability', 'check-last-contact-csat'],
    ...(entries.includes('choose-route') ? ['choose-route'] : []),
  ];
}

/** The current build's critical path: the entry function applies the route choice itself. */
export const CRITICAL_PATH = criticalPathOf([]);

/** Sum over the critical path of a per-function figure (the Parallel state counts its slowest branch). */
export function criticalPathSum(values: Record<string, number | undefined>, path = CRITICAL_PATH) {
  let sum = 0;
  for (const step of path) {
    const xs = (Array.isArray(step) ? step : [step]).map((e) => values[e]);
    if (xs.some((x) => x === undefined)) return undefined;
    sum += Math.max(...(xs as number[]));
  }
  return sum;
}

/** Cold start per function for every variant; variants and functions alternate order sample by sample. */
export async function runColdStart(o: ColdStartOptions): Promise<ColdStartReport> {
  return withTempDir('last-agent-cold-', async (work) => {
    // What the run started (local servers, cgroups), closed last-started-first when it ends.
    const closers: (() => Promise<void> | void)[] = [];
    try {
      // Scenario: every build bundled and its decision captured; the endpoints that replay it.
      const run = startRun(o, work, closers);
      const prepared = new Map<string, PreparedBuild>();
      for (const b of o.builds) prepared.set(b.name, await prepareBuild(run, b));
      const outputs = [...prepared.values()].map(
        (p) => [stateMachineArn(p.build.name), p.sfnOutput] as const,
      );
      const stub = await awsJsonStub(run.tls, new Map(outputs));
      closers.push(() => stub.close());
      // Measure: every (variant, function) in fresh processes, sample after sample.
      const samples = await sampleAll(run, sampleJobs(run, o.variants, prepared), o.samples, stub.url);
      return {
        node: run.node.version,
        tls: Boolean(run.tls),
        cpuLimit:
          run.limiter?.kind ??
          (o.variants.some((v) => v.cpuMb)
            ? 'none (no writable cgroup: CPU-limited variants skipped)'
            : 'not used'),
        samples: o.samples,
        baselineCommit: BASELINE_COMMIT,
        // A variant none of whose functions was sampled (no cgroup) is left out.
        variants: o.variants.flatMap((v) =>
          variantResult(v, prepared.get(v.build) as PreparedBuild, samples),
        ),
        notes: o.builds.flatMap((b) => (b.notes ?? []).map((n) => `${b.name}: ${n}`)),
      };
    } finally {
      for (const close of closers.reverse()) await close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The builds: before (the baseline commit) and after (this tree, as the synthesised stack deploys it)

/** The Task functions of a tree's statemachine/definition.ts (placeholder → entry). */
function taskFunctionsOf(srcRoot: string): Record<string, string> {
  const text = readFileSync(join(srcRoot, 'statemachine', 'definition.ts'), 'utf8');
  return Object.fromEntries([...text.matchAll(/(\w+FunctionArn):\s*'([\w-]+)'/g)].map((m) => [m[1], m[2]]));
}

const stateMachineArn = (build: string) =>
  `arn:aws:states:us-east-1:123456789012:stateMachine:bench-${build}`;
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:last-agent-key-AbCdEf';

/**
 * The baseline tree (steps/, statemachine/; this checkout's packages) deployed as the current
 * stack deploys its functions (memory, environment, hashed keys): the two builds differ in their
 * code and bundling only. A function the current stack no longer has (the Choose Route Lambda) is
 * deployed like the other steps.
 */
export function baselineBuild(workDir: string, deployed: BuildConfig): BuildConfig {
  const srcRoot = join(workDir, `src-${BASELINE_COMMIT}`);
  mkdirSync(srcRoot, { recursive: true });
  const archive = execFileSync('git', ['-C', ROOT, 'archive', BASELINE_COMMIT, 'steps', 'statemachine'], {
    maxBuffer: 64 * 2 ** 20,
  });
  execFileSync('tar', ['-x', '-C', srcRoot], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(srcRoot, 'node_modules'));
  const entries = ['decide', ...Object.values(taskFunctionsOf(srcRoot))];
  const step = deployed.functions['pick-last-agent-contact'] as FunctionConfig;
  return {
    name: 'before',
    srcRoot,
    bundling: BASELINE_BUNDLING,
    hashedKeys: deployed.hashedKeys,
    functions: Object.fromEntries(entries.map((e) => [e, deployed.functions[e] ?? step])),
  };
}

type Stack = InstanceType<typeof import('../infra/stack')['LastAgentRoutingStack']>;

/** A function's memory and environment; deploy-time references get stand-ins. */
function functionConfigOf(stack: Stack, fn: { node: { defaultChild?: unknown } }): FunctionConfig {
  const cfn = fn.node.defaultChild as { memorySize?: number; environment?: unknown };
  const resolved = stack.resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(resolved?.variables ?? {})) {
    if (typeof v === 'string') env[k] = v;
    else if (k === 'STATE_MACHINE_ARN') env[k] = stateMachineArn('after');
    else if (k.endsWith('SECRET_ARN')) env[k] = SECRET_ARN;
    else throw new Error(`cold-start bench: no stand-in for ${k} (a deploy-time reference)`);
  }
  return { memoryMb: Number(stack.resolve(cfn.memorySize) ?? 128), env };
}

/**
 * The current tree as the CDK stack deploys it (synthesised with stand-in ARNs, not bundled):
 * memory, environment (NODE_OPTIONS included) and the bundling of a default
 * (LAST_AGENT_SOURCE=search) deployment, so the bench measures what `cdk deploy` ships.
 */
export async function currentBuildFromStack(): Promise<BuildConfig> {
  const { App } = await import('aws-cdk-lib');
  const { parseDeployContext } = await import('../infra/context');
  const stackModule = await import('../infra/stack');
  const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555';
  const context: Record<string, string> = {
    instanceArn,
    defaultQueueArn: `${instanceArn}/queue/aaaaaaaa-2222-4333-8444-555555555555`,
  };
  const settings = parseDeployContext((k) => context[k]);
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new stackModule.LastAgentRoutingStack(app, 'ColdStartBench', {
    settings,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  const functions: Record<string, FunctionConfig> = { decide: functionConfigOf(stack, stack.entryFunction) };
  const tasks = taskFunctionsOf(ROOT);
  for (const [placeholder, fn] of Object.entries(stack.stepFunctions)) {
    const entry = tasks[placeholder];
    if (entry) functions[entry] = functionConfigOf(stack, fn);
  }
  const b = stackModule.bundlingFor({ keySecretStore: stackModule.keySecretStoreOf(settings) });
  const { format, esbuildArgs, externalModules: _, ...bundling } = b;
  // The stack passes its aliases to esbuild as `--alias:<package>` arguments.
  const alias = Object.entries(esbuildArgs).map(([arg, to]) => [arg.replace(/^--alias:/, ''), String(to)]);
  const esm = String(format) === 'esm';
  return {
    name: 'after',
    srcRoot: ROOT,
    bundling: { ...bundling, format: esm ? 'esm' : 'cjs', alias: Object.fromEntries(alias) },
    functions,
    hashedKeys: functions.decide?.env.LAST_AGENT_KEY_MODE === 'hmac-sha256',
    notes: [],
  };
}

/** The ten-line Lambda of the benchmark (bench/contenders.ts), deployed like the entry Lambda. */
function simpleEntry(workDir: string): string {
  const file = join(workDir, 'simple-handler.ts');
  writeFileSync(
    file,
    `import { ConnectClient } from '@aws-sdk/client-connect';
import { simpleLastAgent } from ${JSON.stringify(join(ROOT, 'bench', 'contenders.ts'))};
const client = new ConnectClient({});
export const handler = async (event: { Details: { ContactData: { InstanceARN: string; CustomerEndpoint: { Address: string } } } }) =>
  simpleLastAgent(client, {
    instanceId: event.Details.ContactData.InstanceARN.split('/').pop() as string,
    phone: event.Details.ContactData.CustomerEndpoint.Address,
    now: new Date(),
  });
`,
  );
  return file;
}

type Bundle = { path: string; bytes: number; mapBytes: number };

/** Every function of a build, bundled with the build's own esbuild settings. */
async function bundleBuild(b: BuildConfig, work: string): Promise<Record<string, Bundle>> {
  const s = b.bundling;
  const alias =
    s.alias && Object.fromEntries(Object.entries(s.alias).map(([k, to]) => [k, join(b.srcRoot, to)]));
  const bundles: Record<string, Bundle> = {};
  for (const entry of Object.keys(b.functions)) {
    // As NodejsFunction names them: Lambda loads an .mjs handler as an ES module.
    const outfile = join(work, b.name, entry, s.format === 'esm' ? 'index.mjs' : 'index.js');
    await build({
      entryPoints: [entry === 'simple' ? simpleEntry(work) : join(b.srcRoot, 'steps', `${entry}.ts`)],
      bundle: true,
      platform: 'node',
      target: s.target,
      format: s.format,
      minify: s.minify,
      sourcemap: s.sourceMap,
      sourcesContent: s.sourcesContent,
      mainFields: s.mainFields,
      ...(s.define ? { define: s.define } : {}),
      ...(s.banner ? { banner: { js: s.banner } } : {}),
      ...(alias ? { alias } : {}),
      outfile,
      // The generated simple handler lives outside the tree: let it find this checkout's packages.
      nodePaths: [join(ROOT, 'node_modules')],
      logLevel: 'silent',
    });
    const size = (p: string) => (existsSync(p) ? readFileSync(p).length : 0);
    bundles[entry] = { path: outfile, bytes: size(outfile), mapBytes: size(`${outfile}.map`) };
  }
  return bundles;
}

// ---------------------------------------------------------------------------------------------
// Local endpoints: Connect behind TLS, and a Step Functions / Secrets Manager / SSM stub

type Tls = { key: string; cert: string; certFile: string };
type Endpoint = { url: string; close(): Promise<void> };

/** A self-signed RSA-2048 certificate for the local endpoints (AWS endpoints serve RSA-2048 too). */
function makeCertificate(dir: string): Tls | undefined {
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  const san = 'subjectAltName=DNS:localhost,DNS:sync-localhost,IP:127.0.0.1';
  const args = `req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext ${san}`.split(' ');
  try {
    execFileSync('openssl', [...args, '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** Listens on a free local port: the endpoint's URL, and how to close it. */
async function listenLocal(server: Server, scheme: string): Promise<Endpoint> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${scheme}://localhost:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as Partial<{ closeAllConnections(): void }>).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Terminates TLS in front of a plain-HTTP local server. */
async function tlsFront(port: number, tls: Tls | undefined): Promise<Endpoint> {
  if (!tls) return { url: `http://localhost:${port}`, close: async () => undefined };
  const server = createTlsServer({ key: tls.key, cert: tls.cert }, (socket) => {
    const upstream = netConnect(port, '127.0.0.1');
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  return listenLocal(server, 'https');
}

/** Answers StartSyncExecution (the decision captured for that build), GetSecretValue and GetParameter. */
function awsJsonStub(tls: Tls | undefined, answers: Map<string, unknown>): Promise<Endpoint> {
  const answer = (target: string, body: Record<string, string>) => {
    const now = Date.now() / 1000;
    if (target.endsWith('.StartSyncExecution'))
      return {
        executionArn: `${body.stateMachineArn}:bench`,
        startDate: now,
        stopDate: now,
        status: 'SUCCEEDED',
        output: JSON.stringify(answers.get(body.stateMachineArn as string) ?? {}),
      };
    if (target.endsWith('.GetSecretValue'))
      return { ARN: body.SecretId, Name: 'bench', SecretString: SECRET, VersionId: 'v1' };
    if (target.endsWith('.GetParameter'))
      return { Parameter: { Name: body.Name, Type: 'SecureString', Value: SECRET, Version: 1 } };
    return undefined;
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const out = answer(target, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      res.writeHead(out ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(out ?? { __type: 'UnknownOperationException', message: target }));
    });
  };
  const server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(handler);
  return listenLocal(server, tls ? 'https' : 'http');
}

// ---------------------------------------------------------------------------------------------
// Scenario: one returning caller's decision, replayed by fresh Node processes (bench/cold-child.cjs)

const SECRET = 'bench-key-secret-0123456789abcdef';

type NodeBinary = { path: string; version: string };

/** What every step of a run shares. */
type Run = ReturnType<typeof startRun>;
/** A build, bundled, with the payload each of its functions handled in the captured decision. */
type PreparedBuild = Awaited<ReturnType<typeof prepareBuild>>;

/** The run's Node, certificate and CPU limiter, and a caller whose last agent is available: the whole pipeline runs (CSAT gate on). */
function startRun(o: ColdStartOptions, work: string, closers: (() => Promise<void> | void)[]) {
  const tls = makeCertificate(work);
  const limiter = o.variants.some((v) => v.cpuMb) ? cpuLimiter() : undefined;
  if (limiter) closers.push(() => limiter.close());
  const size = { agents: 10, customers: 120, calls: 60, meanHistory: 5, historyDays: 6 };
  const now = new Date(Date.now() - 60_000).toISOString();
  const center = generateContactCenter({ seed: 7, ...size, now });
  const call =
    center.truth.find((t) => t.agentId && t.agentState === 'AVAILABLE') ??
    center.truth.find((t) => t.agentId);
  if (!call) throw new Error('cold-start bench: the generated scenario has no returning caller');
  const scenario: Scenario = { ...center.scenario, faults: { seed: 1, inject: [] } };
  const connects = new Map<boolean, Endpoint>();
  const keys = { keyMode: 'hmac-sha256', keySecret: SECRET } as const;
  return {
    work,
    node: resolveNode(o.node),
    tls,
    limiter,
    progress: o.progress ?? QUIET,
    /** The contact flow's event for the caller. */
    event: connectEventFor({ phone: call.phone, instanceArn: instanceArnOf(scenario) }),
    /** Environment every process gets besides the function's own and the endpoints. */
    common: { LAST_AGENT_CSAT_ATTRIBUTE: 'csat', ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}) },
    /** The local Connect (behind TLS) storing hashed or E.164 customer keys, started on first use. */
    async connectFor(hashed: boolean): Promise<Endpoint> {
      const existing = connects.get(hashed);
      if (existing) return existing;
      const customerKeyOf = (phone: string) => customerKeyFor(phone, keys);
      const connect = await startLocalConnect(scenario, hashed ? { customerKeyOf } : {});
      const front = await tlsFront(Number(new URL(connect.endpoint).port), tls);
      closers.push(() => front.close());
      closers.push(() => connect.close());
      connects.set(hashed, front);
      return front;
    },
  };
}

/** The Node binary for the samples: the one given, else Node 22 from the npm cache, else this one. */
function resolveNode(given?: string): NodeBinary {
  const version = (path: string) => execFileSync(path, ['-v'], { encoding: 'utf8' }).trim();
  if (given) return { path: given, version: version(given) };
  try {
    const path = execFileSync('npx', ['--offline', '-y', 'node@22', '-p', 'process.execPath'], {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (path && existsSync(path)) return { path, version: version(path) };
  } catch {
    // No cached Node 22: measure on this Node and say so in the report.
  }
  return { path: process.execPath, version: process.version };
}

/**
 * Bundles a build and runs one whole decision through its bundles (cold-child.cjs capture: entry
 * bundle → the stub's StartSyncExecution → the build's own ASL → the step bundles), checked: the
 * payload each function received, for the samples to replay.
 */
async function prepareBuild(run: Run, given: BuildConfig) {
  // The entry Lambda starts "this build's" state machine: the local stand-in answers it.
  const decide = given.functions.decide ?? { memoryMb: 1024, env: {} };
  const ownDecide = { ...decide, env: { ...decide.env, STATE_MACHINE_ARN: stateMachineArn(given.name) } };
  const b: BuildConfig = { ...given, functions: { ...given.functions, decide: ownDecide } };
  run.progress.phase(`cold start: bundling and capturing ${b.name}`);
  const bundles = await bundleBuild(b, run.work);
  const connectUrl = (await run.connectFor(b.hashedKeys)).url;
  const tasks = taskFunctionsOf(b.srcRoot);
  const spec = {
    aslPath: join(b.srcRoot, 'statemachine', 'last-agent-routing.asl.json'),
    functions: tasks,
    bundles: Object.fromEntries(Object.entries(bundles).map(([e, x]) => [e, x.path])),
    env: Object.assign({}, ...Object.values(b.functions).map((f) => f.env), { NODE_OPTIONS: '' }),
    event: run.event,
    secret: SECRET,
    entry: 'decide',
  };
  const specFile = join(run.work, `${b.name}-capture.json`);
  const outFile = join(run.work, `${b.name}-captured.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const common = { ...run.common, AWS_ENDPOINT_URL_CONNECT: connectUrl };
  await runChild(run, ['capture', specFile, outFile], lambdaEnv('decide', ownDecide, common));
  const captured = JSON.parse(readFileSync(outFile, 'utf8'));
  const problem = answerProblem('decide', captured.decision);
  if (problem) throw new Error(`cold-start capture (${b.name}): ${problem}`);
  const events: Record<string, unknown> = { decide: run.event, simple: run.event };
  for (const entry of Object.values(tasks)) {
    if (!(entry in captured.inputs)) throw new Error(`cold-start capture (${b.name}): ${entry} never ran`);
    events[entry] = captured.inputs[entry];
  }
  // `__decision`: the decision the entry function answered; the stub answers StartSyncExecution with sfnOutput.
  events.__decision = captured.decision;
  return { build: b, bundles, events, connectUrl, sfnOutput: captured.sfnOutput as unknown };
}

/** Runs bench/cold-child.cjs in a fresh process (in the cgroup whose `procs` file is given). */
function runChild(run: Run, args: string[], env: Record<string, string>, procs?: string): Promise<void> {
  const node = run.node.path;
  const [command, argv] = procs
    ? ['sh', ['-c', `echo $$ > '${procs}' && exec "$0" "$@"`, node, CHILD, ...args]]
    : [node, [CHILD, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, argv as string[], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`cold-start child ${args[0]} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

/** What every process gets besides the function's own environment (as Lambda sets it). */
function lambdaEnv(entry: string, fn: FunctionConfig, common: Record<string, string>) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIABENCHLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_LAMBDA_FUNCTION_NAME: entry,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...common,
    ...fn.env,
  };
}

/** Why a function's answer shows the process did not run the real path, if it does. */
function answerProblem(entry: string, answer: unknown, expected?: unknown): string | undefined {
  if (answer === undefined || answer === null) return `${entry} returned nothing`;
  if (entry !== 'decide') return undefined;
  const { route, reason } = answer as { route?: string; reason?: string };
  if (!route || ['CONFIG_ERROR', 'LOOKUP_ERROR', 'LOOKUP_TIMEOUT', 'LOOKUP_THROTTLED'].includes(reason ?? ''))
    return `decide answered ${route} ${reason}`;
  const want = (expected as { route?: string } | undefined)?.route;
  if (want && want !== route) return `decide answered ${route}, the captured decision was ${want}`;
  return undefined;
}

type CpuLimiter = NonNullable<ReturnType<typeof cpuLimiter>>;
const CPU_PERIOD_US = 100_000;

/**
 * Lambda allocates CPU in proportion to memory (one vCPU at 1,769 MB). Here that share is a
 * CFS quota on a cgroup (v1 cpu controller or v2 cpu.max), the mechanism Linux offers; it needs
 * a writable cgroup file system (root in a container that mounts it read-write). Without one the
 * CPU-limited variants are skipped and the report says so.
 */
function cpuLimiter() {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const base = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/cpu';
  try {
    const probe = join(base, `last-agent-bench-${process.pid}-probe`);
    mkdirSync(probe);
    rmdirSync(probe);
  } catch {
    return undefined;
  }
  const made: string[] = [];
  return {
    kind: `${v2 ? 'cgroup v2 cpu.max' : 'cgroup v1 cfs quota'}, period ${CPU_PERIOD_US / 1000} ms`,
    /** The cgroup.procs file of a group limited to Lambda's CPU share for `mb`. */
    procsFor(mb: number) {
      const dir = join(base, `last-agent-bench-${process.pid}-${mb}`);
      if (!made.includes(dir)) {
        mkdirSync(dir, { recursive: true });
        const quota = Math.round((mb / MB_PER_VCPU) * CPU_PERIOD_US);
        if (v2) writeFileSync(join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
        else {
          writeFileSync(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
          writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
        }
        made.push(dir);
      }
      return join(dir, 'cgroup.procs');
    },
    close() {
      for (const dir of made) {
        try {
          rmdirSync(dir);
        } catch {
          // A group still holding a process is removed by the system once it exits.
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measure: every (variant, function) in fresh processes, sample after sample

/** One function of one variant, with the file holding its captured payload. */
type Job = { v: ColdVariant; p: PreparedBuild; entry: string; eventFile: string };

/** What one `sample` process reports (ms), with the function's two answers. */
interface ChildSample {
  bootMs: number;
  importMs: number;
  firstMs: number;
  warmMs: number;
  cpuMs: number;
  first: unknown;
  second: unknown;
}

/** Every (variant, function) to sample; CPU-limited variants only where a cgroup can limit them. */
function sampleJobs(run: Run, variants: ColdVariant[], prepared: Map<string, PreparedBuild>): Job[] {
  const jobs = variants.flatMap((v) => {
    const p = prepared.get(v.build);
    if (!p) throw new Error(`cold-start variant ${v.label}: no build ${v.build}`);
    if (v.cpuMb && !run.limiter) return [];
    return (v.entries ?? Object.keys(p.build.functions))
      .filter((e) => e in p.build.functions)
      .map((entry) => ({ v, p, entry, eventFile: join(run.work, `${p.build.name}-${entry}-event.json`) }));
  });
  for (const { p, entry, eventFile } of jobs)
    writeFileSync(eventFile, JSON.stringify({ name: entry, event: p.events[entry] }));
  return jobs;
}

/** `samples` rounds over every job, in alternating order round by round; by "variant label/entry". */
async function sampleAll(run: Run, jobs: Job[], samples: number, stubUrl: string) {
  const out = new Map<string, ChildSample[]>();
  for (let i = 0; i < samples; i++) {
    run.progress.phase(`cold start: sample ${i + 1}/${samples}`);
    const order = i % 2 === 0 ? jobs : [...jobs].reverse();
    for (const [j, job] of order.entries()) {
      const s = await sampleOnce(run, job, stubUrl);
      const key = `${job.v.label}/${job.entry}`;
      out.set(key, [...(out.get(key) ?? []), s]);
      run.progress.count(j + 1, jobs.length, 'fresh processes');
    }
  }
  return out;
}

/** One fresh process: loads the bundle, handles its payload cold then warm; both answers checked. */
async function sampleOnce(run: Run, { v, p, entry, eventFile }: Job, stubUrl: string): Promise<ChildSample> {
  const env = lambdaEnv(entry, p.build.functions[entry] as FunctionConfig, {
    ...run.common,
    AWS_ENDPOINT_URL_CONNECT: p.connectUrl,
    AWS_ENDPOINT_URL_SFN: stubUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stubUrl,
    AWS_ENDPOINT_URL_SSM: stubUrl,
  });
  const outFile = join(run.work, 'sample.json');
  rmSync(outFile, { force: true });
  const procs = v.cpuMb && run.limiter ? run.limiter.procsFor(v.cpuMb) : undefined;
  const bundle = (p.bundles[entry] as Bundle).path;
  await runChild(run, ['sample', bundle, eventFile, outFile], env, procs);
  const s = JSON.parse(readFileSync(outFile, 'utf8')) as ChildSample;
  const problem =
    answerProblem(entry, s.first, p.events.__decision) ?? answerProblem(entry, s.second, p.events.__decision);
  if (problem) throw new Error(`cold-start sample ${v.label} ${entry}: ${problem}`);
  return s;
}

/** One variant's functions (medians, and the cold p90) and critical path; none if nothing was sampled. */
function variantResult(v: ColdVariant, p: PreparedBuild, samples: Map<string, ChildSample[]>) {
  const functions: Record<string, FunctionColdResult> = {};
  for (const entry of Object.keys(p.build.functions)) {
    const xs = samples.get(`${v.label}/${entry}`);
    if (!xs?.length) continue;
    const b = p.bundles[entry] as Bundle;
    const med = (f: (s: ChildSample) => number) => roundedPercentile(xs.map(f), 50);
    const cold = xs.map((s) => s.importMs + s.firstMs);
    functions[entry] = {
      bundleKb: round(b.bytes / 1024),
      mapKb: round(b.mapBytes / 1024),
      importMs: med((s) => s.importMs),
      firstMs: med((s) => s.firstMs),
      coldMs: roundedPercentile(cold, 50),
      coldP90: roundedPercentile(cold, 90),
      warmMs: med((s) => s.warmMs),
      penaltyMs: med((s) => s.importMs + s.firstMs - s.warmMs),
      cpuMs: med((s) => s.cpuMs),
    };
  }
  if (Object.keys(functions).length === 0) return [];
  const criticalPathMs = criticalPathSum(
    Object.fromEntries(Object.entries(functions).map(([e, f]) => [e, f.coldMs])),
    criticalPathOf(Object.keys(p.build.functions)),
  );
  return {
    label: v.label,
    build: v.build,
    nodeOptions: p.build.functions.decide?.env.NODE_OPTIONS ?? '',
    ...(v.cpuMb ? { cpuMb: v.cpuMb } : {}),
    functions,
    ...(criticalPathMs !== undefined ? { criticalPathMs: round(criticalPathMs) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Table

/** The cold-start tables: per function and over the critical path, every variant side by side. */
export function formatCold(c: ColdStartReport): string {
  const entries = [...new Set(c.variants.flatMap((v) => Object.keys(v.functions)))];
  const builds = [...new Set(c.variants.map((v) => v.build))];
  const of = (b: string, e: string) => c.variants.find((v) => v.build === b && v.functions[e])?.functions[e];
  const before = c.variants.find((v) => v.label === 'before')?.criticalPathMs;
  const after = c.variants.find((v) => v.label === 'after')?.criticalPathMs;
  return [
    `Cold start: fresh ${c.node} process per sample, ${c.samples} samples, median (p90) of import + first invocation in ms,`,
    `first ${c.tls ? 'TLS ' : ''}round trips to local endpoints included; CPU limit: ${c.cpuLimit}; baseline ${c.baselineCommit}`,
    figures('function', c.variants, (v) => v.label, [
      ...entries.map((e) => [e, (v: VariantResult) => cold(v.functions[e])] as const),
      ['critical path (sum)', (v) => v.criticalPathMs ?? '—'],
    ]),
    '',
    // Bundle and source-map size per build, and CPU time per variant.
    columns(entries, [
      ['function', (e) => e],
      ...builds.map((b) => [`${b} bundle/map KB`, (e: string) => sizes(of(b, e))] as const),
      ...c.variants.map((v) => [`CPU ms ${v.label}`, (e: string) => v.functions[e]?.cpuMs ?? '—'] as const),
    ]),
    // "before → after" over the critical path at the same CPU, when both were measured.
    ...(before && after
      ? ['', `Critical path, same CPU: ${before} → ${after} ms (${round((1 - after / before) * 100)}% less)`]
      : []),
    ...c.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

const cold = (f?: FunctionColdResult) => (f ? `${f.coldMs} (${f.coldP90})` : '—');
const sizes = (f?: FunctionColdResult) => (f ? `${f.bundleKb} / ${f.mapKb}` : '—');

// ---------------------------------------------------------------------------------------------
// The section of `npm run bench`

/** `memoryMb`: the memory sizes (MB) at whose CPU share the builds are also measured; default: the stack's. */
export type ColdBenchOptions = Pick<ColdStartOptions, 'samples' | 'node'> & { memoryMb?: number[] };

/**
 * The baseline build and the current one side by side, at full CPU and at Lambda's CPU share of
 * each memory size; with the figures of each build the design table uses: at its deployed memory
 * if measured, else at full CPU.
 */
export async function coldBench(o: ColdBenchOptions, progress: Progress = QUIET) {
  const { report, deployedMb } = await withTempDir('last-agent-baseline-', async (work) => {
    progress.phase('cold start: the builds (the stack, the baseline commit)');
    const after = await currentBuildFromStack();
    let before: BuildConfig | undefined;
    try {
      before = baselineBuild(work, after);
    } catch (err) {
      // A shallow clone has no baseline commit: measure the current build alone and say so.
      progress.note(
        `cold start: no baseline build (${(err as Error).message.split('\n')[0]}); current build only`,
      );
    }
    const decide = after.functions.decide;
    if (!decide) throw new Error('the stack has no entry function');
    // The ten-line Lambda, deployed like the entry Lambda, for the "simple" design's cold start.
    const env = { NODE_OPTIONS: decide.env.NODE_OPTIONS ?? '' };
    after.functions.simple = { memoryMb: decide.memoryMb, env };
    const builds = before ? ['before', 'after'] : ['after'];
    const cpuVariants = (o.memoryMb ?? [decide.memoryMb]).flatMap((mb) =>
      builds.map((build) => ({ label: `${build} @${mb} MB`, build, cpuMb: mb })),
    );
    const report = await runColdStart({
      builds: before ? [before, after] : [after],
      variants: [...builds.map((build) => ({ label: build, build })), ...cpuVariants],
      samples: o.samples,
      ...(o.node ? { node: o.node } : {}),
      progress,
    });
    return { report, deployedMb: decide.memoryMb };
  });
  const figures = (build: string) => {
    const variants = report.variants.filter((v) => v.build === build);
    return variants.find((v) => v.cpuMb === deployedMb) ?? variants.find((v) => !v.cpuMb);
  };
  return { report, after: figures('after'), before: figures('before') };
}
