import * as z from 'zod/mini';
import type { Config } from '../runtime/config';
import { Decision, type Reason } from './decision';
import { AgentAvailability, CsatCheck, LastContact } from './schemas';

/** Every input of the route choice: what the state machine's last state hands to the entry function. */
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
 * The one copy of the rule: the entry function applies it to the state machine's output, and
 * the policy simulator runs it for every simulated call.
 */
export function chooseRoute(
  input: ChooseInput,
  config: Pick<Config, 'preferBusy' | 'lastQueueFallback' | 'minFreeProbability'>,
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
    ...(checks.availability.freeWithinProbability !== undefined
      ? { freeWithinProbability: checks.availability.freeWithinProbability }
      : {}),
    // For the whisper ("… last spoke with Maria …"), whatever the route.
    ...(checks.availability.agentFirstName ? { agentFirstName: checks.availability.agentFirstName } : {}),
  };
  const fallback = (reason: Reason): Decision => ({
    ...basis,
    route: config.lastQueueFallback && lastContact.queueId ? 'LAST_QUEUE' : 'DEFAULT',
    reason,
  });
  if (checks.csat.gate === 'FAIL') return fallback('LOW_CSAT');
  const { status, freeWithinProbability: p } = checks.availability;
  const reason = AVAILABILITY_REASON[status];
  if (status === 'AVAILABLE') return { ...basis, route: 'LAST_AGENT', reason };
  if (status === 'BUSY' && config.preferBusy) {
    // Adaptive preference: wait for a busy agent only when they will likely be free in time. A
    // probability that could not be computed (no held contact says where it is) changes nothing.
    const min = config.minFreeProbability;
    if (min !== undefined && p !== undefined && p < min) return fallback('AGENT_BUSY_UNLIKELY_FREE');
    return { ...basis, route: 'LAST_AGENT', reason };
  }
  return fallback(reason);
}

/**
 * What an execution of the state machine answers: a decision already made in the machine (no
 * agent contact, a caught failure), or the inputs of the route choice (statemachine/*.asl.json,
 * state "Route Choice Inputs").
 */
export const PipelineOutput = z.union([Decision, ChooseInput]);
export type PipelineOutput = z.infer<typeof PipelineOutput>;

/** The decision for an execution's output: as the machine made it, or `chooseRoute` on its inputs. */
export function routeFrom(
  output: PipelineOutput,
  config: Pick<Config, 'preferBusy' | 'lastQueueFallback' | 'minFreeProbability'>,
): Decision {
  return 'route' in output ? output : chooseRoute(output, config);
}
