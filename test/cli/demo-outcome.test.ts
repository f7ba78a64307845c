import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('the demo reports the preferred-agent outcome (issue 25)', () => {
  it('prints "preferred agent reached: N of M (x %)" over the LAST_AGENT calls, each counted once', async () => {
    const { code, stdout } = await runCli(['demo']);
    expect(code).toBe(0);
    const lastAgent = Number(/Summary: .*LAST_AGENT (\d+)/.exec(stdout)?.[1]);
    const line = /^preferred agent reached: (\d+) of (\d+) \((\d+\.\d) %\)/m.exec(stdout);
    expect(line, stdout).not.toBeNull();
    const [reached, counted, pct] = [Number(line?.[1]), Number(line?.[2]), Number(line?.[3])];
    // Every LAST_AGENT call connected (the model: local/outcomes.ts), and was counted once though
    // its event was delivered twice.
    expect(counted).toBe(lastAgent);
    expect(pct).toBeCloseTo((reached / counted) * 100, 1);
    // The demo's busy-agent caller (Bob, prefer-busy) waits out the window: at least one miss.
    expect(reached).toBeLessThan(counted);
  });
});
