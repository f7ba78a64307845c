import type { ConnectClient } from '@aws-sdk/client-connect';
import { type Config, loadConfig } from './config';
import { Logger } from './logger';
import type { ReferenceData } from './reference-data';

/** What every step needs, passed explicitly so tests and the local runtime inject their own. */
export interface StepDeps {
  connect: ConnectClient;
  config: Config;
  logger: Logger;
  /** Wall clock, epoch ms (deadlines). */
  clock: () => number;
  /** Agent status types and routing-profile queues, cached per container with a bounded age. */
  reference: ReferenceData;
}

/** A state-machine step: the same `run` serves the Lambda handler and the local runtime. */
export interface Step {
  /** The Task state name in statemachine/*.asl.json. */
  state: string;
  run(input: unknown, deps: StepDeps): Promise<unknown>;
}

let lambdaDeps: StepDeps | undefined;

/** For steps that make no Connect call: their bundles then carry no SDK at all. */
const noConnect = new Proxy({} as ConnectClient, {
  get() {
    throw new Error('this step has no Connect client');
  },
});

/**
 * Built once per Lambda execution environment: configuration validated at cold start, one
 * Connect client reused across invocations. Nothing caller-specific is kept here.
 */
/** For steps that read no reference data (their bundles then carry no Connect commands for it). */
const noReference = new Proxy({} as ReferenceData, {
  get() {
    throw new Error('this step has no reference data');
  },
});

export function lambdaRuntime(
  createConnect?: () => ConnectClient,
  createReference?: (maxAgeMs: number) => ReferenceData,
): StepDeps {
  if (!lambdaDeps) {
    const config = loadConfig();
    lambdaDeps = {
      config,
      connect: createConnect ? createConnect() : noConnect,
      logger: new Logger({ service: 'last-agent-routing', function: process.env.AWS_LAMBDA_FUNCTION_NAME }),
      clock: Date.now,
      reference: createReference ? createReference(config.referenceTtlSeconds * 1000) : noReference,
    };
  }
  return lambdaDeps;
}

/** Lambda handler for a step; steps that call Connect pass the client factory. */
export function lambdaHandler(
  step: Step,
  createConnect?: () => ConnectClient,
  createReference?: (maxAgeMs: number) => ReferenceData,
): (event: unknown) => Promise<unknown> {
  return (event) => step.run(event, lambdaRuntime(createConnect, createReference));
}
