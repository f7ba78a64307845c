import * as z from 'zod/mini';
import { DEFAULT_WHISPER_TEMPLATES, type WhisperTemplates, renderWhisper, timeAgo } from './whisper';

/** Where the contact flow should send the call. */
export const Route = z.enum([
  'LAST_AGENT',
  'LAST_QUEUE',
  'DEFAULT',
  /**
   * The last agent is ruled out, other agents who know the caller are preferable (issue 27,
   * LAST_AGENT_MAX_PREFERRED > 1, preferred-agent mode only): the call is offered to them first.
   */
  'KNOWN_AGENT',
]);
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
  /** KNOWN_AGENT: the first preferable other known agent is available (lastAgentRuledOut says why not the last). */
  'KNOWN_AGENT_AVAILABLE',
  /** KNOWN_AGENT: the first preferable other known agent is busy, and preferred anyway. */
  'KNOWN_AGENT_BUSY',
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
  /**
   * The other agents who know the caller and can be preferred, in rank order (the last agent
   * excluded; LAST_AGENT_MAX_PREFERRED > 1). LAST_AGENT: the flow's second step; KNOWN_AGENT:
   * its first, and agentId is the first of them.
   */
  knownAgentIds: z.optional(z.array(z.string())),
  /** KNOWN_AGENT: why the last agent was ruled out (its reason code). */
  lastAgentRuledOut: z.optional(Reason),
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

/**
 * The contact attribute the preferred-agent flow stores knownAgentIds in (LAST_AGENT_MAX_PREFERRED
 * > 1), so `analyze` and the outcome function see who was preferred after the call.
 */
export const KNOWN_AGENTS_ATTRIBUTE = 'lastAgentKnownIds';

/** The most other known agents a decision names (LAST_AGENT_MAX_PREFERRED 5, less the last agent). */
export const MAX_KNOWN_AGENTS = 4;

/**
 * The keys the answer adds when LAST_AGENT_MAX_PREFERRED > 1 (issue 27), each then always present.
 * With the default (1) the answer has none of them: it is exactly the answer of one preferred agent.
 */
export const RANKED_RESPONSE_KEYS = [
  /** KNOWN_AGENT: the last agent's reason code (why it was ruled out); '' otherwise. */
  'lastAgentRuledOut',
  /** The other preferable known agents, comma-separated user IDs in rank order, the last agent excluded. */
  'knownAgentIds',
  /** How many ids knownAgentIds holds, '0'-'4': the flow branches on it. */
  'knownAgentCount',
  /**
   * knownAgentIds one by one ('' past knownAgentCount), up to LAST_AGENT_MAX_PREFERRED - 1: the
   * routing criteria take one JSONPath per agent id, so the flow reads these.
   */
  'knownAgent1',
  'knownAgent2',
  'knownAgent3',
  'knownAgent4',
] as const;
export type RankedResponseKey = (typeof RANKED_RESPONSE_KEYS)[number];

export type FlowResponse = Record<(typeof FLOW_RESPONSE_KEYS)[number], string> &
  Partial<Record<RankedResponseKey, string>>;

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
  /** LAST_AGENT_MAX_PREFERRED: above 1 the answer carries the ranked keys (RANKED_RESPONSE_KEYS). */
  maxPreferred?: number;
}

/** Builds the STRING_MAP the flow reads; ARNs are derived from the instance ARN, no extra API call. */
export function toFlowResponse({
  decision,
  customerKey,
  instanceArn,
  decisionMs,
  now = new Date(),
  whisper = DEFAULT_WHISPER_TEMPLATES,
  maxPreferred = 1,
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
    ...(maxPreferred > 1 ? rankedKeys(decision, maxPreferred) : {}),
  };
}

/** The ranked keys: every slot up to maxPreferred - 1 present, '' when unused. */
function rankedKeys(decision: Decision, maxPreferred: number): Partial<Record<RankedResponseKey, string>> {
  const ids = (decision.knownAgentIds ?? []).slice(0, Math.min(maxPreferred - 1, MAX_KNOWN_AGENTS));
  const slots = RANKED_RESPONSE_KEYS.slice(3, 3 + Math.min(maxPreferred - 1, MAX_KNOWN_AGENTS));
  return {
    lastAgentRuledOut: decision.lastAgentRuledOut ?? '',
    knownAgentIds: ids.join(','),
    knownAgentCount: String(ids.length),
    ...Object.fromEntries(slots.map((key, i) => [key, ids[i] ?? ''])),
  };
}
