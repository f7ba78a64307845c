/**
 * The event builders (local/connect/event-feed.ts) against AWS's documented formats:
 * contact events on EventBridge (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html:
 * camelCase `detail` keys in the samples, PascalCase in the field reference; one sample spells
 * the channel "Voice", the reference VOICE) and the agent event stream on Kinesis
 * (https://docs.aws.amazon.com/connect/latest/adminguide/agent-event-stream-model.html: PascalCase),
 * and against what the local Connect's GetCurrentUserData says about the same agents.
 */
import {
  ConnectClient,
  GetCurrentUserDataCommand,
  ListAgentStatusesCommand,
  type UserData,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentEvent,
  agentEventFor,
  agentEventsFor,
  contactEventsFor,
  instanceArnOf,
  kinesisEventOf,
} from '../../local/connect/event-feed';
import { type Scenario, loadScenarioFile, parseScenario } from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { DEMO_SCENARIO } from '../../local/scenarios';

const DEMO = loadScenarioFile(DEMO_SCENARIO);
const INSTANCE_ARN = instanceArnOf(DEMO);
const MS_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every object key in a value, nested ones included (not the keys of `tags`, which are tag names). */
function keysOf(value: unknown, skip = new Set(['tags'])): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keysOf(v, skip));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...(skip.has(k) ? [] : keysOf(v, skip))]);
}

/** Every string under a key ending in "Timestamp" (any case). */
function timestampsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(timestampsOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    /timestamp$/i.test(k) && typeof v === 'string' ? [v] : timestampsOf(v),
  );
}

const withContacts = (contacts: unknown[]): Scenario => parseScenario({ ...DEMO, contacts }, 'test scenario');

describe('contact events (EventBridge)', () => {
  const events = contactEventsFor(DEMO);

  it('emits CONNECTED_TO_AGENT and DISCONNECTED for each contact an agent took, DISCONNECTED alone otherwise', () => {
    const answered = DEMO.contacts.filter((c) => c.agentId && c.connectedToAgentTimestamp);
    const ended = DEMO.contacts.filter((c) => c.disconnectTimestamp);
    expect(events.filter((e) => e.detail.eventType === 'CONNECTED_TO_AGENT')).toHaveLength(answered.length);
    expect(events.filter((e) => e.detail.eventType === 'DISCONNECTED')).toHaveLength(ended.length);
    for (const e of events) {
      const contact = DEMO.contacts.find((c) => c.id === e.detail.contactId);
      expect(Boolean(e.detail.agentInfo)).toBe(
        Boolean(contact?.agentId && contact.connectedToAgentTimestamp),
      );
    }
    // Oldest first, by the envelope's time.
    const times = events.map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('has the documented envelope and camelCase detail', () => {
    const e = events.find((x) => x.detail.eventType === 'CONNECTED_TO_AGENT');
    const contact = DEMO.contacts.find((c) => c.id === e?.detail.contactId);
    if (!e || !contact?.agentId || !contact.queueId)
      throw new Error('the demo has an answered, queued contact');
    expect(e).toMatchObject({
      version: '0',
      'detail-type': 'Amazon Connect Contact Event',
      source: 'aws.connect',
      account: DEMO.instance.accountId,
      region: DEMO.instance.region,
      resources: [`${INSTANCE_ARN}/contact/${contact.id}`, INSTANCE_ARN],
    });
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(e.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(e.detail).toEqual({
      eventType: 'CONNECTED_TO_AGENT',
      contactId: contact.id,
      channel: 'VOICE',
      instanceArn: INSTANCE_ARN,
      initiationMethod: contact.initiationMethod,
      initiationTimestamp: new Date(contact.initiationTimestamp).toISOString(),
      agentInfo: {
        agentArn: `${INSTANCE_ARN}/agent/${contact.agentId}`,
        connectedToAgentTimestamp: new Date(contact.connectedToAgentTimestamp ?? 0).toISOString(),
      },
      queueInfo: {
        queueArn: `${INSTANCE_ARN}/queue/${contact.queueId}`,
        queueType: 'STANDARD',
        enqueueTimestamp: new Date(contact.enqueueTimestamp ?? 0).toISOString(),
      },
      tags: { 'aws:connect:instanceId': DEMO.instance.id },
    });
    for (const x of events) {
      for (const key of keysOf(x.detail)) expect(key).toMatch(/^[a-z]/);
      for (const t of timestampsOf(x.detail)) expect(t).toMatch(MS_TIMESTAMP);
    }
    // Stable ids: the same scenario replays the same events.
    expect(contactEventsFor(DEMO).map((x) => x.id)).toEqual(events.map((x) => x.id));
    expect(new Set(events.map((x) => x.id)).size).toBe(events.length);
  });

  it('puts disconnectTimestamp on DISCONNECTED only, and transfers carry their contact chain', () => {
    for (const e of events) {
      expect('disconnectTimestamp' in e.detail).toBe(e.detail.eventType === 'DISCONNECTED');
    }
    const transfer = DEMO.contacts.find((c) => c.initiationMethod === 'TRANSFER');
    const e = events.find((x) => x.detail.contactId === transfer?.id);
    expect(e?.detail.initialContactId).toBe(transfer?.initialContactId);
  });

  it('leaves queueInfo out of OUTBOUND contacts, as EventBridge does', () => {
    const scenario = withContacts([
      {
        id: 'out-1',
        initiationMethod: 'OUTBOUND',
        initiationTimestamp: '2026-11-19T09:00:00Z',
        queueId: DEMO.queues[0]?.id,
        agentId: DEMO.agents[0]?.id,
        connectedToAgentTimestamp: '2026-11-19T09:00:05.250Z',
        disconnectTimestamp: '2026-11-19T09:03:00Z',
      },
    ]);
    const out = contactEventsFor(scenario);
    expect(out.map((e) => e.detail.eventType)).toEqual(['CONNECTED_TO_AGENT', 'DISCONNECTED']);
    for (const e of out) expect(e.detail.queueInfo).toBeUndefined();
    expect(out[0]?.detail.agentInfo?.connectedToAgentTimestamp).toBe('2026-11-19T09:00:05.250Z');
    expect(out[1]?.time).toBe('2026-11-19T09:03:00Z');
  });

  it('can spell the channel as the docs sample does ("Voice")', () => {
    const sample = contactEventsFor(DEMO, { channelAsInSample: true });
    expect(new Set(sample.map((e) => e.detail.channel))).toEqual(new Set(['Voice']));
  });

  it('takes the instance, account and Region from the options', () => {
    const instanceArn =
      'arn:aws:connect:eu-west-2:210987654321:instance/11111111-2222-4333-8444-555555555555';
    const [e] = contactEventsFor(DEMO, { instanceArn });
    expect(e).toMatchObject({ account: '210987654321', region: 'eu-west-2' });
    expect(e?.detail.tags).toEqual({ 'aws:connect:instanceId': '11111111-2222-4333-8444-555555555555' });
  });
});

describe('agent events (Kinesis)', () => {
  let connect: LocalConnect;
  let users: UserData[];
  let statusTypes: Map<string, string>;
  const events = agentEventsFor(DEMO);

  beforeAll(async () => {
    connect = await startLocalConnect(DEMO);
    const client = new ConnectClient({
      endpoint: connect.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const data = await client.send(
      new GetCurrentUserDataCommand({
        InstanceId: DEMO.instance.id,
        Filters: { Agents: DEMO.agents.map((a) => a.id) },
      }),
    );
    users = data.UserDataList ?? [];
    const statuses = await client.send(new ListAgentStatusesCommand({ InstanceId: DEMO.instance.id }));
    statusTypes = new Map((statuses.AgentStatusSummaryList ?? []).map((s) => [s.Arn ?? '', s.Type ?? '']));
    client.destroy();
  });
  afterAll(async () => {
    await connect.close();
  });

  it('has the documented record shape, PascalCase throughout', () => {
    expect(events).toHaveLength(DEMO.agents.length);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual([
        'AWSAccountId',
        'AgentARN',
        'CurrentAgentSnapshot',
        'EventId',
        'EventTimestamp',
        'EventType',
        'InstanceARN',
        'PreviousAgentSnapshot',
        'Version',
      ]);
      expect(e).toMatchObject({
        AWSAccountId: DEMO.instance.accountId,
        EventType: 'STATE_CHANGE',
        EventTimestamp: new Date(DEMO.now).toISOString(),
        InstanceARN: INSTANCE_ARN,
        Version: '2019-05-25',
      });
      expect(Object.keys(e.CurrentAgentSnapshot).sort()).toEqual([
        'AgentStatus',
        'Configuration',
        'Contacts',
        'NextAgentStatus',
      ]);
      for (const key of keysOf(e)) expect(key).toMatch(/^[A-Z]/);
      for (const t of timestampsOf(e)) expect(t).toMatch(MS_TIMESTAMP);
    }
  });

  it('agrees with GetCurrentUserData on ARNs, status, routing profile, slots and contacts', () => {
    expect(users).toHaveLength(DEMO.agents.length);
    for (const user of users) {
      const e = events.find((x) => x.AgentARN === user.User?.Arn);
      if (!e) throw new Error(`no event for ${user.User?.Arn}`);
      const snap = e.CurrentAgentSnapshot;
      expect(snap.AgentStatus.ARN).toBe(user.Status?.StatusArn);
      expect(snap.AgentStatus.Name).toBe(user.Status?.StatusName);
      expect(snap.AgentStatus.Type).toBe(statusTypes.get(snap.AgentStatus.ARN));
      expect(snap.NextAgentStatus?.Name).toBe(user.NextStatus);
      if (snap.NextAgentStatus) expect(statusTypes.has(snap.NextAgentStatus.ARN)).toBe(true);
      expect(snap.Configuration.RoutingProfile.ARN).toBe(user.RoutingProfile?.Arn);
      const concurrency = snap.Configuration.RoutingProfile.Concurrency;
      expect(Object.fromEntries(concurrency.map((c) => [c.Channel, c.AvailableSlots]))).toEqual(
        user.AvailableSlotsByChannel,
      );
      expect(Object.fromEntries(concurrency.map((c) => [c.Channel, c.MaximumSlots]))).toEqual(
        user.MaxSlotsByChannel,
      );
      expect(snap.Contacts.map((c) => [c.ContactId, c.Channel, c.State])).toEqual(
        (user.Contacts ?? []).map((c) => [c.ContactId, c.Channel, c.AgentContactState]),
      );
    }
  });

  it("lists the agent's own queue (Name null) and the routing profile's queues", () => {
    const agent = DEMO.agents[0];
    const e = events[0];
    if (!agent || !e) throw new Error('the demo has agents');
    const profile = DEMO.routingProfiles?.find((p) => p.id === agent.routingProfileId);
    const inbound = e.CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues;
    expect(inbound[0]).toEqual({
      ARN: `${INSTANCE_ARN}/queue/agent/${agent.id}`,
      Channels: ['VOICE'],
      Name: null,
    });
    expect(inbound.slice(1).map((q) => q.ARN)).toEqual(
      profile?.queueIds.map((id) => `${INSTANCE_ARN}/queue/${id}`),
    );
    expect(inbound.slice(1).every((q) => typeof q.Name === 'string')).toBe(true);
    expect(e.CurrentAgentSnapshot.Configuration).toMatchObject({
      FirstName: agent.firstName,
      LastName: agent.lastName,
      Username: agent.username,
      AgentHierarchyGroups: null,
    });
  });

  it('describes held contacts with the scenario contact behind them', () => {
    const bob = DEMO.agents.find((a) => a.username === 'bob');
    if (!bob) throw new Error('the demo has bob');
    const e = agentEventFor(DEMO, bob, { eventType: 'HEART_BEAT', at: DEMO.now, eventId: 'EventId-1' });
    expect(e.EventId).toBe('EventId-1');
    expect(e.PreviousAgentSnapshot).toEqual(e.CurrentAgentSnapshot);
    const [held] = e.CurrentAgentSnapshot.Contacts;
    expect(held).toMatchObject({ ContactId: bob.contacts[0]?.id, Channel: 'VOICE', State: 'CONNECTED' });
    expect(Object.keys(held ?? {}).sort()).toEqual([
      'Channel',
      'ConnectedToAgentTimestamp',
      'ContactId',
      'InitialContactId',
      'InitiationMethod',
      'Queue',
      'QueueTimestamp',
      'State',
      'StateStartTimestamp',
    ]);
  });

  it('shows an OFFLINE status, no contacts and free slots on LOGOUT', () => {
    const bob = DEMO.agents.find((a) => a.username === 'bob');
    if (!bob) throw new Error('the demo has bob');
    const e = agentEventFor(DEMO, bob, { eventType: 'LOGOUT', at: '2026-11-20T10:05:00Z' });
    expect(e.CurrentAgentSnapshot.AgentStatus).toMatchObject({
      Name: 'Offline',
      Type: 'OFFLINE',
      StartTimestamp: '2026-11-20T10:05:00.000Z',
    });
    expect(statusTypes.get(e.CurrentAgentSnapshot.AgentStatus.ARN)).toBe('OFFLINE');
    expect(e.CurrentAgentSnapshot.Contacts).toEqual([]);
    expect(e.CurrentAgentSnapshot.NextAgentStatus).toBeNull();
    expect(e.PreviousAgentSnapshot).toBeNull();
    const dave = events.find((x) => x.CurrentAgentSnapshot.Configuration.Username === 'dave');
    expect(dave?.CurrentAgentSnapshot.AgentStatus.Type).toBe('OFFLINE');
  });

  it('wraps records in a Kinesis event as a Lambda event source mapping delivers them', () => {
    const kinesis = kinesisEventOf(events, { startSequence: '100' });
    expect(kinesis.Records).toHaveLength(events.length);
    const sequences = kinesis.Records.map((r) => BigInt(r.kinesis.sequenceNumber));
    expect(sequences).toEqual(events.map((_, i) => 100n + BigInt(i)));
    kinesis.Records.forEach((r, i) => {
      const record = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as AgentEvent;
      expect(record).toEqual(events[i]);
      expect(r.kinesis.partitionKey).toBe(record.AgentARN);
      expect(r).toMatchObject({
        eventSource: 'aws:kinesis',
        eventName: 'aws:kinesis:record',
        awsRegion: 'us-east-1',
        eventSourceARN: `arn:aws:kinesis:us-east-1:${DEMO.instance.accountId}:stream/connect-agent-events`,
      });
    });
    const defaults = kinesisEventOf(events.slice(0, 2), {
      streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s',
    });
    const [a, b] = defaults.Records.map((r) => r.kinesis.sequenceNumber);
    expect(a && b && BigInt(b) > BigInt(a)).toBe(true);
    expect(defaults.Records[0]?.eventSourceARN).toBe('arn:aws:kinesis:us-east-1:1:stream/s');
  });
});
