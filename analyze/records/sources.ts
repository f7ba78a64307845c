/**
 * Where records come from: the files named by a PATH of `analyze --records`, each a Source that
 * opens to a stream of bytes. A file is itself (anything that opens and reads: a FIFO and
 * /dev/stdin too); a directory is every file under it, walked recursively in sorted order (the
 * same order on every run), skipping hidden entries (names starting with a dot: .DS_Store, .git)
 * and symbolic links to directories (no cycles). Nothing else is skipped by name: a file's form
 * is told from its content. S3 prefixes are in s3.ts.
 *
 * A PATH named on the command line that is missing or cannot be opened is a RecordsPathError
 * (the command exits 2 with its one-line message); a file found under a directory that cannot
 * be opened is the reader's UNREADABLE_FILE, and the run goes on.
 */
import { constants, type Dirent, closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes read at a time from a file. */
const READ_CHUNK = 256 * 1024;

/** Whether a PATH names an S3 prefix (s3.ts reads it; its client loads only then). */
export const isS3Path = (path: string) => path.startsWith('s3://');

/** A PATH given on the command line that does not exist or cannot be opened. */
export class RecordsPathError extends Error {
  override readonly name = 'RecordsPathError';
}

export interface Source {
  /** The file as examples name it: the path as found, or `s3://bucket/key`. */
  name: string;
  /** The PATH itself, named on the command line (opening it may only fail as RecordsPathError). */
  named: boolean;
  /** Opens the file: its bytes, chunk by chunk. Rejects when it cannot be opened. */
  open(): Promise<AsyncIterable<Uint8Array>>;
  /**
   * A regular local file up to maxBytes (default WHOLE_FILE_BYTES): all its bytes in one read (no stream, no copy:
   * the reader's fast path); undefined for anything larger or not a regular file. Rejects as open.
   */
  whole?(maxBytes?: number): Promise<Buffer | undefined>;
}

/** Files up to this size are read in one piece (most CTR files are a few MB; Firehose's ≤ 128 MiB). */
export const WHOLE_FILE_BYTES = 32 * 1024 * 1024;

/** "cannot read records from 'x': no such file or directory": one line, no stack, no cause. */
export function pathError(path: string, err: unknown): RecordsPathError {
  return new RecordsPathError(`cannot read records from '${path}': ${reasonOf(err)}`);
}

function reasonOf(err: unknown): string {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code || ((err as Error | null)?.name ?? 'cannot be opened');
  }
}

/** The sources of a local PATH. Throws RecordsPathError when the PATH is missing or unreadable. */
export async function localSources(path: string): Promise<AsyncIterable<Source>> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw pathError(path, err);
  }
  if (!isDirectory) return single(fileSource(path, true));
  let entries: Dirent[];
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (err) {
    throw pathError(path, err);
  }
  return walk(path, entries);
}

async function* single(source: Source): AsyncGenerator<Source> {
  yield source;
}

/** The files under a directory, depth first, each directory's entries sorted by name. */
async function* walk(dir: string, entries: Dirent[]): AsyncGenerator<Source> {
  const visible = entries.filter((e) => !e.name.startsWith('.')).sort(byName);
  for (const entry of visible) {
    const path = join(dir, entry.name);
    let kind = entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other';
    if (entry.isSymbolicLink()) kind = (await fileKind(path)) === 'file' ? 'file' : 'other';
    if (kind === 'file') yield fileSource(path, false);
    else if (kind === 'directory') {
      let inner: Dirent[] | undefined;
      try {
        inner = await readdir(path, { withFileTypes: true });
      } catch (err) {
        yield { name: path, named: false, open: () => Promise.reject(err) };
      }
      if (inner) yield* walk(path, inner);
    }
  }
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function fileKind(path: string): Promise<'file' | 'other'> {
  try {
    return (await stat(path)).isFile() ? 'file' : 'other';
  } catch {
    return 'file'; // a dangling link: opening it fails, and that is counted as UNREADABLE_FILE
  }
}

const fileSource = (path: string, named: boolean): Source => ({
  name: path,
  named,
  open: () => openFile(path),
  whole: (maxBytes = WHOLE_FILE_BYTES) => wholeFile(path, maxBytes),
});

/**
 * The file's bytes in one read, when it is a regular file of at most maxBytes. Read
 * synchronously: the command has nothing else to do meanwhile, and one thread waiting on a
 * promise per file measured 12 % idle on many small files.
 */
async function wholeFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function openFile(path: string): Promise<AsyncIterable<Uint8Array>> {
  const handle = await open(path, constants.O_RDONLY);
  return chunksOf(handle);
}

/** The file's bytes; the next chunk is read while the caller works on this one. */
async function* chunksOf(handle: FileHandle): AsyncGenerator<Buffer> {
  const read = async () => {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null);
    return bytesRead === READ_CHUNK ? buffer : buffer.subarray(0, bytesRead);
  };
  let next = read();
  try {
    for (;;) {
      const chunk = await next;
      if (chunk.length === 0) return;
      next = read();
      yield chunk;
    }
  } finally {
    await next.catch(() => undefined);
    await handle.close();
  }
}
