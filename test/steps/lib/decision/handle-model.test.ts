import { describe, expect, it } from 'vitest';
import {
  type HandleModel,
  agentFreeWithin,
  freeWithinProbability,
  parseHandleModel,
  phaseOf,
  survival,
} from '../../../../steps/lib/decision/handle-model';

const talk = (e: number) => ({ phase: 'talk' as const, elapsedSeconds: e });
const acw = (e: number) => ({ phase: 'acw' as const, elapsedSeconds: e });
const model = (m: object) => parseHandleModel(JSON.stringify(m));

describe('the chance a busy agent is free within the window', () => {
  it('exponential talk is memoryless: 1 − e^(−w/mean) however long the call has run', () => {
    const m = model({ talkSeconds: { dist: 'exponential', mean: 300 } });
    for (const e of [0, 5, 300, 3000])
      expect(freeWithinProbability(m, talk(e), 30)).toBeCloseTo(1 - Math.exp(-30 / 300), 12);
  });

  it('fixed durations: 1 when what is left fits in the window, else 0', () => {
    const m = model({ talkSeconds: { dist: 'fixed', value: 300 }, acwSeconds: { dist: 'fixed', value: 30 } });
    expect(freeWithinProbability(m, acw(10), 30)).toBe(1); // 20 s of ACW left
    expect(freeWithinProbability(m, acw(10), 15)).toBe(0);
    expect(freeWithinProbability(m, talk(290), 45)).toBeCloseTo(1, 9); // 10 s talk + 30 s ACW
    expect(freeWithinProbability(m, talk(290), 30)).toBeCloseTo(0, 9);
    // Past every time the model allows: about to finish.
    expect(freeWithinProbability(m, acw(40), 1)).toBe(1);
  });

  it('5 s into a call with talk lognormal mean 300 s, p90 600 s, no ACW: well below one in two within 30 s', () => {
    const m = model({ talkSeconds: { dist: 'lognormal', mean: 300, p90: 600 } });
    const p = freeWithinProbability(m, talk(5), 30);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.05);
    // The lognormal's hazard rises then falls: later in a long call the chance grows.
    expect(freeWithinProbability(m, talk(240), 30)).toBeGreaterThan(p);
  });

  it('talk then ACW: exponential talk and ACW of equal means give the Erlang-2 closed form', () => {
    const m = model({
      talkSeconds: { dist: 'exponential', mean: 100 },
      acwSeconds: { dist: 'exponential', mean: 100 },
    });
    expect(freeWithinProbability(m, talk(50), 60)).toBeCloseTo(1 - Math.exp(-0.6) * 1.6, 5);
  });

  it('empirical quantiles are read linearly between the 101 points', () => {
    const uniform = { dist: 'empirical', quantiles: Array.from({ length: 101 }, (_, i) => i * 6) } as const;
    expect(survival(uniform, 300)).toBeCloseTo(0.5, 12);
    const m = model({ talkSeconds: uniform });
    expect(freeWithinProbability(m, talk(0), 30)).toBeCloseTo(0.05, 12);
    expect(freeWithinProbability(m, talk(300), 30)).toBeCloseTo(0.1, 12);
  });
});

describe('where a held contact is', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  const at = (iso: string) => new Date(iso);

  it('CONNECTED and CONNECTED_ONHOLD are talk from the connection; ENDED is ACW from the state start', () => {
    const held = {
      ConnectedToAgentTimestamp: at('2026-11-20T09:58:00Z'),
      StateStartTimestamp: at('2026-11-20T09:59:30Z'),
    };
    expect(phaseOf({ ...held, AgentContactState: 'CONNECTED' }, now)).toEqual(talk(120));
    expect(phaseOf({ ...held, AgentContactState: 'CONNECTED_ONHOLD' }, now)).toEqual(talk(120));
    expect(phaseOf({ ...held, AgentContactState: 'ENDED' }, now)).toEqual(acw(30));
    expect(phaseOf({ AgentContactState: 'CONNECTING' }, now)).toEqual(talk(0));
    expect(phaseOf({ AgentContactState: 'MISSED' }, now)).toBeUndefined();
    expect(phaseOf({ AgentContactState: 'CONNECTED' }, now)).toBeUndefined();
  });

  it('an agent holding several contacts on the channel is free when any ends; other channels do not count', () => {
    const m: HandleModel = { talkSeconds: { dist: 'exponential', mean: 300 } };
    const one = 1 - Math.exp(-30 / 300);
    const held = { AgentContactState: 'CONNECTED', ConnectedToAgentTimestamp: new Date(now - 60_000) };
    expect(agentFreeWithin(m, [{ ...held, Channel: 'CHAT' }], 'VOICE', now, 30)).toBeUndefined();
    expect(
      agentFreeWithin(
        m,
        [
          { ...held, Channel: 'CHAT' },
          { ...held, Channel: 'CHAT' },
        ],
        'CHAT',
        now,
        30,
      ),
    ).toBeCloseTo(1 - (1 - one) ** 2, 12);
  });
});

describe('LAST_AGENT_HANDLE_MODEL', () => {
  it.each([
    ['{bad', /not valid JSON/],
    ['{"talkSeconds":{"dist":"gamma","mean":3}}', /talkSeconds.dist: unknown distribution/],
    ['{"talkSeconds":{"dist":"exponential","mean":0}}', /talkSeconds.mean: must be > 0/],
    ['{"talkSeconds":{"dist":"lognormal","mean":300}}', /exactly one of p90 or sigma/],
    ['{"talkSeconds":{"dist":"empirical","quantiles":[1,2]}}', /101 values/],
    ['{"acwSeconds":{"dist":"fixed","value":3}}', /talkSeconds/],
    ['{"talkSeconds":{"dist":"fixed","value":3},"holdSeconds":{}}', /unknown key "holdSeconds"/],
  ])('refuses %s with a message naming the problem', (text, message) => {
    expect(() => parseHandleModel(text)).toThrow(message);
  });
});
