/**
 * The events that feed the routing-state table (issue #11), built from a scenario in AWS's
 * documented formats, for the indexers, the local runtime and the tests:
 *
 * - Contact events, as EventBridge delivers them ("Amazon Connect contact events",
 *   https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html). The `detail`
 *   keys are camelCase as in the docs' samples (contactId, agentInfo, queueInfo), although the
 *   field reference and the "routing criteria" samples spell them PascalCase; one sample says
 *   `"channel": "Voice"` where the reference says VOICE (`channelAsInSample` reproduces it).
 *   Consumers should read both spellings. Contact attributes are never in these events.
 * - Agent events, as the agent event stream writes them to Kinesis ("Agent event streams data
 *   model", https://docs.aws.amazon.com/connect/latest/adminguide/agent-event-stream-model.html):
 *   PascalCase keys throughout (AgentARN, CurrentAgentSnapshot, AvailableSlots), Version
 *   "2019-05-25", and a Lambda event source mapping's KinesisStreamEvent around them.
 *
 * ARNs and ids are the ones the local Connect (server.ts) answers with, so an event and a
 * GetCurrentUserData answer about the same agent agree.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  type Scenario,
  type ScenarioAgent,
  type ScenarioAgentStatus,
  type ScenarioContact,
  type ScenarioRoutingProfile,
  agentStatusesOf,
  routingProfilesOf,
  slotsOf,
  stableId,
} from './scenario';

export const CONTACT_EVENT_DETAIL_TYPE = 'Amazon Connect Contact Event';
export type ContactEventType =
  | 'INITIATED'
  | 'CONNECTED_TO_SYSTEM'
  | 'CONTACT_DATA_UPDATED'
  | 'QUEUED'
  | 'CONNECTED_TO_AGENT'
  | 'DISCONNECTED'
  | 'PAUSED'
  | 'RESUMED'
  | 'COMPLETED';

/** `detail` of a contact event: the fields the indexer reads, spelled as the docs' samples. */
export interface ContactEventDetail {
  contactId: string;
  initialContactId?: string;
  previousContactId?: string;
  /** VOICE, CHAT, TASK, EMAIL (one sample: "Voice"). */
  channel: string;
  instanceArn: string;
  initiationMethod: string;
  eventType: ContactEventType;
  initiationTimestamp: string;
  connectedToSystemTimestamp?: string;
  disconnectTimestamp?: string;
  agentInfo?: { agentArn: string; connectedToAgentTimestamp?: string };
  /** Absent when initiationMethod is OUTBOUND ("queueInfo is not included in events received by EventBridge"). */
  queueInfo?: { queueArn: string; queueType: string; enqueueTimestamp?: string };
  tags?: Record<string, string>;
}

/** A contact event as EventBridge hands it to a Lambda function. */
export type ContactEvent = EventBridgeEvent<typeof CONTACT_EVENT_DETAIL_TYPE, ContactEventDetail>;

export interface AgentStatusSnapshot {
  ARN: string;
  Name: string;
  StartTimestamp: string;
  /** ROUTABLE, CUSTOM or OFFLINE (in the 2026 data model; absent from the 2019 samples). */
  Type: string;
}

export interface AgentEventQueue {
  ARN: string;
  /** null for the agent's own queue (`…/queue/agent/<agentId>`). */
  Name: string | null;
  Channels?: string[];
}

export interface AgentEventContact {
  ContactId: string;
  InitialContactId: string | null;
  Channel: string;
  InitiationMethod: string;
  /** INCOMING, PENDING, CONNECTING, CONNECTED, CONNECTED_ONHOLD, MISSED, PAUSED, REJECTED, ERROR, ENDED (after-contact work). */
  State: string;
  StateStartTimestamp: string;
  ConnectedToAgentTimestamp: string | null;
  QueueTimestamp: string | null;
  Queue: AgentEventQueue | null;
}

export interface AgentSnapshot {
  AgentStatus: AgentStatusSnapshot;
  NextAgentStatus: { ARN: string; Name: string; EnqueuedTimestamp: string } | null;
  Configuration: {
    FirstName: string;
    LastName: string;
    Username: string;
    AgentHierarchyGroups: null;
    RoutingProfile: {
      ARN: string;
      Name: string;
      Concurrency: { AvailableSlots: number; Channel: string; MaximumSlots: number }[];
      DefaultOutboundQueue: AgentEventQueue | null;
      InboundQueues: AgentEventQueue[];
    };
  };
  Contacts: AgentEventContact[];
}

export type AgentEventType = 'STATE_CHANGE' | 'HEART_BEAT' | 'LOGIN' | 'LOGOUT';

/** One record of the agent event stream (the JSON inside a Kinesis record's data). */
export interface AgentEvent {
  AWSAccountId: string;
  AgentARN: string;
  CurrentAgentSnapshot: AgentSnapshot;
  EventId: string;
  EventTimestamp: string;
  EventType: AgentEventType;
  InstanceARN: string;
  PreviousAgentSnapshot: AgentSnapshot | null;
  Version: string;
}

export const AGENT_EVENT_VERSION = '2019-05-25';

/** yyyy-MM-dd'T'HH:mm:ss.SSS'Z', the documented timestamp format of both feeds. */
export const eventTimestamp = (t: string | Date) => new Date(t).toISOString();
/** EventBridge's envelope `time`: whole seconds ("2021-08-04T17:43:48Z"). */
const envelopeTime = (t: string | Date) => eventTimestamp(t).replace(/\.\d{3}Z$/, 'Z');

/** The ARN of a scenario's instance, as the local Connect builds it. */
export function instanceArnOf(scenario: Pick<Scenario, 'instance'>): string {
  const { id, region, accountId } = scenario.instance;
  return `arn:aws:connect:${region}:${accountId}:instance/${id}`;
}

/** The parts of an instance ARN: arn:aws:connect:<region>:<account>:instance/<id>. */
function partsOf(instanceArn: string) {
  const [, , , region = '', account = '', resource = ''] = instanceArn.split(':');
  return { region, account, instanceId: resource.slice(resource.indexOf('/') + 1) };
}

const arns = (instanceArn: string) => ({
  agent: (id: string) => `${instanceArn}/agent/${id}`,
  agentQueue: (agentId: string) => `${instanceArn}/queue/agent/${agentId}`,
  queue: (id: string) => `${instanceArn}/queue/${id}`,
  contact: (id: string) => `${instanceArn}/contact/${id}`,
  status: (id: string) => `${instanceArn}/agent-state/${id}`,
  routingProfile: (id: string) => `${instanceArn}/routing-profile/${id}`,
});

export interface ContactEventOptions {
  /** Default: the scenario's instance. */
  instanceArn?: string;
  /** Default: from instanceArn. */
  accountId?: string;
  region?: string;
  /** Spell VOICE as the docs' DISCONNECTED sample does ("Voice"), to test lenient consumers. */
  channelAsInSample?: boolean;
}

/**
 * The contact events of a scenario's history, oldest first: for every contact that reached an
 * agent, CONNECTED_TO_AGENT and (once it ended) DISCONNECTED; for a contact no agent took, only
 * its DISCONNECTED, without agentInfo (what an indexer must ignore).
 */
export function contactEventsFor(scenario: Scenario, options: ContactEventOptions = {}): ContactEvent[] {
  const instanceArn = options.instanceArn ?? instanceArnOf(scenario);
  const parts = partsOf(instanceArn);
  const account = options.accountId ?? parts.account;
  const region = options.region ?? parts.region;
  const arn = arns(instanceArn);
  const events: { at: number; event: ContactEvent }[] = [];

  const detailOf = (c: ScenarioContact, eventType: ContactEventType): ContactEventDetail => {
    const reachedAgent = c.agentId !== undefined && c.connectedToAgentTimestamp !== undefined;
    const channel = options.channelAsInSample && c.channel === 'VOICE' ? 'Voice' : c.channel;
    return {
      eventType,
      contactId: c.id,
      ...(c.initialContactId ? { initialContactId: c.initialContactId } : {}),
      ...(c.previousContactId ? { previousContactId: c.previousContactId } : {}),
      channel,
      instanceArn,
      initiationMethod: c.initiationMethod,
      initiationTimestamp: eventTimestamp(c.initiationTimestamp),
      ...(eventType === 'DISCONNECTED' && c.disconnectTimestamp
        ? { disconnectTimestamp: eventTimestamp(c.disconnectTimestamp) }
        : {}),
      ...(reachedAgent && c.agentId && c.connectedToAgentTimestamp
        ? {
            agentInfo: {
              agentArn: arn.agent(c.agentId),
              connectedToAgentTimestamp: eventTimestamp(c.connectedToAgentTimestamp),
            },
          }
        : {}),
      ...(c.queueId && c.initiationMethod !== 'OUTBOUND'
        ? {
            queueInfo: {
              queueArn: arn.queue(c.queueId),
              queueType: 'STANDARD',
              ...(c.enqueueTimestamp ? { enqueueTimestamp: eventTimestamp(c.enqueueTimestamp) } : {}),
            },
          }
        : {}),
      tags: { 'aws:connect:instanceId': parts.instanceId },
    };
  };

  const push = (c: ScenarioContact, eventType: ContactEventType, at: string) =>
    events.push({
      at: Date.parse(at),
      event: {
        version: '0',
        // Stable per contact and event type, so a replayed scenario replays the same events.
        id: stableId('contact-event', `${instanceArn}/${c.id}/${eventType}`),
        'detail-type': CONTACT_EVENT_DETAIL_TYPE,
        source: 'aws.connect',
        account,
        time: envelopeTime(at),
        region,
        resources: [arn.contact(c.id), instanceArn],
        detail: detailOf(c, eventType),
      },
    });

  for (const c of scenario.contacts) {
    if (c.agentId && c.connectedToAgentTimestamp) push(c, 'CONNECTED_TO_AGENT', c.connectedToAgentTimestamp);
    if (c.disconnectTimestamp) push(c, 'DISCONNECTED', c.disconnectTimestamp);
  }
  return events.sort((a, b) => a.at - b.at).map((e) => e.event);
}

export interface AgentEventOptions {
  /** Default: the scenario's instance. */
  instanceArn?: string;
  eventType: AgentEventType;
  at: Date | string;
  /** Default: a random UUID. */
  eventId?: string;
  /** Default: the same snapshot for HEART_BEAT, null otherwise. */
  previous?: AgentSnapshot | null;
}

/** An OFFLINE-type status of the scenario (Connect always has one: "Offline"). */
function offlineStatus(statuses: ScenarioAgentStatus[]): ScenarioAgentStatus {
  return (
    statuses.find((s) => s.type === 'OFFLINE') ?? {
      id: stableId('agent-status', 'Offline'),
      name: 'Offline',
      type: 'OFFLINE',
    }
  );
}

/** One agent event stream record about `agent`, as of the scenario (its status, profile, contacts). */
export function agentEventFor(
  scenario: Scenario,
  agent: ScenarioAgent,
  options: AgentEventOptions,
): AgentEvent {
  const instanceArn = options.instanceArn ?? instanceArnOf(scenario);
  const arn = arns(instanceArn);
  const at = eventTimestamp(options.at);
  const statuses = agentStatusesOf(scenario);
  const profiles = routingProfilesOf(scenario);
  const profile =
    agent.routingProfileId === undefined
      ? profiles[0]
      : profiles.find((p) => p.id === agent.routingProfileId);
  const loggedOut = options.eventType === 'LOGOUT';
  const named = statuses.find((s) => s.name === agent.status);
  const status = loggedOut || !named ? offlineStatus(statuses) : named;
  const next = loggedOut ? undefined : statuses.find((s) => s.name === agent.nextStatus);
  const slots = slotsOf(scenario, agent, profile);
  const channels = slots.map((s) => s.channel);
  const queueName = (id: string) => scenario.queues.find((q) => q.id === id)?.name ?? null;
  const queueOf = (id: string | undefined, queueChannels?: string[]): AgentEventQueue | null =>
    id === undefined
      ? null
      : { ARN: arn.queue(id), Name: queueName(id), ...(queueChannels ? { Channels: queueChannels } : {}) };
  const outbound = profile?.queueIds[0] ?? scenario.queues[0]?.id;

  const snapshot: AgentSnapshot = {
    AgentStatus: {
      ARN: arn.status(status.id),
      Name: status.name,
      StartTimestamp: loggedOut ? at : eventTimestamp(agent.statusStartTimestamp ?? scenario.now),
      Type: status.type,
    },
    NextAgentStatus: next ? { ARN: arn.status(next.id), Name: next.name, EnqueuedTimestamp: at } : null,
    Configuration: {
      FirstName: agent.firstName ?? '',
      LastName: agent.lastName ?? '',
      Username: agent.username,
      AgentHierarchyGroups: null,
      RoutingProfile: {
        ARN: arn.routingProfile(profile?.id ?? 'unknown'),
        Name: profile?.name ?? '',
        Concurrency: slots.map((s) => ({
          AvailableSlots: loggedOut ? s.max : s.available,
          Channel: s.channel,
          MaximumSlots: s.max,
        })),
        DefaultOutboundQueue: queueOf(outbound, ['VOICE']),
        InboundQueues: [
          { ARN: arn.agentQueue(agent.id), Channels: channels, Name: null },
          ...(profile?.queueIds ?? []).map((id) => ({
            ARN: arn.queue(id),
            Channels: channels,
            Name: queueName(id),
          })),
        ],
      },
    },
    Contacts: loggedOut
      ? []
      : agent.contacts.map((held) => {
          const c = scenario.contacts.find((x) => x.id === held.id);
          // The held contact's own times first (what GetCurrentUserData answers), then the past contact's.
          const connectedIso = held.connectedToAgentTimestamp ?? c?.connectedToAgentTimestamp;
          const connected = connectedIso ? eventTimestamp(connectedIso) : null;
          const ended = held.state === 'ENDED' && (held.stateStartTimestamp ?? c?.disconnectTimestamp);
          return {
            ContactId: held.id,
            InitialContactId: c?.initialContactId ?? null,
            Channel: held.channel,
            InitiationMethod: c?.initiationMethod ?? 'INBOUND',
            State: held.state,
            StateStartTimestamp: ended
              ? eventTimestamp(ended)
              : held.stateStartTimestamp
                ? eventTimestamp(held.stateStartTimestamp)
                : (connected ?? at),
            ConnectedToAgentTimestamp: connected,
            QueueTimestamp: c?.enqueueTimestamp ? eventTimestamp(c.enqueueTimestamp) : null,
            Queue: queueOf(c?.queueId),
          };
        }),
  };

  return {
    AWSAccountId: partsOf(instanceArn).account,
    AgentARN: arn.agent(agent.id),
    CurrentAgentSnapshot: snapshot,
    EventId: options.eventId ?? randomUUID(),
    EventTimestamp: at,
    EventType: options.eventType,
    InstanceARN: instanceArn,
    PreviousAgentSnapshot:
      options.previous !== undefined
        ? options.previous
        : options.eventType === 'HEART_BEAT'
          ? snapshot
          : null,
    Version: AGENT_EVENT_VERSION,
  };
}

/** One event per agent of the scenario (default: STATE_CHANGE at the scenario's `now`). */
export function agentEventsFor(
  scenario: Scenario,
  options: Partial<Omit<AgentEventOptions, 'eventId' | 'previous'>> = {},
): AgentEvent[] {
  return scenario.agents.map((agent) =>
    agentEventFor(scenario, agent, {
      ...(options.instanceArn ? { instanceArn: options.instanceArn } : {}),
      eventType: options.eventType ?? 'STATE_CHANGE',
      at: options.at ?? scenario.now,
    }),
  );
}

export interface KinesisEventOptions {
  /** Default: arn:aws:kinesis:<region>:<account>:stream/connect-agent-events (from the first record). */
  streamArn?: string;
  /** The first record's sequence number (a decimal string); the next ones count up from it. */
  startSequence?: string;
}

const FIRST_SEQUENCE = '49590338271490256608559692538361571095921575989136588898';

/** A Lambda Kinesis event (event source mapping) carrying agent event stream records. */
export function kinesisEventOf(records: AgentEvent[], options: KinesisEventOptions = {}): KinesisStreamEvent {
  const first = records[0];
  const { region, account } = partsOf(
    first?.InstanceARN ?? 'arn:aws:connect:us-east-1:123456789012:instance/x',
  );
  const streamArn = options.streamArn ?? `arn:aws:kinesis:${region}:${account}:stream/connect-agent-events`;
  const start = BigInt(options.startSequence ?? FIRST_SEQUENCE);
  return {
    Records: records.map((record, i): KinesisStreamRecord => {
      const sequenceNumber = String(start + BigInt(i));
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: record.AgentARN,
          sequenceNumber,
          data: Buffer.from(JSON.stringify(record), 'utf8').toString('base64'),
          approximateArrivalTimestamp: Date.parse(record.EventTimestamp) / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${account}:role/agent-event-indexer`,
        awsRegion: streamArn.split(':')[3] ?? region,
        eventSourceARN: streamArn,
      };
    }),
  };
}
