/**
 * The reader of `analyze --records PATH...`: turns PATHs (files, directories, `s3://bucket/prefix`)
 * into parsed contact records, one at a time, counting what it cannot use. Each file is streamed
 * (memory does not grow with its size): its bytes, gunzipped when they are gzip (content.ts),
 * split into records (splitter.ts). Which records to keep is the caller's: `onRecord` may answer
 * a skip reason (MISSING_FIELD), and the reader counts it.
 *
 * Bad input is counted in the SkipTally, never thrown. Thrown: RecordsPathError, when a PATH
 * named on the command line is missing or cannot be opened or listed (checked for every PATH
 * before any record is read); and whatever `onRecord` throws.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ProgressLine } from '../../local/progress';
import { contentOf, wholeContent } from './content';
import type { Place, SkipReason, SkipTally } from './skips';
import { type Source, isS3Path, localSources, pathError } from './sources';
import { RecordSplitter, type SplitSink } from './splitter';

export { RecordsPathError } from './sources';
export { MAX_RECORD_BYTES } from './splitter';
export { type Place, type SkipReason, type SkipSummary, SkipTally } from './skips';

export interface ReadOptions {
  /**
   * Each record that parses to a JSON object, with where it starts. Answers a reason to skip it
   * (counted by the reader, e.g. MISSING_FIELD), or undefined to keep it.
   */
  onRecord(record: Record<string, unknown>, place: Place): SkipReason | undefined;
  skips: SkipTally;
  /** The progress line (progressLine(process.stderr, 'analyze', json)); cleared when reading ends. */
  progress?: ProgressLine | undefined;
  /** The S3 client for s3:// PATHs (default: defaultS3Client()). */
  s3?: S3Client | undefined;
  /** Keys per ListObjectsV2 page (default S3's, 1000). */
  s3PageSize?: number | undefined;
  /** Local files up to this size are read in one piece, larger ones streamed (default WHOLE_FILE_BYTES). */
  wholeFileBytes?: number | undefined;
  /** Records over this size are NOT_JSON (default MAX_RECORD_BYTES, 4 MiB). */
  maxRecordBytes?: number | undefined;
}

export interface ReadTotals {
  /** Files (objects) opened, including those that then failed to decompress. */
  files: number;
  /** Records kept: parsed, and not skipped by onRecord. */
  records: number;
  /** Content bytes read (after gunzip). */
  bytes: number;
}

const num = (n: number) => n.toLocaleString('en-US');

/** "3 files, 120,345 records, 98,000 records/s" */
export function progressText(files: number, records: number, seconds: number): string {
  const rate = seconds > 0 ? Math.round(records / seconds) : 0;
  return `${num(files)} file${files === 1 ? '' : 's'}, ${num(records)} record${records === 1 ? '' : 's'}, ${num(rate)} records/s`;
}

/** Reads every record under the PATHs, in order: PATH by PATH, file by file, record by record. */
export async function readRecords(paths: string[], options: ReadOptions): Promise<ReadTotals> {
  const totals: ReadTotals = { files: 0, records: 0, bytes: 0 };
  const lists: AsyncIterable<Source>[] = [];
  let s3 = options.s3;
  for (const path of paths) {
    if (isS3Path(path)) {
      // The S3 client loads only for s3:// PATHs.
      const { defaultS3Client, s3Sources } = await import('./s3');
      s3 ??= defaultS3Client();
      lists.push(await s3Sources(path, s3, options.s3PageSize));
    } else {
      const list = await localSources(path);
      await access(path, constants.R_OK).catch((err) => {
        throw pathError(path, err);
      });
      lists.push(list);
    }
  }
  try {
    for (const list of lists) for await (const source of list) await readSource(source, options, totals);
  } finally {
    options.progress?.finish();
  }
  return totals;
}

async function readSource(source: Source, options: ReadOptions, totals: ReadTotals): Promise<void> {
  const { skips, progress } = options;
  const file = source.name;
  let input: Buffer | AsyncIterable<Uint8Array>;
  try {
    input = (await source.whole?.(options.wholeFileBytes)) ?? (await source.open());
  } catch (err) {
    if (source.named) throw pathError(file, err);
    skips.add('UNREADABLE_FILE', { file, offset: 0 });
    return;
  }
  totals.files++;
  const sink: SplitSink = {
    record(value, offset) {
      const place = { file, offset };
      const reason = options.onRecord(value, place);
      if (reason === undefined) totals.records++;
      else skips.add(reason, place);
    },
    skip: (reason, offset) => skips.add(reason, { file, offset }),
  };
  const splitter = new RecordSplitter(sink, options.maxRecordBytes);
  if (Buffer.isBuffer(input)) {
    const content = wholeContent(input);
    if (content !== undefined) {
      totals.bytes += content.length;
      splitter.push(content);
      splitter.end();
      progress?.update(() => progressText(totals.files, totals.records, progress.elapsedSeconds()));
      return;
    }
    // A gzip that fails whole: streamed, so that what precedes the fault counts.
    await readStream(file, once(input), splitter, options, totals);
  } else await readStream(file, input, splitter, options, totals);
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

async function readStream(
  file: string,
  bytes: AsyncIterable<Uint8Array>,
  splitter: RecordSplitter,
  options: ReadOptions,
  totals: ReadTotals,
): Promise<void> {
  const { skips, progress } = options;
  const content = contentOf(bytes);
  let offset = 0;
  try {
    for (;;) {
      let step: IteratorResult<Buffer>;
      try {
        step = await content.next();
      } catch {
        // A read or gunzip error: what was read counts; the record in progress is dropped.
        skips.add('UNREADABLE_FILE', { file, offset });
        return;
      }
      if (step.done) break;
      offset += step.value.length;
      totals.bytes += step.value.length;
      splitter.push(step.value);
      progress?.update(() => progressText(totals.files, totals.records, progress.elapsedSeconds()));
    }
    splitter.end();
  } finally {
    await content.return(undefined).catch(() => undefined);
  }
}
