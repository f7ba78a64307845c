/**
 * The backtest: does the calibrated model reproduce the center? The simulation of simulate.json
 * (every policy, on common random numbers) is run once; its `none` row must show the continuity
 * (sameAgentShare) and abandonment seen before go-live, and, when the records span go-live, the
 * row of the preference that was live (--go-live-policy) the continuity seen after it. A figure
 * holds when |observed − simulated| is within its tolerance and the simulation's own 95%
 * half-width is at most half of it. Observed figures are analyze's own definitions, counted over
 * the days whose lookback is in the records (before go-live: the days new calls were counted on),
 * each with a binomial 95% half-width for scale (calls of one day are not independent: a lower bound).
 */
import { parseSimulationConfig } from '../../simulate/config';
import { type PolicyRow, type SimulationReport, runSimulation } from '../../simulate/run';
import type { Figures } from '../figures/figures';
import type { Calibration, GoLivePolicy, SimulateJson } from './calibrate';
import { type SettingRecommendation, recommendSetting } from './recommend';
import { type RunLength, runLength } from './run-length';

export const TOLERANCE = { continuityBefore: 0.02, abandonBefore: 0.03, continuityAfter: 0.05 } as const;

export interface BacktestRow {
  figure: string;
  observed: number | null;
  /** Binomial 95% half-width of the observed share, for scale. */
  observedHalfWidth: number | null;
  simulated: number | null;
  /** The simulation's 95% half-width (batch means). */
  halfWidth: number | null;
  tolerance: number;
  holds: boolean;
}

/** The observed figures the backtest compares with: before go-live, and after it when the records span it. */
export interface Observed {
  before: Pick<Figures, 'sameAgentShare' | 'abandonRate' | 'returning' | 'contacts' | 'handled'>;
  after: Pick<Figures, 'sameAgentShare' | 'returning' | 'contacts' | 'handled'> | null;
}

export interface BacktestResult {
  rows: BacktestRow[];
  holds: boolean;
  /** simulate.json as run: the calibration with the run length chosen. */
  config: SimulateJson;
  report: SimulationReport;
  length: RunLength;
  recommendation: SettingRecommendation | null;
}

const binomial = (p: number | null, n: number) =>
  p === null || n <= 0 ? null : 1.96 * Math.sqrt((p * (1 - p)) / n);

function row(
  figure: string,
  observed: number | null,
  n: number,
  simulated: number | null,
  halfWidth: number | null,
  tolerance: number,
): BacktestRow {
  const holds =
    observed !== null &&
    simulated !== null &&
    halfWidth !== null &&
    Math.abs(observed - simulated) <= tolerance &&
    halfWidth <= tolerance / 2;
  return {
    figure,
    observed,
    observedHalfWidth: binomial(observed, n),
    simulated,
    halfWidth,
    tolerance,
    holds,
  };
}

/** The simulated row of the go-live setting (a fixed policy, with the product's default busy rule). */
export function goLiveRow(rows: PolicyRow[], p: GoLivePolicy): PolicyRow | undefined {
  return rows.find(
    (r) =>
      r.name === p.name &&
      (p.name === 'preferred-agent' ? r.expirySeconds : r.maxWaitSeconds) === p.seconds &&
      r.preferBusyAgent === undefined &&
      r.minFreeProbability === undefined,
  );
}

export const goLiveLabel = (p: GoLivePolicy) => `${p.name}:${p.seconds}`;

/** Returning calls answered an hour in the records (before go-live), for the run length. */
function returningPerHour(o: Observed, days: number): number {
  const b = o.before;
  const answered = b.contacts > 0 ? b.handled / b.contacts : 0;
  return days > 0 ? (b.returning * answered) / (days * 24) : 0;
}

/** simulate.json with the run length the backtest needs (run-length.ts). */
export function chooseRun(
  calibration: Calibration,
  observed: Observed,
): { config: SimulateJson; length: RunLength } {
  const targets: { share: number; tolerance: number }[] = [
    { share: observed.before.sameAgentShare ?? 0.5, tolerance: TOLERANCE.continuityBefore },
  ];
  if (observed.after)
    targets.push({ share: observed.after.sameAgentShare ?? 0.5, tolerance: TOLERANCE.continuityAfter });
  const length = runLength(
    calibration.simulate,
    returningPerHour(observed, calibration.window.countedDays),
    targets,
  );
  return { config: { ...calibration.simulate, hours: length.hours, batches: length.batches }, length };
}

export function runBacktest(
  run: { config: SimulateJson; length: RunLength },
  observed: Observed,
  goLive: GoLivePolicy,
): BacktestResult {
  const { config, length } = run;
  const report = runSimulation(parseSimulationConfig(config));
  const none = report.policies.find((r) => r.name === 'none') as PolicyRow;
  const b = observed.before;
  const returningHandled = (f: { returning: number; handled: number; contacts: number }) =>
    f.contacts > 0 ? (f.returning * f.handled) / f.contacts : 0;
  const rows = [
    row(
      'sameAgentShare before go-live (none)',
      b.sameAgentShare,
      returningHandled(b),
      none.continuity,
      none.ci95.continuity,
      TOLERANCE.continuityBefore,
    ),
    row(
      'abandonRate before go-live (none)',
      b.abandonRate,
      b.contacts,
      none.abandonRate,
      none.ci95.abandonRate,
      TOLERANCE.abandonBefore,
    ),
  ];
  if (observed.after) {
    const live = goLiveRow(report.policies, goLive);
    rows.push(
      row(
        `sameAgentShare after go-live (${goLiveLabel(goLive)})`,
        observed.after.sameAgentShare,
        returningHandled(observed.after),
        live?.continuity ?? null,
        live?.ci95.continuity ?? null,
        TOLERANCE.continuityAfter,
      ),
    );
  }
  const holds = rows.every((r) => r.holds);
  return {
    rows,
    holds,
    config,
    report,
    length,
    recommendation: recommendSetting(report.policies, config.serviceLevelTolerance ?? 0.02, holds),
  };
}
