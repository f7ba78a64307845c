import { createHmac } from 'node:crypto';
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { type Config, ConfigError, checkKeySecretSource } from '../runtime/config';

/**
 * The configuration checks of the entry path (the entry Lambda, the local tools, cdk synth):
 * a source for the key secret in hashed mode, and a default country libphonenumber supports.
 */
export function checkEntryConfig(config: Config): Config {
  checkKeySecretSource(config);
  if (!isSupportedCountry(config.defaultCountry as CountryCode)) {
    throw new ConfigError(
      `Invalid configuration: LAST_AGENT_DEFAULT_COUNTRY: ${config.defaultCountry} is not a country code libphonenumber supports, such as US or GB (ISO 3166-1 alpha-2; "UK" is not one)`,
    );
  }
  return config;
}

export type CallerNumber =
  | { kind: 'number'; e164: string }
  | { kind: 'anonymous' }
  | { kind: 'missing' }
  | { kind: 'invalid' };

// What carriers and SBCs put in the caller-id field when the number is withheld.
const WITHHELD =
  /^(anonymous|restricted|private|unknown|unavailable|withheld|blocked|no[\s_-]?caller[\s_-]?id|\+?0+)$/i;

/** The longest caller-id string we bother parsing; anything longer is not a phone number. */
const MAX_INPUT = 64;

/**
 * Normalises Connect's CustomerEndpoint.Address to E.164 with libphonenumber (not a regex):
 * national formats use the configured default country, `tel:`/`sip:` URIs are unwrapped,
 * withheld numbers are recognised as anonymous.
 */
export function normaliseCaller(raw: unknown, defaultCountry: string): CallerNumber {
  if (typeof raw !== 'string' || raw.trim() === '') return { kind: 'missing' };
  let value = raw.trim();
  if (value.length > MAX_INPUT) return { kind: 'invalid' };
  const uri = /^(?:tel|sips?):([^@;]*)/i.exec(value);
  if (uri) value = decodeUriPart(uri[1] ?? '');
  if (value === '' || WITHHELD.test(value)) return { kind: 'anonymous' };
  const parsed = parsePhoneNumberFromString(value, defaultCountry as CountryCode);
  if (!parsed?.isValid()) return { kind: 'invalid' };
  return { kind: 'number', e164: parsed.number };
}

function decodeUriPart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The value stored in (and searched by) the searchable contact attribute: the E.164 number,
 * or a keyed HMAC of it so Connect's contact records hold no raw phone number.
 */
export function customerKeyFor(e164: string, config: Pick<Config, 'keyMode' | 'keySecret'>): string {
  if (config.keyMode === 'e164') return e164;
  if (!config.keySecret) throw new Error('LAST_AGENT_KEY_SECRET is required for hmac-sha256 keys');
  return createHmac('sha256', config.keySecret).update(e164).digest('hex');
}
