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
    [
      'weekday arrivals and weekday shifts',
      {
        ...EXAMPLE,
        hours: 24 * 7,
        agents: 4,
        callsPerHour: undefined,
        arrivalsPerHourByWeekday: Array.from({ length: 7 }, (_, d) =>
          Array.from({ length: 24 }, (_, h) => (d < 5 && h >= 8 && h < 18 ? 200 : 20)),
        ),
        shifts: [
          { agents: 14, start: '08:00', end: '18:00', weekdays: [0, 1, 2, 3, 4] },
          { agents: 2, start: '18:00', end: '08:00' },
        ],
      },
    ],
    [
      'talk, after-contact work and transfers',
      {
        ...EXAMPLE,
        hours: 20,
        handleSeconds: undefined,
        talkSeconds: { dist: 'exponential', mean: 220 },
        acwSeconds: { dist: 'lognormal', mean: 60, p90: 120 },
        transferWork: { share: 0.3, handleSeconds: { dist: 'exponential', mean: 200 } },
      },
    ],
    [
      'busy outbound work',
      {
        ...EXAMPLE,
        hours: 20,
        callsPerHour: 40,
        outboundWork: { perIdleAgentHour: 20, handleSeconds: { dist: 'fixed', value: 60 } },
      },
    ],
    [
      'outbound work and transfers in an overloaded center',
      {
        ...EXAMPLE,
        hours: 20,
        callsPerHour: 400,
        outboundWork: { perIdleAgentHour: 5, handleSeconds: { dist: 'fixed', value: 60 } },
        transferWork: { share: 0.5, handleSeconds: { dist: 'exponential', mean: 60 } },
      },
    ],
    [
      'empirical distributions',
      {
        ...EXAMPLE,
        hours: 20,
        handleSeconds: { dist: 'empirical', quantiles: Array.from({ length: 101 }, (_, i) => 6 * i) },
        patienceSeconds: { dist: 'empirical', quantiles: Array.from({ length: 101 }, (_, i) => 3.6 * i) },
      },
    ],
  ])('estimates at least the events of %s, and not more than 4 times as many', (_, raw) => {
    const config = parseSimulationConfig(raw);
    const estimate = estimateRun(config).events;
    const events = runSimulation(config).meta.performance.events;
    expect(estimate).toBeGreaterThanOrEqual(events);
    expect(estimate).toBeLessThan(4 * events);
  });

  it.each([
    ['few hang-ups', { ...EXAMPLE, hours: 20, callsPerHour: 100 }],
    ['many hang-ups', { ...EXAMPLE, hours: 20, callsPerHour: 300 }],
  ])(
    'estimates at least the events of re-dials with %s (at most one follow-up per offered call)',
    (_, raw) => {
      const config = parseSimulationConfig({
        ...raw,
        redial: { share: 0.8, delayMinutes: { dist: 'exponential', mean: 3 } },
      });
      const estimate = estimateRun(config).events;
      const report = runSimulation(config);
      expect(report.policies[0]?.redials).toBeGreaterThan(0);
      expect(estimate).toBeGreaterThanOrEqual(report.meta.performance.events);
      // 1 / (1 − 0.8) assumes every call hangs up: loose, but a bound.
      expect(estimate).toBeLessThan(12 * report.meta.performance.events);
    },
  );

  it('bounds re-dials with share 1 by the time each attempt takes, and refuses an endless one', () => {
    const endless = { share: 1, delayMinutes: { dist: 'fixed', value: 0 } };
    const config = parseSimulationConfig({
      ...EXAMPLE,
      hours: 2,
      policies: [{ name: 'none' }],
      redial: { share: 1, delayMinutes: { dist: 'exponential', mean: 2 } },
    });
    expect(estimateRun(config).events).toBeGreaterThanOrEqual(runSimulation(config).meta.performance.events);
    expect(
      runSizeProblem(
        parseSimulationConfig({ ...EXAMPLE, patienceSeconds: { dist: 'fixed', value: 0 }, redial: endless }),
      ),
    ).toContain('redial.share 1');
  });

  it('names arrivalsPerHourByWeekday when it makes the run too large, and outbound work when that does', () => {
    const weekly = runSizeProblem(
      parseSimulationConfig({
        ...EXAMPLE,
        callsPerHour: undefined,
        arrivalsPerHourByWeekday: Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 100_000)),
      }),
    );
    expect(weekly).toMatch(/^arrivalsPerHourByWeekday .*scaled by at most 0\.0\d+/);
    const outbound = runSizeProblem(
      parseSimulationConfig({
        ...EXAMPLE,
        agents: 5000,
        breaks: undefined,
        outboundWork: { perIdleAgentHour: 3600, handleSeconds: { dist: 'fixed', value: 1 } },
      }),
    );
    expect(outbound).toMatch(
      /^outboundWork\.perIdleAgentHour 3,600 .*a lower outboundWork\.perIdleAgentHour/,
    );
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
