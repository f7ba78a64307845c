import type { Presentation } from './callers';
/**
 * The returning-caller product as the generator models it after go-live: on each inbound voice
 * call that reaches the queue, the flow stores lastAgentRoute, lastAgentReason and (when a last
 * agent is known) lastAgentArn, and a LAST_AGENT route prefers that agent for a bounded wait.
 *
 * The codes are the product's (steps/lib/decision/decision.ts, infra/whisper.ts), written out
 * here rather than imported: the generator stays an independent model, and a test checks the
 * codes against the product's enum.
 */
import type { CenterShape } from './center';
import type { AgentStatus } from './floor';

/** Attribute names the product's inbound flow writes (infra/whisper.ts defaults). */
export const ATTRIBUTES = {
  route: 'lastAgentRoute',
  reason: 'lastAgentReason',
  agentArn: 'lastAgentArn',
} as const;

export type Route = 'LAST_AGENT' | 'DEFAULT';
export type RouteReason =
  | 'LAST_AGENT_AVAILABLE'
  | 'AGENT_BUSY'
  | 'AGENT_NOT_ROUTABLE'
  | 'AGENT_OFFLINE'
  | 'NO_RECENT_CONTACT'
  | 'ANONYMOUS_CALLER'
  | 'NO_CALLER_NUMBER';

export const ROUTE_REASONS: readonly RouteReason[] = [
  'LAST_AGENT_AVAILABLE',
  'AGENT_BUSY',
  'AGENT_NOT_ROUTABLE',
  'AGENT_OFFLINE',
  'NO_RECENT_CONTACT',
  'ANONYMOUS_CALLER',
  'NO_CALLER_NUMBER',
];

export interface RouteDecision {
  route: Route;
  reason: RouteReason;
  /** The last agent's index, or -1 when none is known. */
  lastAgent: number;
}

/** The last agent (index, -1 none) who handled this caller, and when (UTC seconds). */
export interface LastAgent {
  agent: number;
  at: number;
}

const STATUS_REASON: Record<AgentStatus, RouteReason> = {
  idle: 'LAST_AGENT_AVAILABLE',
  busy: 'AGENT_BUSY',
  'after-work': 'AGENT_BUSY',
  break: 'AGENT_NOT_ROUTABLE',
  off: 'AGENT_OFFLINE',
};

export function decideRoute(
  shape: CenterShape,
  presentation: Presentation,
  last: LastAgent,
  status: AgentStatus | null,
  now: number,
): RouteDecision {
  if (presentation === 'none') return { route: 'DEFAULT', reason: 'NO_CALLER_NUMBER', lastAgent: -1 };
  if (presentation === 'anonymous') return { route: 'DEFAULT', reason: 'ANONYMOUS_CALLER', lastAgent: -1 };
  if (last.agent < 0 || status === null || now - last.at > shape.lookbackDays * 86_400)
    return { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT', lastAgent: -1 };
  const reason = STATUS_REASON[status];
  const prefer = status === 'idle' || (reason === 'AGENT_BUSY' && shape.preferBusy);
  return { route: prefer ? 'LAST_AGENT' : 'DEFAULT', reason, lastAgent: last.agent };
}
