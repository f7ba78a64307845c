/**
 * The backtest on the generated 24-agent month with go-live on day 15 (analyze/generator/, which
 * imports nothing from the simulator): `analyze --out` calibrates the simulator from the records
 * before go-live, simulates it, and compares: continuity before and after go-live and abandonment
 * hold (callbacks and re-dials kept in open hours, `openHoursOnly`). Then: report.md shows the
 * backtest first, the recommendation follows from the simulated table, and simulate.json runs as
 * the docs show.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../analyze/analysis';
import type { BacktestRow } from '../../analyze/calibrate/backtest';
import type { SimulationSummary } from '../../analyze/calibrate/model';
import { writeCenter } from '../../analyze/generator';
import { runCli } from '../cli/run-cli';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `backtest-${name}-`));

let analysis: Analysis;
let report: string;
let out: string;

const row = (prefix: string) => (analysis.backtest as BacktestRow[]).find((r) => r.figure.startsWith(prefix));

beforeAll(async () => {
  const dir = tmp('records');
  writeCenter('month-24', { goLiveDay: 15 }, dir, { form: 'jsonl' });
  out = tmp('out');
  const run = await runCli(['analyze', '--records', dir, '--timezone', 'America/New_York', '--out', out]);
  expect(run.code).toBe(0);
  analysis = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
  report = readFileSync(join(out, 'report.md'), 'utf8');
}, 60_000);

describe('the backtest on the 24-agent month, go-live on day 15', () => {
  it('compares three figures, each with its tolerance, the simulation long enough (half-width ≤ half of it)', () => {
    expect(analysis.backtest?.map((r) => [r.figure, r.tolerance])).toEqual([
      ['sameAgentShare before go-live (none)', 0.02],
      ['abandonRate before go-live (none)', 0.03],
      ['sameAgentShare after go-live (preferred-agent:30)', 0.05],
    ]);
    for (const r of analysis.backtest ?? [])
      expect(r.halfWidth as number).toBeLessThanOrEqual(r.tolerance / 2);
    const s = analysis.simulation as SimulationSummary;
    expect(s.hours % 168).toBe(0);
    expect(s.limitedBy).toBeNull();
  });

  it('continuity with no preference matches the one seen before go-live (±2 points)', () => {
    const r = row('sameAgentShare before') as BacktestRow;
    expect(Math.abs((r.observed as number) - (r.simulated as number))).toBeLessThanOrEqual(0.02);
    expect(r.holds).toBe(true);
  });

  it('continuity with the preference that was live matches the one seen after go-live (±5 points)', () => {
    const r = row('sameAgentShare after') as BacktestRow;
    expect(Math.abs((r.observed as number) - (r.simulated as number))).toBeLessThanOrEqual(0.05);
    expect(r.holds).toBe(true);
    // The preference is what moved continuity: with none it would stay at the before-go-live level.
    expect(r.simulated as number).toBeGreaterThan((row('sameAgentShare before')?.simulated as number) + 0.1);
  });

  // Fails until the simulator keeps callbacks inside the center's opening hours: a return drawn
  // into a closed night waits for no agent and hangs up (docs/analyze.md). When this passes,
  // drop `.fails`.
  it('abandonment with no preference matches the one seen before go-live (±3 points)', () => {
    expect(row('abandonRate before')?.holds).toBe(true);
  });

  it('report.md shows observed against simulated first; the recommendation follows from the simulated table', () => {
    const sections = report.split('\n## ');
    expect(sections[1]).toMatch(/^Does the simulator reproduce your center\? \(backtest\)/);
    const holds = (analysis.backtest ?? []).every((r) => r.holds);
    expect((analysis.simulation as SimulationSummary).holds).toBe(holds);
    expect(holds).toBe(true);
    if (holds) {
      expect(sections[1]).toContain('**The calibrated model reproduces the center**');
      const sim = analysis.simulation as SimulationSummary;
      const none = sim.policies.find((p) => p.name === 'none');
      const within = sim.policies.filter(
        (p) => p.name !== 'none' && p.serviceLevel >= (none?.serviceLevel ?? 0) - sim.serviceLevelTolerance,
      );
      const best = within.sort((a, b) => (b.continuity ?? 0) - (a.continuity ?? 0))[0];
      // The setting with the most continuity whose service-level drop stays within the tolerance.
      expect(sim.recommendation?.setting).toBe(best?.label);
      expect(report).toContain(best?.label as string);
    } else {
      expect(sections[1]).toContain('**The calibrated model does not reproduce the center** (abandonRate');
      expect((analysis.simulation as SimulationSummary).recommendation?.setting).toBeNull();
      expect(report).toMatch(/\*\*Recommendation\*\* .*: nothing: the simulated center does not reproduce/);
    }
    expect(report).toContain('](continuity-vs-wait.svg)');
    expect(readFileSync(join(out, 'continuity-vs-wait.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('gains handleModel, in the format LAST_AGENT_HANDLE_MODEL reads, and how each part was calibrated', () => {
    expect(analysis.handleModel?.talkSeconds.dist).toMatch(/^(lognormal|empirical)$/);
    expect(analysis.handleModel?.acwSeconds?.dist).toMatch(/^(lognormal|empirical)$/);
    const c = analysis.calibration as Exclude<Analysis['calibration'], { problem: string }>;
    expect(Object.keys(c.methods)).toEqual([
      'window',
      'arrivals',
      'returns',
      'redials',
      'talkSeconds',
      'acwSeconds',
      'patienceSeconds',
      'shifts',
      'breaks',
      'transferWork',
      'outboundWork',
    ]);
  });

  it('simulate.json runs with `last-agent simulate --config`, and gives the table of the report', async () => {
    const config = join(out, 'simulate.json');
    const run = await runCli(['simulate', '--config', config, '--json']);
    expect(run.code).toBe(0);
    const simulated = JSON.parse(run.stdout) as { policies: { label: string; continuity: number }[] };
    const policies = (analysis.simulation as SimulationSummary).policies;
    expect(simulated.policies.map((p) => p.label)).toEqual(policies.map((p) => p.label));
    expect(simulated.policies.map((p) => p.continuity)).toEqual(
      policies.map((p) => Number((p.continuity as number).toFixed(4))),
    );
  });
});
