/**
 * The de-duplicated contacts, column by column: each time and duration in a Float64Array (NaN
 * where the record has none), each repeated string (channel, method, caller, agent ARNs, the
 * product's attributes, the contact a leg continues) as a small integer into one table of
 * distinct strings, and the ContactIds in one array with a Map from id to row. A million
 * contacts are then a few dozen typed arrays the garbage collector never walks, instead of a
 * million objects with their boxed numbers. The figures and the calibration read rows through
 * ContactRow, a view that is a Contact (contact.ts) and holds only its table and row number.
 */
import type { Contact } from './contact';
import { ContactIds } from './contact-ids';

const TIMES = ['lastUpdate', 'initiation', 'connected', 'acwEnd', 'disconnect', 'enqueue'] as const;
const SECONDS = ['queueSeconds', 'interaction', 'hold', 'acw'] as const;
const TEXTS = [
  'channel',
  'method',
  'caller',
  'initialId',
  'agentArn',
  'route',
  'reason',
  'storedAgentArn',
] as const;
type NumberField = (typeof TIMES)[number] | (typeof SECONDS)[number];
type TextField = (typeof TEXTS)[number];

/** Number columns hold NaN for "absent": no time or duration of a Contact is ever NaN. */
const optional = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/** Distinct strings as small integers; 0 is `undefined`. */
class TextTable {
  readonly values: (string | undefined)[] = [undefined];
  private readonly index = new Map<string, number>();

  of(s: string | undefined): number {
    if (s === undefined) return 0;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

function grown<T extends Float64Array | Int32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

export class ContactTable {
  readonly ids = new ContactIds();
  readonly texts = new TextTable();
  readonly numbers = {} as Record<NumberField, Float64Array>;
  readonly strings = {} as Record<TextField, Int32Array>;
  private capacity = 1024;

  constructor() {
    for (const f of [...TIMES, ...SECONDS]) this.numbers[f] = new Float64Array(this.capacity);
    for (const f of TEXTS) this.strings[f] = new Int32Array(this.capacity);
  }

  get size(): number {
    return this.ids.size;
  }

  /** The row of a ContactId, if held. */
  row(id: string): number | undefined {
    return this.ids.row(id);
  }

  /** Appends a contact (a new ContactId) and returns its row. */
  push(c: Contact): number {
    if (this.size === this.capacity) this.resize(Math.max(1024, this.capacity * 2));
    const row = this.ids.add(c.id);
    this.write(row, c);
    return row;
  }

  /** Replaces the row's fields (same ContactId) with the contact's. */
  write(row: number, c: Contact): void {
    const n = this.numbers;
    n.lastUpdate[row] = c.lastUpdate;
    n.initiation[row] = c.initiation;
    n.connected[row] = c.connected ?? Number.NaN;
    n.acwEnd[row] = c.acwEnd ?? Number.NaN;
    n.disconnect[row] = c.disconnect ?? Number.NaN;
    n.enqueue[row] = c.enqueue ?? Number.NaN;
    n.queueSeconds[row] = c.queueSeconds ?? Number.NaN;
    n.interaction[row] = c.interaction ?? Number.NaN;
    n.hold[row] = c.hold ?? Number.NaN;
    n.acw[row] = c.acw ?? Number.NaN;
    const s = this.strings;
    const t = this.texts;
    s.channel[row] = t.of(c.channel);
    s.method[row] = t.of(c.method);
    s.caller[row] = t.of(c.caller);
    s.initialId[row] = t.of(c.initialId);
    s.agentArn[row] = t.of(c.agentArn);
    s.route[row] = t.of(c.route);
    s.reason[row] = t.of(c.reason);
    s.storedAgentArn[row] = t.of(c.storedAgentArn);
  }

  private resize(size: number): void {
    for (const f of [...TIMES, ...SECONDS]) this.numbers[f] = grown(this.numbers[f], size);
    for (const f of TEXTS) this.strings[f] = grown(this.strings[f], size);
    this.capacity = size;
  }

  text(field: TextField, row: number): string | undefined {
    return this.texts.values[this.strings[field][row] as number];
  }

  number(field: NumberField, row: number): number | undefined {
    return optional(this.numbers[field][row] as number);
  }

  /** The row as a plain Contact, its fields in toContact's order (replaces() compares them as JSON). */
  contact(row: number): Contact {
    const n = (f: NumberField) => this.number(f, row);
    const s = (f: TextField) => this.text(f, row);
    return {
      id: this.ids.id(row),
      lastUpdate: n('lastUpdate') as number,
      initiation: n('initiation') as number,
      channel: s('channel'),
      method: s('method'),
      caller: s('caller'),
      initialId: s('initialId'),
      agentArn: s('agentArn'),
      connected: n('connected'),
      acwEnd: n('acwEnd'),
      disconnect: n('disconnect'),
      enqueue: n('enqueue'),
      queueSeconds: n('queueSeconds'),
      interaction: n('interaction'),
      hold: n('hold'),
      acw: n('acw'),
      route: s('route') ?? '',
      reason: s('reason') ?? '',
      storedAgentArn: s('storedAgentArn') ?? '',
    };
  }

  /** Every row as a ContactRow, in row order. */
  rows(): ContactRow[] {
    const out = new Array<ContactRow>(this.size);
    for (let i = 0; i < out.length; i++) out[i] = new ContactRow(this, i);
    return out;
  }
}

/** One row of a ContactTable, read as a Contact. */
export class ContactRow implements Contact {
  constructor(
    readonly table: ContactTable,
    readonly row: number,
  ) {}

  get id(): string {
    return this.table.ids.id(this.row);
  }
  get lastUpdate(): number {
    return this.table.numbers.lastUpdate[this.row] as number;
  }
  get initiation(): number {
    return this.table.numbers.initiation[this.row] as number;
  }
  get connected(): number | undefined {
    return optional(this.table.numbers.connected[this.row] as number);
  }
  get acwEnd(): number | undefined {
    return optional(this.table.numbers.acwEnd[this.row] as number);
  }
  get disconnect(): number | undefined {
    return optional(this.table.numbers.disconnect[this.row] as number);
  }
  get enqueue(): number | undefined {
    return optional(this.table.numbers.enqueue[this.row] as number);
  }
  get queueSeconds(): number | undefined {
    return optional(this.table.numbers.queueSeconds[this.row] as number);
  }
  get interaction(): number | undefined {
    return optional(this.table.numbers.interaction[this.row] as number);
  }
  get hold(): number | undefined {
    return optional(this.table.numbers.hold[this.row] as number);
  }
  get acw(): number | undefined {
    return optional(this.table.numbers.acw[this.row] as number);
  }
  get channel(): string | undefined {
    return this.table.texts.values[this.table.strings.channel[this.row] as number];
  }
  get method(): string | undefined {
    return this.table.texts.values[this.table.strings.method[this.row] as number];
  }
  get caller(): string | undefined {
    return this.table.texts.values[this.table.strings.caller[this.row] as number];
  }
  get initialId(): string | undefined {
    return this.table.texts.values[this.table.strings.initialId[this.row] as number];
  }
  get agentArn(): string | undefined {
    return this.table.texts.values[this.table.strings.agentArn[this.row] as number];
  }
  get route(): string {
    return this.table.texts.values[this.table.strings.route[this.row] as number] ?? '';
  }
  get reason(): string {
    return this.table.texts.values[this.table.strings.reason[this.row] as number] ?? '';
  }
  get storedAgentArn(): string {
    return this.table.texts.values[this.table.strings.storedAgentArn[this.row] as number] ?? '';
  }
  /** As JSON, the plain Contact. */
  toJSON(): Contact {
    return this.table.contact(this.row);
  }
}

/** The table whose rows `all` is, each in its place (ContactTable.rows()), or undefined. */
function tableOf(all: readonly Contact[]): ContactTable | undefined {
  const first = all[0];
  if (!(first instanceof ContactRow) || first.table.size !== all.length) return undefined;
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    if (!(c instanceof ContactRow) || c.table !== first.table || c.row !== i) return undefined;
  }
  return first.table;
}

/** Contacts by ContactId (the last of equal ids): the table's own index when `all` is one table's rows, else a Map. */
export function contactsById(all: readonly Contact[]): Pick<Map<string, Contact>, 'get'> {
  const table = tableOf(all);
  if (table !== undefined)
    return {
      get(id: string): Contact | undefined {
        const row = table.row(id);
        return row === undefined ? undefined : all[row];
      },
    };
  const byId = new Map<string, Contact>();
  for (const c of all) byId.set(c.id, c);
  return byId;
}

/** A set of contacts of `all`: a byte per row when `all` is one table's rows, else their ContactIds. */
export function contactMarks(all: readonly Contact[]): { add(c: Contact): void; has(c: Contact): boolean } {
  const table = tableOf(all);
  if (table === undefined) {
    const ids = new Set<string>();
    return { add: (c) => ids.add(c.id), has: (c) => ids.has(c.id) };
  }
  const marked = new Uint8Array(table.size);
  const rowOf = (c: Contact) => (c instanceof ContactRow && c.table === table ? c.row : table.row(c.id));
  return {
    add(c) {
      const row = rowOf(c);
      if (row !== undefined) marked[row] = 1;
    },
    has: (c) => {
      const row = rowOf(c);
      return row !== undefined && marked[row] === 1;
    },
  };
}

/**
 * A key equal for contacts of `all` with equal ContactIds: the row when `all` is one table's rows
 * (ids are unique there; no id string is made), else the ContactId.
 */
export function contactKey(all: readonly Contact[]): (c: Contact) => string | number {
  const table = tableOf(all);
  if (table === undefined) return (c) => c.id;
  return (c) => (c instanceof ContactRow && c.table === table ? c.row : c.id);
}

/** The contacts `keep` keeps, in order, in an array of exactly their number (counted first: no growing). */
export function select<T extends Contact>(all: readonly Contact[], keep: (c: Contact) => c is T): T[];
export function select(all: readonly Contact[], keep: (c: Contact) => boolean): Contact[];
export function select(all: readonly Contact[], keep: (c: Contact) => boolean): Contact[] {
  let n = 0;
  for (const c of all) if (keep(c)) n++;
  const out = new Array<Contact>(n);
  let k = 0;
  for (const c of all) if (keep(c)) out[k++] = c;
  return out;
}
