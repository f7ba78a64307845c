/**
 * The calibration of generated centers (analyze/generator/, which imports nothing from the
 * simulator), without simulating: the configuration is one `simulate` takes, the handle model
 * one the Lambdas take, and the estimates follow the center the records come from; the
 * generator's parameters serve only as the truth to compare with, never as an input.
 */
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../analyze/calibrate/calibrate';
import { fitPatience } from '../../analyze/calibrate/patience';
import { type Contact, toContact } from '../../analyze/contact';
import { type CenterShape, SHAPES, generateRecords } from '../../analyze/generator';
import { parseSimulationConfig } from '../../simulate/config';
import { parseHandleModel } from '../../steps/lib/decision/handle-model';
import { NAMES } from './ctr';

const TZ = 'America/New_York';

function contactsOf(shape: 'month-24' | 'small-long-calls', overrides: Partial<CenterShape>): Contact[] {
  return generateRecords(shape, overrides).map((r) => toContact(r, NAMES) as Contact);
}

function calibrated(all: Contact[], goLive?: number) {
  const c = calibrate(all, {
    lookbackDays: 7,
    timeZone: TZ,
    goLive,
    goLivePolicy: { name: 'preferred-agent', seconds: 30 },
  });
  if ('problem' in c) throw new Error(c.problem);
  return c;
}

const quantile = (d: unknown, k: number) => (d as { quantiles: number[] }).quantiles[k] as number;
const weekTotal = (t: number[][]) => t.flat().reduce((s, v) => s + v, 0);
/** The median of a lognormal with this mean and coefficient of variation. */
const lognormalMedian = (s: { mean: number; cv: number }) => s.mean / Math.sqrt(1 + s.cv * s.cv);

describe('calibrating the 24-agent month', () => {
  const all = contactsOf('month-24', { goLiveDay: null });
  const c = calibrated(all);

  it('writes a configuration simulate takes and a handle model LAST_AGENT_HANDLE_MODEL takes', () => {
    const config = parseSimulationConfig(c.simulate);
    expect(config.startWeekday).toBe(0);
    expect(config.arrivalsPerHourByWeekday).toHaveLength(7);
    expect(config.policies.map((p) => p.name)).toEqual(['none', 'preferred-agent', 'agent-queue']);
    const model = parseHandleModel(JSON.stringify(c.handleModel));
    expect(model.talkSeconds).toEqual(c.simulate.talkSeconds);
    expect(model.acwSeconds).toEqual(c.simulate.acwSeconds);
  });

  it("no new calls in hours the center is closed (nights; the whole of Sunday's early morning)", () => {
    const week = c.simulate.arrivalsPerHourByWeekday as number[][];
    for (const day of week) for (const h of [0, 1, 2, 3, 4, 5, 22, 23]) expect(day[h]).toBe(0);
    expect(weekTotal(week)).toBeGreaterThan(0);
  });

  it("patience by Kaplan–Meier is the callers' (the generator's median), hang-ups alone understate it", () => {
    const truth = lognormalMedian(SHAPES['month-24'].patience);
    const km = quantile(c.simulate.patienceSeconds, 50);
    expect(Math.abs(km - truth) / truth).toBeLessThan(0.15);
    const hangUps = all
      .filter(
        (x) => x.method === 'INBOUND' && x.channel === 'VOICE' && x.enqueue !== undefined && !x.connected,
      )
      .map((x) => x.queueSeconds as number)
      .sort((a, b) => a - b);
    expect(hangUps[Math.floor(hangUps.length / 2)]).toBeLessThan(0.7 * km);
  });

  it('one break a working day of about the generator’s half hour, from the gaps agents were passed over in', () => {
    const b = c.simulate.breaks as { everyMinutes: number; durationMinutes: number };
    expect(b.durationMinutes).toBeGreaterThan(25);
    expect(b.durationMinutes).toBeLessThan(38);
    // Shifts are 8 to 8.5 hours: one break every working day.
    expect(b.everyMinutes).toBeGreaterThan(420);
    expect(b.everyMinutes).toBeLessThan(600);
  });

  it('shifts cover the agents rostered: as many agent-days a week as the generator rosters', () => {
    const rostered = SHAPES['month-24'].staffing.reduce((s, n) => s + n, 0);
    const simulated = (c.simulate.shifts ?? []).reduce((s, g) => s + g.agents * (g.weekdays?.length ?? 7), 0);
    expect(simulated).toBe(rostered);
  });

  it('does not depend on the order of the records', () => {
    const reversed = calibrated([...all].reverse());
    expect(reversed).toEqual(c);
  });
});

describe('the calibration follows the records, not constants', () => {
  it('twice the calls give twice the new calls; half the patience gives half the patience', () => {
    const base = calibrated(contactsOf('month-24', { goLiveDay: null, days: 21 }));
    const busier = calibrated(contactsOf('month-24', { goLiveDay: null, days: 21, dailyCalls: 2100 }));
    const ratio =
      weekTotal(busier.simulate.arrivalsPerHourByWeekday as number[][]) /
      weekTotal(base.simulate.arrivalsPerHourByWeekday as number[][]);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
    const patient = calibrated(
      contactsOf('month-24', { goLiveDay: null, days: 21, patience: { mean: 90, cv: 1 } }),
    );
    const p = quantile(patient.simulate.patienceSeconds, 50);
    expect(
      Math.abs(p - lognormalMedian({ mean: 90, cv: 1 })) / lognormalMedian({ mean: 90, cv: 1 }),
    ).toBeLessThan(0.15);
  });

  it('Kaplan–Meier on the generated small center, whose queue is long, still finds the callers’ patience', () => {
    const all = contactsOf('small-long-calls', { goLiveDay: null, days: 60 });
    const waits = all
      .filter((x) => x.method === 'INBOUND' && x.channel === 'VOICE' && x.enqueue !== undefined)
      .map((x) => ({ seconds: x.queueSeconds ?? 0, abandoned: x.connected === undefined }));
    const truth = lognormalMedian(SHAPES['small-long-calls'].patience);
    const km = quantile(fitPatience(waits).dist, 50);
    expect(Math.abs(km - truth) / truth).toBeLessThan(0.2);
  });

  it('calibrates from the whole days before go-live only', () => {
    const all = contactsOf('small-long-calls', { goLiveDay: 15 });
    const goLive = Math.min(...all.filter((x) => x.route !== '').map((x) => x.initiation));
    const c = calibrated(all, goLive);
    expect(c.window.days).toBe(15);
    expect(c.window.beforeGoLive).toBe(true);
    expect(Date.parse(c.window.to)).toBeLessThanOrEqual(goLive);
    // New calls from the days with a week of records before them.
    expect(c.window.countedDays).toBe(8);
  });
});
