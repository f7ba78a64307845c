import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_PHONE_PREFIX, writeCenter } from '../../analyze/generator';
import { runCli } from '../cli/run-cli';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `analyze-${name}-`));

describe('analyze on generated centers', () => {
  it('counts every fault the generator wrote, skips none of its records, keeps one version per contact, and leaks no caller number', async () => {
    const dir = tmp('faults');
    const manifest = writeCenter('small-long-calls', { goLiveDay: 10 }, dir, {
      faults: true,
      gzip: 'mixed',
      form: 'mixed',
    });
    const out = tmp('faults-out');
    const runs = [
      await runCli(['analyze', '--records', dir, '--json']),
      await runCli(['analyze', '--records', dir, '--out', out, '--timezone', manifest.shape.timeZone]),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const a = JSON.parse(runs[0]?.stdout as string);
    const kinds = manifest.faults.map((f) => f.kind);
    const count = (k: string) => kinds.filter((x) => x === k).length;
    expect(a.skipped.byReason).toEqual({
      NOT_JSON: count('garbage-line'),
      TRUNCATED: count('truncated-object'),
      MISSING_FIELD:
        count('missing-contact-id') +
        count('missing-initiation-timestamp') +
        count('missing-last-update-timestamp'),
      UNREADABLE_FILE: count('corrupt-gzip'),
    });
    // Every valid object written is read, except those in a file that does not decompress.
    const lost = manifest.files
      .filter((f) => f.faults.includes('corrupt-gzip'))
      .reduce((n, f) => n + f.records, 0);
    expect(a.records).toBeGreaterThanOrEqual(manifest.objects - lost);
    expect(a.records - a.duplicates).toBeLessThanOrEqual(manifest.contacts);
    const everything = [
      ...runs.flatMap((r) => [r.stdout, r.stderr]),
      ...readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')),
    ].join('\n');
    for (const f of manifest.faults) expect(everything).not.toContain(f.phone.slice(2));
    expect(everything).not.toContain(FAULT_PHONE_PREFIX.slice(2));
    expect(everything).not.toMatch(/\+1\d{6,}/);
  });

  it('a month of the 24-agent center: the figures a manager would recognise', async () => {
    const dir = tmp('month');
    const manifest = writeCenter('month-24', { goLiveDay: 15 }, dir, { gzip: 'mixed' });
    const { code, stdout } = await runCli([
      'analyze',
      '--records',
      dir,
      '--json',
      '--timezone',
      'America/New_York',
    ]);
    expect(code).toBe(0);
    const a = JSON.parse(stdout);
    expect(a.duplicates).toBe(manifest.republished.length + manifest.duplicated.length);
    expect(a.records).toBe(manifest.objects);
    expect(a.agents).toBe(24);
    expect(a.contacts).toBeGreaterThan(25_000);
    expect(a.returningShare).toBeGreaterThan(0.05);
    expect(a.lastAgentFreeShare).toBeGreaterThan(0);
    expect(a.lastAgentFreeShare).toBeLessThan(0.5);
    // The generator's go-live prefers the last agent: continuity rises after it.
    expect(a.outcome.afterGoLive.sameAgentShare).toBeGreaterThan(
      a.outcome.beforeGoLive.sameAgentShare + 0.05,
    );
    // Weekday shape: Sunday quieter than Monday, nothing at 03:00.
    const day = (w: number) => (a.arrivalsPerHourByWeekday[w] as number[]).reduce((s, v) => s + v, 0);
    expect(day(6)).toBeLessThan(day(0) / 2);
    expect(a.staffing[0][3]).toBe(0);
  }, 60_000);
});
