import { GetCurrentUserDataCommand, type UserData } from '@aws-sdk/client-connect';
import { z } from 'zod';
import type { Config } from './lib/config';
import { createConnectClient } from './lib/connect-client';
import { Deadline, callWithRetry } from './lib/deadline';
import { type Step, type StepDeps, lambdaHandler } from './lib/runtime';
import { type AgentAvailability, PipelineInput, parseStepInput } from './lib/schemas';

export const AvailabilityInput = PipelineInput.pick({ instanceId: true, deadlineAt: true }).extend({
  agentId: z.string().min(1).max(256),
  channel: PipelineInput.shape.channel,
});
export type AvailabilityInput = typeof AvailabilityInput._output;

/**
 * Classifies live agent data. GetCurrentUserData carries the status name, not its type, so
 * routable/offline status names are configuration (Connect's defaults: "Available", "Offline").
 * An agent missing from the answer is logged out.
 */
export function classifyAgent(
  data: UserData | undefined,
  channel: AvailabilityInput['channel'],
  config: Pick<Config, 'routableStatuses' | 'offlineStatuses'>,
): AgentAvailability {
  const statusName = data?.Status?.StatusName;
  if (!data || !statusName) return { status: 'OFFLINE' };
  const named = { statusName };
  if (config.offlineStatuses.includes(statusName)) return { status: 'OFFLINE', ...named };
  if (!config.routableStatuses.includes(statusName)) return { status: 'NOT_ROUTABLE', ...named };
  const free = data.AvailableSlotsByChannel?.[channel] ?? 0;
  // In after-contact work the slot is still held, so a free slot means free for a new call.
  return { status: free > 0 ? 'AVAILABLE' : 'BUSY', ...named };
}

export async function checkAgentAvailability(
  input: AvailabilityInput,
  deps: StepDeps,
): Promise<AgentAvailability> {
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  const answer = await callWithRetry('GetCurrentUserData', deadline, (abortSignal) =>
    deps.connect.send(
      new GetCurrentUserDataCommand({ InstanceId: input.instanceId, Filters: { Agents: [input.agentId] } }),
      { abortSignal },
    ),
  );
  const data = answer.UserDataList?.find((u) => u.User?.Id === input.agentId);
  return classifyAgent(data, input.channel, deps.config);
}

export const checkAgentAvailabilityStep: Step = {
  state: 'Check Agent Availability',
  run: async (input, deps) =>
    checkAgentAvailability(parseStepInput(AvailabilityInput, input, 'CheckAgentAvailability'), deps),
};

export const handler = lambdaHandler(checkAgentAvailabilityStep, createConnectClient);
