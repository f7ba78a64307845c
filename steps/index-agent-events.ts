import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { Deadline } from './lib/connect/deadline';
import { speakableFirstName } from './lib/decision/whisper';
import { type IndexerDeps, indexerInvocation } from './lib/routing-state/indexer';
import { type AgentState, putAgentState } from './lib/routing-state/store';
import { idFromArn } from './lib/routing-state/table';

/**
 * The agent indexer: the Amazon Connect agent event stream (Kinesis) → each agent's live state in
 * the routing-state table, so the availability step reads it instead of GetCurrentUserData.
 *
 * Format (admin guide, "Amazon Connect agent event streams data model",
 * agent-event-stream-model.html): an AgentEvent has `AgentARN`, `EventId`, `EventTimestamp`,
 * `EventType` (STATE_CHANGE | HEART_BEAT | LOGIN | LOGOUT) and `CurrentAgentSnapshot` with
 * `AgentStatus` (`ARN`, `Name`, `StartTimestamp`, `Type`: ROUTABLE, CUSTOM or OFFLINE),
 * `NextAgentStatus` (null when none), `Configuration.FirstName` ("The first name entered in the
 * agent's Amazon Connect account", String 1-100; kept for the whisper), `Configuration.RoutingProfile`
 * (`ARN`, `Concurrency` [`AvailableSlots`, `Channel`, `MaximumSlots`], `InboundQueues` [`ARN`,
 * `Channels`]) and `Contacts` (`ContactId`, `Channel`, `State`). HEART_BEAT carries the full snapshot and comes
 * every 120 s when nothing else happens. The model spells the task channel `TASKS` in `Contacts`;
 * it is read as TASK, the channel's name everywhere else in Connect's API.
 *
 * Every event carries the whole snapshot, so only the newest matters: the write is conditional
 * on the stored event being older (redelivery and retries never move an agent back in time).
 * Failures are reported per record (ReportBatchItemFailures): Lambda retries from the first
 * failed record, and after the event source mapping's retries hands the batch's position to the
 * on-failure destination (a dead-letter queue with an alarm, infra/stack.ts). A record that is
 * not an agent event is reported the same way, so it ends in the dead-letter queue, not in silence.
 */

const Arn = z.optional(z.nullable(z.string()));
const Name = z.optional(z.nullable(z.string()));

const AgentEvent = z.object({
  AgentARN: z.string().check(z.minLength(1)),
  EventId: z.optional(z.string()),
  EventTimestamp: z.string(),
  EventType: z.string(),
  CurrentAgentSnapshot: z.optional(
    z.nullable(
      z.object({
        AgentStatus: z.optional(
          z.nullable(z.object({ ARN: Arn, Name: Name, Type: z.optional(z.nullable(z.string())) })),
        ),
        NextAgentStatus: z.optional(z.nullable(z.object({ ARN: Arn, Name: Name }))),
        Configuration: z.optional(
          z.nullable(
            z.object({
              FirstName: Name,
              RoutingProfile: z.optional(
                z.nullable(
                  z.object({
                    ARN: Arn,
                    Concurrency: z.optional(
                      z.nullable(
                        z.array(
                          z.object({
                            AvailableSlots: z.number(),
                            Channel: z.string(),
                            MaximumSlots: z.number(),
                          }),
                        ),
                      ),
                    ),
                    InboundQueues: z.optional(
                      z.nullable(
                        z.array(
                          z.object({ ARN: Arn, Channels: z.optional(z.nullable(z.array(z.string()))) }),
                        ),
                      ),
                    ),
                  }),
                ),
              ),
            }),
          ),
        ),
        Contacts: z.optional(
          z.nullable(
            z.array(
              z.object({
                ContactId: z.string(),
                Channel: Name,
                State: Name,
                // ISO 8601 (the agent event stream's data model); kept for the adaptive preference.
                StateStartTimestamp: z.optional(z.nullable(z.string())),
                ConnectedToAgentTimestamp: z.optional(z.nullable(z.string())),
              }),
            ),
          ),
        ),
      }),
    ),
  ),
});
export type AgentEvent = z.infer<typeof AgentEvent>;

export class InvalidAgentEventError extends Error {
  override readonly name = 'InvalidAgentEvent';
}

const channelName = (c: string) => {
  const upper = c.toUpperCase();
  return upper === 'TASKS' ? 'TASK' : upper;
};

/** The agent's state as the event's snapshot tells it (pure; throws on a malformed event). */
export function agentStateOf(value: unknown): AgentState {
  const parsed = AgentEvent.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InvalidAgentEventError(
      `not an agent event at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
    );
  }
  const event = parsed.data;
  const agentId = idFromArn(event.AgentARN);
  const eventAt = Date.parse(event.EventTimestamp);
  if (!agentId || !Number.isFinite(eventAt)) {
    throw new InvalidAgentEventError('agent event without an agent ARN or a valid EventTimestamp');
  }
  const snapshot = event.CurrentAgentSnapshot;
  const profile = snapshot?.Configuration?.RoutingProfile;
  const state: AgentState = {
    agentId,
    eventAt,
    eventType: event.EventType,
    slots: Object.fromEntries(
      (profile?.Concurrency ?? []).map((c) => [
        channelName(c.Channel),
        { max: c.MaximumSlots, available: c.AvailableSlots },
      ]),
    ),
    queues: (profile?.InboundQueues ?? []).flatMap((q) => {
      const id = idFromArn(q.ARN);
      return id ? (q.Channels ?? []).map((c) => `${id} ${channelName(c)}`) : [];
    }),
    contacts: (snapshot?.Contacts ?? []).map((c) => {
      const stateStartAt = c.StateStartTimestamp ? Date.parse(c.StateStartTimestamp) : Number.NaN;
      const connectedAt = c.ConnectedToAgentTimestamp ? Date.parse(c.ConnectedToAgentTimestamp) : Number.NaN;
      return {
        id: c.ContactId,
        ...(c.Channel ? { channel: channelName(c.Channel) } : {}),
        ...(c.State ? { state: c.State } : {}),
        ...(Number.isFinite(stateStartAt) ? { stateStartAt } : {}),
        ...(Number.isFinite(connectedAt) ? { connectedAt } : {}),
      };
    }),
  };
  const status = snapshot?.AgentStatus;
  const next = snapshot?.NextAgentStatus;
  const routingProfileId = idFromArn(profile?.ARN);
  if (status?.ARN) state.statusArn = status.ARN;
  if (status?.Name) state.statusName = status.Name;
  if (status?.Type) state.statusType = status.Type;
  if (next?.ARN) state.nextStatusArn = next.ARN;
  if (next?.Name) state.nextStatusName = next.Name;
  if (routingProfileId) state.routingProfileId = routingProfileId;
  const firstName = speakableFirstName(snapshot?.Configuration?.FirstName);
  if (firstName) state.firstName = firstName;
  return state;
}

export interface AgentBatchOutcome extends KinesisStreamBatchResponse {
  stored: number;
  /** Older than (or the same as) the stored state: redelivered or out of order. */
  skipped: number;
}

/**
 * Indexes a batch from the agent event stream, records in order. The first record that fails
 * and every record after it are reported as failed: Lambda resumes the shard from the first one.
 */
export async function indexAgentEvents(
  event: KinesisStreamEvent,
  deps: IndexerDeps,
  budgetMs = 10_000,
): Promise<AgentBatchOutcome> {
  const deadline = new Deadline(deps.clock() + budgetMs, deps.clock);
  const records = event.Records ?? [];
  let stored = 0;
  let skipped = 0;
  for (const [i, record] of records.entries()) {
    try {
      const json = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
      const state = agentStateOf(json);
      if (await putAgentState(deps.dynamo, deadline, deps.config.tableName as string, state)) stored++;
      else skipped++;
    } catch (err) {
      deps.logger.error('agent event not indexed', {
        error: err,
        sequenceNumber: record.kinesis?.sequenceNumber,
      });
      return {
        stored,
        skipped,
        batchItemFailures: records.slice(i).map((r) => ({ itemIdentifier: r.kinesis?.sequenceNumber })),
      };
    }
  }
  deps.logger.info('agent events indexed', { records: records.length, stored, skipped });
  return { stored, skipped, batchItemFailures: [] };
}

/** Lambda entry (Kinesis event source mapping with ReportBatchItemFailures). */
export async function handler(event: KinesisStreamEvent, context?: Context): Promise<AgentBatchOutcome> {
  const { deps, budgetMs } = await indexerInvocation(context);
  return indexAgentEvents(event, deps, budgetMs);
}
