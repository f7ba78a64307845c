/**
 * The report's recommendation, from the simulated table alone: among every preference setting
 * (preferred-agent expiries and agent-queue waits), the one with the most continuity whose
 * service level stays within the tolerance of none's and whose continuity gain over none counts
 * (simulate's gainsContinuity: at least a point, outside its paired 95% interval); ties go to the
 * shorter wait. Otherwise "no preference helps at this load", and why. A model that fails its
 * backtest recommends nothing.
 */
import { type PolicyRow, gainsContinuity } from '../../simulate/run';

export interface SettingRecommendation {
  /** The policy row's label ("preferred-agent 20s"), or null when nothing is recommended. */
  setting: string | null;
  name: PolicyRow['name'] | null;
  seconds: number | null;
  continuity: number | null;
  serviceLevel: number | null;
  noneContinuity: number | null;
  noneServiceLevel: number;
  tolerance: number;
  text: string;
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);
const points = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} points`;
const secondsOf = (r: PolicyRow) => r.expirySeconds ?? r.maxWaitSeconds ?? 0;

export function recommendSetting(
  rows: PolicyRow[],
  tolerance: number,
  backtestHolds: boolean,
): SettingRecommendation | null {
  const none = rows.find((r) => r.name === 'none');
  if (!none) return null;
  const base = {
    noneContinuity: none.continuity,
    noneServiceLevel: none.serviceLevel,
    tolerance,
  };
  const nothing = (text: string): SettingRecommendation => ({
    ...base,
    setting: null,
    name: null,
    seconds: null,
    continuity: null,
    serviceLevel: null,
    text,
  });
  if (!backtestHolds)
    return nothing(
      'nothing: the simulated center does not reproduce the records (see the backtest), so its table is no ground for a setting',
    );
  const preferences = rows.filter((r) => r.name !== 'none');
  const gaining = preferences.filter(gainsContinuity);
  const eligible = gaining
    .filter((r) => r.serviceLevel >= none.serviceLevel - tolerance)
    .sort((a, b) => (b.continuity ?? 0) - (a.continuity ?? 0) || secondsOf(a) - secondsOf(b));
  const best = eligible[0];
  if (best) {
    return {
      ...base,
      setting: best.label,
      name: best.name,
      seconds: secondsOf(best),
      continuity: best.continuity,
      serviceLevel: best.serviceLevel,
      text: `${best.label}: continuity ${pct(best.continuity)} against ${pct(none.continuity)} with no preference, service level ${pct(best.serviceLevel)} against ${pct(none.serviceLevel)} (${points(best.serviceLevel - none.serviceLevel)}, within the ${(tolerance * 100).toFixed(1)}-point tolerance), answered returning callers wait ${(best.asaReturningSeconds ?? 0).toFixed(0)} s on average (none ${(none.asaReturningSeconds ?? 0).toFixed(0)} s)`,
    };
  }
  if (gaining.length === 0)
    return nothing(
      `no preference helps at this load: no setting lifts continuity meaningfully above ${pct(none.continuity)} (at least a point, outside its paired 95% interval)`,
    );
  const cheapest = [...gaining].sort((a, b) => b.serviceLevel - a.serviceLevel)[0] as PolicyRow;
  return nothing(
    `no preference helps at this load: every setting that lifts continuity costs more than ${(tolerance * 100).toFixed(1)} points of service level; the least costly, ${cheapest.label}, reaches ${pct(cheapest.continuity)} at ${pct(cheapest.serviceLevel)} against ${pct(none.serviceLevel)} (${points(cheapest.serviceLevel - none.serviceLevel)})`,
  );
}
