import './polyfills';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { decide } from '../steps/decide';
import { createConnectClient } from '../steps/lib/connect/client';
import { createReferenceData } from '../steps/lib/connect/reference-data';
import { checkEntryConfig, customerKeyFor } from '../steps/lib/decision/caller';
import type { FlowResponse } from '../steps/lib/decision/decision';
import { type PipelineOutput, routeFrom } from '../steps/lib/decision/route';
import { createDynamoClient } from '../steps/lib/routing-state/dynamo-client';
import { type Config, loadConfig } from '../steps/lib/runtime/config';
import { type Logger, createLogger } from '../steps/lib/runtime/logger';
import type { Scenario } from './connect/scenario';
import { type LocalConnect, startLocalConnect } from './connect/server';
import { type DynamoFaults, type LocalDynamo, startLocalDynamo } from './dynamodb/server';
import { type ReplayStats, replayScenario } from './index-replay';
import { type ConnectCall, type TraceEntry, createLocalRunner } from './runner';

export interface LocalDecision {
  decision: FlowResponse;
  trace: TraceEntry[];
}

export interface LocalSession {
  connect: LocalConnect;
  /** The Connect client the steps use (benchmarks hook its middleware to time round trips). */
  connectClient: ConnectClient;
  config: Config;
  instanceArn: string;
  /**
   * With LAST_AGENT_SOURCE index or index-then-search: the local DynamoDB (dynalite behind a fault
   * proxy) holding the routing-state table, and what replaying the scenario as events put there.
   */
  dynamo?: { server: LocalDynamo; replay: ReplayStats };
  /** One call end to end: entry Lambda → local state machine → steps → local Connect. */
  decide(event: unknown): Promise<LocalDecision>;
  close(): Promise<void>;
}

export interface SessionOptions {
  scenario: Scenario;
  /** Configuration variables (same names as in Lambda); defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Reference time; defaults to the scenario's "now". */
  now?: Date;
  logger?: Logger;
  /**
   * How the local Connect stores each caller's searchable key; defaults to what this session's
   * configuration derives (E.164, or the HMAC with its secret). Tests of key rotation differ.
   */
  storedKeyOf?: (phone: string) => string;
  /** Called for every Connect API call a step makes (IAM conformance). */
  onConnectCall?: (call: ConnectCall) => void;
  /** Faults and latency of the local DynamoDB (index sources), applied after the replay. */
  dynamoFaults?: DynamoFaults;
  /** Index sources: skip replaying the scenario into the table (tests of an empty index). */
  replay?: boolean;
}

/** The table name the local runtime uses when LAST_AGENT_TABLE_NAME is not set. */
export const LOCAL_TABLE_NAME = 'last-agent-routing-state';

export async function startLocalSession(options: SessionOptions): Promise<LocalSession> {
  const env = options.env ?? process.env;
  const config = checkEntryConfig(
    loadConfig(
      env.LAST_AGENT_SOURCE && env.LAST_AGENT_SOURCE !== 'search' && !env.LAST_AGENT_TABLE_NAME
        ? { ...env, LAST_AGENT_TABLE_NAME: LOCAL_TABLE_NAME }
        : env,
    ),
  );
  const { scenario } = options;
  const storedKeyOf =
    options.storedKeyOf ??
    (config.keyMode === 'hmac-sha256' ? (phone: string) => customerKeyFor(phone, config) : undefined);
  const connect = await startLocalConnect(scenario, storedKeyOf ? { customerKeyOf: storedKeyOf } : {});
  // Silent unless LOG_LEVEL asks otherwise; to stderr, so --json output on stdout stays one object.
  const logger =
    options.logger ??
    createLogger({
      level: env.LOG_LEVEL ?? 'silent',
      sink: (line) => process.stderr.write(`${line}\n`),
    });
  const client = createConnectClient({
    endpoint: connect.endpoint,
    region: scenario.instance.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const dynamo =
    config.source === 'search' ? undefined : await startIndex(options, config, connect, logger, storedKeyOf);
  const stepDeps = {
    connect: client,
    config,
    logger,
    clock: Date.now,
    reference: createReferenceData(config.referenceTtlSeconds * 1000),
    dynamo:
      dynamo?.client ??
      createDynamoClient({
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      }),
  };
  const runner = createLocalRunner(
    stepDeps,
    options.onConnectCall ? { onConnectCall: options.onConnectCall } : {},
  );
  const now = options.now ?? new Date(scenario.now);
  return {
    connect,
    connectClient: client,
    config,
    instanceArn: connect.instanceArn,
    ...(dynamo ? { dynamo: { server: dynamo.server, replay: dynamo.replay } } : {}),
    async decide(event) {
      let trace: TraceEntry[] = [];
      const decision = await decide(event, {
        config,
        logger,
        clock: Date.now,
        now: () => now,
        execute: async (input, deadline) => {
          const result = await runner.run(input, deadline);
          trace = withRouteChoice(result.trace, result.output, config);
          return { output: result.output };
        },
      });
      return { decision, trace };
    },
    async close() {
      client.destroy();
      stepDeps.dynamo.destroy();
      await Promise.all([connect.close(), dynamo?.server.close()]);
    },
  };
}

/**
 * The trace as the console and the decision log show it together: the execution's states, then
 * the route choice the entry function makes on the last state's output (`routeFrom`, timed here).
 */
function withRouteChoice(trace: TraceEntry[], output: PipelineOutput, config: Config): TraceEntry[] {
  if ('route' in output) return trace;
  const last = trace.at(-1);
  const startMs = last ? last.startMs + last.durationMs : 0;
  const t0 = performance.now();
  const { route, reason } = routeFrom(output, config);
  const durationMs = performance.now() - t0;
  return [
    ...trace,
    {
      state: 'Choose Route',
      type: 'EntryFunction',
      startMs,
      durationMs,
      status: 'SUCCEEDED',
      output: { route, reason },
    },
  ];
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The index sources locally: dynalite on 127.0.0.1 (a DynamoDB-compatible server from npm), the
 * routing-state table, and the scenario replayed into it as AWS-format events through the real
 * indexers (local/index-replay.ts). Faults apply after the replay, to the decisions only.
 */
async function startIndex(
  options: SessionOptions,
  config: Config,
  connect: LocalConnect,
  logger: Logger,
  storedKeyOf: ((phone: string) => string) | undefined,
) {
  const server = await startLocalDynamo();
  try {
    await server.createRoutingTable(config.tableName as string);
    const client = createDynamoClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const replay =
      options.replay === false
        ? { keys: 0, contactEvents: 0, agentEvents: 0, indexed: 0 }
        : await replayScenario(options.scenario, {
            dynamo: client,
            config,
            logger,
            instanceArn: connect.instanceArn,
            ...(storedKeyOf ? { customerKeyOf: storedKeyOf } : {}),
          });
    server.resetStats();
    if (options.dynamoFaults) server.setFaults(options.dynamoFaults);
    return { server, client, replay };
  } catch (err) {
    await server.close();
    throw err;
  }
}

export { type CallOptions, connectEventFor, flowParameters } from './connect/events';
