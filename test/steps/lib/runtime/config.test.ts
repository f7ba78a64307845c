import { describe, expect, it } from 'vitest';
import { checkEntryConfig } from '../../../../steps/lib/decision/caller';
import { loadConfig } from '../../../../steps/lib/runtime/config';

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
    ['LAST_AGENT_LOOKBACK_DAYS', ' 7'],
    ['LAST_AGENT_LOOKBACK_DAYS', '0x10'],
    ['LAST_AGENT_LOOKBACK_DAYS', '1e1'],
    ['LAST_AGENT_LOOKBACK_DAYS', '7.5'],
    ['LAST_AGENT_MIN_CSAT', '3e0'],
    ['LAST_AGENT_ATTRIBUTE_KEY', 'caller.phone'],
  ])('fails fast on %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });

  it('the entry path says why UK is not a country code', () => {
    expect(() => checkEntryConfig(loadConfig({ LAST_AGENT_DEFAULT_COUNTRY: 'UK' }))).toThrow(
      /LAST_AGENT_DEFAULT_COUNTRY: UK is not .*"UK" is not one/,
    );
  });

  it('accepts GB and a decimal CSAT threshold', () => {
    expect(loadConfig({ LAST_AGENT_DEFAULT_COUNTRY: 'GB', LAST_AGENT_MIN_CSAT: '3.5' })).toMatchObject({
      defaultCountry: 'GB',
      minCsat: 3.5,
    });
  });

  it('names every variable after its setting', async () => {
    const { CONFIG_VARIABLES } = await import('../../../../steps/lib/runtime/config');
    expect(CONFIG_VARIABLES).toContain('LAST_AGENT_ATTRIBUTE_KEY');
    expect(CONFIG_VARIABLES).toContain('LAST_AGENT_PREFER_BUSY');
    expect(CONFIG_VARIABLES).toContain('LAST_AGENT_KEY_SECRET_ARN');
  });

  it('the entry path requires a secret source for hashed customer keys', () => {
    expect(() => checkEntryConfig(loadConfig({ LAST_AGENT_KEY_MODE: 'hmac-sha256' }))).toThrow(
      /LAST_AGENT_KEY_SECRET/,
    );
  });

  it('a step loads hashed-key configuration without a secret: it never sees a caller number', () => {
    expect(loadConfig({ LAST_AGENT_KEY_MODE: 'hmac-sha256' }).keyMode).toBe('hmac-sha256');
  });
});
