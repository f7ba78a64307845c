import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../steps/lib/config';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      attributeKey: 'CustomerPhoneNumber',
      lookbackDays: 7,
      channels: ['VOICE'],
      minTalkSeconds: 0,
      csatAttribute: undefined,
      deadlineMs: 3000,
      searchMode: 'connected',
      keyMode: 'e164',
    });
  });

  it('parses lists, numbers and booleans', () => {
    const config = loadConfig({
      LAST_AGENT_CHANNELS: 'VOICE, CHAT',
      LAST_AGENT_LOOKBACK_DAYS: '14',
      LAST_AGENT_SAME_QUEUE: 'yes',
    });
    expect(config).toMatchObject({ channels: ['VOICE', 'CHAT'], lookbackDays: 14, sameQueue: true });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ LAST_AGENT_LOOKBACK_DAYS: '' }).lookbackDays).toBe(7);
  });

  it.each([
    ['LAST_AGENT_LOOKBACK_DAYS', 'seven'],
    ['LAST_AGENT_LOOKBACK_DAYS', '0'],
    ['LAST_AGENT_CHANNELS', 'VOICE,FAX'],
    ['LAST_AGENT_DEADLINE_MS', '9000'],
    ['LAST_AGENT_PAGE_SIZE', '101'],
    ['LAST_AGENT_SAME_QUEUE', 'maybe'],
    ['LAST_AGENT_ATTRIBUTE_KEY', 'has space'],
    ['LAST_AGENT_DEFAULT_COUNTRY', 'usa'],
  ])('fails fast on %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });

  it('requires a secret for hashed customer keys', () => {
    expect(() => loadConfig({ LAST_AGENT_KEY_MODE: 'hmac-sha256' })).toThrow(/LAST_AGENT_KEY_SECRET/);
  });
});
