import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli';
import { ARN, type Call, ctr } from './ctr';

const DAY = 24 * 60;
const tmp = () => mkdtempSync(join(tmpdir(), 'analyze-'));

/** A small center: returning callers, an abandoned call, a chat, an anonymous caller, a go-live. */
const CALLS: Call[] = [
  { id: 'a1', at: 9 * 60, caller: '+14155550111', agent: 'ann', wait: 20 },
  { id: 'b1', at: 9 * 60 + 5, caller: '+14155550112', agent: 'bob', wait: 40 },
  { id: 'c1', at: 9 * 60 + 10, caller: '+14155550113', queued: true, wait: 90 },
  { id: 'd1', at: 10 * 60, caller: 'anonymous', agent: 'bob' },
  { id: 'e1', at: 10 * 60, channel: 'CHAT', caller: '+14155550114', agent: 'ann' },
  { id: 'a2', at: DAY + 9 * 60, caller: '+14155550111', agent: 'ann', wait: 5 },
  {
    id: 'b2',
    at: 2 * DAY + 9 * 60,
    caller: '+14155550112',
    agent: 'ann',
    wait: 30,
    attributes: { lastAgentRoute: 'LAST_AGENT', lastAgentReason: 'AGENT_BUSY', lastAgentArn: ARN('bob') },
  },
];

function recordsDir(calls: Call[] = CALLS): string {
  const dir = tmp();
  // Firehose's form: objects back to back, no delimiter; and a gzipped JSON-lines file.
  writeFileSync(
    join(dir, 'part-1'),
    calls
      .slice(0, 4)
      .map((c) => JSON.stringify(ctr(c)))
      .join(''),
  );
  writeFileSync(
    join(dir, 'part-2'),
    gzipSync(
      calls
        .slice(4)
        .map((c) => JSON.stringify(ctr(c)))
        .join('\n'),
    ),
  );
  return dir;
}

describe('last-agent analyze', () => {
  it('--json prints the figures of the records, one JSON object', async () => {
    const { code, stdout, stderr } = await runCli(['analyze', '--records', recordsDir(), '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const a = JSON.parse(stdout);
    expect(a).toMatchObject({
      files: 2,
      records: 7,
      duplicates: 0,
      skipped: { total: 0 },
      contacts: 6,
      callers: 3,
      handled: 5,
      agents: 2,
      returning: 2,
      returningShare: 2 / 5,
      sameAgentShare: 1 / 2,
      abandonRate: 1 / 6,
      outcome: { decided: 1, routedLastAgent: 1, reachedLastAgentShare: 0 },
    });
  });

  it('takes several PATHs after --records, and several --records', async () => {
    const dir = recordsDir();
    const one = JSON.parse((await runCli(['analyze', '--records', dir, '--json'])).stdout);
    const files = readdirSync(dir).map((f) => join(dir, f));
    const many = JSON.parse((await runCli(['analyze', '--records', ...files, '--json'])).stdout);
    const repeated = JSON.parse(
      (await runCli(['analyze', '--records', files[0] as string, '--records', files[1] as string, '--json']))
        .stdout,
    );
    expect(many).toEqual(one);
    expect(repeated).toEqual(one);
  });

  it('--out writes analysis.json, report.md and the chart; the report prints on stdout without --json', async () => {
    const out = join(tmp(), 'report');
    const { code, stdout } = await runCli(['analyze', '--records', recordsDir(), '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toContain('# Your center in numbers');
    expect(stdout).toContain(`wrote analysis.json, report.md, arrivals-staffing.svg to ${out}/`);
    expect(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')).contacts).toBe(6);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('](arrivals-staffing.svg)');
    expect(readFileSync(join(out, 'arrivals-staffing.svg'), 'utf8')).toMatch(/^<svg[^>]*>/);
  });

  it('names a file that cannot be decompressed in the report, and goes on', async () => {
    const dir = recordsDir();
    writeFileSync(join(dir, 'part-15'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xfe]));
    const { code, stdout } = await runCli(['analyze', '--records', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Could not read or decompress 1 file: \`${join(dir, 'part-15')}\`.`);
    const a = JSON.parse((await runCli(['analyze', '--records', dir, '--json'])).stdout);
    expect(a.skipped.unreadableFiles).toEqual([join(dir, 'part-15')]);
    expect(a.contacts).toBe(6);
  });

  it.each([
    [[], /analyze needs --records PATH/],
    [['--records', '/no/such/dir'], /cannot read records from '\/no\/such\/dir'/],
    [['--records', '.', '--timezone', 'Mars/Olympus'], /--timezone must be an IANA time zone/],
    [['--records', '.', '--since', 'yesterday'], /--since must be an ISO 8601 date/],
    [
      ['--records', '.', '--since', '2026-03-02', '--until', '2026-03-01'],
      /--since .* must be before --until/,
    ],
    [['--records', '.', '--lookback-days', '0'], /--lookback-days must be a number of days 1-365/],
    [['--records', '.', '--attribute-names', 'route:a,route:b'], /gives route twice/],
    [['--records', '.', '--attribute-names', 'colour:x'], /KEY one of route, reason, agentArn/],
    [['--records', '.', '--out', '/etc/passwd'], /--out \/etc\/passwd exists and is not a directory/],
    [['--records', '.', '--bogus'], /unknown option '--bogus' for analyze/],
  ])('exits 2 before reading, one line: %j', async (args, message) => {
    const { code, stdout, stderr } = await runCli(['analyze', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('exits 2 when no record can be read at all', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'notes.txt'), 'not contact records\n');
    const { code, stderr } = await runCli(['analyze', '--records', dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no contact record could be read/);
  });
});

describe('privacy: no caller number, nor its last digits, anywhere', () => {
  const NUMBERS = ['+14155550111', '+14155550112', '+14155550113', '+14155550114', '+19075550199'];

  it('with bad records holding a number (a garbage line, a truncated object), in stdout, stderr and --out files', async () => {
    const dir = recordsDir();
    const good = JSON.stringify(ctr({ id: 'z1', at: 3 * DAY, caller: '+14155550111', agent: 'ann' }));
    writeFileSync(
      join(dir, 'part-3'),
      [
        good,
        'garbage call from +19075550199 at 10:00',
        '{"ContactId":"t1","CustomerEndpoint":{"Address":"+19075550199"',
        JSON.stringify(ctr({ id: 'z2', at: 3 * DAY + 60, caller: '+14155550112', agent: 'bob' })),
        '{"ContactId":"t2","CustomerEndpoint":{"Address":"+19075550199"},"Channel":"VOICE"',
      ].join('\n'),
    );
    const out = join(tmp(), 'out');
    mkdirSync(out);
    const runs = [
      await runCli(['analyze', '--records', dir, '--json']),
      await runCli(['analyze', '--records', dir, '--out', out]),
    ];
    const json = JSON.parse(runs[0]?.stdout as string);
    expect(json.records).toBe(9);
    expect(json.skipped.total).toBeGreaterThanOrEqual(2);
    expect(json.skipped.byReason.NOT_JSON + json.skipped.byReason.TRUNCATED).toBe(json.skipped.total);
    for (const e of json.skipped.examples)
      expect(Object.keys(e).sort()).toEqual(['file', 'offset', 'reason']);
    const everything = [
      ...runs.flatMap((r) => [r.stdout, r.stderr]),
      ...readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')),
    ].join('\n');
    for (const n of NUMBERS) {
      expect(everything).not.toContain(n.slice(2));
      // Nor the last four digits with a mask before them, as the decision logs show numbers.
      expect(everything).not.toMatch(new RegExp(`\\*${n.slice(-4)}`));
    }
    expect(everything).not.toMatch(/\+1\d{6,}/);
  });
});
