import * as z from 'zod/mini';
import type { Config } from '../runtime/config';
import { Decision, type Reason } from './decision';
import { AgentAvailability, CsatCheck, type KnownAgentAvailability, LastContact } from './schemas';

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

type RouteConfig = Pick<Config, 'preferBusy' | 'lastQueueFallback' | 'minFreeProbability'>;

/**
 * Whether an agent in this state can be preferred: available, or busy with LAST_AGENT_PREFER_BUSY
 * on and (adaptive preference) likely free in time. A probability that could not be computed (no
 * held contact says where it is) changes nothing. Undefined: preferable; else the reason why not.
 */
function ruledOut(
  status: AgentAvailability['status'],
  p: number | undefined,
  config: RouteConfig,
): Reason | undefined {
  if (status === 'AVAILABLE') return undefined;
  if (status === 'BUSY' && config.preferBusy) {
    const min = config.minFreeProbability;
    return min !== undefined && p !== undefined && p < min ? 'AGENT_BUSY_UNLIKELY_FREE' : undefined;
  }
  return AVAILABILITY_REASON[status];
}

/** The other known agents who can be preferred, in rank, each judged on its own step's window. */
function preferable(known: KnownAgentAvailability[], config: RouteConfig, step: 1 | 2) {
  return known.filter(
    (k) => !ruledOut(k.status, step === 1 ? k.freeWithinProbability : k.freeBySecondStepProbability, config),
  );
}

/**
 * The routing policy. The last agent is preferred when available, or when busy and
 * LAST_AGENT_PREFER_BUSY is on (the flow then asks the caller, or waits a bounded time in
 * preferred-agent mode). Otherwise the last queue (if enabled and known) or normal routing.
 * With other agents who know the caller (LAST_AGENT_MAX_PREFERRED > 1, issue 27), the same rules
 * judge each of them: a preferred last agent takes the preferable others as the flow's second
 * step (knownAgentIds); a last agent ruled out hands the call to them (KNOWN_AGENT, the first of
 * them as agentId, lastAgentRuledOut the last agent's reason); with none preferable, the last
 * agent's reason as before. A low CSAT score blocks every preference, as before.
 * The one copy of the rule: the entry function applies it to the state machine's output, and
 * the policy simulator runs it for every simulated call.
 */
export function chooseRoute(input: ChooseInput, config: RouteConfig): Decision {
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
  const { status, freeWithinProbability: p, knownAgents } = checks.availability;
  const lastRuledOut = ruledOut(status, p, config);
  if (!lastRuledOut) {
    const reason = AVAILABILITY_REASON[status];
    if (!knownAgents) return { ...basis, route: 'LAST_AGENT', reason };
    const others = preferable(knownAgents, config, 2).map((k) => k.agentId);
    return { ...basis, route: 'LAST_AGENT', reason, knownAgentIds: others };
  }
  const others = preferable(knownAgents ?? [], config, 1);
  const first = others[0];
  if (!first) return fallback(lastRuledOut);
  // The call goes to the others: agentId, its status and chance are the first of them's. The
  // last contact, its CSAT score and the last agent's first name stay (the whisper names them).
  const { freeWithinProbability: _last, ...shared } = basis;
  return {
    ...shared,
    route: 'KNOWN_AGENT',
    reason: first.status === 'AVAILABLE' ? 'KNOWN_AGENT_AVAILABLE' : 'KNOWN_AGENT_BUSY',
    agentId: first.agentId,
    agentStatus: first.status,
    ...(first.freeWithinProbability !== undefined
      ? { freeWithinProbability: first.freeWithinProbability }
      : {}),
    knownAgentIds: others.map((k) => k.agentId),
    lastAgentRuledOut: lastRuledOut,
  };
}

/**
 * What an execution of the state machine answers: a decision already made in the machine (no
 * agent contact, a caught failure), or the inputs of the route choice (statemachine/*.asl.json,
 * state "Route Choice Inputs").
 */
export const PipelineOutput = z.union([Decision, ChooseInput]);
export type PipelineOutput = z.infer<typeof PipelineOutput>;

/** The decision for an execution's output: as the machine made it, or `chooseRoute` on its inputs. */
export function routeFrom(output: PipelineOutput, config: RouteConfig): Decision {
  return 'route' in output ? output : chooseRoute(output, config);
}
