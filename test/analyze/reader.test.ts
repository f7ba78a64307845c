import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadOptions, RecordsPathError, progressText, readRecords } from '../../analyze/records/reader';
import { type Place, SkipTally } from '../../analyze/records/skips';
import { ProgressLine } from '../../local/progress';

const asRoot = process.getuid?.() === 0;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'records-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A file under the test folder (folders made as needed). */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const ctr = (id: string, extra: Record<string, unknown> = {}) => ({
  ContactId: id,
  InitiationTimestamp: '2026-11-10T09:00:00Z',
  LastUpdateTimestamp: '2026-11-10T09:05:00Z',
  CustomerEndpoint: { Address: '+14155550100', Type: 'TELEPHONE_NUMBER' },
  Attributes: { note: 'braces } { and "quotes" é' },
  ...extra,
});
const ABC = [ctr('a'), ctr('b'), ctr('c')];
const FORMS: Record<string, (rs: object[]) => string> = {
  concatenated: (rs) => rs.map((r) => JSON.stringify(r)).join(''),
  'JSON lines': (rs) => `${rs.map((r) => JSON.stringify(r)).join('\n')}\n`,
  array: (rs) => JSON.stringify(rs),
  'pretty-printed': (rs) => rs.map((r) => JSON.stringify(r, null, 2)).join('\n'),
};

/** Reads the PATHs; the records, the places, the skips and the totals. */
async function read(paths: string[], options: Partial<ReadOptions> = {}) {
  const records: Record<string, unknown>[] = [];
  const places: Place[] = [];
  const skips = new SkipTally();
  const totals = await readRecords(paths, {
    onRecord: (record, place) => {
      records.push(record);
      places.push(place);
      return undefined;
    },
    skips,
    ...options,
  });
  return { records, places, skips: skips.toJSON(), totals };
}

describe('readRecords: forms, told by content', () => {
  for (const [form, render] of Object.entries(FORMS)) {
    for (const gzip of [false, true]) {
      it(`${form}${gzip ? ', gzipped' : ''}`, async () => {
        const text = render(ABC);
        // The name says nothing true: the content decides.
        const path = file(`forms/${form}-${gzip}.json${gzip ? '' : '.gz'}`, gzip ? gzipSync(text) : text);
        const { records, places, skips, totals } = await read([path]);
        expect(records).toEqual(ABC);
        expect(skips.total).toBe(0);
        expect(totals).toEqual({ files: 1, records: 3, bytes: Buffer.byteLength(text) });
        const first = form === 'array' ? 1 : 0;
        expect(places[0]).toEqual({ file: path, offset: first });
      });
    }
  }

  it('gzip members one after the other (as Firehose may write them) read as one content', async () => {
    const path = file(
      'members',
      Buffer.concat([gzipSync(JSON.stringify(ABC[0])), gzipSync(FORMS.concatenated?.(ABC.slice(1)) ?? '')]),
    );
    const { records, places, skips } = await read([path]);
    expect(records).toEqual(ABC);
    expect(skips.total).toBe(0);
    expect(places[1]?.offset).toBe(Buffer.byteLength(JSON.stringify(ABC[0])));
  });

  it('an empty file holds no record and no skip', async () => {
    const { records, skips, totals } = await read([file('empty', ''), file('empty.gz', gzipSync(''))]);
    expect(records).toEqual([]);
    expect(skips.total).toBe(0);
    expect(totals).toEqual({ files: 2, records: 0, bytes: 0 });
  });
});

describe('readRecords: directories', () => {
  it('walks recursively in sorted order, skipping hidden entries, files told by content', async () => {
    file('tree/b/2.txt', gzipSync(JSON.stringify(ctr('b2'))));
    file('tree/b/1', JSON.stringify(ctr('b1')));
    file('tree/a.json.gz', JSON.stringify(ctr('a')));
    file('tree/c/d/deep.json', `${JSON.stringify(ctr('deep'))}\n`);
    file('tree/.hidden.json', JSON.stringify(ctr('hidden')));
    file('tree/.git/objects.json', JSON.stringify(ctr('git')));
    symlinkSync(join(dir, 'tree/c'), join(dir, 'tree/link-to-dir'));
    const { records, totals } = await read([join(dir, 'tree')]);
    expect(records.map((r) => r.ContactId)).toEqual(['a', 'b1', 'b2', 'deep']);
    expect(totals.files).toBe(4);
  });

  it('a corrupt gzip found under a directory is UNREADABLE_FILE, and the run goes on', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => ctr(`r${i}`, { pad: `${i}`.repeat(20) }));
    const whole = gzipSync(FORMS.concatenated?.(many) ?? '', { level: 1 });
    file('corrupt/1-cut.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    file('corrupt/2-garbage.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    file('corrupt/3-good.json', JSON.stringify(ctr('good')));
    const { records, skips, totals } = await read([join(dir, 'corrupt')]);
    // What was read from the cut file before the failure counts; the record in progress does not.
    expect(records.length).toBeGreaterThan(100);
    expect(records.length).toBeLessThan(3001);
    expect(records.at(-1)?.ContactId).toBe('good');
    expect(skips.byReason).toEqual({ NOT_JSON: 0, TRUNCATED: 0, MISSING_FIELD: 0, UNREADABLE_FILE: 2 });
    expect(skips.examples[0]?.file).toBe(join(dir, 'corrupt/1-cut.gz'));
    expect(skips.examples[0]?.offset).toBeGreaterThan(0);
    expect(skips.examples[1]).toEqual({
      file: join(dir, 'corrupt/2-garbage.gz'),
      offset: 0,
      reason: 'UNREADABLE_FILE',
    });
    expect(totals.files).toBe(3);
  });

  it('in a large run, a file failing in the middle is named after the examples are full; whole and streamed reads agree', async () => {
    const good = (i: number) => `${JSON.stringify(ctr(`m${i}`))}\nnot json ${i}\n`;
    for (let i = 0; i < 30; i++) {
      const body = Buffer.from(good(i));
      file(`large/${String(i).padStart(2, '0')}.json${i % 2 ? '.gz' : ''}`, i % 2 ? gzipSync(body) : body);
    }
    const cut = gzipSync(Array.from({ length: 500 }, (_, i) => good(1000 + i)).join(''));
    file('large/20-cut.gz', cut.subarray(0, Math.floor(cut.length * 0.6)));
    const whole = await read([join(dir, 'large')]);
    const streamed = await read([join(dir, 'large')], { wholeFileBytes: 0 });
    expect(whole.skips.examples).toHaveLength(10);
    expect(whole.skips.byReason.UNREADABLE_FILE).toBe(1);
    expect(whole.skips.unreadableFiles).toEqual([join(dir, 'large/20-cut.gz')]);
    expect(whole.records.at(-1)?.ContactId).toBe('m29');
    expect(whole.records.length).toBeGreaterThan(30 + 100);
    expect(streamed.records).toEqual(whole.records);
    expect(streamed.places).toEqual(whole.places);
    expect(streamed.skips).toEqual(whole.skips);
    expect(streamed.totals).toEqual(whole.totals);
  });

  it.skipIf(asRoot)('an unreadable file or folder under a directory is UNREADABLE_FILE', async () => {
    file('locked/a.json', JSON.stringify(ctr('a')));
    const locked = file('locked/b.json', JSON.stringify(ctr('b')));
    file('locked/sub/c.json', JSON.stringify(ctr('c')));
    file('locked/z.json', JSON.stringify(ctr('z')));
    chmodSync(locked, 0o000);
    chmodSync(join(dir, 'locked/sub'), 0o000);
    try {
      const { records, skips } = await read([join(dir, 'locked')]);
      expect(records.map((r) => r.ContactId)).toEqual(['a', 'z']);
      expect(skips.examples).toEqual([
        { file: locked, offset: 0, reason: 'UNREADABLE_FILE' },
        { file: join(dir, 'locked/sub'), offset: 0, reason: 'UNREADABLE_FILE' },
      ]);
      // Named on the command line, the same file stops the run (exit 2).
      await expect(read([locked])).rejects.toThrow(RecordsPathError);
    } finally {
      chmodSync(locked, 0o644);
      chmodSync(join(dir, 'locked/sub'), 0o755);
    }
  });
});

describe('readRecords: bad input is counted, never fatal', () => {
  it('a garbage line and truncated objects are skipped; reading goes on', async () => {
    const text = [
      JSON.stringify(ABC[0]),
      'not json at all',
      JSON.stringify(ABC[1]).slice(0, 40),
      JSON.stringify(ABC[2]),
      JSON.stringify(ctr('last')).slice(0, 30),
    ].join('\n');
    const path = file('bad.jsonl.gz', gzipSync(text));
    const { records, skips } = await read([path]);
    expect(records.map((r) => r.ContactId)).toEqual(['a', 'c']);
    expect(skips.byReason).toEqual({ NOT_JSON: 1, TRUNCATED: 2, MISSING_FIELD: 0, UNREADABLE_FILE: 0 });
    const line = (n: number) => Buffer.byteLength(text.split('\n').slice(0, n).join('\n')) + 1;
    expect(skips.examples).toEqual([
      { file: path, offset: line(1), reason: 'NOT_JSON' },
      { file: path, offset: line(2), reason: 'TRUNCATED' },
      { file: path, offset: line(4), reason: 'TRUNCATED' },
    ]);
  });

  it("what onRecord answers is counted: MISSING_FIELD, at the record's place", async () => {
    const path = file('missing.json', FORMS.concatenated?.([ctr('a'), { ContactId: 'x' }, ctr('b')]) ?? '');
    const skips = new SkipTally();
    const totals = await readRecords([path], {
      onRecord: (r) => (typeof r.InitiationTimestamp === 'string' ? undefined : 'MISSING_FIELD'),
      skips,
    });
    expect(totals.records).toBe(2);
    expect(skips.toJSON()).toEqual({
      total: 1,
      byReason: { NOT_JSON: 0, TRUNCATED: 0, MISSING_FIELD: 1, UNREADABLE_FILE: 0 },
      examples: [
        { file: path, offset: Buffer.byteLength(JSON.stringify(ctr('a'))), reason: 'MISSING_FIELD' },
      ],
      unreadableFiles: [],
    });
  });

  it('keeps the first 10 examples and counts them all', async () => {
    const path = file('garbage.txt', Array.from({ length: 25 }, (_, i) => `garbage ${i}`).join('\n'));
    const { skips } = await read([path]);
    expect(skips.total).toBe(25);
    expect(skips.byReason.NOT_JSON).toBe(25);
    expect(skips.examples).toHaveLength(10);
    expect(skips.examples[9]?.offset).toBe('garbage 0\n'.length * 9);
  });

  it('a record over the size limit is NOT_JSON', async () => {
    const big = ctr('big', { pad: 'x'.repeat(5000) });
    const path = file('big.json', FORMS['JSON lines']?.([ctr('a'), big, ctr('b')]) ?? '');
    const { records, skips } = await read([path], { maxRecordBytes: 4096 });
    expect(records.map((r) => r.ContactId)).toEqual(['a', 'b']);
    expect(skips.byReason.NOT_JSON).toBe(1);
  });

  it('no phone number from a broken record reaches an example, an error or a total', async () => {
    const phone = '+14155550123';
    const text = [
      `{"ContactId": "p1", "CustomerEndpoint": {"Address": ${phone}}}`, // fails JSON.parse, quoting it
      `garbage with ${phone} in it`,
      `{"ContactId":"p2","CustomerEndpoint":{"Address":"${phone}"`,
      JSON.stringify(ctr('ok')),
      `{"ContactId":"p3","CustomerEndpoint":{"Address":"${phone}`,
    ].join('\n');
    const path = file('privacy.json', text);
    const { records, skips, totals } = await read([path]);
    expect(records.map((r) => r.ContactId)).toEqual(['ok']);
    expect(skips.total).toBe(4);
    const everything = JSON.stringify({ skips, totals });
    expect(everything).not.toContain('4155550123');
    expect(everything).not.toContain('p1');
    const error = await read([join(dir, `missing-${phone}`)]).catch((e: Error) => e);
    expect(String((error as Error).stack)).not.toContain('Address');
  });
});

describe('readRecords: PATHs named on the command line', () => {
  it('a missing PATH is a RecordsPathError naming it in one line, before any record is read', async () => {
    const good = file('named/good.json', JSON.stringify(ctr('a')));
    const missing = join(dir, 'named/nope.json');
    let called = 0;
    const error = await readRecords([good, missing], {
      onRecord: () => {
        called++;
        return undefined;
      },
      skips: new SkipTally(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordsPathError);
    expect((error as Error).message).toBe(`cannot read records from '${missing}': no such file or directory`);
    expect((error as Error).message).not.toContain('\n');
    expect(called).toBe(0);
  });

  it('a file named twice, and a file and its folder, are read each time', async () => {
    const path = file('twice/a.json', JSON.stringify(ctr('a')));
    const { records, totals } = await read([path, path, join(dir, 'twice')]);
    expect(records).toHaveLength(3);
    expect(totals.files).toBe(3);
  });
});

describe('readRecords: the progress line', () => {
  it('shows files, records and records/s on a terminal, and is cleared at the end', async () => {
    const writes: string[] = [];
    let now = 0;
    const clock = () => {
      now += 500;
      return now;
    };
    const stream = { isTTY: true, write: (s: string) => writes.push(s) > 0 };
    const progress = new ProgressLine(stream, 'analyze', {
      clock,
      delayMs: 0,
      intervalMs: 0,
    });
    const path = file('progress.json', FORMS.concatenated?.(ABC) ?? '');
    await read([path, path], { progress });
    expect(writes.some((w) => /analyze: 1 file, 3 records, [\d,]+ records\/s/.test(w))).toBe(true);
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('reads as "3 files, 120,345 records, 98,000 records/s"', () => {
    expect(progressText(3, 120_345, 120_345 / 98_000)).toBe('3 files, 120,345 records, 98,000 records/s');
    expect(progressText(1, 1, 0)).toBe('1 file, 1 record, 0 records/s');
  });
});
