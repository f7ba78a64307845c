/**
 * The simulator's extensions (issue 23: weekday arrivals and shifts, talk and after-contact
 * work, outbound work, transfers, re-dials, empirical distributions) change nothing for a
 * configuration that does not use them: the same seed gives byte for byte the report it gave
 * before. The hashes were computed with the simulator as it was before the extensions
 * (`simulate --config simulate/examples/claims-center.json --json`, the same JSON as here), over
 * the JSON report without its two wall-clock figures (meta.performance.wallSeconds and
 * eventsPerSecond, the only part that differs between two runs); the event count stays in.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSimulationConfig } from '../../simulate/config';
import { reportJson } from '../../simulate/report';
import { runSimulation } from '../../simulate/run';

const CLAIMS = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../simulate/examples/claims-center.json', import.meta.url)), 'utf8'),
);

const BREAKS_LOGNORMAL = {
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

const SHIFTS_PROFILE = {
  seed: 3,
  hours: 100,
  warmupHours: 0,
  agents: 2,
  shifts: [
    { agents: 6, start: '08:00', end: '16:00' },
    { agents: 3, start: '22:00', end: '06:00' },
  ],
  callsPerHour: 40,
  arrivalProfile: Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 2 : 0.3)),
  handleSeconds: { dist: 'fixed', value: 240 },
  patienceSeconds: { dist: 'lognormal', mean: 120, sigma: 0.8 },
  returnShare: 0.2,
  returnDelayMinutes: { dist: 'lognormal', mean: 60, p90: 120 },
  policies: [
    { name: 'none' },
    { name: 'preferred-agent', expirySeconds: 30, preferBusyAgent: false },
    { name: 'agent-queue', acceptShare: 1, maxWaitSeconds: 20 },
  ],
};

/** Computed before the extensions were written (see the header). */
const BEFORE = {
  claims: 'd30f359eaf61e1b481f3d7988674ace48e956da1e198396916b7b98e4538c295',
  breaksLognormal: '41c747c6230bf2b699d3813a948c5dc23d0f096930420498c1a3d45c79189eb7',
  shiftsProfile: '7bb4def39a109b1556700c9a25d025e4e6af719999981654f2639bef5aa20d84',
};

/** sha256 of the JSON report as `simulate --json` prints it, without the wall-clock figures. */
function reportHash(raw: unknown): string {
  const json = reportJson(runSimulation(parseSimulationConfig(raw))) as {
    meta: { performance: Record<string, unknown> };
  };
  const { wallSeconds: _wall, eventsPerSecond: _rate, ...performance } = json.meta.performance;
  json.meta.performance = performance;
  return createHash('sha256').update(JSON.stringify(json)).digest('hex');
}

describe('configurations without the extensions', () => {
  it('give the claims example the report it had before, byte for byte', () => {
    expect(reportHash(CLAIMS)).toBe(BEFORE.claims);
  });

  it('give breaks, lognormal handle times and both flow modes the report they had before', () => {
    expect(reportHash(BREAKS_LOGNORMAL)).toBe(BEFORE.breaksLognormal);
  });

  it('give shifts, an arrival profile and fixed handle times the report they had before', () => {
    expect(reportHash(SHIFTS_PROFILE)).toBe(BEFORE.shiftsProfile);
  });

  it('are unchanged by the neutral forms of the new fields (talkSeconds alone, every weekday, a start weekday)', () => {
    const { handleSeconds, shifts, ...rest } = SHIFTS_PROFILE;
    const neutral = {
      ...rest,
      startWeekday: 4,
      talkSeconds: handleSeconds,
      shifts: shifts.map((s) => ({ ...s, weekdays: [6, 5, 4, 3, 2, 1, 0] })),
    };
    expect(reportHash(neutral)).toBe(BEFORE.shiftsProfile);
  });
});
