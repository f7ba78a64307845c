import {
  type AgentStatusType,
  type Channel,
  type ConnectClient,
  ListAgentStatusesCommand,
  type ListAgentStatusesCommandOutput,
  ListRoutingProfileQueuesCommand,
  type ListRoutingProfileQueuesCommandOutput,
} from '@aws-sdk/client-connect';
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
 * Instance reference data that changes rarely (admins edit statuses and routing profiles),
 * cached per Lambda container for `maxAgeMs`: agent status types and the queues each routing
 * profile serves. One ListAgentStatuses call per instance and one ListRoutingProfileQueues call
 * per routing profile per cache period, instead of one per decision.
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
}

/** A page budget that keeps a pathological instance from eating the deadline. */
const MAX_REFERENCE_PAGES = 10;

export function queueChannelKey(queueId: string, channel: Channel | string): string {
  return `${queueId} ${channel}`;
}

export function createReferenceData(maxAgeMs: number, now: () => number = Date.now): ReferenceData {
  const statuses = new TtlCache<StatusTypes>(maxAgeMs, now);
  const queues = new TtlCache<Set<string>>(maxAgeMs, now);
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
  };
}
