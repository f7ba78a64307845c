/**
 * The simulator's extensions for expressing a real center (issue 23), each checked against the
 * number it must reproduce: arrivals per weekday against the configured table, shifts by weekday
 * against their days, after-contact work against the agent time it adds, outbound calls against
 * rate × idle agent-hours, transfer legs against share × answered, re-dials against share ×
 * hang-ups, and continuity against the contact-record analysis's sameAgentShare recomputed from
 * the trace. Fixed seeds, tolerances of 4 standard errors (or a few per cent where stated).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { weekdayOf } from '../../simulate/agent-schedule';
import { runSizeProblem } from '../../simulate/budget';
import { parseSimulationConfig } from '../../simulate/config';
import { type TraceEntry, runModel } from '../../simulate/model';
import type { PolicySpec } from '../../simulate/policies';
import { formatTable, reportJson } from '../../simulate/report';
import { type PolicyRow, modelOptionsOf, runSimulation } from '../../simulate/run';

const DAY = 86_400;
const flat = (v: number) => Array.from({ length: 24 }, () => v);

/** A small center: 10 agents, 60 calls/h, 4 minutes, patience 2 minutes, 100 h from an empty start. */
const BASE = {
  seed: 3,
  hours: 100,
  warmupHours: 0,
  agents: 10,
  callsPerHour: 60,
  handleSeconds: { dist: 'exponential', mean: 240 },
  patienceSeconds: { dist: 'exponential', mean: 120 },
  policies: [{ name: 'none' }],
};

/** One policy's run with its trace (the model `simulate` runs, see modelOptionsOf). */
function traced(raw: unknown, policy: PolicySpec = { name: 'none' }) {
  const config = parseSimulationConfig(raw);
  const trace: TraceEntry[] = [];
  const stats = runModel({ ...modelOptionsOf(config, policy), trace });
  const of = <T extends TraceEntry['type']>(type: T) =>
    trace.filter((e): e is TraceEntry & { type: T } => e.type === type);
  return { config, stats, trace, of };
}

function row(raw: unknown): PolicyRow {
  return runSimulation(parseSimulationConfig(raw)).policies[0] as PolicyRow;
}

/** |observed − expected| within 4 standard deviations of a binomial (n trials, probability p). */
function withinBinomial(observed: number, n: number, p: number): void {
  expect(Math.abs(observed - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)) + 1);
}

describe('arrivals by weekday and hour (arrivalsPerHourByWeekday, startWeekday)', () => {
  const WEEK = [
    flat(40), // Monday: 960 a day
    flat(0).map((_, h) => (h >= 9 && h < 17 ? 120 : 0)), // Tuesday: 960, office hours only
    flat(20), // Wednesday: 480
    flat(60), // Thursday: 1,440
    flat(0).map((_, h) => (h < 12 ? 80 : 0)), // Friday: 960, mornings
    flat(10), // Saturday: 240
    flat(0), // Sunday: closed
  ];
  // Four weeks from a Wednesday: each weekday four times.
  const run = traced({
    ...BASE,
    callsPerHour: undefined,
    arrivalsPerHourByWeekday: WEEK,
    startWeekday: 2,
    hours: 28 * 24,
    patienceSeconds: { dist: 'fixed', value: 0 },
  });
  const arrivals = run.of('arrive');

  it('gives every weekday its configured calls within a few per cent', () => {
    for (let day = 0; day < 7; day++) {
      const count = arrivals.filter((a) => weekdayOf(a.t, 2) === day).length;
      const expected = 4 * (WEEK[day] as number[]).reduce((s, v) => s + v, 0);
      expect(Math.abs(count - expected)).toBeLessThanOrEqual(4 * Math.sqrt(expected));
      if (expected >= 1000) expect(Math.abs(count / expected - 1)).toBeLessThan(0.05);
    }
  });

  it('gives an hour with no calls none: the first day is a Wednesday, Tuesdays only 09–17, Fridays only mornings', () => {
    expect(arrivals.filter((a) => a.t < DAY).length).toBeGreaterThan(400); // a Wednesday's 480
    expect(arrivals.filter((a) => weekdayOf(a.t, 2) === 6)).toEqual([]);
    const hourOf = (t: number) => Math.floor(t / 3600) % 24;
    for (const a of arrivals.filter((x) => weekdayOf(x.t, 2) === 1)) {
      expect(hourOf(a.t)).toBeGreaterThanOrEqual(9);
      expect(hourOf(a.t)).toBeLessThan(17);
    }
    for (const a of arrivals.filter((x) => weekdayOf(x.t, 2) === 4)) expect(hourOf(a.t)).toBeLessThan(12);
  });

  it('reports the weekly mean as the offered load', () => {
    const report = runSimulation(
      parseSimulationConfig({ ...BASE, callsPerHour: undefined, arrivalsPerHourByWeekday: WEEK, hours: 24 }),
    );
    // 5,040 calls a week = 30 an hour, 240 s each: 2 Erlang.
    expect(report.meta.offeredErlangs).toBeCloseTo(2, 9);
    expect(report.policies[0]?.theory).toBeUndefined();
  });
});

describe('shifts by weekday (shifts[].weekdays)', () => {
  // Agents 0–2 work Friday night (22:00 to Saturday 06:00), agents 3–4 weekdays 08:00–16:00.
  const SHIFTS = [
    { agents: 3, start: '22:00', end: '06:00', weekdays: [4] },
    { agents: 2, start: '08:00', end: '16:00', weekdays: [0, 1, 2, 3, 4] },
  ];
  const run = traced({ ...BASE, agents: 0, callsPerHour: 6, shifts: SHIFTS, hours: 3 * 7 * 24 });
  const answers = run.of('answer');

  it('answers calls only on the days and hours a shift runs, each agent in its own shift', () => {
    const onShift = (agent: number, t: number) => {
      const s =
        agent < 3 ? { start: 22, length: 8, days: [4] } : { start: 8, length: 8, days: [0, 1, 2, 3, 4] };
      // The instance that started on the day of t, or the day before (crossing midnight).
      return [0, 1].some((back) => {
        const day = Math.floor(t / DAY) - back;
        const from = day * DAY + s.start * 3600;
        return s.days.includes(weekdayOf(day * DAY, 0)) && t >= from && t < from + s.length * 3600;
      });
    };
    expect(answers.length).toBeGreaterThan(500);
    for (const a of answers) expect(onShift(a.agent, a.t)).toBe(true);
  });

  it('has no agent on a day no shift starts or runs into: Saturday after 06:00 and Sunday', () => {
    const weekend = answers.filter((a) => {
      const day = weekdayOf(a.t, 0);
      return day === 6 || (day === 5 && a.t % DAY >= 6 * 3600);
    });
    expect(weekend).toEqual([]);
    // The Friday-night agents answer on Saturday mornings, and on no other morning.
    const nights = answers.filter((a) => a.agent < 3);
    expect(nights.length).toBeGreaterThan(20);
    for (const a of nights) expect([4, 5]).toContain(weekdayOf(a.t, 0));
  });

  it('starts a run on a Saturday with the Friday-night shift on duty until 06:00, and the weekday shift on Monday', () => {
    const saturday = traced({
      ...BASE,
      agents: 0,
      callsPerHour: 30,
      shifts: SHIFTS,
      startWeekday: 5,
      hours: 72,
    });
    const answers = saturday.of('answer');
    const nights = answers.filter((a) => a.agent < 3);
    expect(nights.length).toBeGreaterThan(50);
    for (const a of nights) expect(a.t).toBeLessThan(6 * 3600);
    const days = answers.filter((a) => a.agent >= 3);
    expect(days.length).toBeGreaterThan(50);
    for (const a of days) expect(a.t).toBeGreaterThanOrEqual(2 * DAY + 8 * 3600); // Monday 08:00
  });

  it('counts the weekdays in the staffed agents', () => {
    const report = runSimulation(parseSimulationConfig({ ...BASE, agents: 0, shifts: SHIFTS, hours: 1 }));
    expect(report.meta.staffedAgents).toBeCloseTo((3 * 8 * 1 + 2 * 8 * 5) / 24 / 7, 9);
  });
});

describe('talk and after-contact work (talkSeconds, acwSeconds)', () => {
  it('keeps the agent as busy as one handle time of talk + after-contact work: the same waits, to rounding', () => {
    const handle = row({ ...BASE, hours: 200, handleSeconds: { dist: 'fixed', value: 300 } });
    const split = row({
      ...BASE,
      hours: 200,
      handleSeconds: undefined,
      talkSeconds: { dist: 'fixed', value: 200 },
      acwSeconds: { dist: 'fixed', value: 100 },
    });
    expect(split.answered).toBe(handle.answered);
    expect(split.abandoned).toBe(handle.abandoned);
    for (const k of ['asaSeconds', 'serviceLevel', 'pWait', 'occupancy'] as const) {
      expect(split[k]).toBeCloseTo(handle[k], 9);
    }
  });

  it('raises occupancy by (talk + acw) / talk, and the wait as M/G/n predicts', () => {
    const center = { ...BASE, agents: 6, hours: 2000, patienceSeconds: null };
    const talkOnly = row(center);
    const split = row({
      ...center,
      handleSeconds: undefined,
      talkSeconds: { dist: 'exponential', mean: 240 },
      acwSeconds: { dist: 'fixed', value: 60 },
    });
    expect(split.occupancy / talkOnly.occupancy).toBeCloseTo(300 / 240, 2);
    expect(split.occupancy).toBeCloseTo((60 * 300) / 3600 / 6, 2);
    // Erlang C with 6 agents and 5 Erlang, scaled by (1 + cs²) / 2 for the less variable handle
    // time (Lee and Longton's M/G/n approximation): cs² = 240² / 300².
    const erlangC = 0.5875; // C(6, 5)
    const predicted = ((1 + 240 ** 2 / 300 ** 2) / 2) * (erlangC / (6 / 300 - 60 / 3600));
    expect(Math.abs(split.asaSeconds / predicted - 1)).toBeLessThan(0.15);
    expect(split.asaSeconds).toBeGreaterThan(3 * talkOnly.asaSeconds);
  });

  it('releases the caller at the end of the talk: a callback finds the agent in after-contact work, busy', () => {
    const run = traced({
      ...BASE,
      patienceSeconds: null,
      handleSeconds: undefined,
      talkSeconds: { dist: 'fixed', value: 200 },
      acwSeconds: { dist: 'fixed', value: 100 },
      returnShare: 0.5,
      returnDelayMinutes: { dist: 'fixed', value: 0 },
    });
    const answered = new Map(run.of('answer').map((a) => [a.call, a]));
    const callbacks = run.of('arrive').filter((a) => a.after !== null);
    expect(callbacks.length).toBeGreaterThan(1000);
    for (const c of callbacks) expect(c.t).toBeCloseTo((answered.get(c.after as number)?.t ?? 0) + 200, 6);
    expect(run.stats.returning.lastAgentStatus.BUSY).toBe(run.stats.returning.offered);
  });
});

describe('outbound work (outboundWork)', () => {
  const OUTBOUND = {
    ...BASE,
    hours: 300,
    agents: 8,
    callsPerHour: 50,
    outboundWork: { perIdleAgentHour: 3, handleSeconds: { dist: 'fixed', value: 120 } },
  };

  it('starts outbound calls at the rate × the idle agent-hours, and reports the agent time they take', () => {
    const r = row(OUTBOUND);
    const outbound = r.outbound as NonNullable<PolicyRow['outbound']>;
    const expected = 3 * outbound.idleAgentHours;
    expect(Math.abs(outbound.jobs - expected)).toBeLessThan(4 * Math.sqrt(expected));
    // Each takes 120 s of the 8 agents × 300 h (a call running over the end of the window aside).
    expect(outbound.occupancy).toBeCloseTo((outbound.jobs * 120) / (8 * 300 * 3600), 3);
    expect(r.occupancy).toBeGreaterThan(outbound.occupancy);
  });

  it('never starts one while a customer waits (a freed agent takes the queue first)', () => {
    const run = traced(OUTBOUND);
    const end = new Map<number, number>();
    for (const e of run.trace) if (e.type === 'answer' || e.type === 'abandon') end.set(e.call, e.t);
    const waiting = run.of('arrive').map((a) => [a.t, end.get(a.call) ?? Number.POSITIVE_INFINITY] as const);
    const starts = run.of('outbound');
    expect(starts.length).toBeGreaterThan(1000);
    for (const o of starts) expect(waiting.some(([from, to]) => from < o.t && to > o.t)).toBe(false);
  });
});

describe('transfers (transferWork)', () => {
  const TRANSFER = {
    ...BASE,
    hours: 300,
    returnShare: 0.3,
    returnDelayMinutes: { dist: 'exponential', mean: 30 },
    transferWork: { share: 0.2, handleSeconds: { dist: 'exponential', mean: 180 } },
  };

  it('continues share × answered calls as legs, each answered by another agent', () => {
    const run = traced(TRANSFER);
    const legs = run.of('leg');
    const answered = run.of('answer');
    const agentOf = new Map(answered.map((a) => [a.call, a.agent]));
    withinBinomial(legs.length, answered.length, 0.2);
    expect(run.stats.transfers?.legs).toBe(legs.length);
    for (const leg of legs) {
      expect(leg.from).toBe(agentOf.get(leg.call));
      expect(leg.agent).not.toBe(leg.from);
    }
  });

  it('makes the leg agent the caller’s last agent: the callback after a transferred call goes to them', () => {
    const run = traced(TRANSFER);
    const legAgent = new Map(run.of('leg').map((l) => [l.call, l.agent]));
    const afterLeg = run.of('arrive').filter((a) => a.after !== null && legAgent.has(a.after));
    expect(afterLeg.length).toBeGreaterThan(300);
    for (const a of afterLeg) expect(a.lastAgent).toBe(legAgent.get(a.after as number));
    // And preferred-agent sends it there.
    const preferred = traced(TRANSFER, { name: 'preferred-agent', expirySeconds: 600 });
    const legOf = new Map(preferred.of('leg').map((l) => [l.call, l.agent]));
    const answerOf = new Map(preferred.of('answer').map((a) => [a.call, a.agent]));
    const back = preferred
      .of('arrive')
      .filter((a) => a.after !== null && legOf.has(a.after) && answerOf.has(a.call));
    const hits = back.filter((a) => answerOf.get(a.call) === legOf.get(a.after as number)).length;
    expect(hits / back.length).toBeGreaterThan(0.8);
  });

  it('queues legs ahead of new calls: no agent answers a call while a leg it may take waits', () => {
    const run = traced({ ...TRANSFER, agents: 8 });
    const legWaits = run.of('leg').filter((l) => l.waited > 0);
    expect(legWaits.length).toBeGreaterThan(100);
    for (const a of run.of('answer')) {
      const skipped = legWaits.some((l) => l.from !== a.agent && l.t - l.waited < a.t && l.t > a.t);
      expect(skipped).toBe(false);
    }
  });

  it('lets a single agent take its own legs', () => {
    const run = traced({ ...TRANSFER, agents: 1, callsPerHour: 5 });
    expect(run.of('leg').length).toBeGreaterThan(50);
    for (const leg of run.of('leg')) expect(leg.agent).toBe(0);
  });
});

describe('re-dials (redial)', () => {
  const REDIAL = {
    ...BASE,
    hours: 300,
    agents: 5,
    callsPerHour: 70,
    returnShare: 0.2,
    returnDelayMinutes: { dist: 'exponential', mean: 60 },
    redial: { share: 0.6, delayMinutes: { dist: 'fixed', value: 5 } },
  };
  const run = traced(REDIAL);

  it('re-dials share × the hang-ups, the delay after each, and counts them among the offered calls', () => {
    const abandons = run.of('abandon');
    const redials = run.of('arrive').filter((a) => a.redial);
    expect(abandons.length).toBeGreaterThan(3000);
    withinBinomial(redials.length, abandons.length, 0.6);
    const hungUp = new Map(abandons.map((a) => [a.call, a.t]));
    for (const r of redials) expect(r.t).toBeCloseTo((hungUp.get(r.after as number) ?? 0) + 300, 6);
    expect(run.stats.redials).toBe(redials.length);
  });

  it('keeps the caller’s last agent, and lets a re-dial hang up and dial again', () => {
    const arrivals = new Map(run.of('arrive').map((a) => [a.call, a]));
    const redials = run.of('arrive').filter((a) => a.redial);
    for (const r of redials) expect(r.lastAgent).toBe(arrivals.get(r.after as number)?.lastAgent);
    expect(redials.some((r) => r.lastAgent !== null)).toBe(true);
    expect(redials.some((r) => arrivals.get(r.after as number)?.redial)).toBe(true);
  });
});

describe('continuity is the contact-record analysis’s sameAgentShare', () => {
  it('equals, recomputed from the trace: of returning calls answered, the share answered by the previous agent', () => {
    // Transfers and re-dials make the previous agent non-trivial: a transfer leg's agent, and no
    // change from a call that was not answered.
    const run = traced({
      ...BASE,
      hours: 200,
      agents: 6,
      returnShare: 0.4,
      returnDelayMinutes: { dist: 'exponential', mean: 20 },
      transferWork: { share: 0.25, handleSeconds: { dist: 'exponential', mean: 120 } },
      redial: { share: 0.7, delayMinutes: { dist: 'exponential', mean: 3 } },
    });
    const answerOf = new Map(run.of('answer').map((a) => [a.call, a.agent]));
    const legOf = new Map(run.of('leg').map((l) => [l.call, l.agent]));
    const arrive = new Map(run.of('arrive').map((a) => [a.call, a]));
    /** The caller's previous agent before call `id`: the last agent connected to an earlier call. */
    const previousAgent = (id: number): number | null => {
      const after = arrive.get(id)?.after ?? null;
      if (after === null) return null;
      return legOf.get(after) ?? answerOf.get(after) ?? previousAgent(after);
    };
    let returning = 0;
    let same = 0;
    for (const [id, a] of arrive) {
      const previous = previousAgent(id);
      expect(a.lastAgent).toBe(previous);
      if (previous === null || !answerOf.has(id)) continue;
      returning++;
      if (answerOf.get(id) === previous) same++;
    }
    expect(returning).toBeGreaterThan(1000);
    expect(run.stats.returning.answered).toBe(returning);
    expect(run.stats.continuity).toBe(same / returning);
  });
});

describe('empirical distributions everywhere a distribution is accepted', () => {
  const q = Array.from({ length: 101 }, (_, i) => 30 + 6 * i); // 30 … 630 s, mean 330
  const qMinutes = Array.from({ length: 101 }, (_, i) => i / 10); // 0 … 10 min

  it('runs with every duration empirical (handle, talk, acw, patience, return delay, outbound, transfer, redial)', () => {
    const empirical = { dist: 'empirical', quantiles: q };
    const minutes = { dist: 'empirical', quantiles: qMinutes };
    const r = row({
      ...BASE,
      handleSeconds: undefined,
      talkSeconds: empirical,
      acwSeconds: { dist: 'empirical', quantiles: q.map((v) => v / 10) },
      patienceSeconds: empirical,
      returnShare: 0.2,
      returnDelayMinutes: minutes,
      outboundWork: { perIdleAgentHour: 1, handleSeconds: empirical },
      transferWork: { share: 0.1, handleSeconds: empirical },
      redial: { share: 0.5, delayMinutes: minutes },
    });
    expect(r.answered).toBeGreaterThan(4000);
    expect(r.redials).toBeGreaterThan(0);
    expect(r.transfers?.legs).toBeGreaterThan(0);
    expect(r.outbound?.jobs).toBeGreaterThan(0);
  });

  it('reproduces the fixed-handle occupancy from the trapezoid mean (330 s)', () => {
    const r = row({
      ...BASE,
      hours: 400,
      patienceSeconds: null,
      handleSeconds: { dist: 'empirical', quantiles: q },
    });
    expect(r.occupancy).toBeCloseTo((60 * 330) / 3600 / 10, 2);
  });
});

describe('the weekly-center example (simulate/examples/weekly-center.json)', () => {
  const example = JSON.parse(
    readFileSync(
      fileURLToPath(new URL('../../simulate/examples/weekly-center.json', import.meta.url)),
      'utf8',
    ),
  );

  it('parses, fits the run-size bound, and prints its other work in one line', () => {
    expect(runSizeProblem(parseSimulationConfig(example))).toBeNull();
    const report = runSimulation(
      parseSimulationConfig({ ...example, hours: 168, policies: [{ name: 'none' }] }),
    );
    expect(formatTable(report)).toMatch(
      /Other work \(none\): [\d,]+ outbound calls \([\d.]+% of agent time\), [\d,]+ transfer legs \(answered after [\d.]+ s on average, [\d.]+% of agent time\), [\d,]+ re-dials among the offered calls\./,
    );
    const json = reportJson(report) as { policies: Array<Record<string, unknown>> };
    expect(Object.keys(json.policies[0] ?? {})).toEqual(
      expect.arrayContaining(['outbound', 'transfers', 'redials', 'continuity', 'abandonRate']),
    );
  });
});
