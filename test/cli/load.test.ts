import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('load --source', () => {
  it.each([
    [['load', '--source', 'bogus', '--calls', '1'], {}],
    [['load', '--calls', '1'], { LAST_AGENT_SOURCE: 'dynamo' }],
  ])('exits 2 naming the sources for %j', async (args, env: Record<string, string>) => {
    const { code, stderr } = await runCli(args, env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--source must be one of search, index, index-then-search, all/);
  });
});
