/**
 * report.md's sections on the center's model (analyze/calibrate/): observed against simulated
 * first (the backtest: a model that fails it says so at the top and recommends nothing), then
 * per policy and wait the simulated continuity, service level and waits with the recommendation,
 * and at the end how simulate.json was calibrated. The policies' chart is the simulator's own
 * (continuity against the mean wait), with the recommended expiry ringed.
 */
import { chartSvg } from '../../simulate/report';
import type { SimulationReport } from '../../simulate/run';
import type { Analysis } from '../analysis';
import type { SimulationSummary } from '../calibrate/model';

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);
const pm = (v: number | null, hw: number | null) =>
  v === null ? 'n/a' : hw === null ? pct(v) : `${pct(v)} ±${(hw * 100).toFixed(1)}`;
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`;
const sec = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} s`);

function verdict(a: Analysis, s: SimulationSummary): string {
  const failing = (a.backtest ?? []).filter((r) => !r.holds).map((r) => r.figure);
  if (failing.length === 0)
    return '**The calibrated model reproduces the center**: every figure below is within its tolerance, and the simulation is long enough that its own 95 % half-width is at most half of it.';
  return `**The calibrated model does not reproduce the center** (${failing.join('; ')}): the table of policies below is shown for what it is, and nothing is recommended. docs/analyze.md ("Backtest and recommendation") says which figures may not hold and why.${s.limitedBy ? ` The run was cut short by ${s.limitedBy}.` : ''}`;
}

export function backtestSection(a: Analysis): string[] {
  const head = ['## Does the simulator reproduce your center? (backtest)', ''];
  if ('problem' in a.calibration) return [...head, `No calibration: ${a.calibration.problem}.`];
  const s = a.simulation;
  if (s === null) return [...head, 'The calibrated center was not simulated.'];
  if ('skipped' in s) return [...head, `Not simulated: ${s.skipped}.`];
  const weeks = Math.round(s.hours / 168);
  return [
    ...head,
    verdict(a, s),
    '',
    '| figure | observed | simulated | difference | tolerance | holds |',
    '|---|---|---|---|---|---|',
    ...(a.backtest ?? []).map(
      (r) =>
        `| ${r.figure} | ${pm(r.observed, r.observedHalfWidth)} | ${pm(r.simulated, r.halfWidth)} | ${r.observed === null || r.simulated === null ? 'n/a' : `${signed(r.simulated - r.observed)} points`} | ±${(r.tolerance * 100).toFixed(1)} points | ${r.holds ? 'yes' : 'no'} |`,
    ),
    '',
    `Observed: the records' figures over the days whose lookback is in the records (± a binomial 95 % half-width, for scale). Simulated: simulate.json, ${weeks} weeks (${s.hours.toLocaleString('en-US')} h after ${s.warmupHours} h of warm-up), seed ${s.seed}, ± a 95 % half-width from ${s.batches} batches. After go-live the preference simulated is ${s.goLivePolicy} (\`--go-live-policy\`: the records do not say which mode and wait ran).`,
  ];
}

export function policiesSection(a: Analysis, chartFile: string | undefined): string[] {
  const s = a.simulation;
  if (s === null || 'skipped' in s) return [];
  return [
    '## Continuity against waits, per policy (simulated)',
    '',
    `| policy | continuity | service level (${s.serviceLevelSeconds} s) | vs none (points) | mean wait (ASA) | ASA returning | abandoned |`,
    '|---|---|---|---|---|---|---|',
    ...s.policies.map(
      (p) =>
        `| ${p.label} | ${pm(p.continuity, p.continuityHalfWidth)} | ${pct(p.serviceLevel)} | ${p.serviceLevelVsNone ? `${signed(p.serviceLevelVsNone.difference)}${p.serviceLevelVsNone.ci95 === null ? '' : ` ±${(p.serviceLevelVsNone.ci95 * 100).toFixed(1)}`}` : ''} | ${sec(p.asaSeconds)} | ${sec(p.asaReturningSeconds)} | ${pct(p.abandonRate)} |`,
    ),
    '',
    ...(chartFile ? [`![Continuity against the mean wait, per policy](${chartFile})`, ''] : []),
    `**Recommendation** (the setting with the most continuity whose service level stays within ${(s.serviceLevelTolerance * 100).toFixed(1)} points of none's, and whose gain counts): ${s.recommendation?.text ?? 'n/a'}.`,
  ];
}

export function calibrationSection(a: Analysis): string[] {
  if ('problem' in a.calibration) return [];
  const c = a.calibration;
  return [
    '## How simulate.json was calibrated',
    '',
    `From ${c.window.from} to ${c.window.to} (${c.window.days} days${c.window.beforeGoLive ? ', before go-live' : ''}).`,
    '',
    ...Object.entries(c.methods).map(([part, method]) => `- **${part}**: ${method}`),
  ];
}

/** The simulator's chart of the policies, ringing the recommended expiry when a preferred-agent setting is recommended. */
export function policyChartSvg(report: SimulationReport, summary: Analysis['simulation']): string {
  const rec = summary && !('skipped' in summary) ? summary.recommendation : null;
  return chartSvg({
    ...report,
    recommendation:
      rec && rec.name === 'preferred-agent'
        ? {
            expirySeconds: rec.seconds,
            continuity: rec.continuity,
            serviceLevel: rec.serviceLevel,
            noneServiceLevel: rec.noneServiceLevel,
            noneContinuity: rec.noneContinuity,
            tolerance: rec.tolerance,
            text: rec.text,
          }
        : null,
  });
}
