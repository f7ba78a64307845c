import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, toFlowResponse } from '../../../../steps/lib/decision/decision';
import {
  DEFAULT_WHISPER_TEMPLATES,
  MAX_WHISPER_TEMPLATE_LENGTH,
  UNNAMED_AGENT,
  type WhisperTemplates,
  renderWhisper,
  returningCallerWhisper,
  speakableFirstName,
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

const returning: Decision = {
  route: 'LAST_AGENT',
  reason: 'LAST_AGENT_AVAILABLE',
  agentId: 'alice',
  queueId: 'claims',
  lastContactId: 'c-1',
  lastContactAt: before(2 * DAY + 3 * HOUR),
  csat: '4',
  agentFirstName: 'Maria',
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
      whisper: 'Returning caller, last spoke with Maria 2 days ago.',
    });
  });

  it('keeps the deprecated per-agent keys for one release, always empty', () => {
    expect(answer(returning)).toMatchObject({ whisperSameAgent: '', whisperOtherAgent: '' });
  });

  it('also whispers for a returning caller routed normally (the last agent is offline)', () => {
    const offline = answer({ ...returning, route: 'DEFAULT', reason: 'AGENT_OFFLINE' });
    expect(offline.returningCaller).toBe('true');
    expect(offline.whisper).toBe('Returning caller, last spoke with Maria 2 days ago.');
  });

  it('says "an agent" when the last agent\'s first name is unknown or blank', () => {
    const { agentFirstName: _, ...unnamed } = returning;
    expect(answer(unnamed).whisper).toBe('Returning caller, last spoke with an agent 2 days ago.');
    expect(answer({ ...returning, agentFirstName: ' \t ' }).whisper).toBe(
      `Returning caller, last spoke with ${UNNAMED_AGENT} 2 days ago.`,
    );
  });

  it('leaves every agent-context key empty for a first-time caller', () => {
    expect(answer({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' })).toMatchObject({
      returningCaller: 'false',
      lastContactAgo: '',
      lastContactCsat: '',
      whisper: '',
      whisperSameAgent: '',
      whisperOtherAgent: '',
    });
  });

  it('uses the configured template (LAST_AGENT_WHISPER)', () => {
    const config = loadConfig({ LAST_AGENT_WHISPER: 'Repeat caller: {agent} had them {ago}.' });
    expect(answer(returning, config).whisper).toBe('Repeat caller: Maria had them 2 days ago.');
    expect(answer(returning, loadConfig({ LAST_AGENT_WHISPER: 'Repeat caller.' })).whisper).toBe(
      'Repeat caller.',
    );
  });

  it('no longer reads the per-agent templates of before issue 25', () => {
    const config = loadConfig({ LAST_AGENT_WHISPER_SAME: 'You again {ago}.', LAST_AGENT_WHISPER_OTHER: 'x' });
    expect(answer(returning, config).whisper).toBe('Returning caller, last spoke with Maria 2 days ago.');
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
          const spoken = [a.whisper, a.whisperSameAgent, a.whisperOtherAgent, a.lastContactAgo].join(' ');
          expect(spoken).not.toMatch(/\d\D?\d\D?\d\D?\d/);
          expect(spoken).not.toContain(phone.slice(-4));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('whisper template (LAST_AGENT_WHISPER)', () => {
  it('defaults to the documented text', () => {
    expect(loadConfig({})).toMatchObject(DEFAULT_WHISPER_TEMPLATES);
    expect(DEFAULT_WHISPER_TEMPLATES.whisper).toBe('Returning caller, last spoke with {agent} {ago}.');
  });

  it('accepts {agent} and {ago}, each optional', () => {
    expect(loadConfig({ LAST_AGENT_WHISPER: '{agent}, {ago}.' }).whisper).toBe('{agent}, {ago}.');
    expect(loadConfig({ LAST_AGENT_WHISPER: 'Returning caller.' }).whisper).toBe('Returning caller.');
  });

  it.each([
    ['Returning caller {name}.', /only placeholders are \{agent\} and \{ago\}/],
    ['Hello {ago', /only placeholders are/],
    ['Hello {agent} {customer}', /only placeholders are/],
    ['Caller $.CustomerEndpoint.Address', /must not contain "\$"/],
    ['x'.repeat(MAX_WHISPER_TEMPLATE_LENGTH + 1), /at most 200/],
    ['   ', /blank/],
  ])('fails fast on LAST_AGENT_WHISPER=%s, naming the variable', (value, problem) => {
    expect(() => loadConfig({ LAST_AGENT_WHISPER: value })).toThrow(
      /Invalid configuration: .*LAST_AGENT_WHISPER:/,
    );
    expect(() => loadConfig({ LAST_AGENT_WHISPER: value })).toThrow(problem);
  });
});

describe('renderWhisper and the first name', () => {
  it('fills {agent} and {ago} in one pass: a name that reads "{ago}" stays a name', () => {
    expect(renderWhisper('{agent} / {ago} / {agent}', { agent: 'Maria', ago: 'yesterday' })).toBe(
      'Maria / yesterday / Maria',
    );
    expect(renderWhisper('{agent} {ago}', { agent: '{ago}', ago: 'just now' })).toBe('{ago} just now');
  });

  it('speaks the first name cleaned: control characters and runs of spaces go, at most 100 characters', () => {
    expect(speakableFirstName('  Ana\n  María ')).toBe('Ana María');
    expect(speakableFirstName('x'.repeat(150))).toHaveLength(100);
    expect(speakableFirstName('\u0007')).toBeUndefined();
    expect(speakableFirstName('')).toBeUndefined();
    expect(speakableFirstName(null)).toBeUndefined();
  });
});

describe('returningCallerWhisper (what the whisper flow plays after the queue name)', () => {
  it('gives the one text to whoever answers', () => {
    expect(returningCallerWhisper(answer(returning))).toBe(
      'Returning caller, last spoke with Maria 2 days ago.',
    );
  });

  it('says nothing for a caller who is not returning', () => {
    expect(returningCallerWhisper(answer({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' }))).toBe(undefined);
  });
});
