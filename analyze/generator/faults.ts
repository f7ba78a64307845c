/**
 * Faults for the writer to inject, each as extra bytes (no real record is lost, so a reader that
 * skips faults must still find every contact): a garbage line between records in the middle of a
 * file, an object cut short at the end of a file, records missing ContactId, InitiationTimestamp
 * or LastUpdateTimestamp, and a ".gz" file that is not valid gzip. Every fault carries a caller
 * phone number (+1907555…, a block the caller pool never uses) inside the corrupted text, so a
 * test can check that no output ever repeats what it could not parse.
 */
import { faultPhone } from './callers';
import type { Stream } from './random';
import type { ContactRecord } from './records';

export type FaultKind =
  | 'garbage-line'
  | 'truncated-object'
  | 'missing-contact-id'
  | 'missing-initiation-timestamp'
  | 'missing-last-update-timestamp'
  | 'corrupt-gzip';

export const FAULT_KINDS: readonly FaultKind[] = [
  'garbage-line',
  'truncated-object',
  'missing-contact-id',
  'missing-initiation-timestamp',
  'missing-last-update-timestamp',
  'corrupt-gzip',
];

export interface FaultReport {
  kind: FaultKind;
  /** The file (relative to the output directory) holding the fault. */
  file: string;
  /** The caller number inside the corrupted text. */
  phone: string;
  /** The ContactId the broken record carries, when it has one. */
  contactId?: string;
}

/** What a fault adds to a file: parts to insert, and whether the file ends cut short. */
export interface FaultParts {
  /** Inserted in the middle of the file's records. */
  middle: string[];
  /** Appended last, without the form's closing (the file is cut inside it). */
  tail: string | null;
  reports: Omit<FaultReport, 'file'>[];
}

const MISSING: Partial<Record<FaultKind, keyof ContactRecord>> = {
  'missing-contact-id': 'ContactId',
  'missing-initiation-timestamp': 'InitiationTimestamp',
  'missing-last-update-timestamp': 'LastUpdateTimestamp',
};

/** A record that is not one of the center's contacts: a fresh id, a fault phone, no attributes. */
function faultRecord(template: ContactRecord, phone: string, rng: Stream): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(template)) as Record<string, unknown>;
  copy.ContactId = rng.uuid();
  copy.CustomerEndpoint = { Address: phone, Type: 'TELEPHONE_NUMBER' };
  copy.Attributes = {};
  copy.PreviousContactId = null;
  copy.NextContactId = null;
  copy.InitialContactId = null;
  return copy;
}

/** The parts the given faults add to a file whose records look like `template`. */
export function faultParts(
  kinds: readonly FaultKind[],
  template: ContactRecord,
  rng: Stream,
  counter: { next: number },
): FaultParts {
  const out: FaultParts = { middle: [], tail: null, reports: [] };
  for (const kind of kinds) {
    const phone = faultPhone(counter.next++);
    if (kind === 'garbage-line') {
      out.middle.push(`\n#<<partial write, caller ${phone}, not a record>>#\n`);
      out.reports.push({ kind, phone });
    } else if (kind === 'truncated-object') {
      const rec = faultRecord(template, phone, rng);
      const text = JSON.stringify(rec);
      const cut = text.indexOf(phone) + phone.length + 3;
      out.tail = text.slice(0, cut);
      out.reports.push({ kind, phone, contactId: rec.ContactId as string });
    } else if (MISSING[kind]) {
      const rec = faultRecord(template, phone, rng);
      const id = rec.ContactId as string;
      delete rec[MISSING[kind] as string];
      out.middle.push(JSON.stringify(rec));
      out.reports.push(kind === 'missing-contact-id' ? { kind, phone } : { kind, phone, contactId: id });
    }
  }
  return out;
}

/**
 * A file named like gzip that is not: a valid gzip header followed by plain JSON text (a deflate
 * stream no reader can inflate) holding a caller number.
 */
export function corruptGzip(
  template: ContactRecord,
  rng: Stream,
  counter: { next: number },
): {
  bytes: Buffer;
  report: Omit<FaultReport, 'file'>;
} {
  const phone = faultPhone(counter.next++);
  const rec = faultRecord(template, phone, rng);
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
  return {
    bytes: Buffer.concat([header, Buffer.from(JSON.stringify(rec), 'utf8')]),
    report: { kind: 'corrupt-gzip', phone, contactId: rec.ContactId as string },
  };
}

/**
 * Which file gets which fault: files with at least three records first (so a garbage line sits
 * between records, mid-file), nearest the middle of the delivery first; one file per kind while
 * files last. `counts` are the files' record counts in delivery order.
 */
export function planFaults(counts: readonly number[], kinds: readonly FaultKind[]): Map<number, FaultKind[]> {
  const plan = new Map<number, FaultKind[]>();
  const mid = Math.floor(counts.length / 2);
  const order = counts
    .map((n, i) => ({ i, rank: (n >= 3 ? 0 : 1) * counts.length + Math.abs(i - mid) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.i);
  kinds
    .filter((k) => k !== 'corrupt-gzip')
    .forEach((kind, n) => {
      const f = order[n % Math.max(1, order.length)] ?? 0;
      plan.set(f, [...(plan.get(f) ?? []), kind]);
    });
  return plan;
}
