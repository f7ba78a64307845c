import type { ConnectClient } from '@aws-sdk/client-connect';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { type Deadline, sendWithin } from '../connect/deadline';
import { InvalidStepInputError } from '../connect/errors';
import type { ReferenceData } from '../connect/reference-data';
import { type Config, loadConfig } from './config';
import { type Logger, createLogger } from './logger';
import { traced } from './tracing';

/** What every step needs, passed explicitly so tests and the local runtime inject their own. */
export interface StepDeps {
  connect: ConnectClient;
  config: Config;
  logger: Logger;
  /** Wall clock, epoch ms (deadlines). */
  clock: () => number;
  /** Agent status types and routing-profile queues, cached per container with a bounded age. */
  reference: ReferenceData;
  /** The routing-state table's client (LAST_AGENT_SOURCE index or index-then-search). */
  dynamo: DynamoDBDocumentClient;
}

/** A state-machine step: the same `run` serves the Lambda handler and the local runtime. */
export interface Step {
  /** The Task state name in statemachine/*.asl.json (also the label of its errors and logs). */
  state: string;
  run(input: unknown, deps: StepDeps): Promise<unknown>;
}

/**
 * Defines a step once: its state name, the schema of its input (parsed at the boundary; a
 * malformed payload is an InvalidStepInput error the ASL catches) and its logic, which gets
 * the typed input.
 */
export function defineStep<S extends z.ZodMiniType, R>(definition: {
  state: string;
  input: S;
  run: (input: z.infer<S>, deps: StepDeps) => Promise<R> | R;
}): Step {
  return {
    state: definition.state,
    run: async (raw, deps) => definition.run(parseStepInput(definition.input, raw, definition.state), deps),
  };
}

/** Parses a step payload at the boundary; a malformed payload is a named error the ASL catches. */
export function parseStepInput<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  state: string,
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InvalidStepInputError(
      `${state}: invalid input at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Sends one Connect command within the deadline, with the retry policy (`sendWithin`). */
export function sendConnect<T>(
  deps: Pick<StepDeps, 'connect'>,
  deadline: Deadline,
  operation: string,
  // biome-ignore lint/suspicious/noExplicitAny: any SDK command of the Connect client
  command: any,
): Promise<T> {
  return sendWithin<T>(deps.connect, deadline, operation, command);
}

/**
 * Cold start, once per execution environment: `init` runs on first use and its result is
 * reused; a failure is not cached, so the next invocation tries again (a fixed parameter or
 * permission heals without a redeploy). Used by the entry Lambda and every step.
 */
export function lazyInit<T>(init: () => Promise<T> | T): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= Promise.resolve()
      .then(init)
      .catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
    return pending;
  };
}

/** Steps that make no Connect call: their bundles then carry no SDK at all. */
const unavailable = <T extends object>(what: string) =>
  new Proxy({} as T, {
    get() {
      throw new Error(`this step has no ${what}`);
    },
  });

/** What a step's Lambda builds once per container: only the clients its code uses. */
export interface StepClients {
  connect?: () => ConnectClient;
  reference?: (maxAgeMs: number) => ReferenceData;
  /**
   * Built only when the configured source reads the routing-state table; a dynamic import, so a
   * `search` deployment never evaluates the DynamoDB client at cold start.
   */
  dynamo?: () => Promise<DynamoDBDocumentClient>;
}

/**
 * The Lambda handler of a step. Its dependencies are built once per container on first use
 * (configuration validated, one client per service reused across invocations); nothing
 * caller-specific is kept. Steps that call Connect pass the client factory, the availability
 * step also the reference-data cache, the steps that read the routing-state table its client.
 */
export function lambdaHandler(step: Step, clients: StepClients = {}): (event: unknown) => Promise<unknown> {
  const deps = lazyInit(async (): Promise<StepDeps> => {
    const config = loadConfig();
    return {
      config,
      connect: clients.connect
        ? await traced(clients.connect())
        : unavailable<ConnectClient>('Connect client'),
      logger: createLogger(),
      clock: Date.now,
      reference: clients.reference
        ? clients.reference(config.referenceTtlSeconds * 1000)
        : unavailable<ReferenceData>('reference data'),
      dynamo:
        clients.dynamo && config.source !== 'search'
          ? await traced(await clients.dynamo())
          : unavailable<DynamoDBDocumentClient>('routing-state table (LAST_AGENT_SOURCE is search)'),
    };
  });
  return async (event) => step.run(event, await deps());
}
