import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSimulateCommand } from '../../simulate/command';
import { captureOutput, runCli } from '../cli/run-cli';

const EXAMPLE = fileURLToPath(new URL('../../simulate/examples/claims-center.json', import.meta.url));

const cli = (args: string[]) => runCli(args);

function configFile(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const small = {
  seed: 3,
  hours: 20,
  warmupHours: 1,
  agents: 5,
  callsPerHour: 40,
  handleSeconds: { dist: 'exponential', mean: 300 },
  patienceSeconds: { dist: 'exponential', mean: 180 },
  returnShare: 0.3,
  returnDelayMinutes: { dist: 'fixed', value: 60 },
  policies: [{ name: 'none' }, { name: 'preferred-agent', expirySeconds: [10, 30] }],
};

const KEYS = [
  'name',
  'offered',
  'answered',
  'abandoned',
  'abandonRate',
  'pWait',
  'asaSeconds',
  'serviceLevel',
  'continuity',
  'asaReturningSeconds',
  'asaNewSeconds',
  'occupancy',
  'answeredAhead',
  'answeredAheadShare',
];

describe('last-agent simulate', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints exactly one JSON object with --json, one entry per policy and its parameters', async () => {
    const { code, stdout } = await cli(['simulate', '--config', configFile(small), '--json']);

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] as string);
    expect(out.policies).toHaveLength(3);
    for (const p of out.policies) for (const key of KEYS) expect(p).toHaveProperty(key);
    expect(out.policies[1]).toMatchObject({ name: 'preferred-agent', expirySeconds: 10 });
    expect(out.meta.performance.eventsPerSecond).toBeGreaterThan(0);
    expect(out.recommendation.text).toMatch(/preferred-agent|no preferred-agent expiry/);
  });

  it('prints a table and the recommendation, and writes the chart and the JSON with --out', async () => {
    const out = mkdtempSync(join(tmpdir(), 'simulate-out-'));
    const { code, stdout } = await cli(['simulate', '--config', configFile(small), '--out', out]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^none\s+\d/m);
    expect(stdout).toMatch(/^preferred-agent 30s\s/m);
    expect(stdout).toContain('Recommendation: ');
    const svg = readFileSync(join(out, 'continuity-vs-wait.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path d="M'); // the expiry sweep drawn as a curve
    expect(JSON.parse(readFileSync(join(out, 'simulation.json'), 'utf8')).policies).toHaveLength(3);
  });

  it('returns 2 and names the field on an invalid config', async () => {
    const { code, stdout, stderr } = await cli([
      'simulate',
      '--config',
      configFile({ ...small, policies: [{ name: 'preferred-agent', expirySeconds: 1 }] }),
      '--json',
    ]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('policies[0].expirySeconds');
    // One line, like every command's usage errors, with the pointer to the command's help.
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr.trimEnd()).toMatch(/^last-agent: .*\(see: last-agent simulate --help\)$/);
  });

  it('returns 2 on a missing --config, an unknown option, or a file that is not JSON', async () => {
    expect((await cli(['simulate'])).code).toBe(2);
    expect((await cli(['simulate', '--config', EXAMPLE, '--hours', '3'])).code).toBe(2);
    const notJson = configFile('');
    writeFileSync(notJson, '{ nope');
    const { code, stderr } = await cli(['simulate', '--config', notJson]);
    expect(code).toBe(2);
    expect(stderr).toContain('not valid JSON');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('ships an example config that validates', async () => {
    const { parseSimulationConfig } = await import('../../simulate/config');
    expect(() => parseSimulationConfig(JSON.parse(readFileSync(EXAMPLE, 'utf8')))).not.toThrow();
  });
});

describe('simulate --out', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses a path that is a file before the run, naming the flag', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'simulate-out-')), 'passwd');
    writeFileSync(file, 'root:x:0:0\n');
    const clock = vi.fn(() => 0);
    const { stdout } = await captureOutput(async () => {
      await expect(
        runSimulateCommand(['--config', configFile(small), '--out', file], { clock }),
      ).rejects.toThrow(`--out ${file} exists and is not a directory`);
      return 2;
    });

    expect(stdout).toBe('');
    expect(clock).not.toHaveBeenCalled(); // refused before the run started
    expect(readFileSync(file, 'utf8')).toBe('root:x:0:0\n');
  });

  it('refuses a directory that cannot be created, naming the flag', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'simulate-out-')), 'a-file');
    writeFileSync(file, '');
    const { code, stdout, stderr } = await cli([
      'simulate',
      '--config',
      configFile(small),
      '--out',
      join(file, 'sub'),
    ]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`--out ${join(file, 'sub')} is not a directory that can be created and written`);
  });

  it.runIf(process.platform === 'linux')(
    "refuses a place where mkdir fails (Node's recursive mkdir never returns on /proc)",
    async () => {
      const { code, stderr } = await cli([
        'simulate',
        '--config',
        configFile(small),
        '--out',
        '/proc/last-agent-out',
      ]);

      expect(code).toBe(2);
      expect(stderr).toContain(
        '--out /proc/last-agent-out is not a directory that can be created and written',
      );
    },
  );

  it('refuses a directory whose output file is a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-out-'));
    mkdirSync(join(dir, 'simulation.json'));
    const { code, stderr } = await cli(['simulate', '--config', configFile(small), '--out', dir]);

    expect(code).toBe(2);
    expect(stderr).toContain('simulation.json exists there and is not a file');
  });

  it('creates a directory that does not exist yet', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'simulate-out-')), 'new', 'nested');
    const { code } = await cli(['simulate', '--config', configFile(small), '--json', '--out', dir]);

    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'simulation.json'), 'utf8')).policies).toHaveLength(3);
  });
});
