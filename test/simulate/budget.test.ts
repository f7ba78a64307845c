import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { MAX_BACKLOG, MAX_EVENTS, approx, estimateRun, runSizeProblem } from '../../simulate/budget';
import { runSimulateCommand } from '../../simulate/command';
import { parseSimulationConfig } from '../../simulate/config';
import { runSimulation } from '../../simulate/run';
import { captureOutput } from '../cli/run-cli';

const EXAMPLE = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../simulate/examples/claims-center.json', import.meta.url)), 'utf8'),
);

function configFile(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'simulate-budget-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('the run-size bound', () => {
  it('lets the shipped example run', () => {
    expect(runSizeProblem(parseSimulationConfig(EXAMPLE))).toBeNull();
  });

  it('refuses callsPerHour 100000, naming the field, the limit and what would fit', () => {
    const problem = runSizeProblem(parseSimulationConfig({ ...EXAMPLE, callsPerHour: 100_000 }));
    expect(problem).toContain('callsPerHour 100,000');
    expect(problem).toContain(`limit of ${approx(MAX_EVENTS)}`);
    expect(problem).toMatch(/hours at most \d+/);
    expect(problem).toMatch(/callsPerHour at most [\d,]+/);
  });

  it('refuses hours 1000000, naming the field and how many hours would fit', () => {
    const problem = runSizeProblem(parseSimulationConfig({ ...EXAMPLE, hours: 1_000_000 }));
    expect(problem).toContain('hours 1,000,000');
    expect(problem).toContain('150 million');
    const fits = Number(/hours at most ([\d,]+)/.exec(problem ?? '')?.[1]?.replaceAll(',', ''));
    expect(runSizeProblem(parseSimulationConfig({ ...EXAMPLE, hours: fits }))).toBeNull();
    expect(runSizeProblem(parseSimulationConfig({ ...EXAMPLE, hours: fits + 1 }))).not.toBeNull();
  });

  it('counts break events: many agents with frequent breaks name breaks.everyMinutes', () => {
    const problem = runSizeProblem(
      parseSimulationConfig({
        ...EXAMPLE,
        agents: 10_000,
        callsPerHour: 10,
        hours: 1000,
        breaks: { everyMinutes: 1, durationMinutes: 0.5 },
      }),
    );
    expect(problem).toContain('breaks.everyMinutes 1 for 10,000 agents');
  });

  it('refuses a queue that grows without bound (no patience, more load than agents), naming patienceSeconds', () => {
    const problem = runSizeProblem(
      parseSimulationConfig({
        hours: 1000,
        agents: 1,
        callsPerHour: 3000,
        handleSeconds: { dist: 'exponential', mean: 300 },
        patienceSeconds: null,
        policies: [{ name: 'none' }],
      }),
    );
    expect(problem).toContain('patienceSeconds is null');
    expect(problem).toContain(`limit of ${approx(MAX_BACKLOG)}`);
  });

  it.each([
    ['the example', { ...EXAMPLE, hours: 20 }],
    ['an overloaded center', { ...EXAMPLE, hours: 20, callsPerHour: 1000 }],
    [
      'shifts and an arrival profile',
      {
        ...EXAMPLE,
        hours: 48,
        agents: 0,
        shifts: [
          { agents: 20, start: '08:00', end: '16:00' },
          { agents: 10, start: '16:00', end: '08:00' },
        ],
        arrivalProfile: Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 20 ? 2 : 0.2)),
      },
    ],
    [
      'frequent breaks',
      {
        ...EXAMPLE,
        hours: 20,
        agents: 200,
        callsPerHour: 20,
        breaks: { everyMinutes: 10, durationMinutes: 1 },
      },
    ],
  ])('estimates at least the events of %s, and not more than 4 times as many', (_, raw) => {
    const config = parseSimulationConfig(raw);
    const estimate = estimateRun(config).events;
    const events = runSimulation(config).meta.performance.events;
    expect(estimate).toBeGreaterThanOrEqual(events);
    expect(estimate).toBeLessThan(4 * events);
  });

  it('simulate refuses before any work starts, with the field and the limit in the usage error', async () => {
    const clock = vi.fn(() => 0);
    const { stdout } = await captureOutput(async () => {
      await expect(
        runSimulateCommand(['--config', configFile({ ...EXAMPLE, callsPerHour: 100_000 })], { clock }),
      ).rejects.toThrow(/callsPerHour 100,000.*limit of 150 million/s);
      return 2;
    });
    expect(stdout).toBe('');
    expect(clock).not.toHaveBeenCalled();
  });
});
