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
    oneAgent: true,
  }),
  { search: SearchResult },
);
export type PickInput = z.infer<typeof PickInput>;

/**
 * The newest contact that really reached an agent, excluding the call being routed (and its
 * transfer chain), too-short talks and, when scoped, other queues. The search already sorted
 * candidates newest first by connected-to-agent time, so a transfer's second leg wins. With
 * LAST_AGENT_MAX_PREFERRED > 1, the other agents of the eligible contacts too (same rules).
 */
export function pickLastAgentContact(
  input: PickInput,
  deps: { config: Pick<StepDeps['config'], 'minTalkSeconds' | 'sameQueue' | 'maxPreferred'> },
): LastContact {
  if (input.search.seen === 0) return { found: false, reason: 'NO_RECENT_CONTACT' };
  const criteria = eligibilityCriteria(input, deps.config);
  const eligible = input.search.candidates.filter((c) => isEligible(c, criteria));
  const last = eligible[0];
  if (!last?.agentId || last.connectedAt === undefined) return { found: false, reason: 'NO_AGENT_CONTACT' };
  const { maxPreferred } = deps.config;
  return {
    found: true,
    contactId: last.id,
    initialContactId: last.initialContactId ?? last.id,
    agentId: last.agentId,
    ...(last.queueId ? { queueId: last.queueId } : {}),
    connectedAt: new Date(last.connectedAt * 1000).toISOString(),
    // Issue 27: who else knows the caller, from the same eligible contacts (the pages already read).
    ...(maxPreferred > 1
      ? { knownAgentIds: input.oneAgent ? [] : knownAgents(eligible, last.agentId, maxPreferred - 1) }
      : {}),
  };
}

/** The distinct agents of the eligible contacts, newest first, without the last agent, at most `max`. */
function knownAgents(
  eligible: PickInput['search']['candidates'],
  lastAgentId: string,
  max: number,
): string[] {
  const ids: string[] = [];
  for (const c of eligible) {
    if (ids.length >= max) break;
    if (c.agentId && c.agentId !== lastAgentId && !ids.includes(c.agentId)) ids.push(c.agentId);
  }
  return ids;
}

export const pickLastAgentContactStep = defineStep({
  state: 'Pick Last Agent Contact',
  input: PickInput,
  run: pickLastAgentContact,
});

export const handler = lambdaHandler(pickLastAgentContactStep);
