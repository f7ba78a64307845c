import { describe, expect, it } from 'vitest';
import { customerKeyFor, normaliseCaller } from '../../../../steps/lib/decision/caller';

describe('normaliseCaller', () => {
  it.each([
    ['+14155550123', '+14155550123'],
    ['(415) 555-0123', '+14155550123'],
    ['+1 415 555 0123', '+14155550123'],
    ['+44 20 7946 0000', '+442079460000'],
    ['tel:+14155550123', '+14155550123'],
    ['sip:+14155550123@carrier.example;user=phone', '+14155550123'],
  ])('normalises %j to %s', (raw, e164) => {
    expect(normaliseCaller(raw, 'US')).toEqual({ kind: 'number', e164 });
  });

  it.each([
    'anonymous',
    'Restricted',
    'PRIVATE',
    '+0',
    '0000',
    'sip:anonymous@anonymous.invalid',
    'Unavailable',
  ])('recognises %j as a withheld number', (raw) => {
    expect(normaliseCaller(raw, 'US')).toEqual({ kind: 'anonymous' });
  });

  it.each([undefined, null, '', '   ', 42])('treats %j as missing', (raw) => {
    expect(normaliseCaller(raw, 'US')).toEqual({ kind: 'missing' });
  });

  it.each(['12345', 'hello', '+1415555012345678901234', `+1${'5'.repeat(100)}`, '*67'])(
    'rejects %j as not a phone number',
    (raw) => {
      expect(normaliseCaller(raw, 'US')).toEqual({ kind: 'invalid' });
    },
  );

  it('reads national numbers in the configured default country', () => {
    expect(normaliseCaller('020 7946 0000', 'GB')).toEqual({ kind: 'number', e164: '+442079460000' });
  });
});

describe('customerKeyFor', () => {
  it('is the E.164 number by default', () => {
    expect(customerKeyFor('+14155550123', { keyMode: 'e164', keySecret: undefined })).toBe('+14155550123');
  });

  it('is a keyed HMAC-SHA256 in hashed mode: stable, secret-dependent, no digits of the number', () => {
    const a = customerKeyFor('+14155550123', { keyMode: 'hmac-sha256', keySecret: 'a-long-enough-secret' });
    const again = customerKeyFor('+14155550123', {
      keyMode: 'hmac-sha256',
      keySecret: 'a-long-enough-secret',
    });
    const other = customerKeyFor('+14155550123', {
      keyMode: 'hmac-sha256',
      keySecret: 'another-long-secret!',
    });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(again);
    expect(a).not.toBe(other);
  });
});
