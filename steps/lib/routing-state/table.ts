/**
 * The routing-state table (LAST_AGENT_SOURCE=index or index-then-search): one DynamoDB table,
 * three item types, all under a string partition key `pk` and sort key `sk`, expiring through
 * DynamoDB TTL on `expiresAt` (epoch seconds). Shared by the steps that read it, the indexers
 * that write it, the CDK stack and the local runtime, so the layout is written once.
 *
 * | item | pk | sk | written by | read by |
 * |---|---|---|---|---|
 * | customer contact | `C#<customerKey>` | `<connectedAt, 10 digits>#<contactId>` | the join (below) | search step (Query, newest first) |
 * | contact join | `K#<contactId>` | `K` | search step (customer key) and contact indexer (agent fields) | contact indexer |
 * | agent state | `A#<agentId>` | `A` | agent indexer (Kinesis) | availability step (GetItem) |
 *
 * Why a join: Amazon Connect contact events carry no contact attributes (the contact-events data
 * model has no user-defined attributes; CONTACT_DATA_UPDATED only says that they changed), so an
 * event cannot tell whose contact it is. The search step knows contact id → customer key for
 * every call it routes and writes it; the contact indexer writes the agent fields from the
 * events. Each writer sets its own fields with one UpdateItem returning the whole item, and
 * whichever sees both halves writes the customer contact: since DynamoDB applies updates to one
 * item one at a time, at least one of the two writers sees both, whatever the order
 * (docs/design-decisions.md, "Event-fed routing state").
 */
export const TABLE_KEY = { partition: 'pk', sort: 'sk' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';

export const customerPk = (customerKey: string) => `C#${customerKey}`;
export const joinPk = (contactId: string) => `K#${contactId}`;
export const agentPk = (agentId: string) => `A#${agentId}`;
export const SINGLETON_SK = { join: 'K', agent: 'A' } as const;

/** Sort key of a customer contact: sorts by the time it reached an agent, then by id. */
export function contactSk(connectedAt: number, contactId: string): string {
  return `${String(Math.max(0, Math.floor(connectedAt))).padStart(10, '0')}#${contactId}`;
}

/** The lowest sort key at or after `epochSeconds` (for a lookback window's lower bound). */
export const contactSkFrom = (epochSeconds: number) => contactSk(epochSeconds, '');
/** A sort key above every contact connected at or before `epochSeconds`. */
export const contactSkTo = (epochSeconds: number) => `${contactSk(epochSeconds, '')}\uffff`;

/** The last path segment of a Connect ARN: `…/agent/<id>` → `<id>`, `…/queue/<id>` → `<id>`. */
export function idFromArn(arn: string | null | undefined): string | undefined {
  if (!arn) return undefined;
  const last = arn.split('/').pop();
  return last ? last : undefined;
}
