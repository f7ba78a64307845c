import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentEventsFor, contactEventsFor, kinesisEventOf } from '../../local/connect/event-feed';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { loadDynamoClient, loadRoutingStore } from '../../steps/lib/routing-state/modules';
import { DEMO } from '../helpers';
import { baseInput } from './fixtures';

/**
 * The Lambda entries of the index sources as deployed: configuration from the environment, the
 * DynamoDB client built by `lambdaHandler` (the SDK reads AWS_ENDPOINT_URL_DYNAMODB), a fresh
 * module per test (each handler keeps its clients per container).
 */
const TABLE = 'routing-state-handlers';
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createRoutingTable(TABLE);
});
afterAll(() => dynamo.close());
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

function deployedEnv(source = 'index') {
  for (const [k, v] of Object.entries({
    LAST_AGENT_SOURCE: source,
    LAST_AGENT_TABLE_NAME: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    LOG_LEVEL: 'SILENT',
  }))
    vi.stubEnv(k, v);
}

describe('the routing-state loaders (steps/lib/routing-state/modules.ts)', () => {
  it('refuse in a bundle built for the search source, naming the fix', async () => {
    vi.stubEnv('LAST_AGENT_BUNDLE_INDEX', 'false');
    await expect(loadRoutingStore()).rejects.toThrow(/bundled for LAST_AGENT_SOURCE=search/);
    await expect(loadDynamoClient()).rejects.toThrow(/bundled for LAST_AGENT_SOURCE=search/);
  });

  it('load the store and a client otherwise', async () => {
    expect(typeof (await loadRoutingStore()).queryCustomerContacts).toBe('function');
    const client = await loadDynamoClient();
    expect(typeof client.send).toBe('function');
    client.destroy();
  });
});

describe('the Lambda handlers on the index source, end to end through a local DynamoDB', () => {
  it('contact indexer, agent indexer, then the search and availability steps read what they wrote', async () => {
    deployedEnv();
    const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${baseInput.instanceId}`;
    const alice = DEMO.agents.find((a) => a.username === 'alice');
    const contact = DEMO.contacts.find((c) => c.agentId === alice?.id && c.disconnectTimestamp);
    if (!alice || !contact) throw new Error('demo scenario changed');
    const events = contactEventsFor({ ...DEMO, contacts: [contact] }, { instanceArn });

    // The search step runs first for a live call and records its key; here the call is new.
    const search = (await import('../../steps/search-contacts')).handler;
    const first = (await search({
      ...baseInput,
      contactId: contact.id,
      initialContactId: contact.id,
      now: contact.initiationTimestamp,
      deadlineAt: Date.now() + 3000,
    })) as { source: string; candidates: unknown[] };
    expect(first).toMatchObject({ source: 'INDEX', candidates: [] });

    const contactIndexer = (await import('../../steps/index-contact-events')).handler;
    const outcomes = [];
    for (const event of events) outcomes.push(await contactIndexer(event));
    expect(outcomes.map((o) => o.status)).toEqual(events.map(() => 'INDEXED'));

    const agentIndexer = (await import('../../steps/index-agent-events')).handler;
    const batch = await agentIndexer(kinesisEventOf(agentEventsFor(DEMO, { instanceArn, at: new Date() })));
    expect(batch).toMatchObject({ batchItemFailures: [], stored: DEMO.agents.length });

    const later = (await search({ ...baseInput, now: DEMO.now, deadlineAt: Date.now() + 3000 })) as {
      source: string;
      candidates: { id: string; agentId: string }[];
    };
    expect(later.source).toBe('INDEX');
    expect(later.candidates[0]).toMatchObject({ id: contact.id, agentId: alice.id });

    const availability = (await import('../../steps/check-agent-availability')).handler;
    const state = await availability({
      instanceId: baseInput.instanceId,
      deadlineAt: Date.now() + 3000,
      agentId: alice.id,
      channel: 'VOICE',
      membershipQueueId: '',
    });
    expect(state).toMatchObject({ status: 'AVAILABLE', source: 'INDEX' });
  });

  it('a contact indexer without a table name fails at cold start, and the failure reaches Lambda', async () => {
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    const contactIndexer = (await import('../../steps/index-contact-events')).handler;
    await expect(contactIndexer({})).rejects.toThrow(/LAST_AGENT_TABLE_NAME/);
  });

  it('a malformed contact event is thrown back to Lambda (retries, then the dead-letter queue)', async () => {
    deployedEnv();
    const contactIndexer = (await import('../../steps/index-contact-events')).handler;
    await expect(
      contactIndexer({ source: 'aws.connect', 'detail-type': 'Amazon Connect Contact Event', detail: {} }),
    ).rejects.toMatchObject({ name: 'InvalidContactEvent' });
  });
});
