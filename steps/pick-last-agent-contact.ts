import * as z from 'zod/mini';
import { eligibilityCriteria, isEligible } from './lib/decision/contacts';
import { type LastContact, PipelineInput, SearchResult } from './lib/decision/schemas';
import { type StepDeps, defineStep, lambdaHandler } from './lib/runtime/step';

export const PickInput = z.extend(
  z.pick(PipelineInput, {
    contactId: true,
    initialContactId: true,
    previousContactId: true,
    currentQueueId: true,
  }),
  { search: SearchResult },
);
export type PickInput = z.infer<typeof PickInput>;

/**
 * The newest contact that really reached an agent, excluding the call being routed (and its
 * transfer chain), too-short talks and, when scoped, other queues. The search already sorted
 * candidates newest first by connected-to-agent time, so a transfer's second leg wins.
 */
export function pickLastAgentContact(
  input: PickInput,
  deps: { config: Pick<StepDeps['config'], 'minTalkSeconds' | 'sameQueue'> },
): LastContact {
  if (input.search.seen === 0) return { found: false, reason: 'NO_RECENT_CONTACT' };
  const criteria = eligibilityCriteria(input, deps.config);
  const last = input.search.candidates.find((c) => isEligible(c, criteria));
  if (!last?.agentId || last.connectedAt === undefined) return { found: false, reason: 'NO_AGENT_CONTACT' };
  return {
    found: true,
    contactId: last.id,
    initialContactId: last.initialContactId ?? last.id,
    agentId: last.agentId,
    ...(last.queueId ? { queueId: last.queueId } : {}),
    connectedAt: new Date(last.connectedAt * 1000).toISOString(),
  };
}

export const pickLastAgentContactStep = defineStep({
  state: 'Pick Last Agent Contact',
  input: PickInput,
  run: pickLastAgentContact,
});

export const handler = lambdaHandler(pickLastAgentContactStep);
