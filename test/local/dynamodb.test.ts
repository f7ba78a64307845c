/**
 * The local DynamoDB (local/dynamodb/server.ts): dynalite behind a fault-injecting proxy, driven
 * through the real SDK. The events feeding the table follow AWS's documented formats
 * (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html, camelCase, one
 * sample spelling the channel "Voice"; https://docs.aws.amazon.com/connect/latest/adminguide/agent-event-stream-model.html,
 * PascalCase); they are tested in event-feed.test.ts.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../local/connect/faults';
import {
  type DynamoFaults,
  type LocalDynamo,
  readRequests,
  startLocalDynamo,
  writeRequests,
} from '../../local/dynamodb/server';
import { SINGLETON_SK, agentPk, contactSk, customerPk } from '../../steps/lib/routing-state/table';

const TABLE = 'routing-state';

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the request to fail');
}

const status = (err: Record<string, unknown>) =>
  (err.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode;

describe('local DynamoDB', () => {
  let dynamo: LocalDynamo;
  let doc: DynamoDBDocumentClient;
  const getAgent = () => doc.send(new GetCommand({ TableName: TABLE, Key: { pk: agentPk('a1'), sk: 'A' } }));

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await dynamo.createRoutingTable(TABLE);
    doc = DynamoDBDocumentClient.from(dynamo.client);
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(() => {
    dynamo.setFaults({});
    dynamo.resetStats();
  });

  it('serves the routing table through the real SDK: Put, then Query newest first', async () => {
    expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const [at, id] of [
      [1_700_000_000, 'c1'],
      [1_700_000_600, 'c2'],
      [1_700_001_200, 'c3'],
    ] as const) {
      await doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            pk: customerPk('k1'),
            sk: contactSk(at, id),
            contactId: id,
            agentId: 'a1',
            connectedAt: at,
          },
        }),
      );
    }
    const { Items } = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': customerPk('k1') },
        ScanIndexForward: false,
        Limit: 2,
      }),
    );
    expect(Items?.map((i) => i.contactId)).toEqual(['c3', 'c2']);
    expect(dynamo.stats.PutItem.requests).toBe(3);
    expect(dynamo.stats.Query.requests).toBe(1);
  });

  it('keeps dynalite behaviours the indexers rely on: conditions, if_not_exists, ReturnValues ALL_NEW', async () => {
    const key = { pk: 'K#c9', sk: SINGLETON_SK.join };
    const update = (eventAt: number) =>
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: 'SET eventAt = :t, firstAt = if_not_exists(firstAt, :t)',
          ConditionExpression: 'attribute_not_exists(eventAt) OR eventAt < :t',
          ExpressionAttributeValues: { ':t': eventAt },
          ReturnValues: 'ALL_NEW',
        }),
      );
    expect((await update(10)).Attributes).toEqual({ ...key, eventAt: 10, firstAt: 10 });
    expect((await update(20)).Attributes).toEqual({ ...key, eventAt: 20, firstAt: 10 });
    const stale = await failure(update(15));
    expect(stale.name).toBe('ConditionalCheckFailedException');
    expect(status(stale)).toBe(400);
  });

  it.each([
    ['throttle', 'ProvisionedThroughputExceededException', 400, 'ThrottlingReasons'],
    ['throttling', 'ThrottlingException', 400, 'throttlingReasons'],
  ] as const)('injects %s as %s (HTTP %i)', async (kind, name, http, reasons) => {
    dynamo.setFaults({ inject: [{ operation: 'GetItem', kind }] });
    const err = await failure(getAgent());
    expect(err.name).toBe(name);
    expect(status(err)).toBe(http);
    expect(err[reasons]).toEqual([
      {
        reason: expect.stringMatching(/^TableRead/),
        resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`,
      },
    ]);
    // Only the targeted operation fails.
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: agentPk('a1'), sk: 'A' } }));
    expect(dynamo.stats.GetItem).toEqual({ requests: 1, throttled: 1, faults: 1 });
    expect(dynamo.stats.PutItem).toEqual({ requests: 1, throttled: 0, faults: 0 });
  });

  it('injects error500 as InternalServerError (HTTP 500) in the JSON 1.0 wire format', async () => {
    dynamo.setFaults({ inject: [{ operation: '*', kind: 'error500' }] });
    const err = await failure(
      dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'x' }, sk: { S: 'x' } } })),
    );
    expect(err.name).toBe('InternalServerError');
    expect(status(err)).toBe(500);
    const raw = await fetch(dynamo.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Query' },
      body: '{}',
    });
    expect(raw.status).toBe(500);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(raw.headers.get('x-amzn-requestid')).toMatch(/^[A-Z0-9]{52}$/);
    expect(await raw.json()).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
      message: 'Internal server error',
    });
  });

  it('injects faults on the given share of requests, drawn from the seeded PRNG', async () => {
    dynamo.setFaults({ seed: 7, inject: [{ operation: 'GetItem', kind: 'throttle', rate: 0.5 }] });
    const outcomes: boolean[] = [];
    for (let i = 0; i < 20; i++)
      outcomes.push(
        await getAgent().then(
          () => true,
          () => false,
        ),
      );
    // The same seed, the same requests fail: the n-th request fails when the n-th draw is below the rate.
    const random = seededRandom(7);
    expect(outcomes).toEqual(outcomes.map(() => random() >= 0.5));
    expect(outcomes.filter((ok) => !ok).length).toBeGreaterThan(3);
    expect(outcomes.filter((ok) => ok).length).toBeGreaterThan(3);
  });

  it('holds "slow" requests for delayMs, then answers them', async () => {
    dynamo.setFaults({ inject: [{ operation: 'GetItem', kind: 'slow', delayMs: 120 }] });
    const t0 = performance.now();
    await getAgent();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    expect(dynamo.stats.GetItem).toEqual({ requests: 1, throttled: 0, faults: 1 });
  });

  it('adds the latency model to every request', async () => {
    // p99 = median: no spread, every request takes the median.
    dynamo.setFaults({ latency: { medianMs: 25, p99Ms: 25 } });
    const t0 = performance.now();
    for (let i = 0; i < 4; i++) await getAgent();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
  });

  it('counts requests per operation, failed ones included (reads per decision)', async () => {
    dynamo.setFaults({ inject: [{ operation: 'UpdateItem', kind: 'throttling' }] });
    await getAgent();
    await getAgent();
    await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': customerPk('nobody') },
      }),
    );
    await failure(
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: 'K#c1', sk: 'K' },
          UpdateExpression: 'SET a = :a',
          ExpressionAttributeValues: { ':a': 1 },
        }),
      ),
    );
    expect(dynamo.stats.GetItem.requests).toBe(2);
    expect(dynamo.stats.Query.requests).toBe(1);
    expect(dynamo.stats.UpdateItem).toEqual({ requests: 1, throttled: 1, faults: 1 });
    expect(readRequests(dynamo.stats)).toBe(3);
    expect(writeRequests(dynamo.stats)).toBe(1);
    dynamo.resetStats();
    expect(readRequests(dynamo.stats)).toBe(0);
  });

  it('refuses an invalid fault plan', () => {
    expect(() => dynamo.setFaults({ inject: [{ kind: 'throttle', rate: 2 }] } as DynamoFaults)).toThrow();
    expect(() => dynamo.setFaults({ inject: [{ kind: 'explode' }] } as unknown as DynamoFaults)).toThrow();
  });
});

describe('local DynamoDB close', () => {
  it('does not wait for a pending slow request', async () => {
    const dynamo = await startLocalDynamo({
      faults: { inject: [{ operation: 'GetItem', kind: 'slow', delayMs: 60_000 }] },
    });
    await dynamo.createRoutingTable(TABLE);
    const doc = DynamoDBDocumentClient.from(dynamo.client);
    const pending = doc
      .send(new GetCommand({ TableName: TABLE, Key: { pk: 'A#x', sk: 'A' } }))
      .catch((e) => e);
    while (dynamo.stats.GetItem.requests === 0) await new Promise((r) => setTimeout(r, 2));
    const t0 = performance.now();
    await dynamo.close();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
    // close is idempotent.
    await dynamo.close();
  });
});
