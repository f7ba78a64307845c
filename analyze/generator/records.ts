/**
 * A simulated contact as an Amazon Connect contact record (CTR), shaped after AWS's "Contact
 * records data model" page (docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html):
 * top-level keys in the order real exports show them, timestamps as ISO 8601 UTC strings at second
 * precision ("2019-08-07T19:31:06Z"), durations as whole seconds, absent values as null.
 *
 * Not stated by that page, and chosen here: a withheld number is written either as Address
 * "anonymous" or as no CustomerEndpoint; chats have no CustomerEndpoint; outbound calls carry the
 * outbound queue without enqueue times; AgentInteractionDuration excludes hold time, so
 * DisconnectTimestamp = ConnectedToAgentTimestamp + AgentInteractionDuration + CustomerHoldDuration.
 */
import type { Presentation } from './callers';
import { iso } from './clock';
import type { SimContact } from './contact';
import { Stream } from './random';

export interface Endpoint {
  Address: string;
  Type: 'TELEPHONE_NUMBER';
}

export interface AgentInfo {
  ARN: string;
  AfterContactWorkDuration: number | null;
  AfterContactWorkEndTimestamp: string | null;
  AfterContactWorkStartTimestamp: string | null;
  AgentInteractionDuration: number;
  ConnectedToAgentTimestamp: string;
  CustomerHoldDuration: number;
  HierarchyGroups: null;
  LongestHoldDuration: number;
  NumberOfHolds: number;
  RoutingProfile: { ARN: string; Name: string };
  Username: string;
}

export interface QueueInfo {
  ARN: string;
  DequeueTimestamp: string | null;
  Duration: number;
  EnqueueTimestamp: string | null;
  Name: string;
}

export interface RecordingInfo {
  DeletionReason: null;
  Location: string;
  Status: 'AVAILABLE';
  Type: 'AUDIO';
}

export interface RecordingsInfo {
  DeletionReason: null;
  FragmentStartNumber: null;
  FragmentStopNumber: null;
  Location: string;
  MediaStreamType: 'AUDIO' | 'CHAT';
  ParticipantType: null;
  StartTimestamp: null;
  Status: 'AVAILABLE';
  StopTimestamp: null;
  StorageType: 'S3';
}

/** One contact record as Amazon Connect exports it (the fields the generator writes). */
export interface ContactRecord {
  AWSAccountId: string;
  AWSContactTraceRecordFormatVersion: string;
  Agent: AgentInfo | null;
  AgentConnectionAttempts: number;
  Attributes: Record<string, string>;
  Channel: 'VOICE' | 'CHAT';
  ConnectedToSystemTimestamp: string | null;
  ContactDetails: Record<string, never>;
  ContactId: string;
  CustomerEndpoint: Endpoint | null;
  DisconnectReason: string | null;
  DisconnectTimestamp: string;
  InitialContactId: string | null;
  InitiationMethod: string;
  InitiationTimestamp: string;
  InstanceARN: string;
  LastUpdateTimestamp: string;
  MediaStreams: { Type: 'AUDIO' | 'CHAT' }[];
  NextContactId: string | null;
  PreviousContactId: string | null;
  Queue: QueueInfo | null;
  Recording: RecordingInfo | null;
  Recordings: RecordingsInfo[] | null;
  References: never[];
  ScheduledTimestamp: null;
  SystemEndpoint: Endpoint | null;
  TransferCompletedTimestamp: null;
  TransferredToEndpoint: null;
}

export interface AgentIdentity {
  id: string;
  arn: string;
  username: string;
}

/** The Amazon Connect instance the records come from: account, ARNs, numbers, agents. */
export interface Instance {
  accountId: string;
  region: string;
  instanceId: string;
  instanceArn: string;
  queueArn: string;
  queueName: string;
  routingProfileArn: string;
  routingProfileName: string;
  /** The number customers dial (SystemEndpoint of inbound calls). */
  phoneNumber: string;
  /** The outbound caller ID (SystemEndpoint of outbound calls). */
  outboundCallerId: string;
  recordingBucket: string;
  alias: string;
  agents: AgentIdentity[];
}

export const FORMAT_VERSION = '2017-03-10';

/** A deterministic instance for a seed: ARNs as arn:aws:connect:REGION:ACCOUNT:instance/ID/…. */
export function instanceFor(seed: number, agents: number, region = 'us-east-1'): Instance {
  const rng = new Stream(seed, 'instance');
  const accountId = `${100_000 + rng.below(900_000)}${String(rng.below(1_000_000)).padStart(6, '0')}`;
  const instanceId = rng.uuid();
  const instanceArn = `arn:aws:connect:${region}:${accountId}:instance/${instanceId}`;
  const bucketSuffix = rng.uuid().slice(-12);
  return {
    accountId,
    region,
    instanceId,
    instanceArn,
    queueArn: `${instanceArn}/queue/${rng.uuid()}`,
    queueName: 'CustomerService',
    routingProfileArn: `${instanceArn}/routing-profile/${rng.uuid()}`,
    routingProfileName: 'Customer Service Agents',
    phoneNumber: `+1800555${String(100 + rng.below(100)).padStart(4, '0')}`,
    outboundCallerId: `+1888555${String(100 + rng.below(100)).padStart(4, '0')}`,
    recordingBucket: `amazon-connect-${bucketSuffix}`,
    alias: 'returning-callers',
    agents: Array.from({ length: agents }, (_, i) => {
      const id = rng.uuid();
      return { id, arn: `${instanceArn}/agent/${id}`, username: `agent${String(i + 1).padStart(2, '0')}` };
    }),
  };
}

/** How a caller appears: their number and whether they present it. */
export type CallerLookup = (caller: number) => { number: string; presentation: Presentation };

function phone(address: string): Endpoint {
  return { Address: address, Type: 'TELEPHONE_NUMBER' };
}

function customerEndpoint(c: SimContact, callers: CallerLookup): Endpoint | null {
  if (c.channel === 'CHAT' || c.caller < 0) return null;
  const who = callers(c.caller);
  if (c.method === 'OUTBOUND' || who.presentation === 'number') return phone(who.number);
  return who.presentation === 'anonymous' ? phone('anonymous') : null;
}

function systemEndpoint(c: SimContact, inst: Instance): Endpoint | null {
  if (c.channel === 'CHAT' || c.method === 'CALLBACK') return null;
  return phone(c.method === 'OUTBOUND' ? inst.outboundCallerId : inst.phoneNumber);
}

function queueOf(c: SimContact, inst: Instance): QueueInfo | null {
  if (c.method === 'OUTBOUND')
    return {
      ARN: inst.queueArn,
      DequeueTimestamp: null,
      Duration: 0,
      EnqueueTimestamp: null,
      Name: inst.queueName,
    };
  if (c.enqueued === null) return null;
  const out = c.dequeued ?? c.disconnected;
  return {
    ARN: inst.queueArn,
    DequeueTimestamp: iso(out),
    Duration: out - c.enqueued,
    EnqueueTimestamp: iso(c.enqueued),
    Name: inst.queueName,
  };
}

function agentOf(c: SimContact, inst: Instance): AgentInfo | null {
  const who = inst.agents[c.agent];
  if (!who || c.connectedToAgent === null) return null;
  const acw = c.afterWorkEnd !== null;
  return {
    ARN: who.arn,
    AfterContactWorkDuration: acw ? (c.afterWorkEnd as number) - c.disconnected : null,
    AfterContactWorkEndTimestamp: acw ? iso(c.afterWorkEnd as number) : null,
    AfterContactWorkStartTimestamp: acw ? iso(c.disconnected) : null,
    AgentInteractionDuration: c.interaction,
    ConnectedToAgentTimestamp: iso(c.connectedToAgent),
    CustomerHoldDuration: c.holds.reduce((s, h) => s + h, 0),
    HierarchyGroups: null,
    LongestHoldDuration: c.holds.reduce((m, h) => Math.max(m, h), 0),
    NumberOfHolds: c.holds.length,
    RoutingProfile: { ARN: inst.routingProfileArn, Name: inst.routingProfileName },
    Username: who.username,
  };
}

function recordings(c: SimContact, inst: Instance): [RecordingInfo | null, RecordingsInfo[] | null] {
  if (c.connectedToAgent === null || c.connectedToSystem === null) return [null, null];
  const t = iso(c.connectedToAgent);
  const day = t.slice(0, 10).replaceAll('-', '/');
  const stamp = `${t.slice(0, 10).replaceAll('-', '')}T${t.slice(11, 16)}_UTC`;
  const chat = c.channel === 'CHAT';
  const folder = chat ? 'ChatTranscripts' : 'CallRecordings';
  const Location = `${inst.recordingBucket}/connect/${inst.alias}/${folder}/${day}/${c.id}_${stamp}.${chat ? 'json' : 'wav'}`;
  const many: RecordingsInfo = {
    DeletionReason: null,
    FragmentStartNumber: null,
    FragmentStopNumber: null,
    Location,
    MediaStreamType: chat ? 'CHAT' : 'AUDIO',
    ParticipantType: null,
    StartTimestamp: null,
    Status: 'AVAILABLE',
    StopTimestamp: null,
    StorageType: 'S3',
  };
  if (chat) return [null, [many]];
  return [{ DeletionReason: null, Location, Status: 'AVAILABLE', Type: 'AUDIO' }, [many]];
}

export function toRecord(c: SimContact, inst: Instance, callers: CallerLookup): ContactRecord {
  const agent = agentOf(c, inst);
  const [recording, recordingsList] = recordings(c, inst);
  return {
    AWSAccountId: inst.accountId,
    AWSContactTraceRecordFormatVersion: FORMAT_VERSION,
    Agent: agent,
    AgentConnectionAttempts: agent ? 1 : 0,
    Attributes: { ...c.attributes },
    Channel: c.channel,
    ConnectedToSystemTimestamp: c.connectedToSystem === null ? null : iso(c.connectedToSystem),
    ContactDetails: {},
    ContactId: c.id,
    CustomerEndpoint: customerEndpoint(c, callers),
    DisconnectReason: c.reason,
    DisconnectTimestamp: iso(c.disconnected),
    InitialContactId: c.initialId,
    InitiationMethod: c.method,
    InitiationTimestamp: iso(c.initiated),
    InstanceARN: inst.instanceArn,
    LastUpdateTimestamp: iso(c.lastUpdate),
    MediaStreams: [{ Type: c.channel === 'CHAT' ? 'CHAT' : 'AUDIO' }],
    NextContactId: c.nextId,
    PreviousContactId: c.previousId,
    Queue: queueOf(c, inst),
    Recording: recording,
    Recordings: recordingsList,
    References: [],
    ScheduledTimestamp: null,
    SystemEndpoint: systemEndpoint(c, inst),
    TransferCompletedTimestamp: null,
    TransferredToEndpoint: null,
  };
}
