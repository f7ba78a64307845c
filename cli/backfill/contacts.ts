/**
 * One contact of a SearchContacts page into the routing-state table, with the same two calls the
 * live path makes: recordCustomerKey (the search step's half of the join) and recordContactEvent
 * (the contact indexer's half).
 */
import {
  type ConnectClient,
  type ContactSearchSummary,
  GetContactAttributesCommand,
  type GetContactAttributesCommandOutput,
} from '@aws-sdk/client-connect';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Deadline } from '../../steps/lib/connect/deadline';
import { reachedAgent } from '../../steps/lib/decision/contacts';
import type { ContactSummary } from '../../steps/lib/decision/schemas';
import { recordContactEvent, recordCustomerKey } from '../../steps/lib/routing-state/store';
import { summarise } from '../../steps/search-contacts';
import { type PacedConnect, isNotFound } from './pacing';

const WRITE_BUDGET_MS = 30_000;
/** Contact chains whose attributes are remembered (the legs of a chain are listed together). */
const ATTRIBUTES_CACHED = 1000;

/** What the backfill wrote for one contact (never the customer key). */
export interface WrittenContact {
  contactId: string;
  agentId: string;
  connectedAt: number;
  channel: string | undefined;
}

export type ContactOutcome = 'written' | 'skipped' | 'notFound';

export interface ContactWriterOptions {
  connect: ConnectClient;
  dynamo: DynamoDBDocumentClient;
  instanceId: string;
  table: string;
  lookbackDays: number;
  attributeKey: string;
  onWrite?: ((w: WrittenContact) => void) | undefined;
}

export class ContactWriter {
  private readonly attributesOf = new Map<string, Record<string, string> | null>();

  constructor(
    private readonly options: ContactWriterOptions,
    private readonly calls: PacedConnect,
  ) {}

  /** Writes one contact, or says why not; counted by the caller once the contact is done. */
  async handle(raw: ContactSearchSummary): Promise<ContactOutcome> {
    const contact: ContactSummary = summarise(raw);
    // The event path leaves the chain fields out of a contact that is its own chain.
    if (contact.initialContactId === contact.id) contact.initialContactId = undefined;
    if (contact.previousContactId === contact.id) contact.previousContactId = undefined;
    if (!reachedAgent(contact)) return 'skipped';
    const attrs = await this.attributes(raw);
    if (attrs === null) return 'notFound';
    const key = attrs[this.options.attributeKey];
    if (!key) return 'skipped';
    await this.write(contact, key);
    return 'written';
  }

  /** The contact chain's attributes (they belong to the chain: one call serves every leg). */
  private async attributes(contact: ContactSearchSummary): Promise<Record<string, string> | null> {
    const initialContactId = contact.InitialContactId || (contact.Id as string);
    const cached = this.attributesOf.get(initialContactId);
    if (cached !== undefined) return cached;
    let found: Record<string, string> | null;
    try {
      const out = await this.calls.call<GetContactAttributesCommandOutput>(
        'GetContactAttributes',
        (abortSignal) =>
          this.options.connect.send(
            new GetContactAttributesCommand({
              InstanceId: this.options.instanceId,
              InitialContactId: initialContactId,
            }),
            { abortSignal },
          ),
      );
      found = out.Attributes ?? {};
    } catch (err) {
      if (!isNotFound(err)) throw err;
      found = null;
    }
    if (this.attributesOf.size >= ATTRIBUTES_CACHED)
      this.attributesOf.delete(this.attributesOf.keys().next().value as string);
    this.attributesOf.set(initialContactId, found);
    return found;
  }

  private async write(contact: ContactSummary, key: string): Promise<void> {
    const { dynamo, table, lookbackDays } = this.options;
    const deadline = new Deadline(Date.now() + WRITE_BUDGET_MS);
    const connectedAt = contact.connectedAt as number;
    // As the live path: the search step records the key when the call comes in, the contact
    // indexer the agent half when the contact's events arrive.
    await recordCustomerKey(dynamo, deadline, {
      table,
      contactId: contact.id,
      customerKey: key,
      nowSeconds: contact.initiatedAt ?? connectedAt,
      lookbackDays,
    });
    await recordContactEvent(dynamo, deadline, {
      table,
      contact,
      nowSeconds: contact.disconnectedAt ?? connectedAt,
      lookbackDays,
    });
    this.options.onWrite?.({
      contactId: contact.id,
      agentId: contact.agentId as string,
      connectedAt,
      channel: contact.channel,
    });
  }
}
