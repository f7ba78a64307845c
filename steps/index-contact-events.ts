import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { ContactEventEnvelope, camelKeys } from './lib/connect/contact-events';
import { Deadline } from './lib/connect/deadline';
import type { ContactSummary } from './lib/decision/schemas';
import { type IndexerDeps, indexerInvocation } from './lib/routing-state/indexer';
import { type JoinOutcome, recordContactEvent } from './lib/routing-state/store';
import { idFromArn } from './lib/routing-state/table';

/**
 * The contact indexer: Amazon Connect contact events (EventBridge, source `aws.connect`,
 * detail-type `Amazon Connect Contact Event`) → the agent half of each contact's join in the
 * routing-state table (steps/lib/routing-state/table.ts).
 *
 * Format (admin guide, "Amazon Connect contact events", contact-events.html): the detail holds
 * `eventType`, `contactId`, `initialContactId`, `previousContactId`, `channel`,
 * `initiationMethod`, the timestamps (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`), `agentInfo` (`agentArn`,
 * `connectedToAgentTimestamp`) and `queueInfo` (`queueArn`; absent on OUTBOUND). AWS's own
 * samples use camelCase keys except the routing-criteria samples, which use PascalCase (as the
 * field reference does), and write the channel both `VOICE` and `Voice`: keys are read in either
 * case and the channel upper-cased. "Events are emitted on a best effort basis" and "are not
 * ordered": every write here is idempotent and order-free (steps/lib/routing-state/store.ts).
 *
 * Only CONNECTED_TO_AGENT, DISCONNECTED and COMPLETED events that name an agent and the time the
 * contact reached them are indexed; other events are acknowledged and ignored (AWS asks
 * consumers to ignore event types and fields they do not know). A malformed event or a failed
 * write throws: Lambda retries the asynchronous invocation, then hands the event to the
 * on-failure destination (a dead-letter queue with an alarm, infra/stack.ts), so nothing is lost.
 */

export { CONTACT_EVENT_DETAIL_TYPE } from './lib/connect/contact-events';
export const INDEXED_EVENT_TYPES = ['CONNECTED_TO_AGENT', 'DISCONNECTED', 'COMPLETED'] as const;

const Timestamp = z.optional(z.nullable(z.string()));
const Text = z.optional(z.nullable(z.string()));

const ContactEventDetail = z.object({
  eventType: z.string().check(z.minLength(1)),
  contactId: z.string().check(z.minLength(1), z.maxLength(256)),
  initialContactId: Text,
  previousContactId: Text,
  channel: Text,
  initiationMethod: Text,
  initiationTimestamp: Timestamp,
  disconnectTimestamp: Timestamp,
  agentInfo: z.optional(z.nullable(z.object({ agentArn: Text, connectedToAgentTimestamp: Timestamp }))),
  queueInfo: z.optional(z.nullable(z.object({ queueArn: Text }))),
});
type ContactEventDetail = z.infer<typeof ContactEventDetail>;

export class InvalidContactEventError extends Error {
  override readonly name = 'InvalidContactEvent';
}

const epochSeconds = (iso: string | null | undefined): number | undefined => {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
};

const present = (v: string | null | undefined) => (v ? v : undefined);

export type ContactEventOutcome =
  | { status: 'IGNORED'; reason: 'EVENT_TYPE' | 'NO_AGENT'; eventType: string; contactId: string }
  | { status: JoinOutcome; eventType: string; contactId: string };

/** What a contact event tells about its contact, or why it is ignored (pure; throws on a malformed event). */
export function readContactEvent(
  event: unknown,
): { contact: ContactSummary; detail: ContactEventDetail } | ContactEventOutcome {
  const envelope = ContactEventEnvelope.safeParse(event);
  if (!envelope.success) {
    throw new InvalidContactEventError(
      `not an Amazon Connect contact event: ${envelope.error.issues[0]?.path.join('.') || '(root)'}: ${envelope.error.issues[0]?.message}`,
    );
  }
  const parsed = ContactEventDetail.safeParse(camelKeys(envelope.data.detail));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InvalidContactEventError(
      `malformed contact event detail at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
    );
  }
  const detail = parsed.data;
  const base = { eventType: detail.eventType, contactId: detail.contactId };
  if (!(INDEXED_EVENT_TYPES as readonly string[]).includes(detail.eventType)) {
    return { status: 'IGNORED', reason: 'EVENT_TYPE', ...base };
  }
  const agentId = idFromArn(detail.agentInfo?.agentArn);
  const connectedAt = epochSeconds(detail.agentInfo?.connectedToAgentTimestamp);
  if (!agentId || connectedAt === undefined) return { status: 'IGNORED', reason: 'NO_AGENT', ...base };
  const contact: ContactSummary = {
    id: detail.contactId,
    agentId,
    connectedAt,
  };
  const initial = present(detail.initialContactId);
  const previous = present(detail.previousContactId);
  const channel = present(detail.channel)?.toUpperCase();
  const method = present(detail.initiationMethod);
  const initiatedAt = epochSeconds(detail.initiationTimestamp);
  const disconnectedAt = epochSeconds(detail.disconnectTimestamp);
  const queueId = idFromArn(detail.queueInfo?.queueArn);
  if (initial) contact.initialContactId = initial;
  if (previous) contact.previousContactId = previous;
  if (channel) contact.channel = channel;
  if (method) contact.initiationMethod = method;
  if (initiatedAt !== undefined) contact.initiatedAt = initiatedAt;
  if (disconnectedAt !== undefined) contact.disconnectedAt = disconnectedAt;
  if (queueId) contact.queueId = queueId;
  return { contact, detail };
}

export type { IndexerDeps } from './lib/routing-state/indexer';

/** Indexes one contact event. Throws on a malformed event or a failed write (retried, then dead-lettered). */
export async function indexContactEvent(
  event: unknown,
  deps: IndexerDeps,
  budgetMs = 10_000,
): Promise<ContactEventOutcome> {
  const read = readContactEvent(event);
  if ('status' in read) {
    deps.logger.debug('contact event ignored', read);
    return read;
  }
  const { contact, detail } = read;
  const status = await recordContactEvent(deps.dynamo, new Deadline(deps.clock() + budgetMs, deps.clock), {
    table: deps.config.tableName as string,
    contact,
    nowSeconds: Math.floor(deps.clock() / 1000),
    lookbackDays: deps.config.lookbackDays,
  });
  const outcome = { status, eventType: detail.eventType, contactId: detail.contactId };
  deps.logger.info('contact event indexed', outcome);
  return outcome;
}

/** Lambda entry (EventBridge target, invoked asynchronously). */
export async function handler(event: unknown, context?: Context): Promise<ContactEventOutcome> {
  const { deps, budgetMs } = await indexerInvocation(context);
  try {
    return await indexContactEvent(event, deps, budgetMs);
  } catch (err) {
    deps.logger.error('contact event not indexed', { error: err });
    throw err;
  }
}
