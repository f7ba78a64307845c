import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
  format: OutputFormat.CJS,
  externalModules: [],
  // ES module entry points let esbuild drop the SDK commands the code never sends.
  mainFields: ['module', 'main'],
} satisfies BundlingOptions;

/** The flag the steps test before loading the routing-state code (steps/lib/routing-state/modules.ts). */
export const INDEX_BUNDLE_FLAG = 'process.env.LAST_AGENT_BUNDLE_INDEX';

/**
 * The bundling of a deployment: with `routingState` false (LAST_AGENT_SOURCE=search) the flag is
 * defined "false", esbuild drops the routing-state branches, and the bundles carry no DynamoDB
 * client (a cold start measured 20 ms slower with it, though never evaluated).
 */
export function bundlingFor(routingState: boolean) {
  return { ...BUNDLING, define: { [INDEX_BUNDLE_FLAG]: JSON.stringify(String(routingState)) } };
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
   * Whether the deployment reads the routing-state table (LAST_AGENT_SOURCE index or
   * index-then-search): otherwise its code is left out of the bundle (`bundlingFor`).
   * @default false
   */
  routingState?: boolean;
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
      bundling: bundlingFor(props.routingState ?? false),
    });
  }
}
