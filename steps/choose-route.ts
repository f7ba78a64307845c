import * as z from 'zod/mini';
import type { Decision, Reason } from './lib/decision/decision';
import { AgentAvailability, CsatCheck, LastContact } from './lib/decision/schemas';
import type { Config } from './lib/runtime/config';
import { defineStep, lambdaHandler } from './lib/runtime/step';

export const ChooseInput = z.object({
  lastContact: LastContact,
  checks: z.object({ availability: AgentAvailability, csat: CsatCheck }),
});
export type ChooseInput = z.infer<typeof ChooseInput>;

const AVAILABILITY_REASON: Record<AgentAvailability['status'], Reason> = {
  AVAILABLE: 'LAST_AGENT_AVAILABLE',
  BUSY: 'AGENT_BUSY',
  NOT_ROUTABLE: 'AGENT_NOT_ROUTABLE',
  OFFLINE: 'AGENT_OFFLINE',
  NOT_IN_QUEUE: 'AGENT_NOT_IN_QUEUE',
};

/**
 * The routing policy. The last agent is preferred when available, or when busy and
 * LAST_AGENT_PREFER_BUSY is on (the flow then asks the caller, or waits a bounded time in
 * preferred-agent mode). Otherwise the last queue (if enabled and known) or normal routing.
 */
export function chooseRoute(
  input: ChooseInput,
  config: Pick<Config, 'preferBusy' | 'lastQueueFallback'>,
): Decision {
  const { lastContact, checks } = input;
  if (!lastContact.found) return { route: 'DEFAULT', reason: lastContact.reason };
  const basis = {
    agentId: lastContact.agentId,
    ...(lastContact.queueId ? { queueId: lastContact.queueId } : {}),
    lastContactId: lastContact.contactId,
    lastContactAt: lastContact.connectedAt,
    agentStatus: checks.availability.status,
    ...(checks.csat.score !== undefined ? { csat: checks.csat.score } : {}),
  };
  const fallback = (reason: Reason): Decision => ({
    ...basis,
    route: config.lastQueueFallback && lastContact.queueId ? 'LAST_QUEUE' : 'DEFAULT',
    reason,
  });
  if (checks.csat.gate === 'FAIL') return fallback('LOW_CSAT');
  const { status } = checks.availability;
  const reason = AVAILABILITY_REASON[status];
  if (status === 'AVAILABLE' || (status === 'BUSY' && config.preferBusy)) {
    return { ...basis, route: 'LAST_AGENT', reason };
  }
  return fallback(reason);
}

export const chooseRouteStep = defineStep({
  state: 'Choose Route',
  input: ChooseInput,
  run: (input, deps) => chooseRoute(input, deps.config),
});

export const handler = lambdaHandler(chooseRouteStep);
