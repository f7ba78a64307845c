import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('load --source', () => {
  it.each([
    [['load', '--source', 'bogus', '--calls', '1'], {}, '--source'],
    [['load', '--calls', '1'], { LAST_AGENT_SOURCE: 'dynamo' }, 'LAST_AGENT_SOURCE'],
  ])(
    'exits 2 naming the sources for %j, blaming what was set',
    async (args, env: Record<string, string>, given) => {
      const { code, stderr } = await runCli(args, env);
      expect(code).toBe(2);
      expect(stderr).toContain(`last-agent: ${given} must be one of search, index, index-then-search, all`);
    },
  );
});
