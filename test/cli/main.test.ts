import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/usage';
import { runCli } from './run-cli';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/last-agent.mjs', import.meta.url));
const EVENT = fileURLToPath(new URL('../fixtures/connect-event.json', import.meta.url));

const cli = runCli;

describe('the bin wrapper', () => {
  it('runs the TypeScript CLI after npm ci and exits as soon as it has answered, even with a slow fault pending', async () => {
    const started = Date.now();
    const { stdout } = await run(
      process.execPath,
      [BIN, 'decide', '--phone', '+14155550123', '--fault', 'SearchContacts:slow:1:60000', '--json'],
      // A 1 s deadline instead of the default 3 s: the test waits for it, and 1 s proves as much.
      { timeout: 30_000, env: { ...process.env, LAST_AGENT_DEADLINE_MS: '1000' } },
    );
    expect(JSON.parse(stdout).decision.reason).toBe('LOOKUP_TIMEOUT');
    // The answer comes at the 1 s deadline; before the fix the process lived for the full 60 s.
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});

describe('last-agent CLI', () => {
  it('decide --json prints exactly one JSON object with the decision and the trace', async () => {
    const { code, stdout } = await cli(['decide', '--phone', '+14155550123', '--json']);

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] as string);
    expect(Object.keys(out)).toEqual(['decision', 'trace']);
    expect(out.decision).toMatchObject({ route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE' });
    expect(out.trace.map((t: { state: string }) => t.state)).toContain('Choose Route');
  });

  it('decide --event feeds a raw Connect event', async () => {
    const { code, stdout } = await cli(['decide', '--event', EVENT, '--json']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout).decision).toMatchObject({ route: 'LAST_AGENT', reason: 'AGENT_BUSY' });
  });

  it('--now moves the lookback window', async () => {
    const { stdout } = await cli([
      'decide',
      '--phone',
      '+14155550123',
      '--now',
      '2026-12-31T00:00:00Z',
      '--json',
    ]);
    expect(JSON.parse(stdout).decision.reason).toBe('NO_RECENT_CONTACT');
  });

  it('reads configuration from the same environment variables as the Lambdas', async () => {
    const { stdout } = await cli(['decide', '--phone', '+14155550124', '--json'], {
      LAST_AGENT_PREFER_BUSY: 'false',
    });
    expect(JSON.parse(stdout).decision).toMatchObject({ route: 'DEFAULT', reason: 'AGENT_BUSY' });
  });

  it('--fault injects a Connect fault on top of the scenario', async () => {
    const { stdout } = await cli([
      'decide',
      '--phone',
      '+14155550123',
      '--fault',
      'GetCurrentUserData:error503',
      '--json',
    ]);
    const out = JSON.parse(stdout);
    expect(out.decision).toMatchObject({ route: 'DEFAULT', reason: 'LOOKUP_ERROR' });
    expect(out.trace.map((t: { state: string }) => t.state)).toContain('Lookup Failed');
  });

  it('prints a readable decision without --json, caller masked; --trace adds the states', async () => {
    const { code, stdout } = await cli(['decide', '--phone', '+14155550123']);
    expect(code).toBe(0);
    expect(stdout).toContain('→ LAST_AGENT, to Alice Martin (alice)');
    expect(stdout).toContain('because the last agent is available (LAST_AGENT_AVAILABLE)');
    expect(stdout).not.toContain('Search Recent Contacts');
    expect(stdout).not.toContain('4155550123');
    const traced = await cli(['decide', '--phone', '+14155550123', '--trace']);
    expect(traced.stdout).toContain('Search Recent Contacts');
    expect(traced.stdout).not.toContain('4155550123');
  });

  it.each([
    [['decide'], /exactly one of --phone or --event/],
    [['decide', '--phone', '+1', '--scenario', '/no/such/file.json'], /cannot read scenario/],
    [['decide', '--phone', '+14155550123', '--now', 'yesterday'], /--now must be an ISO 8601 time/],
    [['frobnicate'], /unknown command/],
    [['decide', '--phone', '+14155550123', '--fault', 'SearchContacts:explode'], /--fault must be/],
    [['load', '--quotas', 'bogus', '--calls', '1'], /--quotas must be connect-defaults, off or RPS:BURST/],
    [['load', '--quotas', '0:0', '--calls', '1'], /RPS > 0 and BURST ≥ 1/],
    [['load', '--latency', '300,10', '--calls', '1'], /MEDIAN ≤ P99/],
    [['decide', '--phone', '+14155550123', '--bogus'], /unknown option '--bogus' for decide/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exits 2 naming the variable when the configuration is invalid', async () => {
    const { code, stderr } = await cli(['decide', '--phone', '+14155550123'], {
      LAST_AGENT_LOOKBACK_DAYS: 'x',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/LAST_AGENT_LOOKBACK_DAYS/);
  });

  it('the demo shows several callers taking different paths', async () => {
    const { code, stdout } = await cli(['demo']);
    expect(code).toBe(0);
    for (const reason of [
      'LAST_AGENT_AVAILABLE',
      'AGENT_BUSY',
      'AGENT_NOT_ROUTABLE',
      'LOW_CSAT',
      'ANONYMOUS_CALLER',
    ]) {
      expect(stdout).toContain(reason);
    }
    const decisions = stdout.split('\n').filter((l) => !l.startsWith('Try:'));
    expect(decisions.join('\n')).not.toMatch(/4155550\d{3}/);
    expect(stdout).not.toContain('source:');
  });

  it('the demo header and decide name the source when it is not search', async () => {
    const source =
      /source: index \(local DynamoDB on 127\.0\.0\.1, 26 contacts replayed as \d+ contact events and 6 agent events\)/;
    // The demo scenario with its first call only (every call would replay nothing new).
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const scenario = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../local/scenarios/demo.json', import.meta.url)), 'utf8'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    const file = join(dir, 'one-call.json');
    writeFileSync(file, JSON.stringify({ ...scenario, demo: scenario.demo.slice(0, 1) }));
    const demo = await cli(['demo', '--scenario', file], { LAST_AGENT_SOURCE: 'index' });
    rmSync(dir, { recursive: true, force: true });
    expect(demo.code).toBe(0);
    expect(demo.stdout.split('\n').slice(0, 4).join('\n')).toMatch(source);

    const decide = await cli(['decide', '--phone', '+14155550123'], { LAST_AGENT_SOURCE: 'index' });
    expect(decide.stdout.split('\n')[0]).toMatch(source);
    const json = await cli(['decide', '--phone', '+14155550123', '--json'], { LAST_AGENT_SOURCE: 'index' });
    expect(Object.keys(JSON.parse(json.stdout))).toEqual(['decision', 'trace']);
  }, 40_000);
});

describe('documentation', () => {
  const docs = () => readFileSync(fileURLToPath(new URL('../../docs/cli.md', import.meta.url)), 'utf8');

  it("the command-line reference (docs/cli.md) holds the CLI's own usage text", async () => {
    const readme = docs();
    const { stdout } = await cli(['help']);
    const start = stdout.indexOf('Usage:\n') + 'Usage:\n'.length;
    const usage = stdout.slice(start, stdout.indexOf('\n\n', start));
    const lines = usage.split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(readme).toContain(line.slice(2));
    }
    // The whole synopsis, in order, as one block.
    expect(readme).toContain(lines.map((l) => l.slice(2)).join('\n'));
  });

  it.each(COMMANDS.filter((c) => c !== 'help'))(
    'docs/cli.md holds the usage of `last-agent %s --help`, word for word',
    async (command) => {
      const { stdout } = await cli([command, '--help']);
      expect(docs()).toContain(`### \`${command}\`\n\n\`\`\`\n${stdout}\`\`\`\n`);
    },
  );
});
