/**
 * openHoursOnly: callbacks and re-dials arrive only in hours the center takes new calls, as a
 * real flow plays its closed message and queues nothing then.
 */
import { describe, expect, it } from 'vitest';
import { parseSimulationConfig } from '../../simulate/config';
import { runModel } from '../../simulate/model';
import type { TraceEntry } from '../../simulate/model-options';
import { modelOptionsOf } from '../../simulate/run';

/** Open Monday to Friday, 09:00-17:00: 30 new calls an hour. */
const OPEN = Array.from({ length: 7 }, (_, w) =>
  Array.from({ length: 24 }, (_, h) => (w < 5 && h >= 9 && h < 17 ? 30 : 0)),
);

const config = (openHoursOnly: boolean) =>
  parseSimulationConfig({
    seed: 5,
    hours: 24 * 7 * 6,
    warmupHours: 0,
    shifts: [{ agents: 6, start: '09:00', end: '17:00', weekdays: [0, 1, 2, 3, 4] }],
    arrivalsPerHourByWeekday: OPEN,
    handleSeconds: { dist: 'exponential', mean: 300 },
    patienceSeconds: { dist: 'exponential', mean: 120 },
    returnShare: 0.4,
    returnDelayMinutes: { dist: 'exponential', mean: 600 },
    redial: { share: 0.5, delayMinutes: { dist: 'exponential', mean: 30 } },
    openHoursOnly,
    policies: [{ name: 'none' }],
  });

function arrivals(openHoursOnly: boolean) {
  const trace: TraceEntry[] = [];
  const stats = runModel({ ...modelOptionsOf(config(openHoursOnly), { name: 'none' }), trace });
  const arrive = trace.filter((e): e is TraceEntry & { type: 'arrive' } => e.type === 'arrive');
  const closed = arrive.filter((e) => {
    const hour = Math.floor(e.t / 3600);
    const w = Math.floor(hour / 24) % 7;
    const h = hour % 24;
    return !(w < 5 && h >= 9 && h < 17);
  });
  return { arrive, closed, stats };
}

describe('openHoursOnly', () => {
  it('without it, callbacks and re-dials ring a closed center; with it, no call arrives in a closed hour', () => {
    const before = arrivals(false);
    const after = arrivals(true);
    expect(before.closed.length).toBeGreaterThan(100);
    expect(after.closed).toEqual([]);
    // Callers still call back: about as many calls arrive either way (redrawn, not dropped).
    expect(after.arrive.length).toBeGreaterThan(0.9 * before.arrive.length);
  });

  it('defaults to off, and is refused when not a boolean', () => {
    const minimal = {
      hours: 1,
      agents: 1,
      callsPerHour: 1,
      handleSeconds: { dist: 'fixed', value: 1 },
      patienceSeconds: null,
      policies: [{ name: 'none' }],
    };
    expect(parseSimulationConfig(minimal).openHoursOnly).toBe(false);
    expect(() => parseSimulationConfig({ ...minimal, openHoursOnly: 'yes' })).toThrow(/openHoursOnly/);
  });
});
