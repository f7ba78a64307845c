import './polyfills';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { decide } from '../steps/decide';
import { checkEntryConfig, customerKeyFor } from '../steps/lib/caller';
import { type Config, loadConfig } from '../steps/lib/config';
import { createConnectClient } from '../steps/lib/connect-client';
import type { FlowResponse } from '../steps/lib/decision';
import { type Logger, createLogger } from '../steps/lib/logger';
import { createReferenceData } from '../steps/lib/reference-data';
import type { Scenario } from './connect/scenario';
import { type LocalConnect, startLocalConnect } from './connect/server';
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
}

export async function startLocalSession(options: SessionOptions): Promise<LocalSession> {
  const config = checkEntryConfig(loadConfig(options.env ?? process.env));
  const { scenario } = options;
  const storedKeyOf =
    options.storedKeyOf ??
    (config.keyMode === 'hmac-sha256' ? (phone: string) => customerKeyFor(phone, config) : undefined);
  const connect = await startLocalConnect(scenario, storedKeyOf ? { customerKeyOf: storedKeyOf } : {});
  // Silent unless LOG_LEVEL asks otherwise; to stderr, so --json output on stdout stays one object.
  const logger =
    options.logger ??
    createLogger({
      level: (options.env ?? process.env).LOG_LEVEL ?? 'silent',
      sink: (line) => process.stderr.write(`${line}\n`),
    });
  const client = createConnectClient({
    endpoint: connect.endpoint,
    region: scenario.instance.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stepDeps = {
    connect: client,
    config,
    logger,
    clock: Date.now,
    reference: createReferenceData(config.referenceTtlSeconds * 1000),
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
    async decide(event) {
      let trace: TraceEntry[] = [];
      const decision = await decide(event, {
        config,
        logger,
        clock: Date.now,
        now: () => now,
        execute: async (input, deadline) => {
          const result = await runner.run(input, deadline);
          trace = result.trace;
          return result.decision;
        },
      });
      return { decision, trace };
    },
    async close() {
      client.destroy();
      await connect.close();
    },
  };
}

export { type CallOptions, connectEventFor, flowParameters } from './connect/events';
