/**
 * A file's content from its bytes: gunzipped, streaming, when it starts with gzip's magic bytes
 * (1f 8b), as it is otherwise. The content decides, never the file name (Firehose's objects have
 * no extension). zlib's gunzip reads concatenated gzip members as one content, as Firehose may
 * write them. A corrupt or cut gzip stream makes the iteration throw.
 */
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';

const GZIP = [0x1f, 0x8b];
/** Size of the gunzipped chunks handed on. */
const GUNZIP_CHUNK = 64 * 1024;

/** The most a whole file is gunzipped to in one piece; a larger content is streamed. */
const WHOLE_CONTENT_BYTES = 256 * 1024 * 1024;

/**
 * The content of a whole file read in one piece: itself, or gunzipped in one call. Undefined when
 * that gunzip fails (corrupt, cut, larger than WHOLE_CONTENT_BYTES): the reader then streams the
 * file, keeping the records before the fault and counting the file UNREADABLE_FILE.
 */
export function wholeContent(raw: Buffer): Buffer | undefined {
  if (raw[0] !== GZIP[0] || raw[1] !== GZIP[1]) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: WHOLE_CONTENT_BYTES });
  } catch {
    return undefined;
  }
}

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** The content of a file given its bytes, chunk by chunk. */
export async function* contentOf(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const it = bytes[Symbol.asyncIterator]();
  try {
    // The first two bytes decide (a chunk may be shorter than that).
    let head: Buffer = Buffer.alloc(0);
    while (head.length < GZIP.length) {
      const next = await it.next();
      if (next.done) {
        if (head.length > 0) yield head;
        return;
      }
      head = head.length === 0 ? asBuffer(next.value) : Buffer.concat([head, next.value]);
    }
    if (head[0] === GZIP[0] && head[1] === GZIP[1]) {
      yield* gunzip(head, it);
      return;
    }
    yield head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield asBuffer(next.value);
    }
  } finally {
    await it.return?.();
  }
}

async function* rest(head: Buffer, it: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    const next = await it.next();
    if (next.done) return;
    yield asBuffer(next.value);
  }
}

async function* gunzip(head: Buffer, it: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  const unzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  const input = Readable.from(rest(head, it), { objectMode: false });
  input.once('error', (err) => unzip.destroy(err));
  input.pipe(unzip);
  try {
    for await (const chunk of unzip) yield chunk as Buffer;
  } finally {
    input.unpipe(unzip);
    input.destroy();
    unzip.destroy();
  }
}
