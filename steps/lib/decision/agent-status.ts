/**
 * An agent's availability from GetCurrentUserData's answer and the instance's status types: pure,
 * shared by the availability step (steps/check-agent-availability.ts) and the simulator
 * (simulate/policies.ts), which must decide exactly as the product does without loading the
 * Connect client. Types only from the SDK.
 */
import type { AgentStatusType, UserData } from '@aws-sdk/client-connect';
import type { StatusTypes } from '../connect/reference-data';
import type { Config } from '../runtime/config';
import type { AgentAvailability, PipelineInput } from './schemas';

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
  channel: PipelineInput['channel'],
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
