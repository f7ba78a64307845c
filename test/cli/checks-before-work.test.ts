/**
 * Issue #21: every path, range and combination is checked before any work starts, and named by
 * the flag the user typed (or the variable, when that is what they set). Every case here fails
 * at its arguments: exit 2, one line naming the flag, nothing on stdout, and nothing run.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../../cli/usage';
import { parseFault } from '../../local/connect/faults';
import { runCli } from './run-cli';

const EVENT = fileURLToPath(new URL('../fixtures/connect-event.json', import.meta.url));
const PHONE = ['decide', '--phone', '+14155550123'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-checks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 2 and one line on stderr matching `message`, with the command's --help hint. */
async function refused(args: string[], message: RegExp, env: Record<string, string> = {}) {
  const started = Date.now();
  const { code, stdout, stderr } = await runCli(args, env);
  expect(code, stderr).toBe(2);
  expect(stdout).toBe('');
  const lines = stderr.split('\n');
  expect(lines, stderr).toHaveLength(2);
  expect(lines[0]).toMatch(message);
  expect(lines[0]).toMatch(new RegExp(`\\(see: last-agent ${args[0]} --help\\)$`));
  // Refused at the arguments, not after a run.
  expect(Date.now() - started).toBeLessThan(5000);
  return lines[0] as string;
}

/** The help text of one option. */
const helpOf = (command: keyof typeof USAGE, flag: string) =>
  USAGE[command].options.find((o) => o.flag === flag)?.help ?? '';

describe('1. bench --cold-node', () => {
  it('a path that does not exist is refused before work, naming --cold-node', async () => {
    await refused(
      ['bench', '--cold-node', '/nonexistent/node'],
      /^last-agent: --cold-node must be an executable/,
    );
  });

  it('a file that is not executable is refused', async () => {
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    await refused(['bench', '--cold-node', file], /--cold-node must be an executable Node binary/);
  });

  it('a directory is refused', async () => {
    await refused(['bench', '--cold-node', dir], /--cold-node must be an executable/);
  });
});

describe('2. bench --out', () => {
  it('an existing file is refused, naming --out', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await refused(['bench', '--out', file], /--out must be a directory/);
  });

  it('a place under a file is refused', async () => {
    const file = join(dir, 'another-file');
    writeFileSync(file, 'x');
    await refused(['bench', '--out', join(file, 'results')], /--out must be a directory/);
  });

  it.skipIf(process.getuid?.() === 0)('an unwritable place is refused', async () => {
    await refused(['bench', '--out', '/proc/last-agent-results'], /--out must be a directory/);
  });

  it('the usage says what --out must be', () => {
    expect(helpOf('bench', '--out')).toMatch(/exists or can be created, writable/);
  });
});

describe('3. backfill --checkpoint', () => {
  it('a checkpoint in a directory that does not exist is refused before work', async () => {
    await refused(
      ['backfill', '--local', '--checkpoint', '/nonexistent-dir/cp.json'],
      /--checkpoint \/nonexistent-dir\/cp.json: its directory \/nonexistent-dir must exist and be writable/,
    );
  });

  it('a checkpoint under a file is refused', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    await refused(
      ['backfill', '--local', '--checkpoint', join(file, 'cp.json')],
      /its directory .* must exist/,
    );
  });

  it('a checkpoint that is a directory is refused', async () => {
    await refused(
      ['backfill', '--local', '--checkpoint', dir],
      /exists but is not a readable and writable file/,
    );
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable checkpoint is refused', async () => {
    const file = join(dir, 'unreadable.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o200);
    await refused(['backfill', '--local', '--checkpoint', file], /not a readable and writable file/);
  });
});

describe('4. decide --now', () => {
  it.each(['99999-01-01', '0', '2026-03-01', 'yesterday', '+012026-03-01T00:00:00Z', '2026-13-01T00:00:00Z'])(
    '--now %s is a usage error naming --now and the accepted form',
    async (now) => {
      await refused(
        [...PHONE, '--now', now],
        /--now must be an ISO 8601 time, a date and a time with a 4-digit year such as 2026-03-01T12:00:00Z/,
      );
    },
  );

  it.each(['2026-12-31T00:00:00Z', '2026-12-31T00:00Z', '2026-12-31T00:00:00.000+01:00'])(
    '--now %s is accepted',
    async (now) => {
      const { code } = await runCli([...PHONE, '--now', now, '--json']);
      expect(code).toBe(0);
    },
  );
});

describe('5. --fault RATE and DELAY_MS', () => {
  it.each([
    ['SearchContacts:throttle:', /RATE must be a number above 0 and at most 1/],
    ['SearchContacts:throttle:0', /RATE must be a number above 0 and at most 1/],
    ['SearchContacts:throttle:1.5', /RATE must be a number above 0 and at most 1/],
    ['SearchContacts:throttle:-0.5', /RATE must be a number above 0 and at most 1/],
    ['SearchContacts:slow:1:', /DELAY_MS must be a whole number of milliseconds, DELAY_MS at least 0/],
    ['SearchContacts:slow:1:-1', /DELAY_MS must be a whole number/],
    ['SearchContacts:slow:1:1.5', /DELAY_MS must be a whole number/],
    ['SearchContacts:slow:1:10:extra', /RATE a number above 0 and at most 1 .*DELAY_MS a whole number 0-/],
  ])('%s is refused, with the range', async (fault, message) => {
    await refused([...PHONE, '--fault', fault], message);
  });

  it('RATE and DELAY_MS in range, or left out, are accepted', () => {
    expect(parseFault('SearchContacts:throttle')).toMatchObject({ rate: 1, delayMs: 10000 });
    expect(parseFault('*:slow:0.25:0')).toMatchObject({ operation: '*', rate: 0.25, delayMs: 0 });
    expect(parseFault('SearchContacts:error500:1:5')).toMatchObject({ rate: 1, delayMs: 5 });
  });
});

describe('6. ranges: bench --deadline-ms and --cold-memory, backfill paces', () => {
  it.each([
    [['bench', '--deadline-ms', '1'], /--deadline-ms must be a whole number 200-7000/],
    [['bench', '--deadline-ms', '7001'], /--deadline-ms must be a whole number 200-7000/],
    [['load', '--deadline-ms', '199'], /--deadline-ms must be a whole number 200-7000/],
    [['bench', '--cold-memory', '99999999'], /--cold-memory must be a whole number 128-10240/],
    [['bench', '--cold-memory', '1024,127'], /--cold-memory must be a whole number 128-10240/],
    [
      ['backfill', '--local', '--search-rps', '1e-9'],
      /--search-rps must be a number of requests per second from 0.01 to 100/,
    ],
    [['backfill', '--local', '--search-rps', '101'], /--search-rps .* from 0.01 to 100/],
    [['backfill', '--local', '--attributes-rps', '1000'], /--attributes-rps .* from 0.01 to 100/],
    [['backfill', '--local', '--attributes-rps', '0.001'], /--attributes-rps .* from 0.01 to 100/],
  ])('%j is refused with the range', async (args, message) => {
    await refused(args, message);
  });

  it('the usage states the ranges', () => {
    expect(helpOf('bench', '--deadline-ms')).toMatch(/200-7000/);
    expect(helpOf('load', '--deadline-ms')).toMatch(/200-7000/);
    expect(helpOf('bench', '--cold-memory')).toMatch(/128-10240/);
    expect(helpOf('backfill', '--search-rps')).toMatch(/0\.01-100/);
    expect(helpOf('backfill', '--attributes-rps')).toMatch(/0\.01-100/);
  });
});

describe('7. decide --contact-id', () => {
  it.each([
    [['decide', '--event', EVENT, '--contact-id', 'abc'], /--contact-id goes with --phone/],
    [[...PHONE, '--contact-id', ''], /--contact-id must be 1-256 characters/],
    [[...PHONE, '--contact-id', 'x'.repeat(5000)], /--contact-id must be 1-256 characters .*got 5000/],
  ])('%#: refused naming --contact-id', async (args, message) => {
    await refused(args, message);
  });

  it('256 characters are accepted', async () => {
    const { code } = await runCli([...PHONE, '--contact-id', 'c'.repeat(256), '--json']);
    expect(code).toBe(0);
  });
});

describe('8. --latency with --no-latency', () => {
  it.each(['load', 'bench'])('%s refuses the combination', async (command) => {
    await refused(
      [command, '--latency', '60,250', '--no-latency'],
      /--latency and --no-latency cannot be used together/,
    );
  });
});

describe('9. wrongly refused or misattributed', () => {
  it('load --seed 0 passes the argument checks (and is stated in the usage)', async () => {
    // Refused by a later check, so nothing runs: the seed itself is accepted.
    await refused(['load', '--seed', '0', '--calls', '0'], /--calls must be/);
    expect(helpOf('load', '--seed')).toMatch(/≥ 0/);
  });

  it('load --deadline-ms 1 names the flag, not the environment variable', async () => {
    const line = await refused(['load', '--deadline-ms', '1'], /^last-agent: --deadline-ms must be/);
    expect(line).not.toMatch(/LAST_AGENT_DEADLINE_MS/);
  });

  it('LAST_AGENT_SOURCE=bogus is blamed on the variable; --source bogus on the flag', async () => {
    const line = await refused(['load', '--calls', '1'], /^last-agent: LAST_AGENT_SOURCE must be one of/, {
      LAST_AGENT_SOURCE: 'bogus',
    });
    expect(line).not.toMatch(/--source/);
    await refused(['load', '--source', 'bogus', '--calls', '1'], /^last-agent: --source must be one of/, {
      LAST_AGENT_SOURCE: 'index',
    });
  });

  it("decide --phone '' says the phone is empty", async () => {
    await refused(['decide', '--phone', ''], /--phone is empty/);
  });

  it('an --event file with a UTF-8 byte order mark is read', async () => {
    const file = join(dir, 'bom-event.json');
    writeFileSync(file, `\uFEFF${readFileSync(EVENT, 'utf8')}`);
    const { code, stdout, stderr } = await runCli(['decide', '--event', file, '--json']);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).decision).toMatchObject({ route: 'LAST_AGENT', reason: 'AGENT_BUSY' });
  });
});

describe('10. demo checks its configuration before printing', () => {
  it('LAST_AGENT_LOOKBACK_DAYS=abc: only the error, no demo header', async () => {
    await refused(['demo'], /LAST_AGENT_LOOKBACK_DAYS/, { LAST_AGENT_LOOKBACK_DAYS: 'abc' });
  });
});

describe('11. load --calls', () => {
  it.each(['99999999999', '100001', '0', '1.5', ''])(
    '--calls %j is refused with the range',
    async (calls) => {
      await refused(['load', '--calls', calls], /--calls must be a whole number 1-100000/);
    },
  );

  it('the usage states the range', () => {
    expect(helpOf('load', '--calls')).toMatch(/1-100000/);
  });
});
