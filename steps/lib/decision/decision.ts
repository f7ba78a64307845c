import * as z from 'zod/mini';
import { DEFAULT_WHISPER_TEMPLATES, type WhisperTemplates, renderWhisper, timeAgo } from './whisper';

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
  /** Busy, and unlikely to be free within the preference window (LAST_AGENT_MIN_FREE_PROBABILITY). */
  'AGENT_BUSY_UNLIKELY_FREE',
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
  agentId: z.optional(z.string()),
  queueId: z.optional(z.string()),
  lastContactId: z.optional(z.string()),
  /** ISO 8601, when the last contact reached its agent. */
  lastContactAt: z.optional(z.string()),
  agentStatus: z.optional(z.string()),
  csat: z.optional(z.string()),
  /** A busy last agent's chance to be free within the preference window, when computed. */
  freeWithinProbability: z.optional(z.number()),
  /**
   * The last agent's first name, for the whisper (availability step: DescribeUser, cached, or the
   * agent event stream's snapshot). Absent when it could not be read.
   */
  agentFirstName: z.optional(z.string()),
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
  /** A busy last agent's chance to be free within the preference window, two decimals ('' when not computed). */
  'freeWithinProbability',
  // Agent context (docs/agent-context.md): stored as contact attributes for the agent's panel
  // and the agent-whisper flow. Texts never hold caller data (steps/lib/decision/whisper.ts).
  /** 'true' when the caller has a recent contact that reached an agent (the whisper speaks only then). */
  'returningCaller',
  /** "2 days ago", "yesterday", ... relative to the call ('' when no last contact). */
  'lastContactAgo',
  /** The CSAT score of the last contact, when the CSAT gate read it. */
  'lastContactCsat',
  /**
   * The whisper, one text true for whichever agent answers: "Returning caller, last spoke with
   * Maria 2 days ago." ('' unless returningCaller; LAST_AGENT_WHISPER).
   */
  'whisper',
  /**
   * Deprecated (issue 25), always '': kept for one release so flows and panels that read them
   * find the keys. The shipped whisper flow no longer reads them; removed in the next release.
   */
  'whisperSameAgent',
  'whisperOtherAgent',
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
  /** The call's reference time, for lastContactAgo (the Lambda's clock; the scenario's "now" locally). */
  now?: Date;
  /** The whisper template (LAST_AGENT_WHISPER); the default when absent. */
  whisper?: WhisperTemplates;
}

/** Builds the STRING_MAP the flow reads; ARNs are derived from the instance ARN, no extra API call. */
export function toFlowResponse({
  decision,
  customerKey,
  instanceArn,
  decisionMs,
  now = new Date(),
  whisper = DEFAULT_WHISPER_TEMPLATES,
}: FlattenInput): FlowResponse {
  const arn = (kind: 'agent' | 'queue', id: string | undefined) =>
    id && instanceArn ? `${instanceArn}/${kind}/${id}` : '';
  const ago = timeAgo(decision.lastContactAt, now);
  const returning = Boolean(decision.agentId && decision.lastContactId && ago);
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
    freeWithinProbability:
      decision.freeWithinProbability === undefined ? '' : decision.freeWithinProbability.toFixed(2),
    returningCaller: returning ? 'true' : 'false',
    lastContactAgo: ago,
    lastContactCsat: decision.csat ?? '',
    whisper: returning ? renderWhisper(whisper.whisper, { agent: decision.agentFirstName, ago }) : '',
    whisperSameAgent: '',
    whisperOtherAgent: '',
  };
}
