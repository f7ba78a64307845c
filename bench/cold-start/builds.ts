import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The builds the cold-start bench measures: where their sources are, how they bundle and deploy. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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

/** The Task functions of a tree's statemachine/definition.ts (placeholder → entry). */
export function taskFunctionsOf(srcRoot: string): Record<string, string> {
  const text = readFileSync(join(srcRoot, 'statemachine', 'definition.ts'), 'utf8');
  return Object.fromEntries([...text.matchAll(/(\w+FunctionArn):\s*'([\w-]+)'/g)].map((m) => [m[1], m[2]]));
}

export const stateMachineArn = (build: string) =>
  `arn:aws:states:us-east-1:123456789012:stateMachine:bench-${build}`;
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:last-agent-key-AbCdEf';

// ---------------------------------------------------------------------------------------------
// Before: the baseline commit

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

/**
 * The baseline build deployed as the current stack deploys its functions (memory, environment,
 * hashed keys): the two builds differ in their code and bundling only. A function the current
 * stack no longer has (the Choose Route Lambda) is deployed like the other steps.
 */
export function baselineBuild(workDir: string, deployed: BuildConfig): BuildConfig {
  const srcRoot = baselineSource(workDir);
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

// ---------------------------------------------------------------------------------------------
// After: the current tree, as the synthesised stack deploys it

type StackModule = typeof import('../../infra/stack');
type DeployContext = ReturnType<typeof import('../../infra/context')['parseDeployContext']>;
type Stack = InstanceType<StackModule['LastAgentRoutingStack']>;

/** The stack synthesised with stand-in ARNs (no bundling: only its settings are read). */
async function synthStack(stackModule: StackModule): Promise<{ stack: Stack; settings: DeployContext }> {
  const { App } = await import('aws-cdk-lib');
  const { parseDeployContext } = await import('../../infra/context');
  const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555';
  const context: Record<string, string> = {
    instanceArn,
    defaultQueueArn: `${instanceArn}/queue/aaaaaaaa-2222-4333-8444-555555555555`,
  };
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const settings = parseDeployContext((k) => context[k]);
  const stack = new stackModule.LastAgentRoutingStack(app, 'ColdStartBench', {
    settings,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return { stack, settings };
}

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

/** What a default (LAST_AGENT_SOURCE=search) deployment ships, with its entry function's key secret store. */
function deployedBundling(stackModule: StackModule, settings: DeployContext): BundleSettings {
  const b = stackModule.bundlingFor({ keySecretStore: stackModule.keySecretStoreOf(settings) });
  return {
    minify: b.minify,
    sourceMap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    target: b.target,
    format: String(b.format) === 'esm' ? 'esm' : 'cjs',
    mainFields: b.mainFields,
    define: b.define,
    banner: b.banner,
    // The stack passes its aliases to esbuild as `--alias:<package>` arguments.
    alias: Object.fromEntries(
      Object.entries(b.esbuildArgs).map(([arg, to]) => [arg.replace(/^--alias:/, ''), String(to)]),
    ),
  };
}

/**
 * The current tree as the CDK stack deploys it: memory, environment (NODE_OPTIONS included) and
 * bundling read from the synthesised stack, so the bench measures what `cdk deploy` ships.
 */
export async function currentBuildFromStack(): Promise<BuildConfig> {
  const stackModule = await import('../../infra/stack');
  const { stack, settings } = await synthStack(stackModule);
  const functions: Record<string, FunctionConfig> = { decide: functionConfigOf(stack, stack.entryFunction) };
  const tasks = taskFunctionsOf(ROOT);
  for (const [placeholder, fn] of Object.entries(stack.stepFunctions)) {
    const entry = tasks[placeholder];
    if (entry) functions[entry] = functionConfigOf(stack, fn);
  }
  return {
    name: 'after',
    srcRoot: ROOT,
    bundling: deployedBundling(stackModule, settings),
    functions,
    hashedKeys: functions.decide?.env.LAST_AGENT_KEY_MODE === 'hmac-sha256',
    notes: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Bundles

/** The entry Lambda starts "this build's" state machine: the local stand-in answers it. */
export function withOwnStateMachine(given: BuildConfig): BuildConfig {
  const decideConfig = given.functions.decide ?? { memoryMb: 1024, env: {} };
  return {
    ...given,
    functions: {
      ...given.functions,
      decide: {
        ...decideConfig,
        env: { ...decideConfig.env, STATE_MACHINE_ARN: stateMachineArn(given.name) },
      },
    },
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

export interface Bundle {
  path: string;
  bytes: number;
  mapBytes: number;
}

async function bundle(
  entryFile: string,
  outDir: string,
  s: BundleSettings,
  srcRoot: string,
): Promise<Bundle> {
  // As NodejsFunction names them: Lambda loads an .mjs handler as an ES module.
  const outfile = join(outDir, s.format === 'esm' ? 'index.mjs' : 'index.js');
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
    ...(s.banner ? { banner: { js: s.banner } } : {}),
    ...(s.alias
      ? { alias: Object.fromEntries(Object.entries(s.alias).map(([from, to]) => [from, join(srcRoot, to)])) }
      : {}),
    outfile,
    // The generated simple handler lives outside the tree: let it find this checkout's packages.
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  const size = (p: string) => (existsSync(p) ? readFileSync(p).length : 0);
  return { path: outfile, bytes: size(outfile), mapBytes: size(`${outfile}.map`) };
}

/** Every function of a build, bundled with the build's own esbuild settings. */
export async function bundleBuild(b: BuildConfig, work: string): Promise<Record<string, Bundle>> {
  const bundles: Record<string, Bundle> = {};
  for (const entry of Object.keys(b.functions)) {
    const file = entry === 'simple' ? simpleEntry(work) : join(b.srcRoot, 'steps', `${entry}.ts`);
    bundles[entry] = await bundle(file, join(work, b.name, entry), b.bundling, b.srcRoot);
  }
  return bundles;
}
