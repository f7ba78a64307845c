import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSimulationConfig } from '../../simulate/config';
import { formatTable } from '../../simulate/report';
import { MIN_CONTINUITY_GAIN, type PolicyRow, gainsContinuity, runSimulation } from '../../simulate/run';

const EXAMPLE = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../simulate/examples/claims-center.json', import.meta.url)), 'utf8'),
);

const row = (continuity?: { difference: number; ci95: number | null }) =>
  ({
    vsNone: {
      serviceLevel: { difference: 0, ci95: 0 },
      asaSeconds: { difference: 0, ci95: 0 },
      abandonRate: { difference: 0, ci95: 0 },
      ...(continuity ? { continuity } : {}),
    },
  }) as PolicyRow;

describe('a continuity gain that counts', () => {
  it('is outside the paired 95% interval and at least the stated minimum', () => {
    expect(gainsContinuity(row({ difference: 0.05, ci95: 0.01 }))).toBe(true);
    expect(gainsContinuity(row({ difference: 0.05, ci95: 0.06 }))).toBe(false);
    expect(gainsContinuity(row({ difference: MIN_CONTINUITY_GAIN / 2, ci95: 0.001 }))).toBe(false);
    expect(gainsContinuity(row({ difference: -0.05, ci95: 0.01 }))).toBe(false);
  });

  it('falls back on the minimum when the run has no interval, and needs a difference at all', () => {
    expect(gainsContinuity(row({ difference: MIN_CONTINUITY_GAIN, ci95: null }))).toBe(true);
    expect(gainsContinuity(row({ difference: MIN_CONTINUITY_GAIN / 2, ci95: null }))).toBe(false);
    expect(gainsContinuity(row())).toBe(false);
    expect(gainsContinuity({} as PolicyRow)).toBe(false);
  });
});

describe('the recommendation', () => {
  it('recommends no expiry when none gains anything (callsPerHour 1000 in the claims center)', () => {
    const report = runSimulation(
      parseSimulationConfig({
        ...EXAMPLE,
        hours: 40,
        callsPerHour: 1000,
        policies: [{ name: 'none' }, { name: 'preferred-agent', expirySeconds: [5, 15] }],
      }),
    );
    const rec = report.recommendation;
    expect(rec?.text).toMatch(/^no preference helps at this load: the best, preferred-agent \d+s at /);
    expect(rec?.text).toContain("is not meaningfully above none's");
    expect(rec).toMatchObject({ expirySeconds: null, continuity: null, serviceLevel: null });
    expect(formatTable(report)).toContain('Recommendation: no preference helps at this load');
  });

  it('says which policy helps when only agent-queue does', () => {
    const report = runSimulation(
      parseSimulationConfig({
        ...EXAMPLE,
        hours: 40,
        callsPerHour: 1000,
        policies: [
          { name: 'none' },
          { name: 'preferred-agent', expirySeconds: 5 },
          { name: 'agent-queue', acceptShare: 0.8, maxWaitSeconds: 120 },
        ],
      }),
    );
    expect(report.recommendation?.text).toMatch(
      /^no preferred-agent expiry helps at this load: .*; agent-queue 80% 120s at [\d.]+% \(difference [\d.]+ ±[\d.]+ points\) is,/,
    );
    expect(report.recommendation?.expirySeconds).toBeNull();
  });

  it('still recommends an expiry that gains, as in the shipped example', () => {
    const report = runSimulation(
      parseSimulationConfig({
        ...EXAMPLE,
        hours: 100,
        policies: [{ name: 'none' }, { name: 'preferred-agent', expirySeconds: [5, 15] }],
      }),
    );
    const rec = report.recommendation;
    expect(rec?.text).toMatch(/^preferred-agent with expirySeconds (5|15): /);
    const chosen = report.policies.find((p) => p.expirySeconds === rec?.expirySeconds);
    expect(chosen && gainsContinuity(chosen)).toBe(true);
  });
});
