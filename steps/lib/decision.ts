import { z } from 'zod';

/** Where the contact flow should send the call. */
export const Route = z.enum(['LAST_AGENT', 'LAST_QUEUE', 'DEFAULT']);
export type Route = z.infer<typeof Route>;

/**
 * Stable reason codes. Contact flows, dashboards and alarms key on these strings:
 * add new ones, never rename.
 */
export const Reason = z.enum([
  'LAST_AGENT_AVAILABLE',
  'AGENT_BUSY',
  'AGENT_NOT_ROUTABLE',
  'AGENT_OFFLINE',
  'AGENT_NOT_IN_QUEUE',
  'LOW_CSAT',
  'NO_CALLER_NUMBER',
  'INVALID_CALLER_NUMBER',
  'ANONYMOUS_CALLER',
  'INVALID_EVENT',
  'NO_RECENT_CONTACT',
  'NO_AGENT_CONTACT',
  'LOOKUP_THROTTLED',
  'LOOKUP_TIMEOUT',
  'LOOKUP_ERROR',
  'CONFIG_ERROR',
]);
export type Reason = z.infer<typeof Reason>;

/** What the state machine returns: the decision, before the entry Lambda flattens it. */
export const Decision = z.object({
  route: Route,
  reason: Reason,
  agentId: z.string().optional(),
  queueId: z.string().optional(),
  lastContactId: z.string().optional(),
  /** ISO 8601, when the last contact reached its agent. */
  lastContactAt: z.string().optional(),
  agentStatus: z.string().optional(),
  csat: z.string().optional(),
});
export type Decision = z.infer<typeof Decision>;

/**
 * The flat string map returned to the contact flow ($.External.*). Every key is always
 * present (empty string when unknown) so flows can reference them without "attribute not
 * found" branches.
 */
export const FLOW_RESPONSE_KEYS = [
  'route',
  'reason',
  'customerKey',
  /** 'true' when customerKey holds a key the flow must store; 'false' for withheld or invalid numbers. */
  'hasCustomerKey',
  'agentId',
  'agentArn',
  'queueId',
  'queueArn',
  'lastContactId',
  'lastContactAt',
  'decisionMs',
] as const;
export type FlowResponse = Record<(typeof FLOW_RESPONSE_KEYS)[number], string>;

export function defaultDecision(reason: Reason): Decision {
  return { route: 'DEFAULT', reason };
}

export interface FlattenInput {
  decision: Decision;
  customerKey: string;
  instanceArn?: string;
  decisionMs: number;
}

/** Builds the STRING_MAP the flow reads; ARNs are derived from the instance ARN, no extra API call. */
export function toFlowResponse({
  decision,
  customerKey,
  instanceArn,
  decisionMs,
}: FlattenInput): FlowResponse {
  const arn = (kind: 'agent' | 'queue', id: string | undefined) =>
    id && instanceArn ? `${instanceArn}/${kind}/${id}` : '';
  return {
    route: decision.route,
    reason: decision.reason,
    customerKey,
    hasCustomerKey: customerKey ? 'true' : 'false',
    agentId: decision.agentId ?? '',
    agentArn: arn('agent', decision.agentId),
    queueId: decision.queueId ?? '',
    queueArn: arn('queue', decision.queueId),
    lastContactId: decision.lastContactId ?? '',
    lastContactAt: decision.lastContactAt ?? '',
    decisionMs: String(Math.max(0, Math.round(decisionMs))),
  };
}
