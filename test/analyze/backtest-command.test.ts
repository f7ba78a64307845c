/**
 * `analyze --go-live-policy`: checked before any record is read (a usage error naming the flag),
 * and used only when the records span go-live, to pick the simulated row the after-go-live
 * continuity is compared with; a setting outside the calibrated sweep is added to it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCenter } from '../../analyze/generator';
import { runCli } from '../cli/run-cli';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `backtest-cmd-${name}-`));

describe('analyze --go-live-policy', () => {
  it.each([
    'agent-queue:10',
    'preferred-agent:601',
    'preferred-agent:4',
    'preferred-agent:abc',
    'preferred-agent',
    'sometimes:30',
    '',
  ])('%j: exit 2 before reading anything, one line naming the flag', async (value) => {
    const { code, stdout, stderr } = await runCli([
      'analyze',
      '--records',
      '/no/such/dir',
      '--go-live-policy',
      value,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /--go-live-policy must be preferred-agent:SECONDS \(5-600, the expiry\) or agent-queue/,
    );
  });

  describe('on records that span go-live', () => {
    let dir: string;
    beforeAll(() => {
      dir = tmp('records');
      writeCenter('small-long-calls', { goLiveDay: 15 }, dir, { form: 'jsonl' });
    });

    it('agent-queue:60 is the row the after-go-live continuity is compared with', async () => {
      const run = await runCli([
        'analyze',
        '--records',
        dir,
        '--timezone',
        'America/New_York',
        '--go-live-policy',
        'agent-queue:60',
        '--json',
      ]);
      expect(run.code).toBe(0);
      const a = JSON.parse(run.stdout);
      expect(a.backtest.map((r: { figure: string }) => r.figure)).toContain(
        'sameAgentShare after go-live (agent-queue:60)',
      );
      const live = a.simulation.policies.find((p: { label: string }) => p.label === 'agent-queue 80% 60s');
      expect(a.backtest[2].simulated).toBe(live.continuity);
      expect(a.simulation.goLivePolicy).toBe('agent-queue:60');
    });

    it('a setting outside the sweep joins it in simulate.json', async () => {
      const out = tmp('out');
      const run = await runCli([
        'analyze',
        '--records',
        dir,
        '--timezone',
        'America/New_York',
        '--go-live-policy',
        'preferred-agent:25',
        '--out',
        out,
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`wrote simulate.json and continuity-vs-wait.svg to ${out}/`);
      const config = JSON.parse(readFileSync(join(out, 'simulate.json'), 'utf8'));
      expect(config.policies[1]).toEqual({
        name: 'preferred-agent',
        expirySeconds: [10, 20, 25, 30, 45, 60, 90, 120],
      });
    });
  });

  it('records without go-live: no after-go-live figure, whatever the flag says', async () => {
    const dir = tmp('no-go-live');
    writeCenter('small-long-calls', { goLiveDay: null, days: 14 }, dir, { form: 'jsonl' });
    const run = await runCli(['analyze', '--records', dir, '--go-live-policy', 'agent-queue:60', '--json']);
    expect(run.code).toBe(0);
    const a = JSON.parse(run.stdout);
    expect(a.backtest.map((r: { figure: string }) => r.figure)).toEqual([
      'sameAgentShare before go-live (none)',
      'abandonRate before go-live (none)',
    ]);
  });
});
