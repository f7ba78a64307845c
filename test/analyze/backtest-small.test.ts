/**
 * The backtest on the generated small center (6 agents, weekdays only, long calls, many
 * returning callers), of another shape than the 24-agent month. Its month holds about a thousand
 * calls before go-live, too few for a ±2-point comparison (the observed continuity's own 95%
 * half-width is wider than that), so the evidence is four months with go-live on day 90.
 * Every figure holds (docs/analyze.md, "Backtest and recommendation").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Analysis, analyze } from '../../analyze/analysis';
import type { BacktestRow } from '../../analyze/calibrate/backtest';
import type { SimulationSummary } from '../../analyze/calibrate/model';
import { writeCenter } from '../../analyze/generator';
import { NAMES } from './ctr';

async function backtest(days: number, goLiveDay: number): Promise<Analysis> {
  const dir = mkdtempSync(join(tmpdir(), 'backtest-small-'));
  writeCenter('small-long-calls', { days, goLiveDay }, dir, { form: 'jsonl' });
  return analyze({
    paths: [dir],
    lookbackDays: 7,
    timeZone: 'America/New_York',
    attributeNames: NAMES,
    simulate: true,
    goLivePolicy: { name: 'preferred-agent', seconds: 30 },
  });
}

let four: Analysis;
const row = (a: Analysis, prefix: string) =>
  (a.backtest as BacktestRow[]).find((r) => r.figure.startsWith(prefix)) as BacktestRow;

beforeAll(async () => {
  four = await backtest(120, 90);
}, 60_000);

describe('the backtest on the small center with long calls', () => {
  it('a month is too few calls for ±2 points: the observed continuity is itself only known to more than that', async () => {
    const month = await backtest(30, 15);
    expect(row(month, 'sameAgentShare before').observedHalfWidth as number).toBeGreaterThan(0.02);
    expect(row(four, 'sameAgentShare before').observedHalfWidth as number).toBeLessThan(0.02);
  });

  it('continuity with no preference matches the one seen before go-live (±2 points)', () => {
    const r = row(four, 'sameAgentShare before');
    expect(Math.abs((r.observed as number) - (r.simulated as number))).toBeLessThanOrEqual(0.02);
    expect(r.holds).toBe(true);
  });

  it('continuity with preferred-agent:30 matches the one seen after go-live (±5 points)', () => {
    const r = row(four, 'sameAgentShare after');
    expect(r.holds).toBe(true);
    expect((four.simulation as SimulationSummary).hours % 168).toBe(0);
  });

  // Fails until the simulator keeps callbacks inside opening hours (docs/analyze.md): here the
  // center is closed at weekends too, so a return drawn into a Saturday waits for no agent.
  it('abandonment with no preference matches the one seen before go-live (±3 points)', () => {
    expect(row(four, 'abandonRate before').holds).toBe(true);
  });

  it('every figure holds, so the report recommends a setting from its table (or says none helps)', () => {
    const s = four.simulation as SimulationSummary;
    expect(s.holds).toBe(true);
    const labels = s.policies.map((p) => p.label);
    const setting = s.recommendation?.setting;
    if (setting === null || setting === undefined)
      expect(s.recommendation?.text).toMatch(/no preference helps/);
    else expect(labels).toContain(setting);
  });
});
