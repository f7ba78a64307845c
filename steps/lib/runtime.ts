import type { ConnectClient } from '@aws-sdk/client-connect';
import { type Config, loadConfig } from './config';
import { createConnectClient } from './connect-client';
import { Logger } from './logger';

/** What every step needs, passed explicitly so tests and the local runtime inject their own. */
export interface StepDeps {
  connect: ConnectClient;
  config: Config;
  logger: Logger;
  /** Wall clock, epoch ms (deadlines). */
  clock: () => number;
}

/** A state-machine step: the same `run` serves the Lambda handler and the local runtime. */
export interface Step {
  /** The Task state name in statemachine/*.asl.json. */
  state: string;
  run(input: unknown, deps: StepDeps): Promise<unknown>;
}

let lambdaDeps: StepDeps | undefined;

/**
 * Built once per Lambda execution environment: configuration validated at cold start, one
 * Connect client reused across invocations. Nothing caller-specific is kept here.
 */
export function lambdaRuntime(): StepDeps {
  lambdaDeps ??= {
    config: loadConfig(),
    connect: createConnectClient(),
    logger: new Logger({ service: 'last-agent-routing', function: process.env.AWS_LAMBDA_FUNCTION_NAME }),
    clock: Date.now,
  };
  return lambdaDeps;
}

/** Lambda handler for a step. */
export function lambdaHandler(step: Step): (event: unknown) => Promise<unknown> {
  return (event) => step.run(event, lambdaRuntime());
}
