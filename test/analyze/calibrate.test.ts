/**
 * The calibration's parts on hand-made records and samples (analyze/calibrate/): what a call is
 * (new, return, re-dial), patience with censoring, the form of a duration, shifts and breaks from
 * agents' contacts, and the recommendation from a simulated table.
 */
import { describe, expect, it } from 'vitest';
import { queuedCalls } from '../../analyze/calibrate/calls';
import { LOGNORMAL_MAX_KS, fitDuration, ksDistance, percentiles } from '../../analyze/calibrate/durations';
import { fitPatience, kaplanMeier } from '../../analyze/calibrate/patience';
import { recommendSetting } from '../../analyze/calibrate/recommend';
import { staffingOf, waitingSpans } from '../../analyze/calibrate/staffing';
import { calibrationWindow } from '../../analyze/calibrate/window';
import { LocalClock } from '../../analyze/clock';
import type { Contact } from '../../analyze/contact';
import { Rng, sampler } from '../../simulate/distributions';
import type { PolicyRow } from '../../simulate/run';
import { type Call, contacts } from './ctr';

const DAY = 24 * 60;
const byId = (calls: ReturnType<typeof queuedCalls>) => new Map(calls.map((c) => [c.contact.id, c]));

describe('what a call is: new, a return or a re-dial', () => {
  const CALLS: Call[] = [
    { id: 'a1', at: 9 * 60, caller: '+14155550101', agent: 'ann', talk: 300 },
    { id: 'a2', at: 19 * 60, caller: '+14155550101', agent: 'bob' },
    { id: 'b1', at: 10 * 60, caller: '+14155550102', queued: true, wait: 60 },
    { id: 'b2', at: 10 * 60 + 10, caller: '+14155550102', agent: 'bob' },
    { id: 'b3', at: 10 * 60 + 10 + 8 * DAY, caller: '+14155550102', agent: 'ann' },
    { id: 'c1', at: 11 * 60, caller: 'anonymous', agent: 'ann' },
    { id: 'c2', at: 11 * 60 + 30, caller: 'anonymous', agent: 'ann' },
    { id: 'd1', at: 12 * 60, caller: '+14155550104', agent: 'ann', talk: 100 },
    {
      id: 'd1-leg',
      at: 12 * 60 + 2,
      caller: null,
      method: 'TRANSFER',
      initialId: 'd1',
      agent: 'bob',
      talk: 200,
    },
    { id: 'd2', at: 15 * 60, caller: '+14155550104', agent: 'cyd' },
    { id: 'e1', at: 23 * 60, caller: '+14155550105', queued: false },
  ];
  const calls = byId(queuedCalls(contacts(CALLS), 7));

  it('an answered caller calling again within the lookback returns, timed from their release', () => {
    expect(calls.get('a1')?.kind).toBe('new');
    expect(calls.get('a2')?.kind).toBe('return');
    // Queued 10 s after initiation at 19:00; released at 09:00 + 10 s + 300 s of talk.
    expect((calls.get('a2')?.delay as number) / 60_000).toBe(595);
  });

  it('a caller who hung up and calls within the hour re-dials; eight days after an answer is new again', () => {
    expect(calls.get('b1')?.handled).toBe(false);
    expect(calls.get('b2')?.kind).toBe('redial');
    expect((calls.get('b2')?.delay as number) / 1000).toBe(540);
    expect(calls.get('b3')?.kind).toBe('new');
  });

  it('callers without a number are always new; a call that never reached the queue is no call', () => {
    expect([calls.get('c1')?.kind, calls.get('c2')?.kind]).toEqual(['new', 'new']);
    expect(calls.has('e1')).toBe(false);
    expect(calls.has('d1-leg')).toBe(false);
  });

  it("a transferred caller's last agent is the leg's, released when the leg's talk ends", () => {
    const d1 = calls.get('d1');
    expect(d1?.lastAgent).toMatch(/\/agent\/bob$/);
    expect(d1?.legs.map((l) => l.id)).toEqual(['d1-leg']);
    // The leg: connected at 12:02 + 10 s, 200 s of talk.
    expect(d1?.release).toBe(Date.parse('2026-03-02T12:05:30Z'));
    expect(calls.get('d2')?.kind).toBe('return');
  });
});

describe('patience from the queue, answered callers censored (Kaplan–Meier)', () => {
  const waits = [
    { seconds: 10, abandoned: true },
    { seconds: 15, abandoned: false },
    { seconds: 20, abandoned: true },
    { seconds: 25, abandoned: false },
    { seconds: 30, abandoned: true },
  ];

  it('drops at each hang-up by those who hung up out of those who had waited that long', () => {
    const steps = kaplanMeier(waits);
    expect(steps.map(([t]) => t)).toEqual([10, 20, 30]);
    expect(steps[0]?.[1]).toBeCloseTo(0.8, 12);
    expect(steps[1]?.[1]).toBeCloseTo(0.8 * (2 / 3), 12);
    expect(steps[2]?.[1]).toBe(0);
  });

  it('makes patience longer than the hang-ups alone say: the median is 30 s, not 20 s', () => {
    const q = (fitPatience(waits).dist as { quantiles: number[] }).quantiles;
    expect(q[50]).toBe(30);
    expect(q[20]).toBe(10);
    expect(q[21]).toBe(20);
    const hangUpsOnly = [10, 20, 30];
    expect(hangUpsOnly[1]).toBeLessThan(q[50] as number);
  });

  it('beyond the longest wait (answered) an exponential tail; p100 finite; percentiles never decrease', () => {
    const fit = fitPatience([
      ...waits,
      { seconds: 100, abandoned: false },
      { seconds: 120, abandoned: false },
    ]);
    const q = (fit.dist as { quantiles: number[] }).quantiles;
    expect(fit.survivalAtLongest).toBeGreaterThan(0);
    expect(fit.tailHazardPerSecond).not.toBeNull();
    expect(q[99]).toBeGreaterThan(120);
    expect(Number.isFinite(q[100])).toBe(true);
    expect(q.every((v, i) => i === 0 || v >= (q[i - 1] as number))).toBe(true);
    expect(fit.method).toMatch(/exponential tail/);
  });

  it('nobody hung up: patience is unlimited (null)', () => {
    expect(fitPatience([{ seconds: 40, abandoned: false }]).dist).toBeNull();
  });
});

describe('durations: a lognormal by moments when it fits, the percentiles otherwise, and why', () => {
  const draw = (spec: Parameters<typeof sampler>[0], n: number, seed = 1) => {
    const s = sampler(spec);
    const rng = new Rng(seed, 'test');
    return Array.from({ length: n }, () => s(rng));
  };

  it('a lognormal sample is kept lognormal, its mean and spread recovered', () => {
    const fit = fitDuration(draw({ dist: 'lognormal', mean: 300, sigma: 0.8 }, 20_000));
    expect(fit?.dist.dist).toBe('lognormal');
    const d = fit?.dist as { mean: number; sigma: number };
    expect(d.mean).toBeGreaterThan(290);
    expect(d.mean).toBeLessThan(310);
    expect(d.sigma).toBeGreaterThan(0.75);
    expect(d.sigma).toBeLessThan(0.85);
    expect(fit?.ks).toBeLessThanOrEqual(LOGNORMAL_MAX_KS);
  });

  it('two kinds of calls (short and long) are not lognormal: the 101 percentiles, with the KS distance said', () => {
    const values = [
      ...draw({ dist: 'lognormal', mean: 60, sigma: 0.2 }, 5000),
      ...draw({ dist: 'lognormal', mean: 900, sigma: 0.2 }, 5000, 2),
    ];
    const fit = fitDuration(values);
    expect(fit?.dist.dist).toBe('empirical');
    expect(fit?.method).toMatch(/points off at worst \(KS\), more than 3 points/);
    const q = (fit?.dist as { quantiles: number[] }).quantiles;
    expect(q).toHaveLength(101);
    expect(q[0]).toBe(Math.round(Math.min(...values) * 1000) / 1000);
    expect(q[50]).toBeGreaterThan(60);
    expect(q[50]).toBeLessThan(900);
  });

  it('many zeros (no after-contact work) cannot be lognormal', () => {
    const fit = fitDuration([
      ...new Array(50).fill(0),
      ...draw({ dist: 'lognormal', mean: 40, sigma: 0.5 }, 950),
    ]);
    expect(fit?.dist.dist).toBe('empirical');
    expect(fit?.method).toMatch(/5\.0 % are 0/);
  });

  it('the KS distance of a sample from its own percentiles is small, from a wrong lognormal large', () => {
    const values = draw({ dist: 'exponential', mean: 100 }, 5000).sort((a, b) => a - b);
    expect(ksDistance(values, { dist: 'empirical', quantiles: percentiles(values) })).toBeLessThan(0.01);
    expect(ksDistance(values, { dist: 'lognormal', mean: 100, sigma: 2 })).toBeGreaterThan(0.1);
  });
});

/** An agent's working day: a first contact at `from` and a last one ending near `to` (local minutes). */
function workday(agent: string, day: number, from: number, to: number, id: string): Call[] {
  return [
    { id: `${id}-a`, at: day * DAY + from, caller: '+14155550190', agent, talk: 240 },
    { id: `${id}-b`, at: day * DAY + to - 5, caller: '+14155550191', agent, talk: 290 },
  ];
}

function staffing(calls: Call[]) {
  const all: Contact[] = contacts(calls);
  const clock = new LocalClock('UTC');
  const w = calibrationWindow(all, clock, { goLive: undefined, lookbackDays: 7 });
  if (!w) throw new Error('no window');
  return staffingOf(all, waitingSpans(queuedCalls(all, 7)), clock, w);
}

describe("shifts from each agent's working days", () => {
  const calls: Call[] = [];
  for (let week = 0; week < 3; week++) {
    for (let d = 0; d < 4; d++)
      calls.push(...workday('ann', week * 7 + d, 8 * 60 + 5, 16 * 60 + 30, `ann${week}${d}`));
    for (let d = 0; d < 5; d++)
      calls.push(...workday('bob', week * 7 + d, 9 * 60 + 31, 18 * 60, `bob${week}${d}`));
    calls.push(...workday('bob', week * 7 + 5, 10 * 60 + 2, 14 * 60, `bob${week}sat`));
  }
  // Dan works one Tuesday of three: not a weekly pattern.
  calls.push(...workday('dan', 7 + 1, 12 * 60, 15 * 60, 'dan'));
  const s = staffing(calls);

  it('groups agents by hours (rounded to 30 minutes) and weekdays; a different Saturday is a shift of its own', () => {
    expect(s.shifts).toEqual([
      { agents: 1, start: '08:00', end: '16:30', weekdays: [0, 1, 2, 3] },
      { agents: 1, start: '09:30', end: '18:00', weekdays: [0, 1, 2, 3, 4] },
      { agents: 1, start: '10:00', end: '14:00', weekdays: [5] },
    ]);
  });

  it('a day on a weekday the agent seldom works is left out, and counted', () => {
    expect(s.agentDaysLeftOut).toBe(1);
    expect(s.agentDays).toBe(3 * 4 + 3 * 6 + 1);
  });
});

describe('breaks: gaps in which the agent was passed over, or a caller waited', () => {
  // Ann is between contacts from 09:10:10 to 10:00:10.
  const ann: Call[] = [
    { id: 'a1', at: 9 * 60, caller: '+14155550111', agent: 'ann', talk: 600 },
    { id: 'a2', at: 10 * 60, caller: '+14155550112', agent: 'ann' },
  ];

  it('another agent, free only since after ann, is given a routed call during her gap: ann was away', () => {
    const s = staffing([
      ...ann,
      { id: 'b1', at: 9 * 60 + 20, caller: '+14155550113', agent: 'bob', talk: 300 },
      { id: 'b2', at: 9 * 60 + 40, caller: '+14155550114', agent: 'bob' },
    ]);
    expect(s.awayGaps).toBe(1);
  });

  it('another agent free since before ann takes the call: ann may have been idle, no break', () => {
    const s = staffing([
      ...ann,
      { id: 'b1', at: 8 * 60 + 50, caller: '+14155550113', agent: 'bob', talk: 300 },
      { id: 'b2', at: 9 * 60 + 40, caller: '+14155550114', agent: 'bob' },
    ]);
    expect(s.awayGaps).toBe(0);
    expect(s.breaks).toBeNull();
  });

  it('a caller waited two minutes while ann and bob were both between contacts: both were away', () => {
    const s = staffing([
      ...ann,
      { id: 'b1', at: 8 * 60 + 50, caller: '+14155550113', agent: 'bob', talk: 300 },
      { id: 'b2', at: 9 * 60 + 40, caller: '+14155550114', agent: 'bob', wait: 120 },
    ]);
    expect(s.awayGaps).toBe(2);
  });
});

describe('the recommendation follows from the simulated table', () => {
  const row = (
    label: string,
    continuity: number,
    serviceLevel: number,
    gain: { difference: number; ci95: number } | undefined,
    extra: Partial<PolicyRow> = {},
  ) =>
    ({
      name: label === 'none' ? 'none' : label.startsWith('agent') ? 'agent-queue' : 'preferred-agent',
      label,
      continuity,
      serviceLevel,
      asaReturningSeconds: 20,
      ...(gain ? { vsNone: { continuity: gain } } : {}),
      ...extra,
    }) as unknown as PolicyRow;
  const none = row('none', 0.05, 0.8, undefined);

  it('the most continuity within the service-level tolerance, whichever the mode', () => {
    const rows = [
      none,
      row('preferred-agent 10s', 0.15, 0.795, { difference: 0.1, ci95: 0.01 }, { expirySeconds: 10 }),
      row('preferred-agent 60s', 0.3, 0.75, { difference: 0.25, ci95: 0.01 }, { expirySeconds: 60 }),
      row('agent-queue 80% 30s', 0.2, 0.785, { difference: 0.15, ci95: 0.01 }, { maxWaitSeconds: 30 }),
    ];
    const r = recommendSetting(rows, 0.02, true);
    expect(r?.setting).toBe('agent-queue 80% 30s');
    expect(r?.seconds).toBe(30);
    expect(r?.text).toMatch(/^agent-queue 80% 30s: continuity 20\.0 %/);
  });

  it('no gain that counts: "no preference helps at this load"', () => {
    const rows = [none, row('preferred-agent 10s', 0.055, 0.8, { difference: 0.005, ci95: 0.01 })];
    expect(recommendSetting(rows, 0.02, true)?.text).toMatch(
      /^no preference helps at this load: no setting lifts/,
    );
  });

  it('gains only beyond the tolerance: "no preference helps at this load", with the least costly', () => {
    const rows = [none, row('preferred-agent 60s', 0.3, 0.7, { difference: 0.25, ci95: 0.01 })];
    const r = recommendSetting(rows, 0.02, true);
    expect(r?.setting).toBeNull();
    expect(r?.text).toMatch(
      /costs more than 2\.0 points of service level; the least costly, preferred-agent 60s/,
    );
  });

  it('a model that fails its backtest recommends nothing', () => {
    const rows = [none, row('preferred-agent 10s', 0.15, 0.8, { difference: 0.1, ci95: 0.01 })];
    const r = recommendSetting(rows, 0.02, false);
    expect(r?.setting).toBeNull();
    expect(r?.text).toMatch(/does not reproduce the records/);
  });
});
