import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli as cli } from './run-cli';

// Issue #21: the decide command must not echo a caller number in clear, whatever its digits.
describe('decide keeps the caller number masked', () => {
  it.each([
    ['fullwidth', '＋１４１５５５５０１２３', '＋*********２３', '１４１５５５５'],
    ['Arabic-Indic', '٤١٥٥٥٥٠١٢٣', '********٢٣', '٤١٥٥٥٥٠'],
  ])('masks %s digits in the caller title, as the logs do', async (_label, phone, masked, clear) => {
    const { code, stdout, stderr } = await cli(['decide', '--phone', phone]);
    expect(code).toBe(0);
    expect(stdout).toContain(`\n  caller ${masked} → `);
    expect(stdout + stderr).not.toContain(clear);
  });

  it('does not echo a number given without --phone', async () => {
    const { code, stderr } = await cli(['decide', '+14155550123']);
    expect(code).toBe(2);
    expect(stderr).toContain("unexpected argument '+*********23' for decide");
    expect(stderr).not.toContain('4155550123');
  });

  it('--json shows customerKey as the flow gets it (documented), the trace masked', async () => {
    const { stdout } = await cli(['decide', '--phone', '+14155550123', '--json']);
    const out = JSON.parse(stdout);
    expect(out.decision.customerKey).toBe('+14155550123');
    expect(JSON.stringify(out.trace)).not.toContain('4155550123');
    const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    expect(docs).toMatch(/`customerKey`[^\n]*in clear/);
  });
});
