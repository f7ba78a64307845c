import * as z from 'zod';
import { Channel } from './channel';
import { InvalidStepInputError } from './errors';

/** Input of the state machine, built by the entry Lambda. Small and free of raw phone numbers (when hashed). */
export const PipelineInput = z.object({
  instanceId: z.string().min(1).max(100),
  customerKey: z.string().min(1).max(256),
  contactId: z.string().min(1).max(256),
  initialContactId: z.string().min(1).max(256).optional(),
  previousContactId: z.string().min(1).max(256).optional(),
  currentQueueId: z.string().min(1).max(256).optional(),
  /**
   * The queue the last agent must serve for the preference to work ('' = no check): the queue the
   * call is headed for in preferred-agent routing. Always present, so the ASL can pass it on.
   */
  membershipQueueId: z.string().max(256).default(''),
  channel: Channel.default('VOICE'),
  /** Reference time for the lookback window (ISO 8601). */
  now: z.iso.datetime({ offset: true }),
  /** Absolute deadline, epoch milliseconds. */
  deadlineAt: z.number().int().positive(),
  csatGate: z.boolean(),
});
export type PipelineInput = z.infer<typeof PipelineInput>;

/** The few fields of a ContactSearchSummary the later states need. Timestamps are epoch seconds. */
export const ContactSummary = z.object({
  id: z.string(),
  initialContactId: z.string().optional(),
  previousContactId: z.string().optional(),
  channel: z.string().optional(),
  initiationMethod: z.string().optional(),
  initiatedAt: z.number().optional(),
  connectedAt: z.number().optional(),
  disconnectedAt: z.number().optional(),
  agentId: z.string().optional(),
  queueId: z.string().optional(),
});
export type ContactSummary = z.infer<typeof ContactSummary>;

export const SearchResult = z.object({
  /** Contacts returned by SearchContacts for this customer, all pages read. */
  seen: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative(),
  /** Agent-handled contacts, newest first (bounded to keep the payload small). */
  candidates: z.array(ContactSummary),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const LastContact = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    contactId: z.string(),
    initialContactId: z.string(),
    agentId: z.string(),
    queueId: z.string().optional(),
    connectedAt: z.iso.datetime(),
  }),
  z.object({ found: z.literal(false), reason: z.enum(['NO_RECENT_CONTACT', 'NO_AGENT_CONTACT']) }),
]);
export type LastContact = z.infer<typeof LastContact>;

export const AgentAvailability = z.object({
  status: z.enum(['AVAILABLE', 'BUSY', 'NOT_ROUTABLE', 'OFFLINE', 'NOT_IN_QUEUE']),
  /** Why, for the trace: which rule classified the agent. */
  detail: z
    .enum([
      'LOGGED_OUT',
      'OFFLINE_STATUS',
      'CUSTOM_STATUS',
      'NEXT_STATUS_OFFLINE',
      'NEXT_STATUS_CUSTOM',
      'NO_CHANNEL',
      'QUEUE_NOT_IN_PROFILE',
    ])
    .optional(),
  statusName: z.string().optional(),
});
export type AgentAvailability = z.infer<typeof AgentAvailability>;

export const CsatCheck = z.object({
  gate: z.enum(['PASS', 'FAIL', 'SKIPPED']),
  score: z.string().optional(),
  detail: z.enum(['ABOVE_THRESHOLD', 'BELOW_THRESHOLD', 'MISSING', 'NOT_A_NUMBER', 'GATE_OFF']),
});
export type CsatCheck = z.infer<typeof CsatCheck>;

/** Parses a step payload at the boundary; a malformed payload is a named error the ASL catches. */
export function parseStepInput<S extends z.ZodType>(schema: S, input: unknown, step: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InvalidStepInputError(
      `${step}: invalid input at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
