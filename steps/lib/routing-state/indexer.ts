import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { type Config, loadConfig } from '../runtime/config';
import { type Logger, createLogger } from '../runtime/logger';
import { lazyInit } from '../runtime/step';
import { createDynamoClient } from './dynamo-client';

/** What the two indexers (steps/index-contact-events.ts, steps/index-agent-events.ts) need. */
export interface IndexerDeps {
  dynamo: DynamoDBDocumentClient;
  config: Pick<Config, 'tableName' | 'lookbackDays'>;
  logger: Logger;
  clock: () => number;
}

/**
 * An indexer's cold start, once per container: configuration with the table's name, and a
 * DynamoDB client with the SDK's standard retries (3 attempts; no caller waits here) before the
 * invocation fails and its event source retries.
 */
export const indexerDeps = lazyInit((): IndexerDeps => {
  const config = loadConfig();
  if (!config.tableName) throw new Error('LAST_AGENT_TABLE_NAME is not set');
  return { config, dynamo: createDynamoClient({ maxAttempts: 3 }), logger: createLogger(), clock: Date.now };
});

/** An invocation's deps with its Lambda context on the logger, and its time budget: what is left, less 0.5 s. */
export async function indexerInvocation(context: Context | undefined) {
  const deps = await indexerDeps();
  if (context) deps.logger.addContext(context);
  const budgetMs = context ? Math.max(1000, context.getRemainingTimeInMillis() - 500) : 10_000;
  return { deps, budgetMs };
}
