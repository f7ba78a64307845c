import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../bench/analyze-speed';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('analyze speed bench (correctness only, no timing assertions)', () => {
  it('runs the four passes on 2,000 records and prints one table with equal record counts', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/analyze-speed.ts', '--records', '2000'],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const rows = stdout
      .split('\n')
      .map((line) => line.trim().split(/\s{2,}/))
      .filter((cells) => ['bare', 'reader', 'analyze', 'cli'].includes(cells[0] ?? '') && cells.length === 8);
    expect(rows.map((r) => r[0])).toEqual(['bare', 'reader', 'analyze', 'cli']);
    const num = (cell: string | undefined) => Number((cell ?? '').replace(/[,%\s]/g, ''));
    const records = rows.map((r) => num(r[1]));
    expect(records[0]).toBeGreaterThan(1000);
    expect(new Set(records).size).toBe(1);
    for (const r of rows) {
      expect(num(r[2])).toBeGreaterThan(0); // MB
      expect(num(r[3])).toBeGreaterThan(0); // seconds
      expect(num(r[4])).toBeGreaterThan(0); // records/s
      expect(num(r[7])).toBeGreaterThan(10); // peak RSS MB
    }
    expect(rows[0]?.[6]).toBe('100 %');
    expect(stdout).toMatch(/bytes per contact/);
    expect(stdout).toMatch(/reach 1 GB at about [\d,]+ records/);
    expect(stdout.match(/: (holds|does not hold)$/gm)).toHaveLength(4);
    expect(stdout).toMatch(/--records 1000000/);
  }, 30_000);

  it('parses its options and refuses unknown ones', () => {
    expect(parseArgs([])).toEqual({ records: 200_000, gzip: 'mixed', dir: undefined });
    expect(parseArgs(['--records', '5000', '--gzip', 'false', '--dir', '/tmp/x'])).toEqual({
      records: 5000,
      gzip: false,
      dir: '/tmp/x',
    });
    expect(() => parseArgs(['--records', '0'])).toThrow(/usage/);
    expect(() => parseArgs(['--gzip', 'yes'])).toThrow(/usage/);
  });
});
