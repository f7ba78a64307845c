/**
 * Writes contact records to a directory the way an S3 bucket fed by Kinesis Data Firehose holds
 * them: files by delivery time, under the default UTC prefix YYYY/MM/dd/HH/ and named
 * <stream>-1-YYYY-MM-dd-HH-mm-ss-<uuid> (docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html).
 *
 * Forms: "firehose" (JSON objects back to back with no delimiter, Firehose's default), "jsonl"
 * (the newline-delimiter option), "array" (one JSON array per file), or "mixed" (rotating); each
 * optionally gzipped. Amazon Connect delivers records at least once and again when a contact is
 * updated, so some contacts are written a second time ("republished": a later
 * LastUpdateTimestamp and an added attribute, usually in a later file) and some twice verbatim
 * ("duplicated"). Faults (faults.ts) can be injected as extra bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { epochSeconds, iso } from './clock';
import { FAULT_KINDS, type FaultKind, type FaultReport, corruptGzip, faultParts, planFaults } from './faults';
import { Stream } from './random';
import type { ContactRecord } from './records';

export type RecordForm = 'firehose' | 'jsonl' | 'array';
export const RECORD_FORMS: readonly RecordForm[] = ['firehose', 'jsonl', 'array'];

export interface WriteOptions {
  /** Default "firehose". */
  form?: RecordForm | 'mixed';
  /** Default false; "mixed" gzips every other file. */
  gzip?: boolean | 'mixed';
  /** "firehose": YYYY/MM/DD/HH/ folders (default); "flat": every file in the directory. */
  layout?: 'firehose' | 'flat';
  /** Firehose buffer interval: records delivered in the same interval share a file. Default 3600. */
  bufferSeconds?: number;
  /** Firehose buffer size, as a record count. Default 5000. */
  maxRecordsPerFile?: number;
  /** Share of contacts written again later with a newer LastUpdateTimestamp. Default 0.02. */
  republishShare?: number;
  /** Share of contacts written twice verbatim (at-least-once delivery). Default 0.005. */
  duplicateShare?: number;
  /** Faults to inject: true for every kind. Default none. */
  faults?: boolean | readonly FaultKind[];
  /** Seed of the writer's choices (copies, file ids, faults). Default 1. */
  seed?: number;
  /** Firehose stream name in file names. Default "connect-ctr". */
  streamName?: string;
}

export interface WrittenFile {
  /** Path relative to the output directory, with "/" separators. */
  path: string;
  form: RecordForm;
  gzip: boolean;
  /** Complete, valid record objects in the file (copies included, faults excluded). */
  records: number;
  faults: FaultKind[];
}

export interface WriteManifest {
  dir: string;
  files: WrittenFile[];
  /** Valid record objects written, copies included. */
  objects: number;
  /** Distinct contacts written. */
  contacts: number;
  /** ContactIds written a second time with a later LastUpdateTimestamp and an added attribute. */
  republished: string[];
  /** ContactIds written twice verbatim. */
  duplicated: string[];
  faults: FaultReport[];
}

/** The attribute a republished copy adds (as an UpdateContactAttributes call after the contact would). */
export const REPUBLISH_ATTRIBUTE = 'surveyScore';

/**
 * Records to write, produced on demand: a million-record center need not hold every record in
 * memory, only the small facts deliveries are planned from. An array of records works too.
 */
export interface RecordSource {
  count: number;
  /** LastUpdateTimestamp of record i, in UTC epoch seconds. */
  lastUpdate(i: number): number;
  contactId(i: number): string;
  record(i: number): ContactRecord;
}

export function arraySource(records: readonly ContactRecord[]): RecordSource {
  return {
    count: records.length,
    lastUpdate: (i) => epochSeconds((records[i] as ContactRecord).LastUpdateTimestamp),
    contactId: (i) => (records[i] as ContactRecord).ContactId,
    record: (i) => records[i] as ContactRecord,
  };
}

/** One record written once: the original, a verbatim copy, or a later update (score > 0). */
interface Delivery {
  at: number;
  index: number;
  /** For a republished copy: its LastUpdateTimestamp and the survey score it adds; else 0. */
  updatedAt: number;
  score: number;
}

/** The records' deliveries in time order: each once, some republished, some duplicated. */
function deliveries(src: RecordSource, o: Required<WriteOptions>, rng: Stream, m: WriteManifest): Delivery[] {
  const out: Delivery[] = [];
  for (let index = 0; index < src.count; index++) {
    const last = src.lastUpdate(index);
    const at = last + rng.between(1, 30);
    out.push({ at, index, updatedAt: 0, score: 0 });
    if (rng.chance(o.duplicateShare)) {
      out.push({ at: at + rng.between(0, Math.round(o.bufferSeconds * 1.5)), index, updatedAt: 0, score: 0 });
      m.duplicated.push(src.contactId(index));
    }
    if (rng.chance(o.republishShare)) {
      const updatedAt = last + rng.between(300, 3 * 86_400);
      out.push({ at: updatedAt + rng.between(1, 30), index, updatedAt, score: rng.between(1, 5) });
      m.republished.push(src.contactId(index));
    }
  }
  return out.sort((a, b) => a.at - b.at || a.index - b.index);
}

/** The record a delivery writes (a republished copy: a newer LastUpdateTimestamp, an added attribute). */
function delivered(d: Delivery, src: RecordSource): ContactRecord {
  const record = src.record(d.index);
  if (d.score === 0) return record;
  return {
    ...record,
    Attributes: { ...record.Attributes, [REPUBLISH_ATTRIBUTE]: String(d.score) },
    LastUpdateTimestamp: iso(d.updatedAt),
  };
}

/**
 * Deliveries grouped into files: one buffer interval each, split at the size limit. A file is
 * named by its oldest record's arrival, as Firehose evaluates its time prefix.
 */
function batches(list: Delivery[], o: Required<WriteOptions>): { oldest: number; items: Delivery[] }[] {
  const out: { oldest: number; items: Delivery[] }[] = [];
  let current: { oldest: number; items: Delivery[] } | null = null;
  let bucket = Number.NaN;
  for (const d of list) {
    const b = Math.floor(d.at / o.bufferSeconds);
    if (!current || b !== bucket || current.items.length >= o.maxRecordsPerFile) {
      current = { oldest: d.at, items: [] };
      out.push(current);
      bucket = b;
    }
    current.items.push(d);
  }
  return out;
}

/** Joins serialized records in a form; `cut` ends the file inside a last, truncated part. */
export function serialize(parts: readonly string[], form: RecordForm, cut: string | null = null): string {
  const all = cut === null ? parts : [...parts, cut];
  if (form === 'firehose') return all.join('');
  if (form === 'jsonl') return all.join('\n') + (cut === null ? '\n' : '');
  return `[${all.join(',\n')}${cut === null ? ']\n' : ''}`;
}

function fileName(at: number, o: Required<WriteOptions>, form: RecordForm, gzip: boolean, id: string) {
  const t = iso(at);
  const stamp = `${t.slice(0, 10)}-${t.slice(11, 13)}-${t.slice(14, 16)}-${t.slice(17, 19)}`;
  const ext = (form === 'jsonl' ? '.jsonl' : form === 'array' ? '.json' : '') + (gzip ? '.gz' : '');
  const base = `${o.streamName}-1-${stamp}-${id}${ext}`;
  return o.layout === 'flat'
    ? base
    : `${t.slice(0, 4)}/${t.slice(5, 7)}/${t.slice(8, 10)}/${t.slice(11, 13)}/${base}`;
}

function resolved(options: WriteOptions): Required<WriteOptions> {
  return {
    form: options.form ?? 'firehose',
    gzip: options.gzip ?? false,
    layout: options.layout ?? 'firehose',
    bufferSeconds: options.bufferSeconds ?? 3600,
    maxRecordsPerFile: options.maxRecordsPerFile ?? 5000,
    republishShare: options.republishShare ?? 0.02,
    duplicateShare: options.duplicateShare ?? 0.005,
    faults: options.faults ?? false,
    seed: options.seed ?? 1,
    streamName: options.streamName ?? 'connect-ctr',
  };
}

/** Writes the records under `dir` and returns what was written where. */
export function writeRecords(
  records: readonly ContactRecord[] | RecordSource,
  dir: string,
  options: WriteOptions = {},
): WriteManifest {
  const src = Array.isArray(records) ? arraySource(records) : (records as RecordSource);
  const o = resolved(options);
  const rng = new Stream(o.seed, 'writer');
  const faultRng = new Stream(o.seed, 'faults');
  const m: WriteManifest = {
    dir,
    files: [],
    objects: 0,
    contacts: 0,
    republished: [],
    duplicated: [],
    faults: [],
  };
  const ids = new Set<string>();
  for (let i = 0; i < src.count; i++) ids.add(src.contactId(i));
  m.contacts = ids.size;
  const groups = batches(deliveries(src, o, rng, m), o);
  const kinds = o.faults === true ? FAULT_KINDS : o.faults === false ? [] : o.faults;
  const plan = planFaults(
    groups.map((g) => g.items.length),
    kinds,
  );
  const counter = { next: 0 };
  const write = (path: string, data: string | Buffer) => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
  };
  groups.forEach((g, k) => {
    const form = o.form === 'mixed' ? (RECORD_FORMS[k % 3] as RecordForm) : o.form;
    const gzip = o.gzip === 'mixed' ? k % 2 === 1 : o.gzip;
    const path = fileName(g.oldest, o, form, gzip, rng.uuid());
    const batch = g.items.map((d) => delivered(d, src));
    const parts = batch.map((r) => JSON.stringify(r));
    const here = plan.get(k) ?? [];
    const extra = faultParts(here, batch[0] as ContactRecord, faultRng, counter);
    parts.splice(Math.floor(parts.length / 2), 0, ...extra.middle);
    const text = serialize(parts, form, extra.tail);
    write(path, gzip ? gzipSync(text) : text);
    m.files.push({ path, form, gzip, records: g.items.length, faults: [...here] });
    m.objects += g.items.length;
    for (const r of extra.reports) m.faults.push({ ...r, file: path });
  });
  if (kinds.includes('corrupt-gzip') && src.count > 0) {
    const middle = groups[Math.floor(groups.length / 2)]?.oldest ?? src.lastUpdate(0);
    const path = fileName(middle, o, 'firehose', true, faultRng.uuid());
    const bad = corruptGzip(src.record(0), faultRng, counter);
    write(path, bad.bytes);
    m.files.push({ path, form: 'firehose', gzip: true, records: 0, faults: ['corrupt-gzip'] });
    m.faults.push({ ...bad.report, file: path });
  }
  return m;
}
