/**
 * Figures of the configured center known before any run: the mean new calls an hour, the agent
 * time an answered call takes (talk, after-contact work and its share of transfer legs), the
 * agents' hours on duty. The report's offered load (run.ts) and the run-size bound (budget.ts)
 * both use them, so the two cannot drift apart.
 */
import type { SimulationConfig } from './config';
import { type DurationSpec, meanOf } from './distributions';

const DAY = 86_400;

/** New calls an hour, averaged over the day (arrivalProfile) or the week (arrivalsPerHourByWeekday). */
export function meanNewCallsPerHour(config: SimulationConfig): number {
  const weekly = config.arrivalsPerHourByWeekday;
  if (weekly) return weekly.flat().reduce((s, v) => s + v, 0) / (7 * 24);
  const profile = config.arrivalProfile;
  const profileMean = profile ? profile.reduce((s, v) => s + v, 0) / profile.length : 1;
  return (config.callsPerHour as number) * profileMean;
}

/** The caller's time with the agent: handleSeconds, or talkSeconds when the handle time is split. */
export function talkOf(config: SimulationConfig): DurationSpec {
  return (config.handleSeconds ?? config.talkSeconds) as DurationSpec;
}

/** Mean agent seconds per answered call: talk, after-contact work, and the transfer legs' share. */
export function agentSecondsPerCall(config: SimulationConfig): number {
  let seconds = meanOf(talkOf(config));
  if (config.acwSeconds) seconds += meanOf(config.acwSeconds);
  if (config.transferWork) seconds += config.transferWork.share * meanOf(config.transferWork.handleSeconds);
  return seconds;
}

/** A shift's length in seconds (crossing midnight allowed; equal ends are a whole day). */
export function shiftSeconds(s: { start: number; end: number }): number {
  return (((s.end - s.start) % DAY) + DAY) % DAY || DAY;
}

/** The share of days a shift runs: its weekdays out of 7 (1 when it runs every day). */
export function weekFraction(s: { weekdays?: readonly number[] | undefined }): number {
  return s.weekdays ? s.weekdays.length / 7 : 1;
}

/** Outbound work, transfers or re-dials are configured with a positive rate or share. */
export function hasOtherWork(config: SimulationConfig): boolean {
  return (
    (config.outboundWork?.perIdleAgentHour ?? 0) > 0 ||
    (config.transferWork?.share ?? 0) > 0 ||
    ((config.redial?.share ?? 0) > 0 && config.patienceSeconds !== null)
  );
}
