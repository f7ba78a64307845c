import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Packages replaced in every bundle. The SDK's default credential chain becomes the environment
 * provider alone: in Lambda the chain answers from the environment anyway, and the rest of it
 * (SSO, ini files, web identity, metadata endpoints, with their STS/SSO clients) was about 90 KB
 * of each bundle that never ran (steps/lib/runtime/lambda-credentials.ts has the evidence).
 */
export const BUNDLE_ALIAS: Record<string, string> = {
  '@aws-sdk/credential-provider-node': './steps/lib/runtime/lambda-credentials.ts',
};

/** `require` inside an ES module bundle, for the CommonJS dependencies that call it. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __lastAgentRequire } from 'node:module';const require = __lastAgentRequire(import.meta.url);";

/**
 * esbuild settings of every function (bench/cold-start.ts bundles with these to measure what
 * deploys). Only the SDK clients the code imports are bundled (tree-shaken), not the whole SDK.
 */
export const BUNDLING = {
  minify: true,
  // Maps are kept next to the bundle to decode stack traces; without their sources (the
  // repository has them) they are a third of the size, and the code package with them.
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  // ES modules: the entry function finishes its cold start with a top-level await in Lambda's
  // init phase (steps/decide.ts). The banner gives CommonJS dependencies a `require` for Node's
  // built-in modules, which an ES module bundle does not have.
  format: OutputFormat.ESM,
  banner: ESM_REQUIRE_BANNER,
  externalModules: [],
  // ES module entry points let esbuild drop the SDK commands the code never sends.
  mainFields: ['module', 'main'],
  // Relative to the project root, where CDK runs esbuild (locally and in its Docker image).
  esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIAS).map(([from, to]) => [`--alias:${from}`, to])),
} satisfies BundlingOptions;

/** The flag the steps test before loading the routing-state code (steps/lib/routing-state/modules.ts). */
export const INDEX_BUNDLE_FLAG = 'process.env.LAST_AGENT_BUNDLE_INDEX';

/** The flag the entry function tests before loading a secret store's client (steps/lib/runtime/key-secret.ts). */
export const KEY_SECRET_BUNDLE_FLAG = 'process.env.LAST_AGENT_BUNDLE_KEY_SECRET';

/** The flag that compiles Powertools Tracer in (steps/lib/runtime/tracing.ts). */
export const TRACER_BUNDLE_FLAG = 'process.env.LAST_AGENT_BUNDLE_TRACER';

/** Where the deployment keeps the HMAC key secret, if the entry function reads one. */
export type KeySecretStore = 'secrets-manager' | 'parameter' | 'none';

/** What a deployment compiles into a function's bundle. */
export interface BundleFlags {
  /** The function reads the routing-state table (LAST_AGENT_SOURCE index or index-then-search). */
  routingState?: boolean;
  /** The secret store the function reads the key secret from (the entry function in hashed-key mode). */
  keySecretStore?: KeySecretStore;
  /** Powertools Tracer around the SDK clients (`-c powertoolsTracer=true`). */
  tracer?: boolean;
}

/**
 * The bundling of a deployment: with `routingState` false (LAST_AGENT_SOURCE=search) the flag is
 * defined "false", esbuild drops the routing-state branches, and the bundles carry no DynamoDB
 * client (a cold start measured 20 ms slower with it, though never evaluated). `keySecretStore`
 * keeps only the secret store the deployment reads (the SSM client alone is 224 KB); `tracer`
 * compiles Powertools Tracer in (off by default: steps/lib/runtime/tracing.ts says why).
 */
export function bundlingFor({
  routingState = false,
  keySecretStore = 'none',
  tracer = false,
}: BundleFlags = {}) {
  return {
    ...BUNDLING,
    define: {
      [INDEX_BUNDLE_FLAG]: JSON.stringify(String(routingState)),
      [KEY_SECRET_BUNDLE_FLAG]: JSON.stringify(keySecretStore),
      [TRACER_BUNDLE_FLAG]: JSON.stringify(String(tracer)),
    },
  };
}

/**
 * Memory, and with it CPU, of every function: Lambda gives one vCPU at 1,769 MB ("Configuring
 * Lambda function memory"). Chosen from measurement, for the cold path: npm run bench starts
 * each bundle in fresh processes under a CPU quota of memory/1769 of a core, and the cold
 * starts summed over the decision's critical path were 3.4 s at 512 MB, 1.7 s at 1,024 MB and
 * 1.0 s at 1,769 MB (docs/performance.md): CPU-bound, so memory buys it almost linearly up to
 * one vCPU, and little beyond (one JavaScript thread). Warm, the price stays small: about $11.5
 * per million decisions for the six functions, against $3.3 at 512 MB (Arm, US East).
 */
export const MEMORY_MB = 1769;

export interface StepFunctionProps {
  /** The handler module, `steps/<entry>.ts`, exporting `handler`. */
  entry: string;
  /** Environment variables (the pipeline configuration, plus the function's own). */
  environment: Record<string, string>;
  /** Its log group's retention, removal policy and optional KMS key. */
  logGroup: logs.LogGroupProps;
  /**
   * @default Duration.seconds(5): a step answers within the decision budget (at most 7 s)
   */
  timeout?: Duration;
  /**
   * @default MEMORY_MB (1,769 MB, one vCPU: the cold path is CPU-bound)
   */
  memorySize?: number;
  /**
   * What the deployment compiles in (`bundlingFor`): the routing-state code, a secret store's
   * client, Powertools Tracer. What is off is left out of the bundle.
   * @default {} (search source, no key secret, no Tracer)
   */
  bundle?: BundleFlags;
}

/**
 * One Lambda function of the product, as every one of them is built: Node.js 22 on ARM64,
 * X-Ray tracing, an explicit log group, esbuild bundling with only the SDK clients its code
 * imports, and the memory the cold-start measurements chose.
 */
export class StepFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: StepFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', props.logGroup);
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'steps', `${props.entry}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(5),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      // No NODE_OPTIONS=--enable-source-maps: it cost 14-34 ms of each function's cold start,
      // 111 ms over the critical path (npm run bench, docs/performance.md). The maps still
      // ship, to decode a trace.
      environment: props.environment,
      bundling: bundlingFor(props.bundle),
    });
  }
}
