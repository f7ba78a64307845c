import type { Context } from 'aws-lambda';
import { customerKeyFor, normaliseCaller } from './lib/caller';
import { type Config, loadConfig } from './lib/config';
import { ConnectEvent, currentQueueId, instanceIdFromArn, routingModeOf } from './lib/connect-event';
import { Deadline } from './lib/deadline';
import {
  type Decision,
  type FlowResponse,
  type Reason,
  defaultDecision,
  toFlowResponse,
} from './lib/decision';
import { ConnectThrottledError, LookupTimeoutError } from './lib/errors';
import { readKeySecret } from './lib/key-secret';
import { Logger } from './lib/logger';
import { decisionMetrics } from './lib/metrics';
import { maskPhone } from './lib/privacy';
import type { PipelineInput } from './lib/schemas';
import { createSfnExecutor } from './lib/sfn-executor';

/** Runs the state machine for one call. AWS: StartSyncExecution; locally: the in-process runner. */
export type Executor = (input: PipelineInput, deadline: Deadline) => Promise<Decision>;

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
 * The entry point the contact flow invokes. Validates the event, normalises the caller,
 * runs the decision pipeline within the deadline and returns the flat map the flow reads.
 * It never throws: every failure is a DEFAULT route with a reason.
 */
export async function decide(event: unknown, deps: DecideDeps): Promise<FlowResponse> {
  const started = deps.clock();
  const { config } = deps;
  const deadline = new Deadline(started + config.deadlineMs, deps.clock);
  let customerKey = '';
  let instanceArn: string | undefined;
  let log = deps.logger;
  const answer = (decision: Decision) => {
    const response = toFlowResponse({
      decision,
      customerKey,
      instanceArn,
      decisionMs: deps.clock() - started,
    });
    log.info('decision', decisionMetrics(response.route, response.reason, Number(response.decisionMs)));
    return response;
  };
  try {
    const parsed = ConnectEvent.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      log.warn('invalid Connect event', { path: issue?.path.join('.'), problem: issue?.message });
      return answer(defaultDecision('INVALID_EVENT'));
    }
    const data = parsed.data.Details.ContactData;
    const instanceId = instanceIdFromArn(data.InstanceARN);
    if (!instanceId) {
      log.warn('invalid Connect event', {
        path: 'Details.ContactData.InstanceARN',
        problem: 'not an instance ARN',
      });
      return answer(defaultDecision('INVALID_EVENT'));
    }
    instanceArn = data.InstanceARN;
    log = log.child({ contactId: data.ContactId });

    const caller = normaliseCaller(data.CustomerEndpoint?.Address, config.defaultCountry);
    if (caller.kind !== 'number') {
      const reason: Reason =
        caller.kind === 'anonymous'
          ? 'ANONYMOUS_CALLER'
          : caller.kind === 'missing'
            ? 'NO_CALLER_NUMBER'
            : 'INVALID_CALLER_NUMBER';
      return answer(defaultDecision(reason));
    }
    customerKey = customerKeyFor(caller.e164, config);
    log = log.child({ caller: maskPhone(caller.e164) });

    const channel =
      data.Channel === 'CHAT' || data.Channel === 'TASK' || data.Channel === 'EMAIL' ? data.Channel : 'VOICE';
    const queueId = currentQueueId(parsed.data);
    const input: PipelineInput = {
      instanceId,
      customerKey,
      contactId: data.ContactId,
      ...(data.InitialContactId ? { initialContactId: data.InitialContactId } : {}),
      ...(data.PreviousContactId ? { previousContactId: data.PreviousContactId } : {}),
      ...(queueId ? { currentQueueId: queueId } : {}),
      // In agent-queue routing the call waits in the agent's own queue, which reaches the agent
      // whatever their routing profile; in every other mode the agent must serve the queue.
      membershipQueueId: queueId && routingModeOf(parsed.data) !== 'agent-queue' ? queueId : '',
      channel,
      now: deps.now().toISOString(),
      deadlineAt: deadline.at - ANSWER_MARGIN_MS,
      csatGate: Boolean(config.csatAttribute),
    };
    return answer(await withDeadline(deps.execute(input, deadline), deadline));
  } catch (err) {
    const reason = reasonFor(err);
    log.warn('lookup failed, routing normally', { reason, error: err });
    return answer(defaultDecision(reason));
  }
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

let lambdaDeps: Promise<DecideDeps> | undefined;

/**
 * Cold start, once per execution environment: validate configuration, fetch the key secret from
 * SSM when configured that way, create the Step Functions client. A failure is retried on the
 * next invocation rather than cached, so a fixed parameter heals without a redeploy.
 */
async function lambdaDecideDeps(): Promise<DecideDeps> {
  lambdaDeps ??= (async () => {
    const logger = new Logger({ service: 'last-agent-routing', function: 'decide' });
    let config = loadConfig();
    if (config.keyMode === 'hmac-sha256' && !config.keySecret) {
      const source = config.keySecretParameter
        ? { parameter: config.keySecretParameter }
        : config.keySecretArn
          ? { secretArn: config.keySecretArn }
          : undefined;
      if (source) config = { ...config, keySecret: await readKeySecret(source) };
    }
    const stateMachineArn = process.env.STATE_MACHINE_ARN;
    if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
    return {
      config,
      logger,
      execute: createSfnExecutor(stateMachineArn),
      clock: Date.now,
      now: () => new Date(),
    };
  })();
  try {
    return await lambdaDeps;
  } catch (err) {
    lambdaDeps = undefined;
    throw err;
  }
}

/** Lambda entry. A configuration error still answers the flow (DEFAULT) and is logged loudly. */
export async function handler(event: unknown, _context?: Context): Promise<FlowResponse> {
  let deps: DecideDeps;
  try {
    deps = await lambdaDecideDeps();
  } catch (err) {
    // Logged loudly and counted like every decision, so the failure-share alarm sees it.
    new Logger({ service: 'last-agent-routing', function: 'decide' }).error('configuration error', {
      error: err,
      ...decisionMetrics('DEFAULT', 'CONFIG_ERROR', 0),
    });
    return toFlowResponse({ decision: defaultDecision('CONFIG_ERROR'), customerKey: '', decisionMs: 0 });
  }
  return decide(event, deps);
}
