import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { Deadline } from './lib/connect/deadline';
import { ConnectThrottledError, LookupTimeoutError } from './lib/connect/errors';
import { checkEntryConfig } from './lib/decision/caller';
import { admitCall } from './lib/decision/connect-event';
import {
  type Decision,
  type FlowResponse,
  type Reason,
  defaultDecision,
  toFlowResponse,
} from './lib/decision/decision';
import { routeFrom } from './lib/decision/route';
import type { PipelineInput } from './lib/decision/schemas';
import { isSyntheticEvent } from './lib/decision/synthetic';
import { type Config, loadConfig, runtimeEnv } from './lib/runtime/config';
import { readKeySecret } from './lib/runtime/key-secret';
import { type Logger, createLogger } from './lib/runtime/logger';
import { decisionMetrics } from './lib/runtime/metrics';
import { type PipelineResult, createSfnExecutor } from './lib/runtime/sfn-executor';
import { lazyInit } from './lib/runtime/step';
import { traced } from './lib/runtime/tracing';

/**
 * Runs the state machine for one call. AWS: StartSyncExecution; locally: the in-process runner.
 * It answers a decision the machine made, or the inputs of the route choice (`routeFrom`).
 */
export type Executor = (input: PipelineInput, deadline: Deadline) => Promise<PipelineResult>;

export interface DecideDeps {
  config: Config;
  execute: Executor;
  logger: Logger;
  /** Wall clock for the deadline, epoch ms. */
  clock: () => number;
  /** Reference time for the lookback window (the scenario's "now" locally). */
  now: () => Date;
}

/** Time kept back from the steps so the entry Lambda can still answer after they give up. */
export const ANSWER_MARGIN_MS = 100;

function reasonFor(err: unknown): Reason {
  if (err instanceof ConnectThrottledError) return 'LOOKUP_THROTTLED';
  if (err instanceof LookupTimeoutError) return 'LOOKUP_TIMEOUT';
  return 'LOOKUP_ERROR';
}

/**
 * The entry point the contact flow invokes: admits the call (steps/lib/decision/connect-event.ts
 * `admitCall`), runs the decision pipeline within the deadline, and answers the flat map the
 * flow reads, logging the decision with its metrics. It never throws: every failure is a
 * DEFAULT route with a reason. A synthetic event (`last-agent doctor`,
 * steps/lib/decision/synthetic.ts) is decided and answered the same way, without metrics and
 * without routing-state writes.
 */
export async function decide(event: unknown, deps: DecideDeps): Promise<FlowResponse> {
  const started = deps.clock();
  const deadline = new Deadline(started + deps.config.deadlineMs, deps.clock);
  const synthetic = isSyntheticEvent(event);
  const answer = (decision: Decision, context: FlowContext, log: Logger) =>
    respond(deps, started, decision, context, log, synthetic);
  let admission: ReturnType<typeof admitCall>;
  try {
    admission = admitCall(event, deps.config, deps.now());
  } catch (err) {
    deps.logger.error('configuration error', { error: err });
    return answer(defaultDecision('CONFIG_ERROR'), { customerKey: '' }, deps.logger);
  }
  if (admission.kind === 'answer') {
    const log = admission.contactId ? deps.logger.child({ contactId: admission.contactId }) : deps.logger;
    if (admission.problem) log.warn('invalid Connect event', admission.problem);
    const context = {
      customerKey: '',
      ...(admission.instanceArn ? { instanceArn: admission.instanceArn } : {}),
    };
    return answer(defaultDecision(admission.reason), context, log);
  }
  const { input, instanceArn, maskedCaller, agentQueue } = admission;
  const log = deps.logger.child({ contactId: input.contactId, caller: maskedCaller });
  const context = { customerKey: input.customerKey, instanceArn };
  try {
    const pipelineInput: PipelineInput = {
      ...input,
      deadlineAt: deadline.at - ANSWER_MARGIN_MS,
      // The search step then records no contact join for this call (steps/search-contacts.ts).
      ...(synthetic ? { synthetic: true } : {}),
      // Agent-queue routing asks the caller about one agent: no other known agent is looked up.
      ...(agentQueue && deps.config.maxPreferred > 1 ? { oneAgent: true } : {}),
    };
    const { output, executionArn } = await withDeadline(deps.execute(pipelineInput, deadline), deadline);
    // The route choice runs here, on inputs the execution shows in the console; the decision
    // line carries the execution's ARN, so the two are read side by side.
    const decision = routeFrom(output, deps.config);
    return answer(decision, context, executionArn ? log.child({ executionArn }) : log);
  } catch (err) {
    const reason = reasonFor(err);
    log.warn('lookup failed, routing normally', { reason, error: err });
    return answer(defaultDecision(reason), context, log);
  }
}

type FlowContext = { customerKey: string; instanceArn?: string };

/**
 * Flattens the decision for the flow and logs it with its metrics (Embedded Metric Format). A
 * synthetic decision is logged as "synthetic decision" with route, reason and time but no metric
 * fields: the same answer, nothing counted.
 */
function respond(
  deps: Pick<DecideDeps, 'clock' | 'now' | 'config'>,
  started: number,
  decision: Decision,
  context: FlowContext,
  log: Logger,
  synthetic = false,
): FlowResponse {
  const response = toFlowResponse({
    decision,
    ...context,
    decisionMs: deps.clock() - started,
    // lastContactAgo and the whisper texts (steps/lib/decision/whisper.ts) are relative to the call.
    now: deps.now(),
    whisper: deps.config,
    // Above 1, the answer carries the other known agents (knownAgentIds, knownAgentCount, …).
    maxPreferred: deps.config.maxPreferred,
  });
  // The decision line carries the metrics, so it is written even when the log level is raised
  // above INFO (the failure-share alarm would otherwise go quiet). SILENT stays silent.
  const level = log.getLevelName();
  const metricsLog = ['WARN', 'ERROR', 'CRITICAL'].includes(level)
    ? log.createChild({ logLevel: 'INFO' })
    : log;
  const decisionMs = Number(response.decisionMs);
  if (synthetic)
    metricsLog.info('synthetic decision', {
      synthetic: true,
      route: response.route,
      reason: response.reason,
      decisionMs,
    });
  else metricsLog.info('decision', decisionMetrics(response.route, response.reason, decisionMs));
  return response;
}

/** Resolves with the pipeline's answer or rejects with LookupTimeout when the budget runs out. */
async function withDeadline<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LookupTimeoutError('decision pipeline did not answer within the deadline')),
      Math.max(0, deadline.remaining()),
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
    // The abandoned execution may still fail later; nobody is waiting for it any more.
    work.catch(() => undefined);
  }
}

/**
 * Cold start, once per execution environment (lazy; a failure is retried on the next call, so
 * a fixed parameter heals without a redeploy): validate configuration, read the key secret in
 * hashed-key mode only, create the Step Functions client.
 */
const lambdaDeps = lazyInit(async (): Promise<DecideDeps> => {
  const env = runtimeEnv();
  let config = checkEntryConfig(loadConfig());
  if (config.keyMode === 'hmac-sha256' && !config.keySecret) {
    const source = config.keySecretParameter
      ? { parameter: config.keySecretParameter }
      : config.keySecretArn
        ? { secretArn: config.keySecretArn }
        : undefined;
    if (source) config = { ...config, keySecret: await readKeySecret(source) };
  }
  if (!env.stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  return {
    config,
    logger: createLogger(),
    execute: createSfnExecutor(env.stateMachineArn, await traced(new SFNClient({ maxAttempts: 1 }))),
    clock: Date.now,
    now: () => new Date(),
  };
});

/**
 * In Lambda the cold start runs in the init phase: Lambda finishes an ES module's top-level await
 * before the first invocation (Lambda developer guide, "Define Lambda function handler in
 * Node.js", section "Node.js initialization"; AWS Compute Blog, "Using Node.js ES modules and
 * top-level await in AWS Lambda"), so the first caller's decision budget no longer pays for the
 * configuration, the key secret read and the SDK's first use. A failure here is left to the
 * handler, which tries again and answers CONFIG_ERROR. Elsewhere (tests, the local tools) this
 * module starts nothing on import.
 */
if (process.env.AWS_LAMBDA_FUNCTION_NAME) await lambdaDeps().catch(() => undefined);

/** Lambda entry. A configuration error still answers the flow (DEFAULT) and is logged loudly. */
export async function handler(event: unknown, context?: Context): Promise<FlowResponse> {
  let deps: DecideDeps;
  try {
    deps = await lambdaDeps();
  } catch (err) {
    // Logged loudly and counted like every decision, so the failure-share alarm sees it.
    const logger = createLogger();
    if (context) logger.addContext(context);
    const counted = isSyntheticEvent(event)
      ? { synthetic: true }
      : decisionMetrics('DEFAULT', 'CONFIG_ERROR', 0);
    logger.error('configuration error', { error: err, ...counted });
    return toFlowResponse({ decision: defaultDecision('CONFIG_ERROR'), customerKey: '', decisionMs: 0 });
  }
  if (context) deps.logger.addContext(context);
  return decide(event, deps);
}
