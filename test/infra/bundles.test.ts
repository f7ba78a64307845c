import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_ALIAS, type KeySecretStore, bundlingFor } from '../../infra/constructs/step-function';
import { TASK_FUNCTIONS } from '../../statemachine/definition';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STEPS = Object.values(TASK_FUNCTIONS);
const INDEXERS = ['index-contact-events', 'index-agent-events'];

/** The bar of issue #20: every Lambda bundle at most 650 KiB, in search and index deployments. */
const MAX_BUNDLE_BYTES = 650 * 1024;

/**
 * Bundles a function as the CDK stack does (infra/constructs/step-function.ts: esbuild, node22,
 * ES module output, ES module entry points of packages, the package aliases, and the flags of the
 * deployment: routing-state source and key secret store) and lists its packages.
 */
const built = new Map<string, ReturnType<typeof build_>>();

/** Each (function, flags) is bundled once per file: several tests read the same bundle. */
function bundle(
  entry: string,
  routingState: boolean,
  keySecretStore: KeySecretStore = 'none',
  tracer = false,
) {
  const key = JSON.stringify([entry, routingState, keySecretStore, tracer]);
  if (!built.has(key)) built.set(key, build_(entry, routingState, keySecretStore, tracer));
  return built.get(key) as ReturnType<typeof build_>;
}

async function build_(entry: string, routingState: boolean, keySecretStore: KeySecretStore, tracer: boolean) {
  const settings = bundlingFor({ routingState, keySecretStore, tracer });
  const result = await build({
    entryPoints: [`${ROOT}steps/${entry}.ts`],
    bundle: true,
    platform: 'node',
    target: settings.target,
    format: 'esm',
    banner: { js: settings.banner },
    minify: settings.minify,
    mainFields: settings.mainFields,
    define: settings.define,
    alias: Object.fromEntries(Object.entries(BUNDLE_ALIAS).map(([from, to]) => [from, join(ROOT, to)])),
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

const clientsOf = (packages: Set<string | undefined>) =>
  [...packages].filter((p) => p?.startsWith('@aws-sdk/client-')).sort();

describe('Lambda bundles', () => {
  it.each(STEPS.flatMap((e) => [[e, false] as const, [e, true] as const]))(
    '%s (index source: %s) bundles only the clients it calls, within 650 KiB',
    async (entry, routingState) => {
      const { bytes, packages } = await bundle(entry, routingState);
      const connect = entry === 'pick-last-agent-contact' ? [] : ['@aws-sdk/client-connect'];
      const table =
        routingState && ['search-contacts', 'check-agent-availability'].includes(entry)
          ? ['@aws-sdk/client-dynamodb']
          : [];
      expect(clientsOf(packages)).toEqual([...connect, ...table].sort());
      expect(bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    },
  );

  it.each(INDEXERS)('%s writes the table, never calls Connect, within 650 KiB', async (entry) => {
    const { bytes, packages } = await bundle(entry, true);
    expect(clientsOf(packages)).toEqual(['@aws-sdk/client-dynamodb']);
    expect(bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  it('record-outcome (issue 25) reads contact attributes and writes its claim, nothing else, within 650 KiB', async () => {
    // Bundled alike for every source: the table it writes is the only difference, by name.
    const { bytes, packages } = await bundle('record-outcome', false);
    expect(clientsOf(packages)).toEqual(['@aws-sdk/client-connect', '@aws-sdk/client-dynamodb']);
    expect(bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  it.each([
    ['secrets-manager', ['@aws-sdk/client-secrets-manager', '@aws-sdk/client-sfn']],
    ['parameter', ['@aws-sdk/client-sfn', '@aws-sdk/client-ssm']],
    ['none', ['@aws-sdk/client-sfn']],
  ] as const)(
    'decide with the key secret in %s carries only that store, within 650 KiB',
    async (store, clients) => {
      // The entry function reads no table: the stack bundles it alike for every source.
      const { bytes, packages } = await bundle('decide', false, store);
      expect(clientsOf(packages)).toEqual(clients);
      expect(bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    },
  );

  it('compiles Powertools Tracer in only when the deployment asks for it', async () => {
    const off = await bundle('search-contacts', false);
    const on = await bundle('search-contacts', false, 'none', true);
    for (const p of ['@aws-lambda-powertools/tracer', 'aws-xray-sdk-core']) {
      expect(off.packages.has(p), p).toBe(false);
      expect(on.packages.has(p), p).toBe(true);
    }
    expect(on.bytes - off.bytes).toBeGreaterThan(50_000);
  });

  it('replaces the SDK default credential chain with the environment provider (no SSO/STS clients)', async () => {
    const { packages } = await bundle('search-contacts', false);
    expect(packages.has('@aws-sdk/credential-provider-env')).toBe(true);
    for (const gone of [
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/credential-provider-sso',
      '@aws-sdk/credential-provider-ini',
      '@aws-sdk/nested-clients',
    ]) {
      expect(packages.has(gone), gone).toBe(false);
    }
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

  it("the stack's esbuild arguments work from the project root, where CDK runs esbuild: ES module, alias applied", () => {
    // aws-cdk-lib's NodejsFunction runs esbuild with cwd = projectRoot and passes esbuildArgs as
    // `--alias:<package>=<path>` (aws-lambda-nodejs/lib/bundling.js); the alias path is relative.
    const out = mkdtempSync(join(tmpdir(), 'bundle-'));
    try {
      const settings = bundlingFor();
      const args = [
        'steps/check-last-contact-csat.ts',
        '--bundle',
        '--platform=node',
        `--target=${settings.target}`,
        '--format=esm',
        '--minify',
        `--main-fields=${settings.mainFields.join(',')}`,
        `--banner:js=${settings.banner}`,
        ...Object.entries(settings.define).map(([k, v]) => `--define:${k}=${v}`),
        ...Object.entries(settings.esbuildArgs).map(([k, v]) => `${k}=${v}`),
        `--outfile=${join(out, 'index.mjs')}`,
        '--log-level=error',
      ];
      execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), args, { cwd: ROOT, stdio: 'pipe' });
      const code = readFileSync(join(out, 'index.mjs'), 'utf8');
      expect(code.length).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      // The SSO provider's debug line is in the SDK's default chain, not in the environment provider.
      expect(code).toContain('@aws-sdk/credential-provider-env - fromEnv');
      expect(code).not.toContain('@aws-sdk/credential-provider-sso - fromSSO');
      expect(code.startsWith(settings.banner)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
