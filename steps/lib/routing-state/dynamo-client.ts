import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectClientOptions } from '../connect/client';

/**
 * One DynamoDB document client per container (the routing-state table). As for Connect, retries
 * are ours (deadline-aware, steps/lib/connect/deadline.ts), hence maxAttempts 1; the indexers, which have
 * no caller waiting, retry through their event sources instead.
 */
export function createDynamoClient(
  options: ConnectClientOptions & { maxAttempts?: number } = {},
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    maxAttempts: options.maxAttempts ?? 1,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  // Optional fields are left out of items rather than written as NULL.
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
