import type { ConnectClient } from '@aws-sdk/client-connect';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { type Env, checkConfiguration } from './configuration';
import {
  CHECK_IDS,
  type CheckId,
  type CheckStatus,
  type Ctx,
  type Deployment,
  type DoctorCheck,
} from './context';
import { DEFAULT_TEST_CALLER, checkDecision } from './decision';
import { checkFlows } from './flows';
import { checkAgentStatuses, checkLambda, checkQueue, checkSearchableKey } from './instance';
import { checkQuotas } from './quotas';
import { checkAgentEvents, checkContactEvents, checkRoutingTable } from './routing-state';

/**
 * `last-agent doctor`: a preflight of an Amazon Connect instance and, given the deployment, of
 * everything go-live needs. Every call is a Describe/List/Get/Search, except one: the `decision`
 * check invokes the entry function once with a synthetic, marked event (no metrics, no
 * routing-state writes), and the report says so in `touched`.
 */

export interface DoctorReport {
  instanceId: string;
  region: string | undefined;
  attributeKey: string;
  /** Where the deployed pieces came from (`stack NAME`, `options`, `local`), when any were given. */
  deployment?: string;
  ok: boolean;
  summary: Record<CheckStatus, number>;
  /** What the doctor changed or set in motion: nothing but the synthetic decision, when it ran. */
  touched: string[];
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  connect: ConnectClient;
  serviceQuotas: ServiceQuotasClient;
  /** GetFunctionConfiguration, Invoke, ListEventSourceMappings. */
  lambda?: LambdaClient | undefined;
  /** DescribeTable, DescribeTimeToLive, BatchGetItem. */
  dynamo?: DynamoDBClient | undefined;
  /** ListRuleNamesByTarget, DescribeRule. */
  eventBridge?: EventBridgeClient | undefined;
  instanceId: string;
  /** The instance's ARN (the synthetic event carries it); else from the deployment. */
  instanceArn?: string | undefined;
  queueId?: string | undefined;
  /** The entry Lambda's ARN (lambda-association; also the function invoked when no deployment names one). */
  functionArn?: string | undefined;
  /** The searchable contact attribute; default the configuration's (LAST_AGENT_ATTRIBUTE_KEY) or CustomerPhoneNumber. */
  attributeKey?: string | undefined;
  deployment?: Deployment | undefined;
  /** The caller of the synthetic decision (E.164); default DEFAULT_TEST_CALLER. */
  testCaller?: string | undefined;
  /** A phone number of the instance that must enter the routing flow. */
  phoneNumber?: string | undefined;
  /** The settings validated when no entry function is known; default process.env. */
  env?: Env | undefined;
  /** Checks that cannot run here, with the reason (reported as `skip`). */
  skip?: Partial<Record<CheckId, string>> | undefined;
  /** Why the routing-state table's TTL cannot be read here, when it cannot. */
  ttlUnavailable?: string | undefined;
  /** Per-call timeout; default 5000 ms. */
  timeoutMs?: number | undefined;
  now?: Date | undefined;
  clock?: (() => number) | undefined;
}

export const DEFAULT_ATTRIBUTE_KEY = 'CustomerPhoneNumber';
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_BUDGET_MS = 3000;

export async function regionOf(client: ConnectClient): Promise<string | undefined> {
  try {
    const r = client.config.region as unknown;
    return typeof r === 'function' ? await (r as () => Promise<string>)() : (r as string | undefined);
  } catch {
    return undefined;
  }
}

/** The flow's queue when it passes none: the queue given to the doctor. */
function queueParameters(
  instanceArn: string | undefined,
  queueId: string | undefined,
): Record<string, string> {
  return instanceArn && queueId ? { queueArn: `${instanceArn}/queue/${queueId}` } : {};
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deployment: Deployment = options.deployment ?? { from: 'options' };
  const ctx: Ctx = {
    connect: options.connect,
    serviceQuotas: options.serviceQuotas,
    lambda: options.lambda,
    dynamo: options.dynamo,
    eventBridge: options.eventBridge,
    instanceId: options.instanceId,
    instanceArn: options.instanceArn ?? deployment.instanceArn,
    timeoutMs,
    now: options.now ?? new Date(),
    clock: options.clock ?? Date.now,
    call: (ms = timeoutMs) => ({ abortSignal: AbortSignal.timeout(ms) }),
  };
  const entryFunction = deployment.entryFunction ?? options.functionArn;
  const env = options.env ?? process.env;
  // First: the other checks read the settings (source, table, deadline, key).
  const configuration = await checkConfiguration(
    ctx,
    ctx.lambda ? entryFunction : undefined,
    env,
    deployment.from === 'local',
  );
  const { config } = configuration;
  const attributeKey =
    options.attributeKey ?? config?.attributeKey ?? env.LAST_AGENT_ATTRIBUTE_KEY ?? DEFAULT_ATTRIBUTE_KEY;
  const routing = {
    config,
    deployment,
    skip: options.skip ?? {},
    ttlUnavailable: options.ttlUnavailable,
  };
  // Independent reads of different APIs: run them together.
  const [instance, flows, table, contactEvents, agentEvents] = await Promise.all([
    Promise.all([
      checkSearchableKey(ctx, attributeKey),
      checkQueue(ctx, options.queueId),
      checkAgentStatuses(ctx),
      checkQuotas(ctx),
      checkLambda(ctx, options.functionArn ?? deployment.entryFunction),
    ]),
    checkFlows(ctx, deployment, options.phoneNumber),
    checkRoutingTable(ctx, routing),
    checkContactEvents(ctx, routing),
    checkAgentEvents(ctx, routing),
  ]);
  // Last, so nothing else is in flight while it runs: the one call that sets something in motion.
  const decision = await checkDecision(ctx, {
    entryFunction: entryFunction ?? flows.invoke?.lambdaArn,
    testCaller: options.testCaller ?? DEFAULT_TEST_CALLER,
    parameters: flows.invoke?.parameters ?? queueParameters(ctx.instanceArn, options.queueId),
    budgetMs: config?.deadlineMs ?? DEFAULT_BUDGET_MS,
    phoneNumber: options.phoneNumber,
  });
  const byId = new Map(
    [configuration.check, ...instance, flows.check, decision.check, table, contactEvents, agentEvents].map(
      (c) => [c.id, c],
    ),
  );
  const checks = CHECK_IDS.map((id) => byId.get(id) as DoctorCheck);
  const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) summary[c.status]++;
  return {
    instanceId: options.instanceId,
    region: await regionOf(options.connect),
    attributeKey,
    ...(options.deployment ? { deployment: options.deployment.from } : {}),
    // Skips are neither passed nor failed: they do not decide `ok` (nor the exit code).
    ok: summary.fail === 0,
    summary,
    touched: decision.touched ? [decision.touched] : [],
    checks,
  };
}
