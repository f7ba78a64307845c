import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, toFlowResponse } from '../../../../steps/lib/decision/decision';
import {
  DEFAULT_WHISPER_TEMPLATES,
  MAX_WHISPER_TEMPLATE_LENGTH,
  type WhisperTemplates,
  returningCallerWhisper,
  timeAgo,
} from '../../../../steps/lib/decision/whisper';
import { loadConfig } from '../../../../steps/lib/runtime/config';

const NOW = new Date('2026-11-20T10:00:00Z');
const before = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const INSTANCE_ARN = 'arn:aws:connect:eu-west-2:123456789012:instance/11111111-2222-4333-8444-555555555555';
const AGENT_ARN = `${INSTANCE_ARN}/agent/alice`;

const returning: Decision = {
  route: 'LAST_AGENT',
  reason: 'LAST_AGENT_AVAILABLE',
  agentId: 'alice',
  queueId: 'claims',
  lastContactId: 'c-1',
  lastContactAt: before(2 * DAY + 3 * HOUR),
  csat: '4',
};
const answer = (decision: Decision, whisper: WhisperTemplates = DEFAULT_WHISPER_TEMPLATES) =>
  toFlowResponse({
    decision,
    customerKey: '+14155550123',
    instanceArn: INSTANCE_ARN,
    decisionMs: 5,
    now: NOW,
    whisper,
  });

describe('timeAgo', () => {
  it.each([
    [0, 'just now'],
    [59 * SECOND, 'just now'],
    [MINUTE, '1 minute ago'],
    [5 * MINUTE + 30 * SECOND, '5 minutes ago'],
    [59 * MINUTE, '59 minutes ago'],
    [HOUR, '1 hour ago'],
    [3 * HOUR, '3 hours ago'],
    [23 * HOUR + 59 * MINUTE, '23 hours ago'],
    [DAY, 'yesterday'],
    [47 * HOUR, 'yesterday'],
    [2 * DAY, '2 days ago'],
    [13 * DAY, '13 days ago'],
    [14 * DAY, '2 weeks ago'],
    [21 * DAY, '3 weeks ago'],
    [59 * DAY, '8 weeks ago'],
    [60 * DAY, '2 months ago'],
    [365 * DAY, '12 months ago'],
  ])('%i ms before the call reads "%s"', (ms, text) => {
    expect(timeAgo(before(ms), NOW)).toBe(text);
  });

  it('reads a time after the call (clock skew) as "just now"', () => {
    expect(timeAgo(new Date(NOW.getTime() + 5 * MINUTE).toISOString(), NOW)).toBe('just now');
  });

  it('is empty for a missing or unreadable time', () => {
    expect(timeAgo(undefined, NOW)).toBe('');
    expect(timeAgo('yesterday-ish', NOW)).toBe('');
  });
});

describe('the agent-context keys of the answer', () => {
  it('tells a returning caller apart, with when and how the last contact went', () => {
    expect(answer(returning)).toMatchObject({
      returningCaller: 'true',
      lastContactAgo: '2 days ago',
      lastContactCsat: '4',
      whisperSameAgent: 'Returning caller. You spoke with them 2 days ago.',
      whisperOtherAgent: 'Returning caller. Last handled by a colleague 2 days ago.',
    });
  });

  it('also whispers for a returning caller routed normally (the last agent is offline)', () => {
    const offline = answer({ ...returning, route: 'DEFAULT', reason: 'AGENT_OFFLINE' });
    expect(offline.returningCaller).toBe('true');
    expect(offline.whisperOtherAgent).toBe('Returning caller. Last handled by a colleague 2 days ago.');
  });

  it('leaves every agent-context key empty for a first-time caller', () => {
    expect(answer({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' })).toMatchObject({
      returningCaller: 'false',
      lastContactAgo: '',
      lastContactCsat: '',
      whisperSameAgent: '',
      whisperOtherAgent: '',
    });
  });

  it('uses the configured templates', () => {
    const config = loadConfig({
      LAST_AGENT_WHISPER_SAME: 'Your customer again, last call {ago}.',
      LAST_AGENT_WHISPER_OTHER: 'Repeat caller.',
    });
    expect(answer(returning, config)).toMatchObject({
      whisperSameAgent: 'Your customer again, last call 2 days ago.',
      whisperOtherAgent: 'Repeat caller.',
    });
  });

  it('never speaks the caller number: the whisper texts hold no four digits in a row, for any caller and time', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\+1[2-9]\d{9}$/),
        fc.integer({ min: 0, max: 365 * DAY }),
        (phone, ago) => {
          const a = toFlowResponse({
            decision: { ...returning, lastContactAt: before(ago) },
            customerKey: phone,
            instanceArn: INSTANCE_ARN,
            decisionMs: 1,
            now: NOW,
          });
          const spoken = [a.whisperSameAgent, a.whisperOtherAgent, a.lastContactAgo].join(' ');
          expect(spoken).not.toMatch(/\d\D?\d\D?\d\D?\d/);
          expect(spoken).not.toContain(phone.slice(-4));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('whisper templates (LAST_AGENT_WHISPER_SAME, LAST_AGENT_WHISPER_OTHER)', () => {
  it('default to the documented texts', () => {
    expect(loadConfig({})).toMatchObject(DEFAULT_WHISPER_TEMPLATES);
  });

  it.each([
    ['LAST_AGENT_WHISPER_SAME', 'Returning caller {name}.', /only placeholder is \{ago\}/],
    ['LAST_AGENT_WHISPER_OTHER', 'Hello {ago', /only placeholder is \{ago\}/],
    ['LAST_AGENT_WHISPER_SAME', 'Caller $.CustomerEndpoint.Address', /must not contain "\$"/],
    ['LAST_AGENT_WHISPER_OTHER', 'x'.repeat(MAX_WHISPER_TEMPLATE_LENGTH + 1), /at most 200/],
    ['LAST_AGENT_WHISPER_SAME', '   ', /blank/],
  ])('fail fast on %s=%s, naming the variable', (name, value, problem) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
    expect(() => loadConfig({ [name]: value })).toThrow(problem);
  });
});

describe('returningCallerWhisper (what the whisper flow plays after the queue name)', () => {
  const a = answer(returning);

  it('gives the last agent the "you spoke with them" text', () => {
    expect(returningCallerWhisper(a, AGENT_ARN)).toBe('Returning caller. You spoke with them 2 days ago.');
  });

  it('gives anyone else the colleague text, also when the accepting agent is unknown', () => {
    const colleague = 'Returning caller. Last handled by a colleague 2 days ago.';
    expect(returningCallerWhisper(a, `${INSTANCE_ARN}/agent/bob`)).toBe(colleague);
    expect(returningCallerWhisper(a, undefined)).toBe(colleague);
  });

  it('says nothing for a caller who is not returning', () => {
    expect(returningCallerWhisper(answer({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' }), AGENT_ARN)).toBe(
      undefined,
    );
  });
});
