import * as z from 'zod/mini';
import { Channel } from './channel';

/** Input of the state machine, built by the entry Lambda. Small and free of raw phone numbers (when hashed). */
const Id = z.string().check(z.minLength(1), z.maxLength(256));

export const PipelineInput = z.object({
  instanceId: z.string().check(z.minLength(1), z.maxLength(100)),
  customerKey: z.string().check(z.minLength(1), z.maxLength(256)),
  contactId: Id,
  initialContactId: z.optional(Id),
  previousContactId: z.optional(Id),
  currentQueueId: z.optional(Id),
  /**
   * The queue the last agent must serve for the preference to work ('' = no check): the queue the
   * call is headed for in preferred-agent routing. Always present, so the ASL can pass it on.
   */
  membershipQueueId: z._default(z.string().check(z.maxLength(256)), ''),
  channel: z._default(Channel, 'VOICE'),
  /** Reference time for the lookback window (ISO 8601). */
  now: z.iso.datetime({ offset: true }),
  /** Absolute deadline, epoch milliseconds. */
  deadlineAt: z.int().check(z.positive()),
  csatGate: z.boolean(),
  /**
   * A synthetic call (`last-agent doctor`, steps/lib/decision/synthetic.ts): decided as any other,
   * but the search step records no contact join for it. Absent on every real call.
   */
  synthetic: z.optional(z.boolean()),
  /**
   * The flow prefers one agent whatever LAST_AGENT_MAX_PREFERRED says (agent-queue routing: the
   * caller is asked about one person), so no other known agent is looked up. Set only when
   * LAST_AGENT_MAX_PREFERRED > 1.
   */
  oneAgent: z.optional(z.boolean()),
});
export type PipelineInput = z.infer<typeof PipelineInput>;

/** The few fields of a ContactSearchSummary the later states need. Timestamps are epoch seconds. */
export const ContactSummary = z.object({
  id: z.string(),
  initialContactId: z.optional(z.string()),
  previousContactId: z.optional(z.string()),
  channel: z.optional(z.string()),
  initiationMethod: z.optional(z.string()),
  initiatedAt: z.optional(z.number()),
  connectedAt: z.optional(z.number()),
  disconnectedAt: z.optional(z.number()),
  agentId: z.optional(z.string()),
  queueId: z.optional(z.string()),
});
export type ContactSummary = z.infer<typeof ContactSummary>;

export const SearchResult = z.object({
  /** Contacts returned by SearchContacts for this customer, all pages read. */
  seen: z.int().check(z.nonnegative()),
  pages: z.int().check(z.nonnegative()),
  /** Agent-handled contacts, newest first (bounded to keep the payload small). */
  candidates: z.array(ContactSummary),
  /**
   * Where they came from (the trace shows it): SEARCH (SearchContacts), INDEX (the routing-state
   * table), or SearchContacts after the table had no eligible contact or could not be read.
   */
  source: z.optional(z.enum(['SEARCH', 'INDEX', 'SEARCH_INDEX_EMPTY', 'SEARCH_INDEX_FAILED'])),
  /** DynamoDB read capacity units the index read consumed. */
  readUnits: z.optional(z.number()),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const LastContact = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    contactId: z.string(),
    initialContactId: z.string(),
    agentId: z.string(),
    queueId: z.optional(z.string()),
    connectedAt: z.iso.datetime(),
    /**
     * The other agents who know the caller (issue 27): distinct agents of the caller's other
     * eligible contacts, newest first, the last agent excluded, at most LAST_AGENT_MAX_PREFERRED - 1.
     * Present (possibly empty) exactly when LAST_AGENT_MAX_PREFERRED > 1.
     */
    knownAgentIds: z.optional(z.array(z.string()).check(z.maxLength(4))),
  }),
  z.object({ found: z.literal(false), reason: z.enum(['NO_RECENT_CONTACT', 'NO_AGENT_CONTACT']) }),
]);
export type LastContact = z.infer<typeof LastContact>;

const AvailabilityStatus = z.enum(['AVAILABLE', 'BUSY', 'NOT_ROUTABLE', 'OFFLINE', 'NOT_IN_QUEUE']);

/** Another agent who knows the caller, classified by the same rules as the last agent (issue 27). */
export const KnownAgentAvailability = z.object({
  agentId: z.string(),
  status: AvailabilityStatus,
  detail: z.optional(z.string()),
  statusName: z.optional(z.string()),
  source: z.optional(z.string()),
  /** Busy: the chance to be free within the preference window (the KNOWN_AGENT route's one step). */
  freeWithinProbability: z.optional(z.number().check(z.gte(0), z.lte(1))),
  /**
   * Busy: the chance to be free by the end of the flow's second step (preference window +
   * LAST_AGENT_KNOWN_AGENTS_SECONDS), where the LAST_AGENT route offers the call to them.
   */
  freeBySecondStepProbability: z.optional(z.number().check(z.gte(0), z.lte(1))),
});
export type KnownAgentAvailability = z.infer<typeof KnownAgentAvailability>;

export const AgentAvailability = z.object({
  status: AvailabilityStatus,
  /** Why, for the trace: which rule classified the agent. */
  detail: z.optional(
    z.enum([
      'LOGGED_OUT',
      'OFFLINE_STATUS',
      'CUSTOM_STATUS',
      'NEXT_STATUS_OFFLINE',
      'NEXT_STATUS_CUSTOM',
      'NO_CHANNEL',
      'QUEUE_NOT_IN_PROFILE',
    ]),
  ),
  statusName: z.optional(z.string()),
  /**
   * Where the agent's state came from with an index source: INDEX (the agent event stream's
   * snapshot), or GetCurrentUserData because the snapshot was stale, missing or unreadable.
   */
  source: z.optional(z.enum(['INDEX', 'API_INDEX_STALE', 'API_INDEX_MISSING', 'API_INDEX_FAILED'])),
  /**
   * A busy agent's chance to be free within the preference window, from LAST_AGENT_HANDLE_MODEL
   * and the time their contact has run (steps/lib/decision/handle-model.ts).
   */
  freeWithinProbability: z.optional(z.number().check(z.gte(0), z.lte(1))),
  /**
   * The agent's first name, for the whisper: DescribeUser's User.IdentityInfo.FirstName (cached
   * per container) or the agent event stream's CurrentAgentSnapshot.Configuration.FirstName.
   * Absent when it could not be read; the whisper then says "an agent".
   */
  agentFirstName: z.optional(z.string()),
  /** The other known agents (the step's input knownAgentIds), in rank order; absent without them. */
  knownAgents: z.optional(z.array(KnownAgentAvailability)),
});
export type AgentAvailability = z.infer<typeof AgentAvailability>;

export const CsatCheck = z.object({
  gate: z.enum(['PASS', 'FAIL', 'SKIPPED']),
  score: z.optional(z.string()),
  detail: z.enum(['ABOVE_THRESHOLD', 'BELOW_THRESHOLD', 'MISSING', 'NOT_A_NUMBER', 'GATE_OFF']),
});
export type CsatCheck = z.infer<typeof CsatCheck>;
