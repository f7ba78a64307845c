/**
 * One contact record (CTR), as `analyze` needs it: the fields its figures read, parsed once
 * (timestamps to epoch milliseconds) into a small flat object. Field names and nesting follow
 * AWS's contact records data model (docs/aws-evidence.md#contact-records). A record without
 * ContactId, InitiationTimestamp or LastUpdateTimestamp (or with one that is not a time) is
 * MISSING_FIELD: nothing can be said about it, and no version of it can win de-duplication.
 * ContactSet keeps the winning versions column by column (contact-table.ts, columns.ts), not as
 * objects, and hands them out as a ContactList of row numbers (contact-list.ts): measured on 1 M
 * generated records (854,578 contacts), the columns hold 69 MB, about 81 bytes a
 * contact, where a Map of these objects, repeated strings shared, grew the heap to 511 MB.
 */

import { type ContactList, TableRows } from './contact-list';
import { ContactTable } from './contact-table';
import { CALLER_PATTERN } from './definitions';

const CALLER = new RegExp(CALLER_PATTERN);

/** The product's flow attributes `analyze` reads, by default the stack's names (infra/whisper.ts). */
export interface AttributeNames {
  route: string;
  reason: string;
  agentArn: string;
}

export interface Contact {
  id: string;
  /** Epoch milliseconds. */
  lastUpdate: number;
  initiation: number;
  channel: string | undefined;
  method: string | undefined;
  /** The trimmed CustomerEndpoint.Address when it has E.164's shape; undefined otherwise. */
  caller: string | undefined;
  /** The contact this one continues (a transfer leg): InitialContactId, else PreviousContactId. */
  initialId: string | undefined;
  agentArn: string | undefined;
  connected: number | undefined;
  acwEnd: number | undefined;
  disconnect: number | undefined;
  enqueue: number | undefined;
  /** Queue.Duration, seconds. */
  queueSeconds: number | undefined;
  /** Agent.AgentInteractionDuration, CustomerHoldDuration, AfterContactWorkDuration: seconds. */
  interaction: number | undefined;
  hold: number | undefined;
  acw: number | undefined;
  /** The product's attributes on this contact ('' when absent). */
  route: string;
  reason: string;
  storedAgentArn: string;
}

type Json = Record<string, unknown>;

const object = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const seconds = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** An ISO 8601 timestamp as epoch milliseconds; undefined when absent or not a time. */
function time(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Agent-context attributes are strings in the record; anything else counts as absent. */
const attribute = (attributes: Json | undefined, name: string): string => {
  const v = attributes?.[name];
  return typeof v === 'string' ? v : '';
};

/** The record as a Contact, or 'MISSING_FIELD'. */
export function toContact(record: unknown, names: AttributeNames): Contact | 'MISSING_FIELD' {
  const r = object(record);
  const id = text(r?.ContactId);
  const initiation = time(r?.InitiationTimestamp);
  const lastUpdate = time(r?.LastUpdateTimestamp);
  if (!r || id === undefined || initiation === undefined || lastUpdate === undefined) return 'MISSING_FIELD';
  const agent = object(r.Agent);
  const queue = object(r.Queue);
  const attributes = object(r.Attributes);
  const address = object(r.CustomerEndpoint)?.Address;
  const trimmed = typeof address === 'string' ? address.trim() : undefined;
  return {
    id,
    lastUpdate,
    initiation,
    channel: text(r.Channel),
    method: text(r.InitiationMethod),
    caller: trimmed !== undefined && CALLER.test(trimmed) ? trimmed : undefined,
    initialId: text(r.InitialContactId) ?? text(r.PreviousContactId),
    agentArn: text(agent?.ARN),
    connected: time(agent?.ConnectedToAgentTimestamp),
    acwEnd: time(agent?.AfterContactWorkEndTimestamp),
    disconnect: time(r.DisconnectTimestamp),
    enqueue: time(queue?.EnqueueTimestamp),
    queueSeconds: seconds(queue?.Duration),
    interaction: seconds(agent?.AgentInteractionDuration),
    hold: seconds(agent?.CustomerHoldDuration),
    acw: seconds(agent?.AfterContactWorkDuration),
    route: attribute(attributes, names.route),
    reason: attribute(attributes, names.reason),
    storedAgentArn: attribute(attributes, names.agentArn),
  };
}

/** How many fields a version fills: on equal LastUpdateTimestamps the fuller version wins. */
function filled(c: Contact): number {
  let n = 0;
  for (const v of Object.values(c)) if (v !== undefined && v !== '') n++;
  return n;
}

/**
 * Whether `a` replaces `b` as the version of one ContactId. The newest LastUpdateTimestamp wins;
 * on equal timestamps (whole seconds make them common) the version with more fields filled (a
 * republished record adds after-contact work, attributes), then the one whose fields, in a
 * fixed order, compare greater as JSON. The rule never depends on the order records were read.
 */
export function replaces(a: Contact, b: Contact): boolean {
  if (a.lastUpdate !== b.lastUpdate) return a.lastUpdate > b.lastUpdate;
  const fa = filled(a);
  const fb = filled(b);
  if (fa !== fb) return fa > fb;
  return JSON.stringify(a) > JSON.stringify(b);
}

/**
 * The contacts by ContactId, one version each, and how many versions were replaced. They are held
 * column by column (contact-table.ts); `contacts()` reads them as Contacts.
 */
export class ContactSet {
  private readonly table = new ContactTable();
  duplicates = 0;

  add(c: Contact): void {
    const held = this.table.row(c.id);
    if (held === undefined) {
      this.table.push(c);
      return;
    }
    this.duplicates++;
    if (replaces(c, this.table.contact(held))) this.table.write(held, c);
  }

  /** The contacts, in the order their ContactIds were first read. */
  contacts(): ContactList {
    return new TableRows(this.table);
  }

  get size(): number {
    return this.table.size;
  }
}
