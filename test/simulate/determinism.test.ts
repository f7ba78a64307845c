import { describe, expect, it } from 'vitest';
import { type SimulationConfig, parseSimulationConfig } from '../../simulate/config';
import type { TraceEntry } from '../../simulate/model';
import { runModel } from '../../simulate/model';
import { reportJson } from '../../simulate/report';
import { agentPlans, runSimulation } from '../../simulate/run';

const base = {
  seed: 7,
  hours: 60,
  warmupHours: 1,
  agents: 8,
  breaks: { everyMinutes: 120, durationMinutes: 15 },
  callsPerHour: 60,
  handleSeconds: { dist: 'lognormal', mean: 300, p90: 600 },
  patienceSeconds: { dist: 'exponential', mean: 180 },
  returnShare: 0.3,
  returnDelayMinutes: { dist: 'exponential', mean: 120 },
  policies: [
    { name: 'none' },
    { name: 'preferred-agent', expirySeconds: [10, 60] },
    { name: 'agent-queue', acceptShare: 0.8, maxWaitSeconds: 60 },
  ],
};

/** The report without its wall-clock figures, the only part allowed to differ between runs. */
function comparable(config: SimulationConfig): unknown {
  const json = reportJson(runSimulation(config)) as { meta: Record<string, unknown> };
  const { performance: _performance, ...meta } = json.meta;
  return { ...json, meta };
}

describe('determinism', () => {
  it('gives the same JSON for the same seed', () => {
    const config = parseSimulationConfig(base);
    expect(JSON.stringify(comparable(config))).toBe(JSON.stringify(comparable(config)));
  });

  it('gives different results for a different seed', () => {
    const a = comparable(parseSimulationConfig(base)) as { policies: Array<{ offered: number }> };
    const b = comparable(parseSimulationConfig({ ...base, seed: 8 })) as {
      policies: Array<{ offered: number }>;
    };
    expect(b.policies[0]?.offered).not.toBe(a.policies[0]?.offered);
  });

  it('offers every policy the same new calls (common random numbers)', () => {
    const config = parseSimulationConfig({ ...base, returnShare: 0 });
    const report = runSimulation(config);
    const offered = new Set(report.policies.map((p) => p.offered));
    expect(offered.size).toBe(1);
  });
});

/** Every extension of issue 23 at once (docs/simulator.md, "Expressing a real center"). */
const extended = {
  ...base,
  callsPerHour: undefined,
  startWeekday: 3,
  arrivalsPerHourByWeekday: Array.from({ length: 7 }, (_, d) =>
    Array.from({ length: 24 }, (_, h) => (d < 5 && h >= 8 && h < 18 ? 80 : 10)),
  ),
  shifts: [{ agents: 4, start: '08:00', end: '18:00', weekdays: [0, 1, 2, 3, 4] }],
  handleSeconds: undefined,
  talkSeconds: { dist: 'lognormal', mean: 240, p90: 480 },
  acwSeconds: { dist: 'empirical', quantiles: Array.from({ length: 101 }, (_, i) => i) },
  outboundWork: { perIdleAgentHour: 2, handleSeconds: { dist: 'exponential', mean: 120 } },
  transferWork: { share: 0.1, handleSeconds: { dist: 'exponential', mean: 150 } },
  redial: { share: 0.5, delayMinutes: { dist: 'exponential', mean: 5 } },
};

describe('determinism with the extensions', () => {
  it('gives the same JSON for the same seed with every extension', () => {
    const config = parseSimulationConfig(extended);
    expect(JSON.stringify(comparable(config))).toBe(JSON.stringify(comparable(config)));
  });

  it('offers every policy the same new calls with every extension but callbacks and re-dials', () => {
    const config = parseSimulationConfig({ ...extended, returnShare: 0, redial: undefined });
    const report = runSimulation(config);
    expect(new Set(report.policies.map((p) => p.offered)).size).toBe(1);
  });
});

describe('the simulated center', () => {
  it('answers calls only while agents are on shift', () => {
    const config = parseSimulationConfig({
      ...base,
      agents: 0,
      breaks: undefined,
      shifts: [{ agents: 4, start: '08:00', end: '16:00' }],
      patienceSeconds: null,
      policies: [{ name: 'none' }],
    });
    const trace: TraceEntry[] = [];
    runModel({
      policy: { name: 'none' },
      agents: agentPlans(config),
      warmupSeconds: 0,
      measureSeconds: 3 * 86_400,
      serviceLevelSeconds: 20,
      batches: 3,
      random: {
        seed: 1,
        callsPerHour: 20,
        handle: { dist: 'exponential', mean: 300 },
        patience: null,
        returnShare: 0,
      },
      trace,
    });
    const answers = trace.filter((e) => e.type === 'answer');
    expect(answers.length).toBeGreaterThan(100);
    for (const a of answers) {
      const hour = (a.t % 86_400) / 3600;
      expect(hour).toBeGreaterThanOrEqual(8);
      expect(hour).toBeLessThan(16);
    }
  });

  it('follows the hourly arrival profile (no calls in hours with multiplier 0)', () => {
    const profile = Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 17 ? 1 : 0));
    const trace: TraceEntry[] = [];
    runModel({
      policy: { name: 'none' },
      agents: Array.from({ length: 10 }, () => ({})),
      warmupSeconds: 0,
      measureSeconds: 2 * 86_400,
      serviceLevelSeconds: 20,
      batches: 2,
      random: {
        seed: 2,
        callsPerHour: 50,
        arrivalProfile: profile,
        handle: { dist: 'fixed', value: 60 },
        patience: null,
        returnShare: 0,
      },
      trace,
    });
    const answers = trace.filter((e) => e.type === 'answer');
    // 8 hours × 50 calls × 2 days = 800 expected; Poisson sd ≈ 28.
    expect(answers.length).toBeGreaterThan(800 - 4 * 28);
    expect(answers.length).toBeLessThan(800 + 4 * 28);
    for (const a of answers) expect(Math.floor((a.t % 86_400) / 3600)).toBeGreaterThanOrEqual(9);
  });

  it('finds the last agent on a break about as often as agents are on one', () => {
    const report = runSimulation(
      parseSimulationConfig({ ...base, hours: 200, policies: [{ name: 'none' }] }),
    );
    const r = report.policies[0]?.returning;
    // Breaks take 15 of every 120 minutes (12.5%); a break chosen for after the current call
    // (next status) also counts, so the share is a little higher.
    const share = (r?.lastAgentStatus.NOT_ROUTABLE ?? 0) / (r?.offered ?? 1);
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.25);
  });

  it('raises continuity as the preferred-agent expiry grows, at the price of longer waits for returning callers', () => {
    const report = runSimulation(
      parseSimulationConfig({
        ...base,
        hours: 200,
        policies: [{ name: 'none' }, { name: 'preferred-agent', expirySeconds: [10, 120] }],
      }),
    );
    const [none, short, long] = report.policies;
    expect(none?.answeredAhead).toBe(0);
    expect(short?.continuity ?? 0).toBeGreaterThan(none?.continuity ?? 1);
    expect(long?.continuity ?? 0).toBeGreaterThan(short?.continuity ?? 1);
    expect(long?.asaReturningSeconds ?? 0).toBeGreaterThan(short?.asaReturningSeconds ?? 1);
    expect(long?.answeredAhead ?? 0).toBeGreaterThan(0);
  });
});
