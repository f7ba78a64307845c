/**
 * The record splitter: finds where each top-level JSON object of a file's content starts and
 * ends, from byte chunks of any size (a record may span chunks), and hands each one to
 * JSON.parse. Splitting costs little next to JSON.parse. A record followed by `}{` or a line
 * break in the same chunk is first tried whole (JSON.parse checks it: nothing to scan, and a
 * valid object ends exactly where it parses to). Otherwise the scanner walks it: inside strings
 * it jumps to the next quote with Buffer.indexOf; outside them it counts braces and brackets.
 * Both give the same records for every way the content is cut into chunks.
 *
 * Forms, told apart by the first non-blank byte (a UTF-8 byte-order mark is blank there):
 * - `{`: objects back to back with or without anything between them (what Firehose writes to
 *   S3), JSON lines, or pretty-printed objects one after the other;
 * - `[`: a JSON array (or several, one after the other) whose elements are the records; an
 *   array not closed at the end loses nothing but a last, open element.
 *
 * Bad input is reported to the sink, never thrown, and reading goes on:
 * - NOT_JSON: bytes where a record should start that are not `{` (one per garbage line; in an
 *   array, one per element that is not an object; an array where a record should be), a value
 *   that fails JSON.parse, a record over `maxRecordBytes` (its rest is read without being kept).
 * - TRUNCATED: a record still open at the end of the content, or cut by a resynchronisation.
 *
 * Resynchronisation, so that a broken record does not swallow the good ones after it:
 * - a raw newline inside a string (never valid JSON) ends the open record there; reading goes on
 *   with the next line;
 * - a `{` right after `}` or `]` outside strings (never valid JSON), or at the start of the line
 *   right after a record's first line (JSON lines: a line-start `{` there is a new record), ends
 *   the open record and starts a new one at that `{`;
 * - a record already over several lines (pretty-printed) may hold line-start braces (a nested
 *   object printed without indentation), so it is not cut there. When a record fails (JSON.parse
 *   rejects it, it outgrows the limit, or the content ends), reading goes back to the first
 *   `\n{` or `}{` after its start, as a new record, if there is one before where the record
 *   failed (a cut goes back there too). In bytes gone back over, any line-start `{` is taken
 *   as a new record. The bytes gone back over never add up to more than the content read:
 *   reading stays linear in the content's size.
 * Records back to back with no line breaks (Firehose's form) resynchronise at `}{`: a record cut
 * inside a string can take the one after it along (two when a string there holds `}{`).
 */
import { isAscii } from 'node:buffer';

/** The largest record kept: 4 MiB. A CTR is a few KiB; anything larger is counted NOT_JSON. */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/** Where records and skips go. Offsets are byte offsets within the content. */
export interface SplitSink {
  record(value: Record<string, unknown>, offset: number): void;
  skip(reason: 'NOT_JSON' | 'TRUNCATED', offset: number): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BOM = [0xef, 0xbb, 0xbf];
const NEWLINE_BRACE = Buffer.from('\n{');
const BRACES = Buffer.from('}{');
const COMMA_BRACE = Buffer.from('},{');

const isBlank = (c: number | undefined) => c === SPACE || c === NL || c === CR || c === TAB;

/** What the splitter is in the middle of. */
const START = 0; // nothing but blanks yet
const BETWEEN = 1; // between records
const GARBAGE = 2; // bytes that cannot start a record, up to the end of the line
const VALUE = 3; // a record (or a non-object value in an array), kept
const DISCARD = 4; // the rest of a record over the limit, not kept

export class RecordSplitter {
  private store: Buffer;
  /** The unconsumed content: store[0, len). */
  private data: Buffer;
  private len = 0;
  /** Content offset of data[0]. */
  private base = 0;
  private pos = 0;
  private mode = START;
  private arrayForm = false;
  private inArray = false;
  /** The open value: where it starts (an index into data), its nesting depth, string state. */
  private start = 0;
  private depth = 0;
  private inString = false;
  /** The byte at pos is escaped (a backslash ended the previous chunk inside a string). */
  private escaped = false;
  /** The first newline at or after some position ≤ pos (len: none); -1 when unknown. */
  private newline = -1;
  /** The same for the first `}{` (where Firehose's records meet), or `},{` in an array. */
  private braces = -1;
  /** Records the fast path parsed, and the times it guessed wrong (it stops when mostly wrong). */
  private hits = 0;
  private misses = 0;
  private garbageStart = 0;
  /** Bytes gone back over by rewinds, in all: never more than the content read (linear time). */
  private rescanned = 0;
  /** Content offset of the furthest byte read before a rewind: records starting before it are suspect. */
  private rescannedTo = 0;

  constructor(
    private readonly sink: SplitSink,
    private readonly maxRecordBytes = MAX_RECORD_BYTES,
  ) {
    this.store = Buffer.allocUnsafe(64 * 1024);
    this.data = this.store.subarray(0, 0);
  }

  /** Content bytes: the next chunk. */
  push(chunk: Uint8Array): void {
    this.append(chunk);
    this.scan();
  }

  /** The end of the content: what is still open is TRUNCATED (or NOT_JSON for a garbage line). */
  end(): void {
    for (;;) {
      this.scan();
      if (this.mode === VALUE) {
        if (this.rewind(this.start, this.len)) continue;
        this.sink.skip('TRUNCATED', this.base + this.start);
      } else if (this.mode === GARBAGE) this.sink.skip('NOT_JSON', this.garbageStart);
      break;
    }
    this.mode = BETWEEN;
    this.base += this.len;
    this.len = 0;
    this.pos = 0;
    this.data = this.store.subarray(0, 0);
  }

  /**
   * Drops the bytes no longer needed, then appends the chunk. With nothing held, the chunk itself
   * becomes the data (no copy: a whole file's content is scanned in place); otherwise the bytes
   * held and the chunk are copied into the store, which grows by doubling.
   */
  private append(chunk: Uint8Array): void {
    // A value being kept needs its bytes from its start; otherwise one byte before pos is kept
    // (the `\n` or `}` before a `{` tells a new record).
    const keep = this.mode === VALUE ? this.start : Math.max(0, this.pos - 1);
    const kept = this.len - keep;
    const need = kept + chunk.length;
    if (kept === 0) {
      this.data = asBuffer(chunk);
    } else {
      if (need > this.store.length) {
        const bigger = Buffer.allocUnsafe(Math.max(need, this.store.length * 2));
        this.data.copy(bigger, 0, keep, this.len);
        this.store = bigger;
      } else this.data.copy(this.store, 0, keep, this.len); // copy() allows overlapping regions
      this.store.set(chunk, kept);
      this.data = this.store.subarray(0, need);
    }
    this.base += keep;
    this.pos -= keep;
    this.start -= keep;
    this.len = need;
    this.newline = -1;
    this.braces = -1;
  }

  private scan(): void {
    while (this.pos < this.len) {
      if (this.mode === VALUE || this.mode === DISCARD) {
        this.scanValue();
        if (this.mode === VALUE && this.pos - this.start >= this.maxRecordBytes) this.overLimit();
      } else if (this.mode === GARBAGE) this.scanGarbage();
      else this.scanBetween();
    }
  }

  /**
   * The open record reached the limit (at the same byte whatever the chunks): a record that broke
   * goes back to a record start inside it; anything else is NOT_JSON, its rest read but not kept.
   */
  private overLimit(): void {
    if (this.rewind(this.start, this.pos)) return;
    this.sink.skip('NOT_JSON', this.base + this.start);
    this.mode = DISCARD;
  }

  private scanBetween(): void {
    const d = this.data;
    const len = this.len;
    let i = this.pos;
    while (i < len) {
      const c = d[i] as number;
      if (isBlank(c)) {
        i++;
      } else if (this.mode === START && this.base + i < BOM.length && c === BOM[this.base + i]) {
        i++; // a byte-order mark, byte by byte (it may be split across chunks)
      } else if (this.mode === START) {
        this.mode = BETWEEN;
        if (c === LBRACKET) {
          this.arrayForm = true;
          this.inArray = true;
          this.braces = -1;
          i++;
        }
      } else if (c === LBRACE) {
        if (this.whole(i)) {
          i = this.pos;
          continue;
        }
        this.open(i);
        return;
      } else if (this.inArray && c === COMMA) {
        i++;
      } else if (this.inArray && c === RBRACKET) {
        this.inArray = false;
        this.braces = -1;
        i++;
      } else if (c === LBRACKET && this.arrayForm && !this.inArray) {
        this.inArray = true;
        this.braces = -1;
        i++;
      } else if (c === LBRACKET) {
        this.open(i); // an array where a record should be: NOT_JSON once it closes
        return;
      } else {
        this.pos = i;
        this.garbageStart = this.base + i;
        this.mode = GARBAGE;
        return;
      }
    }
    this.pos = i;
  }

  /** Garbage runs to the end of its line, or to a `{` (in an array, also to `,`, `[` or `]`). */
  private scanGarbage(): void {
    const d = this.data;
    const len = this.len;
    let i = this.pos;
    for (; i < len; i++) {
      const c = d[i] as number;
      if (c === NL || c === LBRACE) break;
      if (this.inArray && (c === COMMA || c === RBRACKET || c === LBRACKET)) break;
    }
    this.pos = i;
    if (i === len) return;
    this.sink.skip('NOT_JSON', this.garbageStart);
    this.mode = BETWEEN;
  }

  /**
   * The fast path: a record that ends where the next `}{` or line break is (in an array, `},{`),
   * and parses, needs no scanning: JSON.parse checks all of it, and a JSON object ends where it
   * parses to. Anything else (a record that spans chunks, holds such bytes in a string, is the
   * last of an array, pretty-printed or broken) goes to the scanner. False when it did not take
   * the record.
   */
  private whole(s: number): boolean {
    if (this.misses > 32 && this.misses > this.hits) return false;
    const d = this.data;
    const len = this.len;
    let end: number;
    if (this.inArray) {
      let next = this.braces;
      if (next < s) this.braces = next = indexOrLen(d, COMMA_BRACE, s);
      end = next + 1;
    } else {
      let nl = this.newline;
      if (nl < s) this.newline = nl = indexOrLen(d, NL, s);
      let next = this.braces;
      if (next < s) this.braces = next = indexOrLen(d, BRACES, s);
      end = next < nl ? next + 1 : nl;
    }
    if (end >= len || end - s > this.maxRecordBytes) return false;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(decode(d, s, end));
    } catch {
      this.misses++;
      return false;
    }
    this.hits++;
    this.pos = end;
    this.sink.record(value, this.base + s);
    return true;
  }

  private open(i: number): void {
    this.pos = i;
    this.start = i;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.mode = VALUE;
  }

  /** The hot loop: strings by Buffer.indexOf, the bytes between them one by one. */
  private scanValue(): void {
    const d = this.data;
    const len = this.len;
    // A kept record is scanned no further than the limit.
    const limit = this.mode === VALUE ? Math.min(len, this.start + this.maxRecordBytes) : len;
    let i = this.pos;
    let depth = this.depth;
    let inString = this.inString;
    let nl = this.newline;
    if (inString && this.escaped) {
      this.escaped = false;
      if (d[i] === NL) {
        this.cut(i + 1); // escaped or not, a raw newline in a string breaks the record
        return;
      }
      i++;
    }
    while (i < limit) {
      if (inString) {
        let quote = d.indexOf(QUOTE, i);
        if (quote === -1 || quote >= limit) quote = limit;
        if (nl < i) {
          nl = d.indexOf(NL, i);
          if (nl === -1) nl = len;
        }
        if (nl < quote) {
          this.newline = nl;
          this.cut(nl + 1); // a raw newline in a string: the record broke there
          return;
        }
        if (quote === limit) {
          this.escaped = oddBackslashesBefore(d, limit, i);
          i = limit;
          break;
        }
        // Escaped when an odd run of backslashes (back to where this search started) precedes it.
        if (d[quote - 1] !== BACKSLASH || !oddBackslashesBefore(d, quote, i)) inString = false;
        i = quote + 1;
        continue;
      }
      for (; i < limit; i++) {
        const c = d[i] as number;
        if (c === QUOTE) break;
        if (c === LBRACE || c === LBRACKET) {
          if (c === LBRACE && depth > 0 && this.startsRecord(i)) {
            this.newline = nl;
            this.cut(i);
            return;
          }
          depth++;
        } else if (c === RBRACE || c === RBRACKET) {
          depth--;
          if (depth === 0) {
            this.newline = nl;
            this.close(i + 1);
            return;
          }
        }
      }
      if (i < limit) {
        inString = true;
        i++;
      }
    }
    this.inString = inString;
    this.depth = depth;
    this.newline = nl;
    this.pos = i;
  }

  /** Whether a `{` at i, inside an open value and outside strings, starts a new record instead. */
  private startsRecord(i: number): boolean {
    const before = this.data[i - 1];
    if (before === RBRACE || before === RBRACKET) return true;
    if (before !== NL) return false;
    if (this.mode === DISCARD || this.base + this.start < this.rescannedTo) return true;
    return this.data.indexOf(NL, this.start) === i - 1; // the record's first line ends here
  }

  /**
   * Ends the open value as TRUNCATED (a discarded one silently): reading goes on at `resume`, or
   * at an earlier record start inside the value when it holds one (see rewind).
   */
  private cut(resume: number): void {
    if (this.mode === VALUE) {
      if (this.rewind(this.start, resume)) return;
      this.sink.skip('TRUNCATED', this.base + this.start);
    }
    this.mode = BETWEEN;
    this.pos = resume;
  }

  /** The value data[start, end) is complete. */
  private close(end: number): void {
    const discarded = this.mode === DISCARD;
    this.mode = BETWEEN;
    this.pos = end;
    if (discarded) return;
    const d = this.data;
    const s = this.start;
    if (d[s] !== LBRACE) {
      this.sink.skip('NOT_JSON', this.base + s);
      return;
    }
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(decode(d, s, end));
    } catch {
      // Never the error: its message quotes the input.
      if (!this.rewind(s, end)) this.sink.skip('NOT_JSON', this.base + s);
      return;
    }
    this.sink.record(value, this.base + s);
  }

  /**
   * A record that failed: reading goes back to the first `\n{` or `}{` after its start (the
   * places where records meet in JSON lines and in Firehose's form), before `end`. False when
   * there is none, or when going back would make the bytes gone back over, in all, more than the
   * content read so far (so that reading stays linear in the content's size).
   */
  private rewind(s: number, end: number): boolean {
    const span = this.data.subarray(s + 1, end);
    const a = span.indexOf(NEWLINE_BRACE);
    const b = span.indexOf(BRACES);
    const at = a === -1 ? b : b === -1 ? a : Math.min(a, b);
    if (at === -1) return false;
    const from = s + 1 + at + 1;
    if (this.rescanned + (end - from) > this.base + end) return false;
    this.rescanned += end - from;
    this.rescannedTo = Math.max(this.rescannedTo, this.base + end);
    this.sink.skip('TRUNCATED', this.base + s);
    this.mode = BETWEEN;
    this.pos = from;
    this.newline = -1;
    this.braces = -1;
    return true;
  }
}

/** Where `what` first is in d from `from` on; d's length when nowhere. */
function indexOrLen(d: Buffer, what: number | Buffer, from: number): number {
  const at = d.indexOf(what, from);
  return at === -1 ? d.length : at;
}

const asBuffer = (chunk: Uint8Array): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

/** Text of d[s, e): Latin-1 decoding (much faster) gives the same string when it is all ASCII. */
const decode = (d: Buffer, s: number, e: number): string =>
  isAscii(d.subarray(s, e)) ? d.toString('latin1', s, e) : d.toString('utf8', s, e);

/** Whether the run of backslashes ending just before `at` (not reaching below `floor`) is odd. */
function oddBackslashesBefore(d: Buffer, at: number, floor: number): boolean {
  let k = at - 1;
  while (k >= floor && d[k] === BACKSLASH) k--;
  return (at - 1 - k) % 2 === 1;
}
