import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordSplitter } from '../../analyze/records/splitter';

type Event = { record: Record<string, unknown>; offset: number } | { skip: string; offset: number };

/** Splits `text` fed in chunks of `chunk` bytes (or at the given cut points); the events in order. */
function split(text: string | Buffer, chunk: number | number[] = Number.MAX_SAFE_INTEGER, max?: number) {
  const events: Event[] = [];
  const splitter = new RecordSplitter(
    {
      record: (record, offset) => events.push({ record, offset }),
      skip: (skip, offset) => events.push({ skip, offset }),
    },
    max,
  );
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const cuts = typeof chunk === 'number' ? [] : [...chunk].sort((a, b) => a - b);
  if (typeof chunk === 'number') for (let i = chunk; i < bytes.length; i += chunk) cuts.push(i);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  splitter.end();
  return events;
}

const records = (events: Event[]) => events.flatMap((e) => ('record' in e ? [e.record] : []));
const skips = (events: Event[]) => events.flatMap((e) => ('skip' in e ? [`${e.skip}@${e.offset}`] : []));

/** The same events whatever the chunk size, from one byte to the whole text. */
function expectChunkFree(text: string, max?: number) {
  const whole = split(text, Number.MAX_SAFE_INTEGER, max);
  for (let size = 1; size <= Buffer.byteLength(text); size++) expect(split(text, size, max)).toEqual(whole);
  return whole;
}

const A = { ContactId: 'a', InitiationTimestamp: '2026-11-10T09:00:00Z', n: 1 };
const B = { ContactId: 'b', Attributes: { note: 'x' }, list: [1, { y: null }] };
const C = { ContactId: 'c', ok: true };
const TRICKY = {
  ContactId: 'tricky',
  braces: '} { ] [ }{ ][',
  quotes: 'say "hi" \\ back\\slash \\\\"',
  unicode: 'é 😀 中文 \u2028',
  nested: { deeper: [{ a: '}' }, '{'] },
};

describe('the record splitter: forms', () => {
  it('objects back to back with no delimiter (Firehose)', () => {
    const text = [A, B, C].map((r) => JSON.stringify(r)).join('');
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A, B, C]);
    expect(events.map((e) => e.offset)).toEqual([
      0,
      JSON.stringify(A).length,
      text.indexOf('{"ContactId":"c"'),
    ]);
  });

  it('JSON lines, with CRLF, blank lines and no final newline', () => {
    const text = `${JSON.stringify(A)}\r\n\n${JSON.stringify(B)}\n   ${JSON.stringify(C)}`;
    expect(records(expectChunkFree(text))).toEqual([A, B, C]);
  });

  it('a JSON array, compact and pretty-printed', () => {
    expect(records(expectChunkFree(JSON.stringify([A, B, C])))).toEqual([A, B, C]);
    expect(records(expectChunkFree(`\n  ${JSON.stringify([A, B, C], null, 2)}\n`))).toEqual([A, B, C]);
    expect(records(split('[]'))).toEqual([]);
  });

  it('pretty-printed objects one after the other, indented or not', () => {
    const indented = [A, B, C].map((r) => JSON.stringify(r, null, 2)).join('\n');
    expect(records(expectChunkFree(indented))).toEqual([A, B, C]);
    const flat = [B, A].map((r) => JSON.stringify(r, null, 2).replace(/\n +/g, '\n')).join('\n');
    expect(flat).toContain('\n{');
    expect(records(expectChunkFree(flat))).toEqual([B, A]);
  });

  it('strings holding braces, brackets, escaped quotes, backslashes and unicode', () => {
    const text = `${JSON.stringify(TRICKY)}${JSON.stringify(A)}\n${JSON.stringify(TRICKY)}`;
    expect(records(expectChunkFree(text))).toEqual([TRICKY, A, TRICKY]);
  });

  it('offsets are bytes, not characters, and a byte-order mark is skipped', () => {
    const text = `\ufeff${JSON.stringify({ x: 'é😀' })}${JSON.stringify(A)}`;
    const events = expectChunkFree(text);
    expect(events.map((e) => e.offset)).toEqual([3, 3 + Buffer.byteLength(JSON.stringify({ x: 'é😀' }))]);
  });

  it('empty and blank content hold no record and no skip', () => {
    expect(split('')).toEqual([]);
    expect(split(' \n\t\r\n')).toEqual([]);
  });
});

describe('the record splitter: bad input', () => {
  it('a garbage line in the middle is one NOT_JSON, and reading goes on', () => {
    const text = `${JSON.stringify(A)}\nthis is not json\n${JSON.stringify(B)}\n`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A, B]);
    expect(skips(events)).toEqual([`NOT_JSON@${text.indexOf('this')}`]);
  });

  it('garbage between objects on one line, and at the start of the content', () => {
    const text = `xyz${JSON.stringify(A)}123${JSON.stringify(B)}`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A, B]);
    expect(skips(events)).toEqual(['NOT_JSON@0', `NOT_JSON@${text.indexOf('123')}`]);
  });

  it('an object that fails JSON.parse is NOT_JSON', () => {
    const text = `{"ContactId": nope}\n{"a":1,,}\n${JSON.stringify(A)}`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A]);
    expect(skips(events)).toEqual(['NOT_JSON@0', `NOT_JSON@${text.indexOf('{"a"')}`]);
  });

  it('values that are not objects are NOT_JSON: array elements, an array among objects', () => {
    const array = expectChunkFree(`[1, ${JSON.stringify(A)}, "x", [2, 3], null, true]`);
    expect(records(array)).toEqual([A]);
    expect(skips(array)).toHaveLength(5);
    const inline = expectChunkFree(`${JSON.stringify(A)}\n[${JSON.stringify(B)}]\n${JSON.stringify(C)}`);
    expect(records(inline)).toEqual([A, C]);
    expect(skips(inline)).toEqual([`NOT_JSON@${JSON.stringify(A).length + 1}`]);
  });

  it('a truncated object at the end is TRUNCATED', () => {
    const text = `${JSON.stringify(A)}${JSON.stringify(B).slice(0, 20)}`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A]);
    expect(skips(events)).toEqual([`TRUNCATED@${JSON.stringify(A).length}`]);
  });

  it('a JSON-lines record cut outside a string does not swallow the next one', () => {
    const cut = '{"ContactId":"a","CustomerEndpoint":{"Address":"+14155550123"';
    const text = `${cut}\n${JSON.stringify(B)}\n${JSON.stringify(C)}\n`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([B, C]);
    expect(skips(events)).toEqual(['TRUNCATED@0']);
  });

  it('a JSON-lines record cut inside a string does not swallow the next one', () => {
    const text = `${JSON.stringify(A)}\n{"ContactId":"x","CustomerEndpoint":{"Address":"+1415\n${JSON.stringify(B)}`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A, B]);
    expect(skips(events)).toEqual([`TRUNCATED@${JSON.stringify(A).length + 1}`]);
  });

  it('a record cut right before the next one, back to back, loses only itself', () => {
    const text = `${JSON.stringify(A)}{"ContactId":"x","Queue":{"Name":"q"}${JSON.stringify(B)}${JSON.stringify(C)}`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A, B, C]);
    expect(skips(events)).toEqual([`TRUNCATED@${JSON.stringify(A).length}`]);
  });

  it('a record cut inside a string, back to back, resynchronises at the next `}{`', () => {
    const text = `${JSON.stringify(A)}{"ContactId":"x","Note":"cut${JSON.stringify(B)}${JSON.stringify(C)}`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A, C]);
    expect(skips(events)).toEqual([`TRUNCATED@${JSON.stringify(A).length}`]);
  });

  it('a pretty-printed record cut in the middle goes back to the next record start', () => {
    const cut = JSON.stringify(B, null, 2).split('\n').slice(0, 3).join('\n');
    const text = `${cut}\n${JSON.stringify(A, null, 2)}\n${JSON.stringify(C, null, 2)}\n`;
    const events = expectChunkFree(text);
    expect(records(events)).toEqual([A, C]);
    expect(skips(events)).toEqual(['TRUNCATED@0']);
  });

  it('a record over the size limit is NOT_JSON, and the next one is read', () => {
    const big = { ContactId: 'big', pad: 'x'.repeat(300), more: [{ a: 'y'.repeat(100) }] };
    const text = `${JSON.stringify(A)}\n${JSON.stringify(big)}${JSON.stringify(B)}\n${JSON.stringify(C)}`;
    const events = expectChunkFree(text, 200);
    expect(records(events)).toEqual([A, B, C]);
    expect(skips(events)).toEqual([`NOT_JSON@${JSON.stringify(A).length + 1}`]);
  });

  it('an oversized record is not kept: memory stays near the limit', () => {
    const limit = 64 * 1024;
    const splitter = new RecordSplitter({ record: () => undefined, skip: () => undefined }, limit);
    splitter.push(Buffer.from('{"pad":"'));
    const piece = Buffer.alloc(16 * 1024, 'x');
    for (let i = 0; i < 1024; i++) splitter.push(piece); // 16 MiB of one string
    const store = (splitter as unknown as { store: Buffer }).store;
    expect(store.length).toBeLessThanOrEqual(4 * limit);
  });
});

describe('the record splitter: any chunking', () => {
  const record = fc.record({
    ContactId: fc.string({ minLength: 1, maxLength: 8 }),
    text: fc.string({ unit: 'grapheme', maxLength: 12 }),
    tricky: fc.constantFrom('{', '}', '[', ']', '"', '\\', '}{', '\\"', '\u2028', 'é'),
    nested: fc.option(
      fc.record({ list: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }) }),
    ),
  });
  const form = fc.constantFrom('concatenated', 'lines', 'array', 'pretty');
  const render = (rs: object[], f: string) =>
    f === 'concatenated'
      ? rs.map((r) => JSON.stringify(r)).join('')
      : f === 'lines'
        ? rs.map((r) => JSON.stringify(r)).join('\n')
        : f === 'array'
          ? JSON.stringify(rs)
          : rs.map((r) => JSON.stringify(r, null, 2)).join('\n');

  it('finds the same records wherever the chunks are cut', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 5 }),
        form,
        fc.array(fc.nat(), { maxLength: 6 }),
        (rs, f, cutsSeed) => {
          const bytes = Buffer.from(render(rs, f));
          const cuts = cutsSeed.map((c) => c % (bytes.length + 1));
          const events = split(bytes, cuts);
          expect(skips(events)).toEqual([]);
          expect(records(events)).toEqual(JSON.parse(JSON.stringify(rs)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any bytes split the same at every chunk size, and never throw', () => {
    const piece = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      ',',
      ':',
      '\\',
      ' ',
      '\n',
      'a',
      '1',
      '{"a":1}',
      '"x}{y"',
      '}{',
      '\n{',
      '},{',
      '{"c":[{"d":1},{"e":2}]}',
    );
    fc.assert(
      fc.property(
        fc.constantFrom('', '[', ' [\n'),
        fc.array(piece, { maxLength: 80 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 2, max: 40 })),
        (start, pieces, size, max) => {
          const text = start + pieces.join('');
          expect(split(text, size, max ?? undefined)).toEqual(
            split(text, Number.MAX_SAFE_INTEGER, max ?? undefined),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a record cut anywhere in JSON lines or pretty-printed objects loses no other record', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 3, maxLength: 5 }),
        fc.constantFrom('lines', 'pretty'),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 64 }),
        (rs, f, which, at, size) => {
          const w = which % rs.length;
          const texts: Buffer[] = rs.map((r) =>
            Buffer.from(f === 'pretty' ? JSON.stringify(r, null, 2) : JSON.stringify(r)),
          );
          const cut = texts[w] as Buffer;
          texts[w] = cut.subarray(0, 1 + (at % (cut.length - 1)));
          const bytes = Buffer.concat(texts.flatMap((t) => [t, Buffer.from('\n')]));
          const found = records(split(bytes, size)).map((r) => JSON.stringify(r));
          for (const [i, r] of rs.entries()) if (i !== w) expect(found).toContain(JSON.stringify(r));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('broken content splits the same at every chunk size', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 2, maxLength: 3 }),
        form,
        fc.nat(),
        fc.nat(),
        (rs, f, a, b) => {
          // Cut a piece out of the middle: whatever is found, it does not depend on the chunks.
          const text = render(rs, f);
          const from = a % text.length;
          const broken = text.slice(0, from) + text.slice(from + (b % 20));
          const whole = split(broken);
          for (const size of [1, 2, 3, 7, 64]) expect(split(broken, size)).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });
});
