import {
  type AgentStatusType,
  type Channel,
  type ConnectClient,
  DescribeUserCommand,
  type DescribeUserCommandOutput,
  ListAgentStatusesCommand,
  type ListAgentStatusesCommandOutput,
  ListRoutingProfileQueuesCommand,
  type ListRoutingProfileQueuesCommandOutput,
} from '@aws-sdk/client-connect';
import { speakableFirstName } from '../decision/whisper';
import { sendConnect } from '../runtime/step';
import type { Deadline } from './deadline';

/**
 * A small cache with a bounded age. A failed load is not cached (the next call tries again),
 * and concurrent callers share one load.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.maxAgeMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}

/** Status name → type, plus status ARN → type (GetCurrentUserData gives the ARN and the name). */
export interface StatusTypes {
  byArn: Map<string, AgentStatusType>;
  byName: Map<string, AgentStatusType>;
}

/**
 * Instance reference data that changes rarely (admins edit statuses, routing profiles and user
 * names), cached per Lambda container for `maxAgeMs`: agent status types, the queues each routing
 * profile serves, and agents' first names. One ListAgentStatuses call per instance, one
 * ListRoutingProfileQueues call per routing profile and one DescribeUser call per agent per cache
 * period, instead of one per decision.
 */
export interface ReferenceData {
  statusTypes(connect: ConnectClient, instanceId: string, deadline: Deadline): Promise<StatusTypes>;
  /** The set of "queueId channel" pairs the routing profile serves. */
  profileQueues(
    connect: ConnectClient,
    instanceId: string,
    routingProfileId: string,
    deadline: Deadline,
  ): Promise<Set<string>>;
  /**
   * The agent's first name for the whisper (DescribeUser `User.IdentityInfo.FirstName`), or
   * undefined when the user account has none. A failed call rejects and is not cached.
   */
  agentFirstName(
    connect: ConnectClient,
    instanceId: string,
    agentId: string,
    deadline: Deadline,
  ): Promise<string | undefined>;
}

/** A page budget that keeps a pathological instance from eating the deadline. */
const MAX_REFERENCE_PAGES = 10;

export function queueChannelKey(queueId: string, channel: Channel | string): string {
  return `${queueId} ${channel}`;
}

export function createReferenceData(maxAgeMs: number, now: () => number = Date.now): ReferenceData {
  const statuses = new TtlCache<StatusTypes>(maxAgeMs, now);
  const queues = new TtlCache<Set<string>>(maxAgeMs, now);
  // One entry per agent; 5000 keeps a large center's agents without growing without bound.
  const names = new TtlCache<string | undefined>(maxAgeMs, now, 5000);
  return {
    statusTypes: (connect, instanceId, deadline) =>
      statuses.get(instanceId, async () => {
        const types: StatusTypes = { byArn: new Map(), byName: new Map() };
        let nextToken: string | undefined;
        let pages = 0;
        do {
          const page = await sendConnect<ListAgentStatusesCommandOutput>(
            { connect },
            deadline,
            'ListAgentStatuses',
            new ListAgentStatusesCommand({
              InstanceId: instanceId,
              MaxResults: 1000,
              NextToken: nextToken,
            }),
          );
          for (const s of page.AgentStatusSummaryList ?? []) {
            if (!s.Type) continue;
            if (s.Arn) types.byArn.set(s.Arn, s.Type);
            if (s.Name) types.byName.set(s.Name, s.Type);
          }
          nextToken = page.NextToken;
        } while (nextToken && ++pages < MAX_REFERENCE_PAGES);
        return types;
      }),
    profileQueues: (connect, instanceId, routingProfileId, deadline) =>
      queues.get(`${instanceId}/${routingProfileId}`, async () => {
        const served = new Set<string>();
        let nextToken: string | undefined;
        let pages = 0;
        do {
          const page = await sendConnect<ListRoutingProfileQueuesCommandOutput>(
            { connect },
            deadline,
            'ListRoutingProfileQueues',
            new ListRoutingProfileQueuesCommand({
              InstanceId: instanceId,
              RoutingProfileId: routingProfileId,
              MaxResults: 100,
              NextToken: nextToken,
            }),
          );
          for (const q of page.RoutingProfileQueueConfigSummaryList ?? []) {
            if (q.QueueId && q.Channel) served.add(queueChannelKey(q.QueueId, q.Channel));
          }
          nextToken = page.NextToken;
        } while (nextToken && ++pages < MAX_REFERENCE_PAGES);
        return served;
      }),
    agentFirstName: (connect, instanceId, agentId, deadline) =>
      names.get(`${instanceId}/${agentId}`, async () => {
        // DescribeUser: GET /users/{InstanceId}/{UserId} → User.IdentityInfo.FirstName
        // (@aws-sdk/client-connect 3.1136.0, models_1.d.ts UserIdentityInfo; schemas_0.js http
        // trait). IAM: connect:DescribeUser on resource type user (…/agent/${UserId}).
        const out = await sendConnect<DescribeUserCommandOutput>(
          { connect },
          deadline,
          'DescribeUser',
          new DescribeUserCommand({ InstanceId: instanceId, UserId: agentId }),
        );
        return speakableFirstName(out.User?.IdentityInfo?.FirstName);
      }),
  };
}
