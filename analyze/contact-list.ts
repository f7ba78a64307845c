/**
 * Contacts as the figures and the calibration read them: a ContactList is anything with a
 * length, `at(i)` and iteration. A plain array of Contacts is one (the tests', the data lake's
 * extract); so is TableRows, rows of a ContactTable (contact-table.ts) held as row numbers, whose
 * contacts are ContactRow views made as they are read and dropped after: a million contacts
 * are then 4 bytes each in a subset, and nothing in the whole list, where an array of views
 * held 48. The helpers below take the table's path when the list is its rows, else the generic
 * one, with the same answers.
 */
import type { Contact } from './contact';
import { ContactRow, type ContactTable } from './contact-table';

export interface ContactList<T extends Contact = Contact> extends Iterable<T> {
  readonly length: number;
  at(i: number): T | undefined;
}

/** Rows of one table: all of them in row order (`rows` null), or the listed ones in their order. */
export class TableRows<T extends Contact = Contact> implements ContactList<T> {
  constructor(
    readonly table: ContactTable,
    readonly rows: Int32Array | null = null,
  ) {}

  get length(): number {
    return this.rows === null ? this.table.size : this.rows.length;
  }

  /** The table row of position i. */
  rowAt(i: number): number {
    return this.rows === null ? i : (this.rows[i] as number);
  }

  at(i: number): T | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return new ContactRow(this.table, this.rowAt(i)) as unknown as T;
  }

  /** One result object for the whole iteration (for…of reads it before asking for the next). */
  [Symbol.iterator](): Iterator<T> {
    const n = this.length;
    let i = 0;
    const result = { done: false, value: undefined as unknown as T };
    return {
      next: () => {
        if (i >= n) return { done: true, value: undefined };
        result.value = new ContactRow(this.table, this.rowAt(i++)) as unknown as T;
        return result;
      },
    };
  }
}

/** The table whose every row `all` is, in row order, or undefined. */
function tableOf(all: ContactList): ContactTable | undefined {
  return all instanceof TableRows && all.rows === null ? all.table : undefined;
}

/** Contacts by ContactId (the last of equal ids): the table's own index when `all` is one table's rows, else a Map. */
export function contactsById(all: ContactList): Pick<Map<string, Contact>, 'get'> {
  const table = tableOf(all);
  if (table !== undefined)
    return {
      get(id: string): Contact | undefined {
        const row = table.row(id);
        return row === undefined ? undefined : new ContactRow(table, row);
      },
    };
  const byId = new Map<string, Contact>();
  for (const c of all) byId.set(c.id, c);
  return byId;
}

/** A set of contacts of `all`: a byte per row when `all` is one table's rows, else their ContactIds. */
export function contactMarks(all: ContactList): { add(c: Contact): void; has(c: Contact): boolean } {
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
export function contactKey(all: ContactList): (c: Contact) => string | number {
  const table = tableOf(all);
  if (table === undefined) return (c) => c.id;
  return (c) => (c instanceof ContactRow && c.table === table ? c.row : c.id);
}

/** The contacts at `positions` of `all`, in that order: row numbers when `all` is table rows. */
export function pick<T extends Contact>(all: ContactList<T>, positions: ArrayLike<number>): ContactList<T> {
  if (all instanceof TableRows) {
    const rows = new Int32Array(positions.length);
    for (let k = 0; k < rows.length; k++) rows[k] = all.rowAt(positions[k] as number);
    return new TableRows<T>(all.table, rows);
  }
  return Array.from({ length: positions.length }, (_, k) => all.at(positions[k] as number) as T);
}

/** The contacts `keep` keeps, in order: row numbers when `all` is table rows, else an array of exactly their number. */
export function select<T extends Contact>(all: ContactList, keep: (c: Contact) => c is T): ContactList<T>;
export function select(all: ContactList, keep: (c: Contact) => boolean): ContactList;
export function select(all: ContactList, keep: (c: Contact) => boolean): ContactList {
  let n = 0;
  for (const c of all) if (keep(c)) n++;
  const positions = new Int32Array(n);
  let k = 0;
  let i = 0;
  for (const c of all) {
    if (keep(c)) positions[k++] = i;
    i++;
  }
  return pick(all, positions);
}

/**
 * A number of each contact, in order. (Float64Array.from would first gather every contact of
 * an iterable into one list: a view per row, all held at once.)
 */
export function numbersOf<T extends Contact>(all: ContactList<T>, value: (c: T) => number): Float64Array {
  const out = new Float64Array(all.length);
  for (let i = 0; i < out.length; i++) out[i] = value(all.at(i) as T);
  return out;
}
