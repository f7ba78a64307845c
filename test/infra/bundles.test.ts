import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundlingFor } from '../../infra/constructs/step-function';
import { TASK_FUNCTIONS } from '../../statemachine/definition';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRIES = ['decide', ...Object.values(TASK_FUNCTIONS), 'index-contact-events', 'index-agent-events'];

/**
 * Bundles a step as the CDK stack does (esbuild, node22, ESM entry points, the routing-state flag
 * of the deployment's source: infra/constructs/step-function.ts `bundlingFor`) and lists its packages.
 */
async function bundle(entry: string, routingState = entry.startsWith('index-')) {
  const result = await build({
    entryPoints: [`${ROOT}steps/${entry}.ts`],
    bundle: true,
    platform: 'node',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    define: bundlingFor(routingState).define,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const packages = new Set(
    Object.keys(result.metafile.inputs)
      .map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1])
      .filter(Boolean),
  );
  return { bytes: result.outputFiles[0]?.contents.length ?? 0, packages };
}

describe('Lambda bundles', () => {
  it.each(ENTRIES)('%s bundles no AWS SDK client it does not call', async (entry) => {
    const { bytes, packages } = await bundle(entry);
    const clients = [...packages].filter((p) => p?.startsWith('@aws-sdk/client-')).sort();
    const expected =
      entry === 'decide'
        ? // The two secret stores are imported on demand, at cold start, in hashed-key mode only.
          ['@aws-sdk/client-secrets-manager', '@aws-sdk/client-sfn', '@aws-sdk/client-ssm']
        : ['pick-last-agent-contact', 'choose-route'].includes(entry)
          ? []
          : entry.startsWith('index-')
            ? // The indexers write the table and never call Connect.
              ['@aws-sdk/client-dynamodb']
            : ['@aws-sdk/client-connect'];
    expect(clients).toEqual(expected);
    expect(bytes).toBeLessThan(1_200_000);
  });

  it.each(['search-contacts', 'check-agent-availability'])(
    '%s carries the DynamoDB client only when the deployment reads the routing-state table',
    async (entry) => {
      const search = await bundle(entry, false);
      const index = await bundle(entry, true);
      expect(search.packages.has('@aws-sdk/client-dynamodb')).toBe(false);
      expect(index.packages.has('@aws-sdk/client-dynamodb')).toBe(true);
      expect(index.bytes - search.bytes).toBeGreaterThan(50_000);
    },
  );
});
