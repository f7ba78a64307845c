/**
 * The indexers (steps/index-contact-events.ts, steps/index-agent-events.ts) and the table's reads
 * (steps/lib/routing-state/store.ts) against a real local DynamoDB (dynalite behind the fault proxy,
 * local/dynamodb/server.ts): the contact join in either order, redelivered and out-of-order
 * events, transfers, what is ignored and what is refused, the agent state's newer-wins rule and
 * per-record failures, and expiry. Events follow AWS's documented formats: contact events
 * (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html; camelCase in most
 * samples, PascalCase in the routing-criteria ones, "Voice" in one) and agent events
 * (https://docs.aws.amazon.com/connect/latest/adminguide/agent-event-stream-model.html).
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentEvent,
  agentEventFor,
  eventTimestamp,
  kinesisEventOf,
} from '../../local/connect/event-feed';
import { seededRandom } from '../../local/connect/faults';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { indexAgentEvents } from '../../steps/index-agent-events';
import { type IndexerDeps, indexContactEvent } from '../../steps/index-contact-events';
import { Deadline } from '../../steps/lib/connect/deadline';
import { createDynamoClient } from '../../steps/lib/routing-state/dynamo-client';
import { queryCustomerContacts, recordCustomerKey } from '../../steps/lib/routing-state/store';
import { SINGLETON_SK, agentPk, contactSk, customerPk, joinPk } from '../../steps/lib/routing-state/table';
import { createLogger } from '../../steps/lib/runtime/logger';
import { DEMO } from '../helpers';

const INSTANCE = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555';
const NOW_MS = Date.parse('2026-11-20T10:00:00.000Z');
const NOW_S = NOW_MS / 1000;
const LOOKBACK_DAYS = 7;
const AGENT = 'a1b2c3d4-0000-4000-8000-00000000000a';
const OTHER_AGENT = 'a1b2c3d4-0000-4000-8000-00000000000b';
const QUEUE = 'q1b2c3d4-0000-4000-8000-000000000001';
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

const iso = (secondsAgo: number) => eventTimestamp(new Date(NOW_MS - secondsAgo * 1000));

interface ContactSpec {
  id: string;
  agentId?: string;
  /** Seconds before NOW when the contact reached the agent. */
  connectedAgo?: number;
  disconnectedAgo?: number;
  initialContactId?: string;
  previousContactId?: string;
  channel?: string;
  initiationMethod?: string;
}

/** A contact event as EventBridge delivers it (camelCase detail, as in the docs' samples). */
function contactEvent(eventType: string, c: ContactSpec, detail: Record<string, unknown> = {}) {
  const connected = c.connectedAgo ?? 600;
  return {
    version: '0',
    id: `${c.id}-${eventType}`,
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account: '123456789012',
    time: iso(connected).replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`${INSTANCE}/contact/${c.id}`, INSTANCE],
    detail: {
      eventType,
      contactId: c.id,
      ...(c.initialContactId ? { initialContactId: c.initialContactId } : {}),
      ...(c.previousContactId ? { previousContactId: c.previousContactId } : {}),
      channel: c.channel ?? 'VOICE',
      instanceArn: INSTANCE,
      initiationMethod: c.initiationMethod ?? 'INBOUND',
      initiationTimestamp: iso(connected + 60),
      ...(eventType !== 'CONNECTED_TO_AGENT' && c.disconnectedAgo !== undefined
        ? { disconnectTimestamp: iso(c.disconnectedAgo) }
        : {}),
      agentInfo: {
        agentArn: `${INSTANCE}/agent/${c.agentId ?? AGENT}`,
        connectedToAgentTimestamp: iso(connected),
      },
      queueInfo: { queueArn: `${INSTANCE}/queue/${QUEUE}`, queueType: 'STANDARD' },
      ...detail,
    },
  };
}

/** Every event of one answered contact: connected, disconnected, completed (after-contact work). */
const lifecycle = (c: ContactSpec) => [
  contactEvent('CONNECTED_TO_AGENT', c),
  contactEvent('DISCONNECTED', { disconnectedAgo: (c.connectedAgo ?? 600) - 300, ...c }),
  contactEvent('COMPLETED', { disconnectedAgo: (c.connectedAgo ?? 600) - 300, ...c }),
];

describe('indexers against a local DynamoDB', () => {
  let dynamo: LocalDynamo;
  let doc: DynamoDBDocumentClient;
  let deps: IndexerDeps;
  let table: string;
  let tables = 0;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    // One attempt per request (our retry policy on top, as in the steps), so injected faults are
    // counted one draw per attempt.
    doc = createDynamoClient({ endpoint: dynamo.endpoint, maxAttempts: 1, ...LOCAL });
  });
  afterAll(async () => {
    doc?.destroy();
    await dynamo?.close();
  });
  beforeEach(async () => {
    dynamo.setFaults({});
    table = `routing-${++tables}`;
    await dynamo.createRoutingTable(table);
    deps = {
      dynamo: doc,
      config: { tableName: table, lookbackDays: LOOKBACK_DAYS },
      logger: createLogger({ level: 'silent' }),
      clock: () => NOW_MS,
    };
  });

  const deadline = () => new Deadline(Date.now() + 5_000);
  const recordKey = (contactId: string, customerKey: string) =>
    recordCustomerKey(doc, deadline(), {
      table,
      contactId,
      customerKey,
      nowSeconds: NOW_S - 700,
      lookbackDays: LOOKBACK_DAYS,
    });
  const contactsOf = async (customerKey: string, nowSeconds = NOW_S) =>
    (
      await queryCustomerContacts(doc, deadline(), {
        table,
        customerKey,
        fromSeconds: NOW_S - LOOKBACK_DAYS * 86_400,
        toSeconds: NOW_S,
        nowSeconds,
        limit: 25,
      })
    ).contacts;
  const scan = async () =>
    ((await doc.send(new ScanCommand({ TableName: table }))).Items ?? []).sort((a, b) =>
      `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`),
    );

  describe('contact events', () => {
    const answered = {
      id: 'contact-1',
      agentId: AGENT,
      channel: 'VOICE',
      initiationMethod: 'INBOUND',
      connectedAt: NOW_S - 600,
      initiatedAt: NOW_S - 660,
      queueId: QUEUE,
    };

    it('the join completes when the search step records the key first (the usual order)', async () => {
      expect(await recordKey('contact-1', 'k1')).toBe('AWAITING_AGENT');
      expect(await contactsOf('k1')).toEqual([]);

      const outcome = await indexContactEvent(contactEvent('CONNECTED_TO_AGENT', { id: 'contact-1' }), deps);

      expect(outcome).toEqual({ status: 'INDEXED', eventType: 'CONNECTED_TO_AGENT', contactId: 'contact-1' });
      expect(await contactsOf('k1')).toEqual([answered]);
    });

    it('the join completes when the events come first, with the same customer contact', async () => {
      const outcome = await indexContactEvent(contactEvent('CONNECTED_TO_AGENT', { id: 'contact-1' }), deps);
      expect(outcome.status).toBe('AWAITING_KEY');
      expect(await contactsOf('k1')).toEqual([]);

      expect(await recordKey('contact-1', 'k1')).toBe('INDEXED');

      expect(await contactsOf('k1')).toEqual([answered]);
      // The customer contact sorts by the time the contact reached the agent.
      const items = await scan();
      expect(items.map((i) => [i.pk, i.sk])).toEqual([
        [customerPk('k1'), contactSk(NOW_S - 600, 'contact-1')],
        [joinPk('contact-1'), SINGLETON_SK.join],
      ]);
    });

    it('redelivering every event, twice, changes nothing in the table', async () => {
      const events = [
        ...lifecycle({ id: 'contact-1' }),
        ...lifecycle({ id: 'contact-2', connectedAgo: 7200, agentId: OTHER_AGENT }),
      ];
      await recordKey('contact-1', 'k1');
      await recordKey('contact-2', 'k1');
      for (const e of events) await indexContactEvent(e, deps);
      const before = await scan();
      expect(before.filter((i) => i.pk === customerPk('k1'))).toHaveLength(2);

      for (const e of events) {
        await indexContactEvent(e, deps);
        await indexContactEvent(e, deps);
      }

      expect(await scan()).toEqual(before);
    });

    it('a DISCONNECTED delivered before CONNECTED_TO_AGENT keeps its disconnect time', async () => {
      await recordKey('contact-1', 'k1');
      const [connected, disconnected] = lifecycle({ id: 'contact-1' });

      await indexContactEvent(disconnected, deps);
      await indexContactEvent(connected, deps);

      expect(await contactsOf('k1')).toEqual([{ ...answered, disconnectedAt: NOW_S - 300 }]);
    });

    it('a transferred contact (a new contact id) inherits the customer key of the contact it came from', async () => {
      await recordKey('contact-1', 'k1');
      await indexContactEvent(contactEvent('CONNECTED_TO_AGENT', { id: 'contact-1' }), deps);
      const leg = {
        id: 'contact-1-transfer',
        agentId: OTHER_AGENT,
        connectedAgo: 100,
        initialContactId: 'contact-1',
        previousContactId: 'contact-1',
        initiationMethod: 'TRANSFER',
      };

      const outcome = await indexContactEvent(contactEvent('CONNECTED_TO_AGENT', leg), deps);

      expect(outcome.status).toBe('INDEXED');
      expect((await contactsOf('k1')).map((c) => [c.id, c.agentId])).toEqual([
        ['contact-1-transfer', OTHER_AGENT],
        ['contact-1', AGENT],
      ]);
    });

    it('a transfer whose initial contact is unknown takes the key from the previous contact', async () => {
      await recordKey('contact-1', 'k1');
      const leg = {
        id: 'contact-1-second-transfer',
        connectedAgo: 50,
        initialContactId: 'contact-never-seen',
        previousContactId: 'contact-1',
        initiationMethod: 'TRANSFER',
      };

      expect((await indexContactEvent(contactEvent('CONNECTED_TO_AGENT', leg), deps)).status).toBe('INDEXED');
      expect((await contactsOf('k1')).map((c) => c.id)).toEqual(['contact-1-second-transfer']);
    });

    it('ignores other event types and events without an agent, writing nothing', async () => {
      await recordKey('contact-1', 'k1');
      const before = await scan();
      const noAgent = contactEvent('DISCONNECTED', { id: 'contact-1', disconnectedAgo: 30 });
      noAgent.detail.agentInfo = undefined as never;
      const noConnectTime = contactEvent(
        'CONNECTED_TO_AGENT',
        { id: 'contact-1' },
        {
          agentInfo: { agentArn: `${INSTANCE}/agent/${AGENT}` },
        },
      );

      const outcomes = [
        await indexContactEvent(contactEvent('QUEUED', { id: 'contact-1' }), deps),
        await indexContactEvent(contactEvent('CONTACT_DATA_UPDATED', { id: 'contact-1' }), deps),
        await indexContactEvent(noAgent, deps),
        await indexContactEvent(noConnectTime, deps),
      ];

      expect(outcomes.map((o) => ['reason' in o ? o.reason : o.status, o.status])).toEqual([
        ['EVENT_TYPE', 'IGNORED'],
        ['EVENT_TYPE', 'IGNORED'],
        ['NO_AGENT', 'IGNORED'],
        ['NO_AGENT', 'IGNORED'],
      ]);
      expect(await scan()).toEqual(before);
    });

    it.each([
      [
        'a missing contactId',
        (e: ReturnType<typeof contactEvent>) => ({ ...e, detail: { ...e.detail, contactId: undefined } }),
      ],
      [
        'an empty contactId',
        (e: ReturnType<typeof contactEvent>) => ({ ...e, detail: { ...e.detail, contactId: '' } }),
      ],
      ['another source', (e: ReturnType<typeof contactEvent>) => ({ ...e, source: 'aws.s3' })],
      [
        'another detail-type',
        (e: ReturnType<typeof contactEvent>) => ({ ...e, 'detail-type': 'Object Created' }),
      ],
      ['no detail', (e: ReturnType<typeof contactEvent>) => ({ ...e, detail: undefined })],
    ])('refuses an event with %s (InvalidContactEvent), writing nothing', async (_what, breakIt) => {
      const event = breakIt(contactEvent('CONNECTED_TO_AGENT', { id: 'contact-1' }));

      await expect(indexContactEvent(event, deps)).rejects.toMatchObject({ name: 'InvalidContactEvent' });
      expect(await scan()).toEqual([]);
    });

    it('reads PascalCase detail keys (the routing-criteria samples) and the channel spelled "Voice"', async () => {
      await recordKey('contact-1', 'k1');
      const event = {
        ...contactEvent('DISCONNECTED', { id: 'contact-1' }),
        detail: {
          EventType: 'DISCONNECTED',
          ContactId: 'contact-1',
          Channel: 'Voice',
          InstanceArn: INSTANCE,
          InitiationMethod: 'INBOUND',
          InitiationTimestamp: iso(660),
          DisconnectTimestamp: iso(300),
          AgentInfo: { AgentArn: `${INSTANCE}/agent/${AGENT}`, ConnectedToAgentTimestamp: iso(600) },
          QueueInfo: { QueueArn: `${INSTANCE}/queue/${QUEUE}`, QueueType: 'STANDARD' },
        },
      };

      expect((await indexContactEvent(event, deps)).status).toBe('INDEXED');
      expect(await contactsOf('k1')).toEqual([{ ...answered, disconnectedAt: NOW_S - 300 }]);
    });

    it('does not return contacts past their expiry (DynamoDB deletes expired items only eventually)', async () => {
      await recordKey('contact-1', 'k1');
      await indexContactEvent(contactEvent('CONNECTED_TO_AGENT', { id: 'contact-1' }), deps);
      const [stored] = (await scan()).filter((i) => i.pk === customerPk('k1'));
      expect(stored?.expiresAt).toBe(NOW_S - 600 + LOOKBACK_DAYS * 86_400);
      // Another contact of the same customer, in the window, whose item expired a second ago.
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...stored,
            sk: contactSk(NOW_S - 300, 'contact-expired'),
            id: 'contact-expired',
            connectedAt: NOW_S - 300,
            expiresAt: NOW_S - 1,
          },
        }),
      );

      const page = await queryCustomerContacts(doc, deadline(), {
        table,
        customerKey: 'k1',
        fromSeconds: NOW_S - LOOKBACK_DAYS * 86_400,
        toSeconds: NOW_S,
        nowSeconds: NOW_S,
        limit: 25,
      });

      expect(page.read).toBe(2);
      expect(page.contacts.map((c) => c.id)).toEqual(['contact-1']);
      // At its expiry instant an item is expired (AWS's filter for expired items: expiresAt > now);
      // a second before, it is still there.
      expect((await contactsOf('k1', NOW_S - 1)).map((c) => c.id)).toEqual(['contact-1']);
      expect((await contactsOf('k1', NOW_S - 2)).map((c) => c.id)).toEqual(['contact-expired', 'contact-1']);
    });
  });

  describe('agent events (Kinesis)', () => {
    const alice = DEMO.agents.find((a) => a.username === 'alice') as (typeof DEMO.agents)[number];
    const eventAt = (
      at: number,
      status = alice.status,
      eventType: AgentEvent['EventType'] = 'STATE_CHANGE',
    ) => agentEventFor(DEMO, { ...alice, status }, { instanceArn: INSTANCE, eventType, at: new Date(at) });
    const stored = async () =>
      (
        await doc.send(
          new GetCommand({ TableName: table, Key: { pk: agentPk(alice.id), sk: SINGLETON_SK.agent } }),
        )
      ).Item;

    it('stores the snapshot: status with its type, next status, slots, queues, contacts', async () => {
      const result = await indexAgentEvents(kinesisEventOf([eventAt(NOW_MS)]), deps);

      expect(result).toEqual({ stored: 1, skipped: 0, batchItemFailures: [] });
      expect(await stored()).toMatchObject({
        agentId: alice.id,
        eventAt: NOW_MS,
        eventType: 'STATE_CHANGE',
        statusName: 'Available',
        statusType: 'ROUTABLE',
        routingProfileId: alice.routingProfileId,
        slots: { VOICE: { max: 1, available: 1 } },
        contacts: [],
      });
    });

    it("keeps the agent's first name (Configuration.FirstName) for the whisper, never the last name or username", async () => {
      await indexAgentEvents(kinesisEventOf([eventAt(NOW_MS)]), deps);

      const item = await stored();
      expect(item).toMatchObject({ firstName: alice.firstName });
      expect(JSON.stringify(item)).not.toContain(alice.lastName as string);
      expect(JSON.stringify(item)).not.toContain(`"${alice.username}"`);
    });

    it('stores no name when the event has none (FirstName empty or absent)', async () => {
      const event = eventAt(NOW_MS);
      const unnamed = {
        ...event,
        CurrentAgentSnapshot: {
          ...event.CurrentAgentSnapshot,
          Configuration: { ...event.CurrentAgentSnapshot.Configuration, FirstName: '' },
        },
      };
      await indexAgentEvents(kinesisEventOf([unnamed]), deps);

      expect(await stored()).not.toHaveProperty('firstName');
    });

    it('the newer event wins; an older one or one with the same timestamp is skipped (out of order, redelivered)', async () => {
      const newer = eventAt(NOW_MS, 'Lunch');

      await indexAgentEvents(kinesisEventOf([newer]), deps);
      const result = await indexAgentEvents(
        kinesisEventOf([eventAt(NOW_MS - 1000, 'Available'), eventAt(NOW_MS, 'Offline'), newer]),
        deps,
      );

      expect(result).toEqual({ stored: 0, skipped: 3, batchItemFailures: [] });
      expect(await stored()).toMatchObject({ eventAt: NOW_MS, statusName: 'Lunch', statusType: 'CUSTOM' });

      const later = await indexAgentEvents(
        kinesisEventOf([eventAt(NOW_MS + 1, 'Offline', 'HEART_BEAT')]),
        deps,
      );
      expect(later).toMatchObject({ stored: 1, skipped: 0 });
      expect(await stored()).toMatchObject({
        eventAt: NOW_MS + 1,
        statusName: 'Offline',
        statusType: 'OFFLINE',
        eventType: 'HEART_BEAT',
      });
    });

    it.each([
      ['not JSON', 'this is not json'],
      ['JSON without an AgentARN', JSON.stringify({ EventType: 'STATE_CHANGE', EventTimestamp: iso(0) })],
      ['an unparseable EventTimestamp', JSON.stringify({ ...eventAt(NOW_MS), EventTimestamp: 'yesterday' })],
    ])(
      'a record that is %s fails from that record on; the ones before it are stored',
      async (_what, data) => {
        const batch = kinesisEventOf([eventAt(NOW_MS - 2000), eventAt(NOW_MS - 1000), eventAt(NOW_MS)]);
        const records = batch.Records;
        (records[1] as (typeof records)[number]).kinesis.data = Buffer.from(data).toString('base64');

        const result = await indexAgentEvents(batch, deps);

        expect(result.batchItemFailures).toEqual(
          records.slice(1).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
        );
        expect(result.stored).toBe(1);
        expect((await stored())?.eventAt).toBe(NOW_MS - 2000);
      },
    );

    it('a DynamoDB failure on a PutItem fails from that record on (ReportBatchItemFailures)', async () => {
      // Seeded faults: the first PutItem passes, every attempt at the second fails (a first try
      // and the two retries of our policy), whatever comes after.
      const rate = 0.5;
      const seed = Array.from({ length: 1000 }, (_, i) => i + 1).find((s) => {
        const r = seededRandom(s);
        return r() >= rate && [r(), r(), r()].every((x) => x < rate);
      }) as number;
      dynamo.setFaults({ seed, inject: [{ operation: 'PutItem', kind: 'error500', rate }] });
      const batch = kinesisEventOf([eventAt(NOW_MS - 2000), eventAt(NOW_MS - 1000), eventAt(NOW_MS)]);

      const result = await indexAgentEvents(batch, deps);

      expect(result.stored).toBe(1);
      expect(result.batchItemFailures).toEqual(
        batch.Records.slice(1).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
      );
      expect(dynamo.stats.PutItem.faults).toBe(3);
      expect((await stored())?.eventAt).toBe(NOW_MS - 2000);

      // Lambda retries from the first failed record: once DynamoDB answers, the rest is stored.
      dynamo.setFaults({});
      const retried = await indexAgentEvents({ Records: batch.Records.slice(1) }, deps);
      expect(retried).toEqual({ stored: 2, skipped: 0, batchItemFailures: [] });
      expect((await stored())?.eventAt).toBe(NOW_MS);
    });

    it('reads the task channel spelled TASKS as TASK (slots, queues and contacts)', async () => {
      const event = eventAt(NOW_MS);
      const profile = event.CurrentAgentSnapshot.Configuration.RoutingProfile;
      profile.Concurrency = [
        { Channel: 'VOICE', MaximumSlots: 1, AvailableSlots: 1 },
        { Channel: 'TASKS', MaximumSlots: 10, AvailableSlots: 9 },
      ];
      profile.InboundQueues = [
        { ARN: `${INSTANCE}/queue/${QUEUE}`, Name: 'Claims', Channels: ['VOICE', 'TASKS'] },
      ];
      event.CurrentAgentSnapshot.Contacts = [
        {
          ContactId: 'task-1',
          InitialContactId: null,
          Channel: 'TASKS',
          InitiationMethod: 'API',
          State: 'CONNECTED',
          StateStartTimestamp: iso(60),
          ConnectedToAgentTimestamp: iso(60),
          QueueTimestamp: null,
          Queue: null,
        },
      ];

      await indexAgentEvents(kinesisEventOf([event]), deps);

      expect(await stored()).toMatchObject({
        slots: { VOICE: { max: 1, available: 1 }, TASK: { max: 10, available: 9 } },
        queues: [`${QUEUE} VOICE`, `${QUEUE} TASK`],
        contacts: [{ id: 'task-1', channel: 'TASK', state: 'CONNECTED' }],
      });
    });
  });
});
