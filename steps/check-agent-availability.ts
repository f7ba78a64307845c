import {
  type AgentStatusType,
  GetCurrentUserDataCommand,
  type GetCurrentUserDataCommandOutput,
  type UserData,
} from '@aws-sdk/client-connect';
import * as z from 'zod/mini';
import type { Config } from './lib/config';
import { createConnectClient } from './lib/connect-client';
import { Deadline } from './lib/deadline';
import { type StatusTypes, createReferenceData, queueChannelKey } from './lib/reference-data';
import { type StepDeps, defineStep, lambdaHandler, sendConnect } from './lib/runtime';
import { type AgentAvailability, PipelineInput } from './lib/schemas';

export const AvailabilityInput = z.extend(z.pick(PipelineInput, { instanceId: true, deadlineAt: true }), {
  agentId: z.string().check(z.minLength(1), z.maxLength(256)),
  channel: PipelineInput.shape.channel,
  /** The queue the call is headed for, when the agent must serve it (preferred-agent routing); '' = no check. */
  membershipQueueId: PipelineInput.shape.membershipQueueId,
});
export type AvailabilityInput = z.infer<typeof AvailabilityInput>;

/**
 * The type of a status. Connect gives every agent status a type (AgentStatusType: ROUTABLE,
 * CUSTOM, OFFLINE; ListAgentStatuses), while GetCurrentUserData returns only its ARN and name:
 * the type is looked up by ARN, then by name. Names are a fallback only, because admins rename
 * statuses. The configured name lists override the type (for instances with unusual setups).
 */
export function statusType(
  status: { arn?: string | undefined; name?: string | undefined },
  types: StatusTypes | undefined,
  config: Pick<Config, 'routableStatuses' | 'offlineStatuses'>,
): AgentStatusType | undefined {
  const { name, arn } = status;
  if (name && config.offlineStatuses.includes(name)) return 'OFFLINE';
  if (name && config.routableStatuses.includes(name)) return 'ROUTABLE';
  if (types) return (arn ? types.byArn.get(arn) : undefined) ?? (name ? types.byName.get(name) : undefined);
  // Status types unavailable (ListAgentStatuses failed): Connect's built-in statuses only.
  return name === 'Available' ? 'ROUTABLE' : name === 'Offline' ? 'OFFLINE' : undefined;
}

/**
 * Classifies live agent data for a call on `channel`:
 * - absent from the answer, no status, or an OFFLINE-type status → OFFLINE;
 * - a CUSTOM-type status (break, lunch, training; or an unknown one) → NOT_ROUTABLE;
 * - a next status (chosen for after the current contact) that is OFFLINE → OFFLINE, CUSTOM → NOT_ROUTABLE;
 * - no slot for the call's channel in the routing profile → NOT_ROUTABLE (NO_CHANNEL);
 * - a free slot → AVAILABLE; all slots held (on a contact or in after-contact work) → BUSY.
 */
export function classifyAgent(
  data: UserData | undefined,
  channel: AvailabilityInput['channel'],
  types: StatusTypes | undefined,
  config: Pick<Config, 'routableStatuses' | 'offlineStatuses'>,
): AgentAvailability {
  const statusName = data?.Status?.StatusName;
  if (!data || (!statusName && !data.Status?.StatusArn)) return { status: 'OFFLINE', detail: 'LOGGED_OUT' };
  const named = statusName ? { statusName } : {};
  const type = statusType({ arn: data.Status?.StatusArn, name: statusName }, types, config);
  if (type === 'OFFLINE') return { status: 'OFFLINE', detail: 'OFFLINE_STATUS', ...named };
  if (type !== 'ROUTABLE') return { status: 'NOT_ROUTABLE', detail: 'CUSTOM_STATUS', ...named };
  if (data.NextStatus) {
    const next = statusType({ name: data.NextStatus }, types, config);
    if (next === 'OFFLINE') return { status: 'OFFLINE', detail: 'NEXT_STATUS_OFFLINE', ...named };
    if (next !== 'ROUTABLE') return { status: 'NOT_ROUTABLE', detail: 'NEXT_STATUS_CUSTOM', ...named };
  }
  // MaxSlotsByChannel comes from the routing profile's MediaConcurrency: no slot, no call on
  // this channel. (Older answers without it fall back to the available slots.)
  const maxSlots = data.MaxSlotsByChannel ? (data.MaxSlotsByChannel[channel] ?? 0) : undefined;
  if (maxSlots === 0) return { status: 'NOT_ROUTABLE', detail: 'NO_CHANNEL', ...named };
  const free = data.AvailableSlotsByChannel?.[channel] ?? 0;
  // In after-contact work the slot is still held, so a free slot means free for a new call.
  return free > 0 ? { status: 'AVAILABLE', ...named } : { status: 'BUSY', ...named };
}

export async function checkAgentAvailability(
  input: AvailabilityInput,
  deps: StepDeps,
): Promise<AgentAvailability> {
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  const { connect, reference, logger } = deps;
  const [answer, types] = await Promise.all([
    sendConnect<GetCurrentUserDataCommandOutput>(
      deps,
      deadline,
      'GetCurrentUserData',
      new GetCurrentUserDataCommand({ InstanceId: input.instanceId, Filters: { Agents: [input.agentId] } }),
    ),
    // Reference data is a refinement: when it cannot be read, classify by Connect's built-in
    // status names rather than fail the decision.
    reference
      .statusTypes(connect, input.instanceId, deadline)
      .catch((err: unknown) => {
        logger.warn('agent status types unavailable, using built-in status names', { error: err });
        return undefined;
      }),
  ]);
  const data = answer.UserDataList?.find((u) => u.User?.Id === input.agentId);
  const availability = classifyAgent(data, input.channel, types, deps.config);
  const profileId = data?.RoutingProfile?.Id;
  if (
    !input.membershipQueueId ||
    !profileId ||
    (availability.status !== 'AVAILABLE' && availability.status !== 'BUSY')
  )
    return availability;
  // Routing criteria only offer a contact to agents whose routing profile serves its queue:
  // preferring anyone else makes the caller wait out the whole preference for nothing.
  try {
    const served = await reference.profileQueues(connect, input.instanceId, profileId, deadline);
    if (!served.has(queueChannelKey(input.membershipQueueId, input.channel))) {
      return { ...availability, status: 'NOT_IN_QUEUE', detail: 'QUEUE_NOT_IN_PROFILE' };
    }
  } catch (err) {
    logger.warn('routing profile queues unavailable, not checking queue membership', { error: err });
  }
  return availability;
}

export const checkAgentAvailabilityStep = defineStep({
  state: 'Check Agent Availability',
  input: AvailabilityInput,
  run: checkAgentAvailability,
});

export const handler = lambdaHandler(checkAgentAvailabilityStep, createConnectClient, createReferenceData);
