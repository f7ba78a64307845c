import {
  type AgentStatusType,
  type Channel,
  type ContactState,
  GetCurrentUserDataCommand,
  type GetCurrentUserDataCommandOutput,
  type UserData,
} from '@aws-sdk/client-connect';
import * as z from 'zod/mini';
import { createConnectClient } from './lib/connect/client';
import { Deadline } from './lib/connect/deadline';
import { type StatusTypes, createReferenceData, queueChannelKey } from './lib/connect/reference-data';
import { classifyAgent } from './lib/decision/agent-status';
import { agentFreeWithin } from './lib/decision/handle-model';
import { type AgentAvailability, PipelineInput } from './lib/decision/schemas';
import { loadDynamoClient, loadRoutingStore } from './lib/routing-state/modules';
import type { AgentState } from './lib/routing-state/store';
import type { Config } from './lib/runtime/config';
import { type StepDeps, defineStep, lambdaHandler, sendConnect } from './lib/runtime/step';

export const AvailabilityInput = z.extend(z.pick(PipelineInput, { instanceId: true, deadlineAt: true }), {
  /** The call's reference time (the entry Lambda's clock; the scenario's locally): how long a held contact has run. */
  now: z.optional(PipelineInput.shape.now),
  agentId: z.string().check(z.minLength(1), z.maxLength(256)),
  channel: PipelineInput.shape.channel,
  /** The queue the call is headed for, when the agent must serve it (preferred-agent routing); '' = no check. */
  membershipQueueId: PipelineInput.shape.membershipQueueId,
  /**
   * The other agents who know the caller, in rank (the pick step's `knownAgentIds`; passed only
   * with LAST_AGENT_MAX_PREFERRED > 1). Read in the same GetCurrentUserData or BatchGetItem.
   */
  knownAgentIds: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(4)),
  ),
});
export type AvailabilityInput = z.infer<typeof AvailabilityInput>;

/** One agent's availability with the live data it was classified from (the chances need its contacts). */
interface Checked {
  availability: AgentAvailability;
  data: UserData | undefined;
}

/**
 * Availability from Connect's API: one GetCurrentUserData filtered to the agents (the filter
 * takes up to 100: UserDataFilters.Agents, SDK model), each classified with the status types,
 * then queue membership from the routing profile's queues. Only the last agent is named (the
 * whisper speaks of them alone).
 */
async function checkByApi(
  input: AvailabilityInput,
  ids: string[],
  deps: StepDeps,
  deadline: Deadline,
): Promise<Map<string, Checked>> {
  const [answer, types, firstName] = await Promise.all([
    sendConnect<GetCurrentUserDataCommandOutput>(
      deps,
      deadline,
      'GetCurrentUserData',
      new GetCurrentUserDataCommand({ InstanceId: input.instanceId, Filters: { Agents: ids } }),
    ),
    statusTypesOrNames(input, deps, deadline),
    // GetCurrentUserData names no one (UserData.User is a UserReference: Id and Arn only).
    ids.includes(input.agentId) ? agentFirstName(input, deps, deadline) : Promise.resolve(undefined),
  ]);
  const checked = await Promise.all(
    ids.map(async (id): Promise<[string, Checked]> => {
      const data = answer.UserDataList?.find((u) => u.User?.Id === id);
      const classified = withFreeProbability(
        classifyAgent(data, input.channel, types, deps.config),
        data,
        input,
        deps,
      );
      const availability = named(classified, id === input.agentId ? firstName : undefined);
      return [id, { availability: await servedQueue(input, availability, data, deps, deadline), data }];
    }),
  );
  return new Map(checked);
}

/** The agent's last availability; GetCurrentUserData (the `search` source, or the index's fallback). */
export async function checkAgentAvailabilityByApi(
  input: AvailabilityInput,
  deps: StepDeps,
): Promise<AgentAvailability> {
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  const checked = await checkByApi(input, [input.agentId], deps, deadline);
  return (checked.get(input.agentId) as Checked).availability;
}

/**
 * Routing criteria only offer a contact to agents whose routing profile serves its queue:
 * preferring anyone else makes the caller wait out the whole preference for nothing.
 */
async function servedQueue(
  input: AvailabilityInput,
  availability: AgentAvailability,
  data: UserData | undefined,
  deps: StepDeps,
  deadline: Deadline,
): Promise<AgentAvailability> {
  const profileId = data?.RoutingProfile?.Id;
  if (!needsMembershipCheck(input, availability) || !profileId) return availability;
  try {
    const served = await deps.reference.profileQueues(deps.connect, input.instanceId, profileId, deadline);
    return membership(input, availability, served);
  } catch (err) {
    deps.logger.warn('routing profile queues unavailable, not checking queue membership', { error: err });
  }
  return availability;
}

/** The share of the remaining budget the name lookup may take: a slow DescribeUser never costs the decision. */
export const NAME_READ_SHARE = 0.5;

/**
 * The agent's first name for the whisper, from the container's cache (one DescribeUser per agent
 * per LAST_AGENT_REFERENCE_TTL_SECONDS). The whisper is a courtesy: a failed or slow lookup is
 * logged and the whisper says "an agent"; it never fails or delays the decision beyond its share.
 */
async function agentFirstName(
  input: AvailabilityInput,
  deps: StepDeps,
  deadline: Deadline,
): Promise<string | undefined> {
  const now = deps.clock();
  const nameDeadline = new Deadline(
    now + Math.floor(Math.max(0, deadline.at - now) * NAME_READ_SHARE),
    deps.clock,
  );
  try {
    return await deps.reference.agentFirstName(deps.connect, input.instanceId, input.agentId, nameDeadline);
  } catch (err) {
    deps.logger.warn('agent first name unavailable, the whisper says "an agent"', { error: err });
    return undefined;
  }
}

const named = (availability: AgentAvailability, firstName: string | undefined): AgentAvailability =>
  firstName ? { ...availability, agentFirstName: firstName } : availability;

/**
 * A busy agent's chance to be free within the preference window (LAST_AGENT_HANDLE_MODEL set):
 * from the contacts they hold on the call's channel and the time each has run. Absent when the
 * model is not set, the agent is not busy, or no held contact says where it is.
 */
function withFreeProbability(
  availability: AgentAvailability,
  data: UserData | undefined,
  input: AvailabilityInput,
  deps: StepDeps,
): AgentAvailability {
  if (availability.status !== 'BUSY') return availability;
  const p = freeWithin(data, input, deps, deps.config.preferredSeconds);
  return p === undefined ? availability : { ...availability, freeWithinProbability: p };
}

function freeWithin(
  data: UserData | undefined,
  input: AvailabilityInput,
  deps: StepDeps,
  seconds: number,
): number | undefined {
  const { handleModel } = deps.config;
  if (!handleModel) return undefined;
  const now = input.now ? Date.parse(input.now) : deps.clock();
  return agentFreeWithin(handleModel, data?.Contacts ?? [], input.channel, now, seconds);
}

/**
 * Another known agent as the route choice judges them (issue 27): their status, and when busy
 * their chance to be free within the preference window (the KNOWN_AGENT route's one step) and by
 * the end of the flow's second step (preference window + LAST_AGENT_KNOWN_AGENTS_SECONDS).
 */
function knownAgent(agentId: string, checked: Checked, input: AvailabilityInput, deps: StepDeps) {
  const { status, detail, statusName, source, freeWithinProbability } = checked.availability;
  const { preferredSeconds, knownAgentsSeconds } = deps.config;
  const late =
    status === 'BUSY'
      ? freeWithin(checked.data, input, deps, preferredSeconds + knownAgentsSeconds)
      : undefined;
  return {
    agentId,
    status,
    ...(detail ? { detail } : {}),
    ...(statusName ? { statusName } : {}),
    ...(source ? { source } : {}),
    ...(freeWithinProbability !== undefined ? { freeWithinProbability } : {}),
    ...(late !== undefined ? { freeBySecondStepProbability: late } : {}),
  };
}

const needsMembershipCheck = (input: AvailabilityInput, availability: AgentAvailability) =>
  Boolean(input.membershipQueueId) && (availability.status === 'AVAILABLE' || availability.status === 'BUSY');

function membership(
  input: AvailabilityInput,
  availability: AgentAvailability,
  served: Set<string>,
): AgentAvailability {
  return served.has(queueChannelKey(input.membershipQueueId, input.channel))
    ? availability
    : { ...availability, status: 'NOT_IN_QUEUE', detail: 'QUEUE_NOT_IN_PROFILE' };
}

/**
 * Reference data is a refinement: when it cannot be read, classify by Connect's built-in status
 * names rather than fail the decision.
 */
function statusTypesOrNames(
  input: AvailabilityInput,
  deps: StepDeps,
  deadline: Deadline,
): Promise<StatusTypes | undefined> {
  return deps.reference.statusTypes(deps.connect, input.instanceId, deadline).catch((err: unknown) => {
    deps.logger.warn('agent status types unavailable, using built-in status names', { error: err });
    return undefined;
  });
}

/**
 * The agent-event-stream snapshot in the shape GetCurrentUserData answers, so one rule
 * (`classifyAgent`) classifies both sources.
 */
export function userDataOf(state: AgentState): UserData {
  const byChannel = (pick: 'max' | 'available') =>
    Object.fromEntries(Object.entries(state.slots).map(([channel, s]) => [channel, s[pick]]));
  return {
    User: { Id: state.agentId },
    Status: {
      ...(state.statusArn ? { StatusArn: state.statusArn } : {}),
      ...(state.statusName ? { StatusName: state.statusName } : {}),
    },
    ...(state.nextStatusName ? { NextStatus: state.nextStatusName } : {}),
    ...(state.routingProfileId ? { RoutingProfile: { Id: state.routingProfileId } } : {}),
    MaxSlotsByChannel: byChannel('max'),
    AvailableSlotsByChannel: byChannel('available'),
    Contacts: state.contacts.map((c) => ({
      ContactId: c.id,
      ...(c.channel ? { Channel: c.channel as Channel } : {}),
      ...(c.state ? { AgentContactState: c.state as ContactState } : {}),
      ...(c.stateStartAt !== undefined ? { StateStartTimestamp: new Date(c.stateStartAt) } : {}),
      ...(c.connectedAt !== undefined ? { ConnectedToAgentTimestamp: new Date(c.connectedAt) } : {}),
    })),
  };
}

/**
 * Availability from the agent's event-stream snapshot: it carries the status with its type, the
 * next status, the concurrency, the routing profile's queues and the first name, so no Connect
 * call is needed (the cached ListAgentStatuses answer is read only when the event names no status
 * type, or to type a next status).
 */
async function checkByState(
  input: AvailabilityInput,
  state: AgentState,
  deps: StepDeps,
  deadline: Deadline,
): Promise<Checked> {
  const needTypes = !state.statusType || Boolean(state.nextStatusName);
  const types = needTypes ? await statusTypesOrNames(input, deps, deadline) : undefined;
  const known: StatusTypes = { byArn: new Map(types?.byArn), byName: new Map(types?.byName) };
  if (state.statusArn && isStatusType(state.statusType)) known.byArn.set(state.statusArn, state.statusType);
  const data = userDataOf(state);
  const availability = withFreeProbability(
    classifyAgent(data, input.channel, known, deps.config),
    data,
    input,
    deps,
  );
  const checked = needsMembershipCheck(input, availability)
    ? membership(input, availability, new Set(state.queues))
    : availability;
  // The snapshot carries the name (Configuration.FirstName): no Connect call on this path.
  return { availability: { ...named(checked, state.firstName), source: 'INDEX' }, data };
}

/**
 * The agents' snapshots from the routing-state table: one GetItem for one agent, one
 * BatchGetItem for several (issue 27). The read gets half of the budget, so a slow table leaves
 * time for the fallback.
 */
async function readStates(
  ids: string[],
  deps: StepDeps,
  deadline: Deadline,
): Promise<Map<string, AgentState | undefined>> {
  const { readAgentState, readAgentStates } = await loadRoutingStore();
  const now = deps.clock();
  const readDeadline = new Deadline(
    now + Math.floor(Math.max(0, deadline.at - now) * STATE_READ_SHARE),
    deps.clock,
  );
  const table = deps.config.tableName as string;
  const [only] = ids;
  if (ids.length === 1 && only) {
    const { state } = await readAgentState(deps.dynamo, readDeadline, table, only);
    return new Map([[only, state]]);
  }
  return (await readAgentStates(deps.dynamo, readDeadline, table, ids)).states;
}

/**
 * Availability from the routing-state table (LAST_AGENT_SOURCE index or index-then-search): each
 * agent's last event-stream snapshot (`checkByState`). A snapshot older than
 * agentStateMaxAgeSeconds (no heartbeat: the stream publishes one every 120 s), a missing one or
 * an unreadable table falls back to GetCurrentUserData (one call for all such agents, and the
 * name to the DescribeUser cache); `source` says which.
 */
async function checkByIndex(
  input: AvailabilityInput,
  ids: string[],
  deps: StepDeps,
  deadline: Deadline,
): Promise<Map<string, Checked>> {
  const checked = new Map<string, Checked>();
  const fallback = new Map<string, NonNullable<AgentAvailability['source']>>();
  try {
    const states = await readStates(ids, deps, deadline);
    for (const id of ids) {
      const state = states.get(id);
      const fresh = state && deps.clock() - state.eventAt <= deps.config.agentStateMaxAgeSeconds * 1000;
      if (state && fresh) checked.set(id, await checkByState(input, state, deps, deadline));
      else fallback.set(id, state ? 'API_INDEX_STALE' : 'API_INDEX_MISSING');
    }
  } catch (err) {
    deps.logger.warn('agent state unreadable, asking Connect', { error: err });
    checked.clear();
    for (const id of ids) fallback.set(id, 'API_INDEX_FAILED');
  }
  if (fallback.size === 0) return checked;
  const asked = await checkByApi(
    input,
    [...fallback.keys()],
    deps,
    new Deadline(input.deadlineAt, deps.clock),
  );
  for (const [id, source] of fallback) {
    const answer = asked.get(id) as Checked;
    checked.set(id, { ...answer, availability: { ...answer.availability, source } });
  }
  return checked;
}

/**
 * The step: the last agent's availability from the configured source and, when the pick step
 * named other agents who know the caller (LAST_AGENT_MAX_PREFERRED > 1, issue 27), theirs in the
 * same read (`knownAgents`, in rank order), for the route choice to judge.
 */
export async function checkAgentAvailability(
  input: AvailabilityInput,
  deps: StepDeps,
): Promise<AgentAvailability> {
  const others = (input.knownAgentIds ?? []).filter((id) => id !== input.agentId);
  const ids = [input.agentId, ...others];
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  const checked =
    deps.config.source === 'search'
      ? await checkByApi(input, ids, deps, deadline)
      : await checkByIndex(input, ids, deps, deadline);
  const last = (checked.get(input.agentId) as Checked).availability;
  if (input.knownAgentIds === undefined) return last;
  return {
    ...last,
    knownAgents: others.map((id) => knownAgent(id, checked.get(id) as Checked, input, deps)),
  };
}

/** The share of the remaining budget the agent-state read may take before the fallback. */
export const STATE_READ_SHARE = 0.5;

const isStatusType = (t: string | undefined): t is AgentStatusType =>
  t === 'ROUTABLE' || t === 'CUSTOM' || t === 'OFFLINE';

export const checkAgentAvailabilityStep = defineStep({
  state: 'Check Agent Availability',
  input: AvailabilityInput,
  run: checkAgentAvailability,
});

export const handler = lambdaHandler(checkAgentAvailabilityStep, {
  connect: createConnectClient,
  reference: createReferenceData,
  dynamo: loadDynamoClient,
});
