import { type Column, IntColumn, TextColumn, TimeColumn } from './columns';
/**
 * The de-duplicated contacts, column by column (columns.ts): each time in 4 bytes (whole seconds
 * since 2000; anything else kept exactly beside), each duration in 4, each repeated string
 * (channel, method, caller, agent ARNs, the product's attributes, the contact a leg continues) as
 * a code of 1, 2 or 4 bytes into its column's table of distinct strings, and the ContactIds packed
 * (contact-ids.ts). A million contacts are then a few dozen typed arrays the garbage collector
 * never walks, about 80 bytes a contact, instead of a million objects with their
 * boxed numbers. The figures and the calibration read rows as ContactRows (views that are a Contact
 * and hold only the table and a row number), made as they are read and never kept: a
 * ContactList (contact-list.ts) holds row numbers.
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
type TimeField = (typeof TIMES)[number];
type DurationField = (typeof SECONDS)[number];
type NumberField = TimeField | DurationField;
type TextField = (typeof TEXTS)[number];

/** Number columns hold NaN for "absent": no time or duration of a Contact is ever NaN. */
const optional = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

export class ContactTable {
  readonly ids = new ContactIds();
  readonly times = {} as Record<TimeField, TimeColumn>;
  readonly durations = {} as Record<DurationField, IntColumn>;
  readonly texts = {} as Record<TextField, TextColumn>;
  private capacity = 1024;

  constructor() {
    for (const f of TIMES) this.times[f] = new TimeColumn(this.capacity);
    for (const f of SECONDS) this.durations[f] = new IntColumn(this.capacity);
    for (const f of TEXTS) this.texts[f] = new TextColumn(this.capacity);
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
    if (this.size === this.capacity) this.resize(Math.max(1024, Math.ceil(this.capacity * 1.5)));
    const row = this.ids.add(c.id);
    this.write(row, c);
    return row;
  }

  /** Replaces the row's fields (same ContactId) with the contact's. */
  write(row: number, c: Contact): void {
    const t = this.times;
    t.lastUpdate.set(row, c.lastUpdate);
    t.initiation.set(row, c.initiation);
    t.connected.set(row, c.connected ?? Number.NaN);
    t.acwEnd.set(row, c.acwEnd ?? Number.NaN);
    t.disconnect.set(row, c.disconnect ?? Number.NaN);
    t.enqueue.set(row, c.enqueue ?? Number.NaN);
    const d = this.durations;
    d.queueSeconds.set(row, c.queueSeconds ?? Number.NaN);
    d.interaction.set(row, c.interaction ?? Number.NaN);
    d.hold.set(row, c.hold ?? Number.NaN);
    d.acw.set(row, c.acw ?? Number.NaN);
    const s = this.texts;
    s.channel.set(row, c.channel);
    s.method.set(row, c.method);
    s.caller.set(row, c.caller);
    s.initialId.set(row, c.initialId);
    s.agentArn.set(row, c.agentArn);
    s.route.set(row, c.route === '' ? undefined : c.route);
    s.reason.set(row, c.reason === '' ? undefined : c.reason);
    s.storedAgentArn.set(row, c.storedAgentArn === '' ? undefined : c.storedAgentArn);
  }

  /**
   * Column by column, so that one column's old and new arrays are held at a time, not the table's.
   * Columns only grow: the rows beyond `size` are never written, so they take address space but
   * not memory. Trimming them once the reading is over copied every column while its old array
   * waited for a collection, and raised the peak RSS at 1 M records by about 17 MB
   * (docs/performance.md).
   */
  private resize(size: number): void {
    const columns: Column[] = [
      ...Object.values(this.times),
      ...Object.values(this.durations),
      ...Object.values(this.texts),
    ];
    for (const c of columns) c.resize(size);
    this.capacity = size;
  }

  text(field: TextField, row: number): string | undefined {
    return this.texts[field].get(row);
  }

  number(field: NumberField, row: number): number | undefined {
    const column =
      field in this.times ? this.times[field as TimeField] : this.durations[field as DurationField];
    return optional(column.get(row));
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
    return this.table.times.lastUpdate.get(this.row);
  }
  get initiation(): number {
    return this.table.times.initiation.get(this.row);
  }
  get connected(): number | undefined {
    return optional(this.table.times.connected.get(this.row));
  }
  get acwEnd(): number | undefined {
    return optional(this.table.times.acwEnd.get(this.row));
  }
  get disconnect(): number | undefined {
    return optional(this.table.times.disconnect.get(this.row));
  }
  get enqueue(): number | undefined {
    return optional(this.table.times.enqueue.get(this.row));
  }
  get queueSeconds(): number | undefined {
    return optional(this.table.durations.queueSeconds.get(this.row));
  }
  get interaction(): number | undefined {
    return optional(this.table.durations.interaction.get(this.row));
  }
  get hold(): number | undefined {
    return optional(this.table.durations.hold.get(this.row));
  }
  get acw(): number | undefined {
    return optional(this.table.durations.acw.get(this.row));
  }
  get channel(): string | undefined {
    return this.table.texts.channel.get(this.row);
  }
  get method(): string | undefined {
    return this.table.texts.method.get(this.row);
  }
  get caller(): string | undefined {
    return this.table.texts.caller.get(this.row);
  }
  get initialId(): string | undefined {
    return this.table.texts.initialId.get(this.row);
  }
  get agentArn(): string | undefined {
    return this.table.texts.agentArn.get(this.row);
  }
  get route(): string {
    return this.table.texts.route.get(this.row) ?? '';
  }
  get reason(): string {
    return this.table.texts.reason.get(this.row) ?? '';
  }
  get storedAgentArn(): string {
    return this.table.texts.storedAgentArn.get(this.row) ?? '';
  }
  /** As JSON, the plain Contact. */
  toJSON(): Contact {
    return this.table.contact(this.row);
  }
}
