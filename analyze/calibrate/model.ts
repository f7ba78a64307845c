/**
 * The center's model, as `analyze` reports it: the calibration (calibrate.ts), the handle model
 * for LAST_AGENT_HANDLE_MODEL, and, when asked (the command always asks), the simulation of the
 * calibrated center with its backtest and recommendation (backtest.ts). The simulation needs a
 * week of records before go-live at least (arrivals by weekday), and a run the simulator accepts.
 */
import { runSizeProblem } from '../../simulate/budget';
import { parseSimulationConfig } from '../../simulate/config';
import type { PolicyRow, SimulationReport } from '../../simulate/run';
import type { Dist } from '../../steps/lib/decision/handle-model';
import type { Contact } from '../contact';
import type { ContactList } from '../contact-list';
import { type Figures, computeFigures } from '../figures/figures';
import {
  type BacktestResult,
  type BacktestRow,
  type Observed,
  chooseRun,
  goLiveLabel,
  runBacktest,
} from './backtest';
import { type CalibrateOptions, type Calibration, calibrate } from './calibrate';
import type { SettingRecommendation } from './recommend';

const DAY = 86_400_000;
/** The fewest whole days before go-live the simulation is calibrated from: one of each weekday. */
export const MIN_DAYS = 7;

export interface PolicySummary {
  label: string;
  name: PolicyRow['name'];
  expirySeconds?: number;
  acceptShare?: number;
  maxWaitSeconds?: number;
  continuity: number | null;
  continuityHalfWidth: number | null;
  serviceLevel: number;
  serviceLevelHalfWidth: number | null;
  /** Paired difference from none (this minus none) and its 95% half-width. */
  serviceLevelVsNone: { difference: number; ci95: number | null } | null;
  asaSeconds: number;
  asaReturningSeconds: number | null;
  abandonRate: number;
}

export interface SimulationSummary {
  goLivePolicy: string;
  seed: number;
  hours: number;
  warmupHours: number;
  batches: number;
  serviceLevelSeconds: number;
  serviceLevelTolerance: number;
  /** Why the run is shorter than its target half-width asks, if it is. */
  limitedBy: string | null;
  holds: boolean;
  policies: PolicySummary[];
  recommendation: SettingRecommendation | null;
}

export interface CenterModel {
  handleModel: { talkSeconds: Dist; acwSeconds?: Dist } | null;
  calibration: Omit<Calibration, 'handleModel'> | { problem: string };
  backtest: BacktestRow[] | null;
  simulation: SimulationSummary | { skipped: string } | null;
}

export interface ModelOptions extends CalibrateOptions {
  /** Run the simulation (backtest, policies, recommendation). */
  simulate: boolean;
}

function summary(p: PolicyRow): PolicySummary {
  return {
    label: p.label,
    name: p.name,
    ...(p.expirySeconds !== undefined ? { expirySeconds: p.expirySeconds } : {}),
    ...(p.acceptShare !== undefined ? { acceptShare: p.acceptShare } : {}),
    ...(p.maxWaitSeconds !== undefined ? { maxWaitSeconds: p.maxWaitSeconds } : {}),
    continuity: p.continuity,
    continuityHalfWidth: p.ci95.continuity,
    serviceLevel: p.serviceLevel,
    serviceLevelHalfWidth: p.ci95.serviceLevel,
    serviceLevelVsNone: p.vsNone ? p.vsNone.serviceLevel : null,
    asaSeconds: p.asaSeconds,
    asaReturningSeconds: p.asaReturningSeconds,
    abandonRate: p.abandonRate,
  };
}

/** analyze's figures over the days the backtest compares: before go-live (counted days), after it. */
function observedFigures(all: ContactList, c: Calibration, o: ModelOptions): Observed {
  const base = { lookbackDays: o.lookbackDays, timeZone: o.timeZone };
  const before = computeFigures(all, {
    ...base,
    since: Date.parse(c.window.countedFrom),
    until: Date.parse(c.window.to),
  });
  let after: Figures | null = null;
  if (o.goLive !== undefined) {
    const history = Date.parse(c.window.from) + o.lookbackDays * DAY;
    after = computeFigures(all, { ...base, since: Math.max(o.goLive, history), until: o.until });
  }
  return { before, after };
}

function simulationOf(r: BacktestResult, o: ModelOptions): SimulationSummary {
  const c = r.config;
  return {
    goLivePolicy: goLiveLabel(o.goLivePolicy),
    seed: c.seed ?? 1,
    hours: c.hours,
    warmupHours: c.warmupHours ?? 1,
    batches: c.batches ?? 20,
    serviceLevelSeconds: c.serviceLevelSeconds ?? 20,
    serviceLevelTolerance: c.serviceLevelTolerance ?? 0.02,
    limitedBy: r.length.limitedBy,
    holds: r.holds,
    policies: r.report.policies.map(summary),
    recommendation: r.recommendation,
  };
}

type ModelWithReport = CenterModel & { report: SimulationReport | null };

/**
 * The model up to the simulation: all of it that reads the contacts (the calibration, the
 * observed figures the backtest compares with). `toSimulate` is what the simulation needs, when
 * it is to run: nothing in it refers to the contacts, so a caller that drops them before
 * `simulatedModel` frees them (69 MB at 1 M records) before the simulator builds its own.
 */
export interface PreparedModel {
  model: ModelWithReport;
  toSimulate: { run: ReturnType<typeof chooseRun>; observed: Observed } | null;
}

export function prepareModel(all: ContactList, o: ModelOptions): PreparedModel {
  const c = calibrate(all, o);
  const none = { backtest: null, simulation: null, report: null };
  if ('problem' in c) return { model: { handleModel: null, calibration: c, ...none }, toSimulate: null };
  try {
    parseSimulationConfig(c.simulate);
  } catch (err) {
    const problem = `the calibrated configuration is not one the simulator takes: ${(err as Error).message}`;
    return { model: { handleModel: c.handleModel, calibration: { problem }, ...none }, toSimulate: null };
  }
  const { handleModel, ...calibration } = c;
  const model = { handleModel, calibration, ...none };
  if (!o.simulate) return { model, toSimulate: null };
  const observed = observedFigures(all, c, o);
  const run = chooseRun(c, observed);
  const sized = { ...model, calibration: { ...calibration, simulate: run.config } };
  const skipped = (why: string) => ({ model: { ...sized, simulation: { skipped: why } }, toSimulate: null });
  if (c.window.days < MIN_DAYS)
    return skipped(
      `the records hold ${c.window.days} whole days before go-live; the simulator is calibrated from ${MIN_DAYS} at least (every weekday)`,
    );
  const problem = runSizeProblem(parseSimulationConfig(run.config));
  if (problem) return skipped(`the calibrated center cannot be simulated: ${problem}`);
  return { model: sized, toSimulate: { run, observed } };
}

/** The prepared model with its simulation (backtest, policies, recommendation) when it is to run. */
export function simulatedModel(p: PreparedModel, o: ModelOptions): ModelWithReport {
  if (!p.toSimulate) return p.model;
  const result = runBacktest(p.toSimulate.run, p.toSimulate.observed, o.goLivePolicy);
  return { ...p.model, backtest: result.rows, simulation: simulationOf(result, o), report: result.report };
}

/** The model of the records (simulate.json is `calibration.simulate`), and the simulation's full report when it ran. */
export function centerModel(all: ContactList, o: ModelOptions): ModelWithReport {
  return simulatedModel(prepareModel(all, o), o);
}
