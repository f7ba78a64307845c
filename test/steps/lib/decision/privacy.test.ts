import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesIn, redact } from '../../../../steps/lib/decision/privacy';
import { createLogger } from '../../../../steps/lib/runtime/logger';

describe('masking', () => {
  it('keeps only the last two digits of a number', () => {
    expect(maskPhone('+14155550123')).toBe('+*********23');
  });

  it('masks numbers inside free text but leaves ARNs, UUIDs and timestamps readable', () => {
    const text =
      'caller +14155550123 (or 4155550123) on arn:aws:connect:us-east-1:123456789012:instance/0cd02083-8041-5c17-8a3b-403012345678 at 2026-11-18T07:00:40.000Z';
    const masked = maskPhonesIn(text);
    expect(masked).not.toContain('4155550123');
    expect(masked).toContain('123456789012:instance/0cd02083-8041-5c17-8a3b-403012345678');
    expect(masked).toContain('2026-11-18T07:00:40.000Z');
  });

  it('redacts nested values and errors', () => {
    const out = JSON.stringify(redact({ a: ['+14155550123'], e: new Error('no contact for +14155550123') }));
    expect(out).not.toContain('4155550123');
  });

  it('the logger never writes a caller number in clear', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'debug',
      keys: { caller: '+14155550123' },
      sink: (l) => lines.push(l),
    });

    log.info('lookup for +14155550123 failed', { error: new Error('+1 415 555 0123 unknown') });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/415\s?555\s?0123|4155550123/);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'INFO', caller: '+*********23' });
  });
});
