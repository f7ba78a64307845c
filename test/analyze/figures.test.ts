import { describe, expect, it } from 'vitest';
import { LocalClock } from '../../analyze/clock';
import { type Contact, ContactSet, toContact } from '../../analyze/contact';
import { computeFigures } from '../../analyze/figures/figures';
import { CallerHistory, callerResolver } from '../../analyze/figures/history';
import { generateCenter } from '../../analyze/generator';
import { nearestRank, summary, summaryInPlace } from '../../analyze/quantiles';
import { ARN, type Call, NAMES, T0, contacts, ctr } from './ctr';

const DAY = 24 * 60;
const figures = (calls: Call[], o: Partial<Parameters<typeof computeFigures>[1]> = {}) =>
  computeFigures(contacts(calls), { lookbackDays: 7, timeZone: 'UTC', ...o });

describe('contacts and callers', () => {
  it('counts inbound voice calls in [since, until) only; chat, outbound and transfer legs are not contacts', () => {
    const f = figures(
      [
        { id: 'a', at: 0 },
        { id: 'b', at: 60, channel: 'CHAT' },
        { id: 'c', at: 120, method: 'OUTBOUND', agent: 'x' },
        { id: 'd', at: 180, method: 'TRANSFER', agent: 'y', initialId: 'a' },
        { id: 'e', at: 240 },
        { id: 'f', at: 300 },
      ],
      { since: T0 + 240 * 60_000, until: T0 + 300 * 60_000 },
    );
    expect(f.contacts).toBe(1);
  });

  it('a caller is a number with E.164 shape after trimming; anonymous, withheld and malformed numbers are not', () => {
    const f = figures([
      { id: 'a', at: 0, caller: ' +14155550100 ' },
      { id: 'b', at: 1, caller: '+14155550100' },
      { id: 'c', at: 2, caller: 'anonymous' },
      { id: 'd', at: 3, caller: null },
      { id: 'e', at: 4, caller: '+0123456789' },
      { id: 'f', at: 5, caller: '+1234567' },
      { id: 'g', at: 6, caller: '+123456789012345' },
      { id: 'h', at: 7, caller: '+1234567890123456' },
    ]);
    expect(f.contacts).toBe(8);
    expect(f.callers).toBe(2); // +14155550100 and the 15-digit one
  });

  it('handled and agents come from the contacts connected to an agent', () => {
    const f = figures([
      { id: 'a', at: 0, agent: 'x' },
      { id: 'b', at: 10, agent: 'y' },
      { id: 'c', at: 20, agent: 'x' },
      { id: 'd', at: 30, queued: true },
    ]);
    expect([f.handled, f.agents]).toEqual([3, 2]);
  });
});

describe('returning contacts and the previous agent', () => {
  const P = '+14155550101';

  it('returning: an earlier agent-connected contact within the lookback; its agent is the previous agent', () => {
    const f = figures([
      { id: 'a', at: 0, caller: P, agent: 'x' },
      { id: 'b', at: DAY, caller: P, agent: 'x' }, // returning, same agent
      { id: 'c', at: 2 * DAY, caller: P, agent: 'y' }, // returning, previous x, handled by y
      { id: 'd', at: 10 * DAY, caller: P, agent: 'y' }, // previous contact 8 days ago: not returning
      { id: 'e', at: 0, caller: '+14155550102' },
    ]);
    expect(f.returning).toBe(2);
    expect(f.returningShare).toBe(2 / 5);
    expect(f.sameAgentShare).toBe(1 / 2);
  });

  it('an abandoned or IVR-only call is never a previous contact; the newest agent contact is', () => {
    const f = figures([
      { id: 'a', at: 0, caller: P, agent: 'x' },
      { id: 'b', at: 60, caller: P, queued: true }, // abandoned
      { id: 'c', at: 120, caller: P, queued: false }, // IVR only
      { id: 'd', at: 180, caller: P, agent: 'x' },
    ]);
    // b, c and d each return to a (x); d handled by x.
    expect(f.returning).toBe(3);
    expect(f.sameAgentShare).toBe(1);
  });

  it("a transfer leg's agent is the previous agent of the caller's next call, and the leg is not a contact", () => {
    const f = figures([
      { id: 'a', at: 0, caller: P, agent: 'x', talk: 60 },
      { id: 'a2', at: 2, caller: null, method: 'TRANSFER', agent: 'y', initialId: 'a' },
      { id: 'b', at: 120, caller: P, agent: 'y' },
    ]);
    expect(f.contacts).toBe(2);
    expect(f.returning).toBe(1);
    expect(f.sameAgentShare).toBe(1);
  });

  it('the lookback bounds the previous contact (the Lambdas default, 7 days, or --lookback-days)', () => {
    const calls: Call[] = [
      { id: 'a', at: 0, caller: P, agent: 'x' },
      { id: 'b', at: 3 * DAY, caller: P, agent: 'x' },
    ];
    expect(figures(calls).returning).toBe(1);
    expect(figures(calls, { lookbackDays: 2 }).returning).toBe(0);
  });

  it('records before --since serve as history', () => {
    const f = figures(
      [
        { id: 'a', at: 0, caller: P, agent: 'x' },
        { id: 'b', at: DAY, caller: P, agent: 'x' },
      ],
      { since: T0 + DAY * 60_000 },
    );
    expect([f.contacts, f.returning]).toEqual([1, 1]);
  });

  it('returnIntervalHours: initiation minus the previous connection, nearest rank', () => {
    const f = figures([
      { id: 'a', at: 0, caller: P, agent: 'x', wait: 0 },
      { id: 'b', at: 120, caller: P, agent: 'x' },
    ]);
    // a connected 10 s after it started; b started 2 h after a.
    expect(f.returnIntervalHours.p50).toBeCloseTo(2 - 10 / 3600, 10);
  });
});

describe('was the previous agent free when the returning call queued?', () => {
  const P = '+14155550103';
  const base: Call[] = [
    { id: 'first', at: 0, caller: P, agent: 'x', talk: 60 },
    // Later work for x, so x is "working" around the return at minute 30.
    { id: 'later', at: 70, caller: '+14155550199', agent: 'x', talk: 60 },
  ];

  it('free: in no voice contact, and connected to a contact within an hour before and after', () => {
    const f = figures([...base, { id: 'back', at: 30, caller: P, agent: 'z' }]);
    expect(f.lastAgentFreeShare).toBe(1);
  });

  it('busy in an outbound call, in after-contact work, or not working (nothing within the hour after)', () => {
    const outbound = figures([
      ...base,
      { id: 'out', at: 25, caller: '+14155550198', method: 'OUTBOUND', agent: 'x', talk: 600 },
      { id: 'back', at: 30, caller: P, agent: 'z' },
    ]);
    expect(outbound.lastAgentFreeShare).toBe(0);
    const acw = figures([
      { id: 'first', at: 0, caller: P, agent: 'x', talk: 60 },
      { id: 'other', at: 20, caller: '+14155550199', agent: 'x', talk: 60, acw: 900 },
      { id: 'back', at: 30, caller: P, agent: 'z' },
    ]);
    expect(acw.lastAgentFreeShare).toBe(0);
    const gone = figures([
      { id: 'first', at: 0, caller: P, agent: 'x', talk: 60 },
      { id: 'back', at: 30, caller: P, agent: 'z' },
    ]);
    expect(gone.lastAgentFreeShare).toBe(0);
  });

  it('counts only returning contacts that were queued', () => {
    const f = figures([...base, { id: 'back', at: 30, caller: P, queued: false }]);
    expect(f.lastAgentFreeShare).toBeNull();
  });
});

describe("the caller's last k agents: knownAgentShare and knownAgentFreeShare", () => {
  const P = '+14155550104';
  const history = (calls: Call[]) => {
    const all = contacts(calls);
    return new CallerHistory(all, callerResolver(new Map(all.map((c) => [c.id, c]))));
  };
  const agentsAt = (h: CallerHistory, minutes: number, lookbackDays = 7) =>
    h
      .lastAgents(P, T0 + minutes * 60_000, T0 + (minutes - lookbackDays * DAY) * 60_000)
      .map((p) => p.agentArn);

  it('are distinct, newest first by their newest contact, strictly before the call and within the lookback', () => {
    const h = history([
      { id: 'old', at: 0, caller: P, agent: 'w' },
      { id: 'a1', at: 2 * DAY, caller: P, agent: 'x' },
      { id: 'a2', at: 3 * DAY, caller: P, agent: 'y' },
      { id: 'a3', at: 4 * DAY, caller: P, agent: 'x' },
      { id: 'a4', at: 5 * DAY, caller: P, agent: 'y' },
      { id: 'a5', at: 5 * DAY + 60, caller: P, agent: 'y' },
      { id: 'other', at: 5 * DAY + 90, caller: '+14155550199', agent: 'v' },
    ]);
    expect(agentsAt(h, 2 * DAY)).toEqual([ARN('w')]); // a1's own agent is not before it
    expect(agentsAt(h, 4 * DAY)).toEqual([ARN('y'), ARN('x'), ARN('w')]);
    expect(agentsAt(h, 5 * DAY + 30)).toEqual([ARN('y'), ARN('x'), ARN('w')]); // x again at a3: still second
    // Eight days after: w (day 0) is outside the lookback, x and y repeat: two agents, not three.
    expect(agentsAt(h, 8 * DAY)).toEqual([ARN('y'), ARN('x')]);
    expect(agentsAt(h, 8 * DAY, 9)).toEqual([ARN('y'), ARN('x'), ARN('w')]);
    expect(agentsAt(h, 13 * DAY)).toEqual([]);
  });

  it("keeps the first three: a fourth agent's caller has three; a transfer leg's agent counts", () => {
    const h = history([
      { id: 'a', at: 0, caller: P, agent: 'w' },
      { id: 'b', at: 60, caller: P, agent: 'x', talk: 60 },
      { id: 'b2', at: 62, caller: null, method: 'TRANSFER', agent: 'y', initialId: 'b' },
      { id: 'c', at: 120, caller: P, agent: 'z' },
      { id: 'chat', at: 150, caller: P, channel: 'CHAT', agent: 'v' },
      { id: 'abandoned', at: 160, caller: P, queued: true },
    ]);
    expect(agentsAt(h, 180)).toEqual([ARN('z'), ARN('y'), ARN('x')]);
    expect(agentsAt(h, 100)).toEqual([ARN('y'), ARN('x'), ARN('w')]);
  });

  it('knownAgentShare: of returning contacts handled, one of the last k agents handled it', () => {
    const calls: Call[] = [
      { id: 'old', at: 0, caller: P, agent: 'w' },
      { id: 'a1', at: 2 * DAY, caller: P, agent: 'x' }, // last agents [w]: none of them
      { id: 'a2', at: 3 * DAY, caller: P, agent: 'y' }, // [x, w]: none
      { id: 'a3', at: 4 * DAY, caller: P, agent: 'x' }, // [y, x, w]: the second
      { id: 'a4', at: 5 * DAY, caller: P, agent: 'x' }, // [x, y, w]: the first
      { id: 'back', at: 8 * DAY, caller: P, agent: 'w' }, // [x, y]: w is beyond the lookback
      { id: 'lost', at: 9 * DAY, caller: P, queued: true }, // returning, not handled: not counted
    ];
    const f = figures(calls);
    expect(f.knownAgentShare).toEqual({ '1': 1 / 5, '2': 2 / 5, '3': 2 / 5 });
    expect(f.knownAgentShare['1']).toBe(f.sameAgentShare);
    // With nine days, w is back's third agent.
    expect(figures(calls, { lookbackDays: 9 }).knownAgentShare).toEqual({
      '1': 1 / 5,
      '2': 2 / 5,
      '3': 3 / 5,
    });
    expect(figures([{ id: 'a', at: 0, caller: P, agent: 'x' }]).knownAgentShare).toEqual({
      '1': null,
      '2': null,
      '3': null,
    });
  });

  describe('knownAgentFreeShare: one of the last k agents free (no voice contact, working) at enqueue', () => {
    // P talked to x, then y, then z (not queued: only `back` counts); back queues at minute 30:
    // its last agents are [z, y, x].
    const prior: Call[] = [
      { id: 'p1', at: 0, caller: P, agent: 'x', talk: 60, queued: false },
      { id: 'p2', at: 10, caller: P, agent: 'y', talk: 60, queued: false },
      { id: 'p3', at: 20, caller: P, agent: 'z', talk: 60, queued: false },
      { id: 'back', at: 30, caller: P, agent: 'v' },
    ];
    const later = (agent: string): Call => ({ id: `later-${agent}`, at: 70, caller: '+14155550199', agent });
    // z in an outbound call at 30; y not working (nothing within the hour after); x free.
    const zBusy: Call = {
      id: 'out',
      at: 25,
      caller: '+14155550198',
      method: 'OUTBOUND',
      agent: 'z',
      talk: 600,
    };

    it('the first free agent is the third: k = 3 only', () => {
      const f = figures([...prior, zBusy, later('x'), later('z')]);
      expect(f.knownAgentFreeShare).toEqual({ '1': 0, '2': 0, '3': 1 });
      expect(f.knownAgentFreeShare['1']).toBe(f.lastAgentFreeShare);
    });

    it('the second is working too: k = 2 and 3; the last agent free: every k', () => {
      expect(figures([...prior, zBusy, later('x'), later('y'), later('z')]).knownAgentFreeShare).toEqual({
        '1': 0,
        '2': 1,
        '3': 1,
      });
      const f = figures([...prior, later('z')]);
      expect(f.knownAgentFreeShare).toEqual({ '1': 1, '2': 1, '3': 1 });
      expect(f.lastAgentFreeShare).toBe(1);
    });

    it('none free, or not queued', () => {
      expect(figures([...prior, zBusy]).knownAgentFreeShare).toEqual({ '1': 0, '2': 0, '3': 0 });
      const notQueued = prior.map((c) => (c.id === 'back' ? { ...c, queued: false } : c));
      expect(figures([...notQueued, later('x')]).knownAgentFreeShare).toEqual({
        '1': null,
        '2': null,
        '3': null,
      });
    });
  });

  it('on a generated center: k = 1 is exactly sameAgentShare and lastAgentFreeShare, and more k counts more', () => {
    const g = generateCenter('small-long-calls', { days: 21, goLiveDay: 12 });
    const set = new ContactSet();
    for (const r of g.records) {
      const c = toContact(r, NAMES);
      if (c !== 'MISSING_FIELD') set.add(c);
    }
    const f = computeFigures(set.contacts(), { lookbackDays: 7, timeZone: g.shape.timeZone });
    expect(f.knownAgentShare['1']).toBe(f.sameAgentShare);
    expect(f.knownAgentFreeShare['1']).toBe(f.lastAgentFreeShare);
    for (const shares of [f.knownAgentShare, f.knownAgentFreeShare]) {
      expect(shares['2'] as number).toBeGreaterThan(shares['1'] as number);
      expect(shares['3'] as number).toBeGreaterThan(shares['2'] as number);
    }
  });
});

describe('times, waits and abandonment', () => {
  it('handle time = interaction + hold + after-contact work over handled contacts; talk and acw the parts', () => {
    const f = figures([
      { id: 'a', at: 0, agent: 'x', talk: 100, hold: 20, acw: 30 },
      { id: 'b', at: 60, agent: 'x', talk: 200, hold: 0, acw: 60 },
      { id: 'c', at: 120, queued: true },
    ]);
    expect(f.handleTimeSeconds).toEqual({ mean: 205, p50: 150, p90: 260 });
    expect(f.talkSeconds).toEqual({ mean: 160, p50: 120, p90: 200 });
    expect(f.acwSeconds).toEqual({ mean: 45, p50: 30, p90: 60 });
  });

  it('queue wait over queued contacts, answered or not; abandon rate = queued never connected / queued', () => {
    const f = figures([
      { id: 'a', at: 0, agent: 'x', wait: 10 },
      { id: 'b', at: 60, queued: true, wait: 50 },
      { id: 'c', at: 120, agent: 'x', wait: 30 },
      { id: 'd', at: 180, queued: false },
    ]);
    expect(f.queueWaitSeconds).toEqual({ mean: 30, p50: 30, p90: 50 });
    expect(f.abandonRate).toBe(1 / 3);
  });

  it('quantiles are nearest-rank: the smallest value with at least q of the values at or below it', () => {
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(
      nearestRank(
        Array.from({ length: 30 }, (_, i) => i + 1),
        0.1,
      ),
    ).toBe(3);
    expect(nearestRank([7], 0.9)).toBe(7);
    expect(summary([])).toEqual({ mean: null, p50: null, p90: null });
  });

  it("summaryInPlace gives summary()'s figures to the last bit, sorting the array it is given instead of a copy", () => {
    let seed = 11;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const n of [0, 1, 2, 7, 1000, 4097]) {
      // Fractions whose sum depends on the order of adding: the mean must be summed as given.
      const values = Float64Array.from({ length: n }, () => next() * 1e6 + next() / 3);
      const expected = summary(values);
      const own = values.slice();
      expect(summaryInPlace(own)).toEqual(expected);
      expect(Array.from(own)).toEqual(Array.from(values).sort((a, b) => a - b));
    }
  });
});

describe('arrivals and staffing on the center clock', () => {
  it('arrivals per hour averaged over the days with contacts; by weekday, Monday first', () => {
    const f = figures([
      { id: 'a', at: 9 * 60 }, // Monday 09:xx
      { id: 'b', at: 9 * 60 + 30 },
      { id: 'c', at: DAY + 9 * 60 }, // Tuesday 09:xx
      { id: 'd', at: 7 * DAY + 9 * 60 }, // the next Monday
    ]);
    expect(f.arrivalsPerHour[9]).toBe(4 / 3);
    expect(f.arrivalsPerHourByWeekday[0]?.[9]).toBe(3 / 2);
    expect(f.arrivalsPerHourByWeekday[1]?.[9]).toBe(1);
    expect(f.arrivalsPerHour.reduce((a, b) => a + b)).toBe(4 / 3);
  });

  it('--timezone moves hours and days, through daylight saving', () => {
    const f = figures([{ id: 'a', at: 2 * 60 }], { timeZone: 'America/New_York' }); // Mon 02:00Z = Sun 21:00 EST
    expect(f.arrivalsPerHourByWeekday[6]?.[21]).toBe(1);
    const clock = new LocalClock('America/New_York');
    // 2026-03-08 is the spring change in the US: 12:00Z is 08:00 EDT, a day before it was 07:00 EST.
    expect(clock.at(Date.parse('2026-03-08T12:00:00Z')).hour).toBe(8);
    expect(clock.at(Date.parse('2026-03-07T12:00:00Z')).hour).toBe(7);
    expect(new LocalClock('Asia/Kolkata').at(Date.parse('2026-03-02T03:40:00Z'))).toEqual({
      day: '2026-03-02',
      weekday: 0,
      hour: 9,
    });
  });

  it("staffing: agents working per weekday and hour, from each agent's first to last contact of a day", () => {
    const f = figures([
      { id: 'a', at: 9 * 60, agent: 'x', talk: 60 }, // x: 09:00-11:0x Monday
      { id: 'b', at: 11 * 60, agent: 'x', talk: 60 },
      { id: 'c', at: 10 * 60, agent: 'y', talk: 60 }, // y: 10:00 only
    ]);
    const monday = f.staffing[0] as number[];
    expect(monday.slice(8, 13)).toEqual([0, 1, 2, 1, 0]);
  });
});

describe('the outcome of the product', () => {
  it('decided, routed, reached the stored agent, reasons, waits by route, and before/after go-live', () => {
    const P = '+14155550104';
    const f = figures([
      { id: 'a', at: 0, caller: P, agent: 'x', wait: 40 },
      { id: 'b', at: 30, caller: '+14155550105', queued: true, wait: 100 },
      {
        id: 'c',
        at: DAY,
        caller: P,
        agent: 'x',
        wait: 5,
        attributes: {
          lastAgentRoute: 'LAST_AGENT',
          lastAgentReason: 'LAST_AGENT_AVAILABLE',
          lastAgentArn: ARN('x'),
        },
      },
      {
        id: 'd',
        at: DAY + 60,
        caller: P,
        agent: 'y',
        wait: 15,
        attributes: { lastAgentRoute: 'LAST_AGENT', lastAgentReason: 'AGENT_BUSY', lastAgentArn: ARN('x') },
      },
      {
        id: 'e',
        at: DAY + 120,
        caller: '+14155550106',
        agent: 'y',
        wait: 20,
        attributes: { lastAgentRoute: 'DEFAULT', lastAgentReason: 'NO_RECENT_CONTACT' },
      },
    ]);
    expect(f.outcome).toMatchObject({
      decided: 3,
      routedLastAgent: 2,
      reachedLastAgentShare: 1 / 2,
      byReason: { AGENT_BUSY: 1, LAST_AGENT_AVAILABLE: 1, NO_RECENT_CONTACT: 1 },
      goLive: new Date(T0 + DAY * 60_000).toISOString(),
    });
    expect(f.outcome.queueWaitByRoute.LAST_AGENT).toEqual({ mean: 10, p50: 5, p90: 15 });
    expect(f.outcome.beforeGoLive).toMatchObject({ contacts: 2, abandonRate: 1 / 2, sameAgentShare: null });
    expect(f.outcome.afterGoLive).toMatchObject({ contacts: 3, abandonRate: 0, sameAgentShare: 1 / 2 });
  });

  it('--attribute-names reads other attribute names; nothing decided means no go-live', () => {
    const calls: Call[] = [
      { id: 'a', at: 0, agent: 'x', attributes: { r: 'LAST_AGENT', lastAgentRoute: '' } },
    ];
    const renamed = computeFigures(
      calls.map((c) => toContact(ctr(c), { ...NAMES, route: 'r' }) as Contact),
      { lookbackDays: 7, timeZone: 'UTC' },
    );
    expect(renamed.outcome.decided).toBe(1);
    const f = figures(calls);
    expect(f.outcome).toMatchObject({ decided: 0, goLive: null, beforeGoLive: null, afterGoLive: null });
  });
});

describe('de-duplication', () => {
  const version = (minutes: number, attributes: Record<string, string> = {}) =>
    toContact(ctr({ id: 'same', at: 0, agent: 'x', lastUpdate: minutes, attributes }), NAMES) as Contact;

  it('the newest LastUpdateTimestamp wins; duplicates counts the versions replaced', () => {
    const set = new ContactSet();
    set.add(version(10, { lastAgentRoute: 'DEFAULT' }));
    set.add(version(30, { lastAgentRoute: 'LAST_AGENT' }));
    set.add(version(20, { lastAgentRoute: 'LAST_QUEUE' }));
    expect(set.duplicates).toBe(2);
    expect(Array.from(set.contacts(), (c) => c.route)).toEqual(['LAST_AGENT']);
  });

  it('on equal timestamps, the same version wins whatever the reading order', () => {
    const versions = [
      version(10, { lastAgentRoute: 'DEFAULT' }),
      version(10, { lastAgentRoute: 'LAST_AGENT', lastAgentReason: 'AGENT_BUSY' }),
      version(10, { lastAgentRoute: 'LAST_QUEUE' }),
    ];
    const winners = new Set<string>();
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
      [2, 0, 1],
    ]) {
      const set = new ContactSet();
      for (const i of order) set.add(versions[i] as Contact);
      winners.add(JSON.stringify(Array.from(set.contacts())));
    }
    expect(winners.size).toBe(1);
    // The fuller version (route and reason) wins.
    expect([...winners][0]).toContain('AGENT_BUSY');
  });

  it('a record without ContactId, InitiationTimestamp or LastUpdateTimestamp is MISSING_FIELD', () => {
    for (const field of ['ContactId', 'InitiationTimestamp', 'LastUpdateTimestamp']) {
      const record = ctr({ id: 'a', at: 0 });
      delete record[field];
      expect(toContact(record, NAMES)).toBe('MISSING_FIELD');
    }
    expect(toContact({ ...ctr({ id: 'a', at: 0 }), InitiationTimestamp: 'soon' }, NAMES)).toBe(
      'MISSING_FIELD',
    );
    expect(toContact([], NAMES)).toBe('MISSING_FIELD');
  });
});

describe('the definitions, in one place', () => {
  it("the default lookback is the Lambdas' LAST_AGENT_LOOKBACK_DAYS default, and the attribute names the stack's", async () => {
    const { loadConfig } = await import('../../steps/lib/runtime/config');
    const { CONTEXT_ATTRIBUTE_DEFAULTS } = await import('../../infra/whisper');
    const d = await import('../../analyze/definitions');
    expect(d.DEFAULT_LOOKBACK_DAYS).toBe(loadConfig({}).lookbackDays);
    expect(d.DEFAULT_ATTRIBUTE_NAMES).toEqual({
      route: CONTEXT_ATTRIBUTE_DEFAULTS.route,
      reason: CONTEXT_ATTRIBUTE_DEFAULTS.reason,
      agentArn: CONTEXT_ATTRIBUTE_DEFAULTS.agentArn,
    });
  });
});
