import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  rmdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Scenario } from '../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../local/connect/server';
import { connectEventFor } from '../local/session';
import { customerKeyFor } from '../steps/lib/decision/caller';
import { generateContactCenter } from './generator';
import { percentile, round } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./cold-child.cjs', import.meta.url));

/** "Today's build" in the issue: the landed round-1 tree. */
export const BASELINE_COMMIT = '9036953';

/** The serial critical path of a decision; an inner list runs side by side (the Parallel state). */
export const CRITICAL_PATH: (string | string[])[] = [
  'decide',
  'search-contacts',
  'pick-last-agent-contact',
  ['check-agent-availability', 'check-last-contact-csat'],
  'choose-route',
];

/** esbuild settings as `NodejsFunction` passes them (the CDK `bundling` props this bench needs). */
export interface BundleSettings {
  minify: boolean;
  sourceMap: boolean;
  sourcesContent: boolean;
  target: string;
  format: 'cjs' | 'esm';
  mainFields: string[];
  /** esbuild `define` (the stack's routing-state flag: infra/constructs/step-function.ts). */
  define?: Record<string, string>;
}

/** The round-1 stack's bundling (infra/stack.ts at the baseline commit). */
export const BASELINE_BUNDLING: BundleSettings = {
  minify: true,
  sourceMap: true,
  sourcesContent: true,
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
};

export interface FunctionConfig {
  memoryMb: number;
  /** The environment Lambda gives the function (NODE_OPTIONS included). */
  env: Record<string, string>;
}

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
  /** Replaces the deployed NODE_OPTIONS (e.g. to measure --enable-source-maps). */
  nodeOptions?: string;
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
  log?: (line: string) => void;
}

export interface FunctionColdResult {
  bundleKb: number;
  mapKb: number;
  /** require() of the bundle, median (ms). */
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
  /** Sum over CRITICAL_PATH of the median import + first invocation (ms). */
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

/** Sum over the critical path of a per-function figure (the Parallel state counts its slowest branch). */
export function criticalPathSum(
  values: Record<string, number | undefined>,
  path = CRITICAL_PATH,
): number | undefined {
  let sum = 0;
  for (const step of path) {
    const xs = (Array.isArray(step) ? step : [step]).map((e) => values[e]);
    if (xs.some((x) => x === undefined)) return undefined;
    sum += Math.max(...(xs as number[]));
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Builds

/** The Task functions of a tree's statemachine/definition.ts (placeholder → entry). */
function taskFunctionsOf(srcRoot: string): Record<string, string> {
  const text = readFileSync(join(srcRoot, 'statemachine', 'definition.ts'), 'utf8');
  return Object.fromEntries([...text.matchAll(/(\w+FunctionArn):\s*'([\w-]+)'/g)].map((m) => [m[1], m[2]]));
}

/** Extracts the baseline tree (steps/, statemachine/) and lets it resolve this checkout's packages. */
export function baselineSource(workDir: string, commit = BASELINE_COMMIT): string {
  const dir = join(workDir, `src-${commit}`);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['-C', ROOT, 'archive', commit, 'steps', 'statemachine'], {
      maxBuffer: 64 * 2 ** 20,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  }
  return dir;
}

/** The round-1 build as its stack deployed it: 512 MB, source maps on at run time, E.164 keys. */
export function baselineBuild(workDir: string): BuildConfig {
  const srcRoot = baselineSource(workDir);
  const entries = ['decide', ...Object.values(taskFunctionsOf(srcRoot))];
  return {
    name: 'before',
    srcRoot,
    bundling: BASELINE_BUNDLING,
    hashedKeys: false,
    functions: Object.fromEntries(
      entries.map((e) => [e, { memoryMb: 512, env: { NODE_OPTIONS: '--enable-source-maps' } }]),
    ),
  };
}

const stateMachineArn = (build: string) =>
  `arn:aws:states:us-east-1:123456789012:stateMachine:bench-${build}`;
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:last-agent-key-AbCdEf';

/**
 * The current tree as the CDK stack deploys it: memory, environment (NODE_OPTIONS included) and
 * bundling read from the synthesised stack, so the bench measures what `cdk deploy` ships.
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
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new stackModule.LastAgentRoutingStack(app, 'ColdStartBench', {
    settings: parseDeployContext((k) => context[k]),
    env: { account: '123456789012', region: 'us-east-1' },
  });
  const read = (fn: { node: { defaultChild?: unknown } }): FunctionConfig => {
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
  };
  const functions: Record<string, FunctionConfig> = { decide: read(stack.entryFunction) };
  const tasks = taskFunctionsOf(ROOT);
  const notes: string[] = [];
  for (const [placeholder, fn] of Object.entries(stack.stepFunctions)) {
    const entry = tasks[placeholder];
    if (!entry) continue;
    const config = read(fn);
    functions[entry] = config;
  }
  // What a default (LAST_AGENT_SOURCE=search) deployment ships.
  const b = stackModule.bundlingFor(false);
  return {
    name: 'after',
    srcRoot: ROOT,
    bundling: {
      minify: b.minify,
      sourceMap: b.sourceMap,
      sourcesContent: b.sourcesContent,
      target: b.target,
      format: String(b.format) === 'esm' ? 'esm' : 'cjs',
      mainFields: b.mainFields,
      define: b.define,
    },
    functions,
    hashedKeys: functions.decide?.env.LAST_AGENT_KEY_MODE === 'hmac-sha256',
    notes,
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

interface Bundle {
  path: string;
  bytes: number;
  mapBytes: number;
}

async function bundle(entryFile: string, outDir: string, s: BundleSettings): Promise<Bundle> {
  const outfile = join(outDir, 'index.js');
  await build({
    entryPoints: [entryFile],
    bundle: true,
    platform: 'node',
    target: s.target,
    format: s.format,
    minify: s.minify,
    sourcemap: s.sourceMap,
    sourcesContent: s.sourcesContent,
    mainFields: s.mainFields,
    ...(s.define ? { define: s.define } : {}),
    outfile,
    // The generated simple handler lives outside the tree: let it find this checkout's packages.
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  const size = (p: string) => (existsSync(p) ? readFileSync(p).length : 0);
  return { path: outfile, bytes: size(outfile), mapBytes: size(`${outfile}.map`) };
}

// ---------------------------------------------------------------------------------------------
// Local endpoints: Connect behind TLS, and Step Functions / Secrets Manager / SSM stand-ins

interface Tls {
  key: string;
  cert: string;
  certFile: string;
}

/** A self-signed RSA-2048 certificate for the local endpoints (AWS endpoints serve RSA-2048 too). */
function makeCertificate(dir: string): Tls | undefined {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,DNS:sync-localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

interface Endpoint {
  url: string;
  close(): Promise<void>;
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: front } = server.address() as { port: number };
  return {
    url: `https://localhost:${front}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Answers StartSyncExecution (the decision captured for that build), GetSecretValue and GetParameter. */
async function awsJsonStub(
  tls: Tls | undefined,
  answers: Map<string, unknown>,
  secret: string,
): Promise<Endpoint> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      let answer: unknown;
      if (target.endsWith('.StartSyncExecution')) {
        const now = Date.now() / 1000;
        answer = {
          executionArn: `${body.stateMachineArn}:bench`,
          startDate: now,
          stopDate: now,
          status: 'SUCCEEDED',
          output: JSON.stringify(answers.get(body.stateMachineArn) ?? {}),
        };
      } else if (target.endsWith('.GetSecretValue')) {
        answer = { ARN: body.SecretId, Name: 'bench', SecretString: secret, VersionId: 'v1' };
      } else if (target.endsWith('.GetParameter')) {
        answer = { Parameter: { Name: body.Name, Type: 'SecureString', Value: secret, Version: 1 } };
      }
      res.writeHead(answer ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer ?? { __type: 'UnknownOperationException', message: target }));
    });
  };
  const server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `${tls ? 'https' : 'http'}://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// CPU limit: Lambda's CPU share for a memory size, as a cgroup CPU quota

interface CpuLimiter {
  kind: string;
  /** The cgroup.procs file of a group limited to `mb / 1769` of one CPU. */
  procsFor(mb: number): string;
  close(): void;
}

/**
 * Lambda allocates CPU in proportion to memory (one vCPU at 1,769 MB). Here that share is a
 * CFS quota on a cgroup (v1 cpu controller or v2 cpu.max), the mechanism Linux offers; it needs
 * a writable cgroup file system (root in a container that mounts it read-write). Without one the
 * CPU-limited variants are skipped and the report says so.
 */
function cpuLimiter(): CpuLimiter | undefined {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const base = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/cpu';
  const made: string[] = [];
  const periodUs = 100_000;
  try {
    const probe = join(base, `last-agent-bench-${process.pid}-probe`);
    mkdirSync(probe);
    rmdirSync(probe);
  } catch {
    return undefined;
  }
  return {
    kind: `${v2 ? 'cgroup v2 cpu.max' : 'cgroup v1 cfs quota'}, period ${periodUs / 1000} ms`,
    procsFor(mb) {
      const dir = join(base, `last-agent-bench-${process.pid}-${mb}`);
      if (!made.includes(dir)) {
        mkdirSync(dir, { recursive: true });
        const quota = Math.round((mb / 1769) * periodUs);
        if (v2) writeFileSync(join(dir, 'cpu.max'), `${quota} ${periodUs}`);
        else {
          writeFileSync(join(dir, 'cpu.cfs_period_us'), String(periodUs));
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
// Processes

/** The Node binary for the samples: the one given, else Node 22 from the npm cache, else this one. */
export function resolveNode(given?: string): { path: string; version: string } {
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

interface ChildSample {
  bootMs: number;
  importMs: number;
  firstMs: number;
  warmMs: number;
  cpuMs: number;
  first: unknown;
  second: unknown;
}

function runChild(node: string, args: string[], env: Record<string, string>, procs?: string): Promise<void> {
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

/** What every sample process gets besides the function's own environment (as Lambda sets it). */
function lambdaEnv(
  entry: string,
  fn: FunctionConfig,
  common: Record<string, string>,
): Record<string, string> {
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

// ---------------------------------------------------------------------------------------------

/**
 * Cold start per function, as Lambda runs it: for each build, bundle every function with the
 * build's own esbuild settings; replay one real decision to capture each function's payload;
 * then, for every sample, start a fresh Node process that loads the bundle and handles its
 * payload twice (cold, then warm), with its first Connect / Step Functions / Secrets Manager
 * round trip over TLS to a local endpoint. Variants and functions alternate order sample by
 * sample so that machine load drifts hit all of them alike.
 */
export async function runColdStart(o: ColdStartOptions): Promise<ColdStartReport> {
  const log = o.log ?? (() => undefined);
  const work = mkdtempSync(join(tmpdir(), 'last-agent-cold-'));
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const node = resolveNode(o.node);
    const tls = makeCertificate(work);
    const limiter = o.variants.some((v) => v.cpuMb) ? cpuLimiter() : undefined;
    if (limiter) closers.push(() => limiter.close());

    // A caller whose last agent is available: the whole pipeline runs (CSAT gate on).
    const secret = 'bench-key-secret-0123456789abcdef';
    const now = new Date(Date.now() - 60_000).toISOString();
    const center = generateContactCenter({
      seed: 7,
      agents: 10,
      customers: 120,
      calls: 60,
      meanHistory: 5,
      historyDays: 6,
      now,
    });
    const call =
      center.truth.find((t) => t.agentId && t.agentState === 'AVAILABLE') ??
      center.truth.find((t) => t.agentId);
    if (!call) throw new Error('cold-start bench: the generated scenario has no returning caller');
    const scenario: Scenario = { ...center.scenario, faults: { seed: 1, inject: [] } };
    const connects = new Map<boolean, { connect: LocalConnect; front: Endpoint }>();
    const connectFor = async (hashed: boolean) => {
      const existing = connects.get(hashed);
      if (existing) return existing;
      const connect = await startLocalConnect(
        scenario,
        hashed
          ? {
              customerKeyOf: (phone) => customerKeyFor(phone, { keyMode: 'hmac-sha256', keySecret: secret }),
            }
          : {},
      );
      const front = await tlsFront(Number(new URL(connect.endpoint).port), tls);
      closers.push(
        () => front.close(),
        () => connect.close(),
      );
      const entry = { connect, front };
      connects.set(hashed, entry);
      return entry;
    };
    const event = connectEventFor({
      phone: call.phone,
      instanceArn: (await connectFor(false)).connect.instanceArn,
    });
    const common = {
      LAST_AGENT_CSAT_ATTRIBUTE: 'csat',
      ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}),
    };

    // Bundle and capture each build.
    const answers = new Map<string, unknown>();
    const prepared = new Map<
      string,
      {
        build: BuildConfig;
        bundles: Record<string, Bundle>;
        events: Record<string, unknown>;
        connectUrl: string;
      }
    >();
    for (const given of o.builds) {
      // The entry Lambda starts "this build's" state machine: the local stand-in answers it.
      const decideConfig = given.functions.decide ?? { memoryMb: 1024, env: {} };
      const b: BuildConfig = {
        ...given,
        functions: {
          ...given.functions,
          decide: {
            ...decideConfig,
            env: { ...decideConfig.env, STATE_MACHINE_ARN: stateMachineArn(given.name) },
          },
        },
      };
      log(`cold start: bundling ${b.name} …`);
      const bundles: Record<string, Bundle> = {};
      for (const entry of Object.keys(b.functions)) {
        const file = entry === 'simple' ? simpleEntry(work) : join(b.srcRoot, 'steps', `${entry}.ts`);
        bundles[entry] = await bundle(file, join(work, b.name, entry), b.bundling);
      }
      const { front } = await connectFor(b.hashedKeys);
      const tasks = taskFunctionsOf(b.srcRoot);
      const spec = {
        aslPath: join(b.srcRoot, 'statemachine', 'last-agent-routing.asl.json'),
        functions: tasks,
        bundles: Object.fromEntries(Object.entries(bundles).map(([e, x]) => [e, x.path])),
        env: Object.assign({}, ...Object.values(b.functions).map((f) => f.env), { NODE_OPTIONS: '' }),
        event,
        secret,
        entry: 'decide',
      };
      const specFile = join(work, `${b.name}-capture.json`);
      const outFile = join(work, `${b.name}-captured.json`);
      writeFileSync(specFile, JSON.stringify(spec));
      await runChild(
        node.path,
        ['capture', specFile, outFile],
        lambdaEnv('decide', b.functions.decide as FunctionConfig, {
          ...common,
          AWS_ENDPOINT_URL_CONNECT: front.url,
        }),
      );
      const captured = JSON.parse(readFileSync(outFile, 'utf8')) as {
        decision: unknown;
        sfnOutput: unknown;
        inputs: Record<string, unknown>;
      };
      const problem = answerProblem('decide', captured.decision);
      if (problem) throw new Error(`cold-start capture (${b.name}): ${problem}`);
      answers.set(stateMachineArn(b.name), captured.sfnOutput);
      const events: Record<string, unknown> = { decide: event, simple: event };
      for (const entry of Object.values(tasks)) {
        if (!(entry in captured.inputs))
          throw new Error(`cold-start capture (${b.name}): ${entry} never ran`);
        events[entry] = captured.inputs[entry];
      }
      events.__decision = captured.decision;
      prepared.set(b.name, { build: b, bundles, events, connectUrl: front.url });
    }
    const stub = await awsJsonStub(tls, answers, secret);
    closers.push(() => stub.close());

    // The jobs: every (variant, function), in alternating order sample by sample.
    const jobs = o.variants.flatMap((v) => {
      const p = prepared.get(v.build);
      if (!p) throw new Error(`cold-start variant ${v.label}: no build ${v.build}`);
      if (v.cpuMb && !limiter) return [];
      return (v.entries ?? Object.keys(p.build.functions))
        .filter((e) => e in p.build.functions)
        .map((entry) => ({ v, p, entry }));
    });
    const samples = new Map<string, ChildSample[]>();
    const eventFiles = new Map<string, string>();
    for (const { p, entry } of jobs) {
      const file = join(work, `${p.build.name}-${entry}-event.json`);
      writeFileSync(file, JSON.stringify({ name: entry, event: p.events[entry] }));
      eventFiles.set(`${p.build.name}/${entry}`, file);
    }
    for (let i = 0; i < o.samples; i++) {
      const order = i % 2 === 0 ? jobs : [...jobs].reverse();
      for (const { v, p, entry } of order) {
        const fn = p.build.functions[entry] as FunctionConfig;
        const env = lambdaEnv(entry, fn, {
          ...common,
          AWS_ENDPOINT_URL_CONNECT: p.connectUrl,
          AWS_ENDPOINT_URL_SFN: stub.url,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.url,
          AWS_ENDPOINT_URL_SSM: stub.url,
        });
        if (v.nodeOptions !== undefined) env.NODE_OPTIONS = v.nodeOptions;
        const outFile = join(work, 'sample.json');
        rmSync(outFile, { force: true });
        await runChild(
          node.path,
          [
            'sample',
            (p.bundles[entry] as Bundle).path,
            eventFiles.get(`${p.build.name}/${entry}`) as string,
            outFile,
          ],
          env,
          v.cpuMb && limiter ? limiter.procsFor(v.cpuMb) : undefined,
        );
        const s = JSON.parse(readFileSync(outFile, 'utf8')) as ChildSample;
        const problem =
          answerProblem(entry, s.first, p.events.__decision) ??
          answerProblem(entry, s.second, p.events.__decision);
        if (problem) throw new Error(`cold-start sample ${v.label} ${entry}: ${problem}`);
        const key = `${v.label}/${entry}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
      }
      if ((i + 1) % 5 === 0 || i + 1 === o.samples)
        log(`cold start: ${i + 1}/${o.samples} samples of ${jobs.length} functions`);
    }

    const variants: VariantResult[] = [];
    for (const v of o.variants) {
      const p = prepared.get(v.build) as NonNullable<ReturnType<typeof prepared.get>>;
      const functions: Record<string, FunctionColdResult> = {};
      for (const entry of Object.keys(p.build.functions)) {
        const xs = samples.get(`${v.label}/${entry}`);
        if (!xs?.length) continue;
        const med = (f: (s: ChildSample) => number) => round(percentile(xs.map(f), 50));
        const b = p.bundles[entry] as Bundle;
        functions[entry] = {
          bundleKb: round(b.bytes / 1024),
          mapKb: round(b.mapBytes / 1024),
          importMs: med((s) => s.importMs),
          firstMs: med((s) => s.firstMs),
          coldMs: med((s) => s.importMs + s.firstMs),
          coldP90: round(
            percentile(
              xs.map((s) => s.importMs + s.firstMs),
              90,
            ),
          ),
          warmMs: med((s) => s.warmMs),
          penaltyMs: med((s) => s.importMs + s.firstMs - s.warmMs),
          cpuMs: med((s) => s.cpuMs),
        };
      }
      if (Object.keys(functions).length === 0) continue;
      const nodeOptions = v.nodeOptions ?? p.build.functions.decide?.env.NODE_OPTIONS ?? '';
      const criticalPathMs = criticalPathSum(
        Object.fromEntries(Object.entries(functions).map(([e, f]) => [e, f.coldMs])),
      );
      variants.push({
        label: v.label,
        build: v.build,
        nodeOptions,
        ...(v.cpuMb ? { cpuMb: v.cpuMb } : {}),
        functions,
        ...(criticalPathMs !== undefined ? { criticalPathMs: round(criticalPathMs) } : {}),
      });
    }
    return {
      node: node.version,
      tls: Boolean(tls),
      cpuLimit:
        limiter?.kind ??
        (o.variants.some((v) => v.cpuMb)
          ? 'none (no writable cgroup: CPU-limited variants skipped)'
          : 'not used'),
      samples: o.samples,
      baselineCommit: BASELINE_COMMIT,
      variants,
      notes: o.builds.flatMap((b) => (b.notes ?? []).map((n) => `${b.name}: ${n}`)),
    };
  } finally {
    for (const close of closers.reverse()) await close();
    rmSync(work, { recursive: true, force: true });
  }
}
