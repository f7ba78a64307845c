import * as z from 'zod/mini';

const Secret = z.string().check(z.minLength(16, 'the key secret must have at least 16 characters'));

/** Where the HMAC key secret lives in AWS: an SSM SecureString parameter or a Secrets Manager secret. */
export type KeySecretSource = { parameter: string } | { secretArn: string };

/**
 * The secret store the entry function's bundle carries: the stack defines
 * `process.env.LAST_AGENT_BUNDLE_KEY_SECRET` as "secrets-manager", "parameter" or "none" from the
 * deployment's key settings (infra/constructs/step-function.ts `bundlingFor`), and esbuild drops
 * the other store's SDK client (the SSM client alone is 224 KB of the bundle). Unbundled (tests,
 * the local tools) the flag is unset and both load.
 */
const notBundled = (store: string, flag: string | undefined) =>
  new Error(
    `this function was bundled for the key secret in "${flag}", without the ${store} client: deploy with the key settings in use`,
  );

/**
 * Reads the HMAC key secret once, at cold start, with a short timeout. The SDK client for the
 * source is loaded only here (dynamic import), so deployments with a plain secret or E.164 keys
 * never load it. Each import sits inside the branch its flag guards: esbuild drops a branch whose
 * condition folds to false, with the import in it.
 */
export async function readKeySecret(source: KeySecretSource): Promise<string> {
  const abortSignal = AbortSignal.timeout(2000);
  if ('parameter' in source) {
    if (
      process.env.LAST_AGENT_BUNDLE_KEY_SECRET !== 'secrets-manager' &&
      process.env.LAST_AGENT_BUNDLE_KEY_SECRET !== 'none'
    ) {
      const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
      const client = new SSMClient({ maxAttempts: 2 });
      try {
        const input = { Name: source.parameter, WithDecryption: true };
        const out = await client.send(new GetParameterCommand(input), { abortSignal });
        return Secret.parse(out.Parameter?.Value);
      } finally {
        client.destroy();
      }
    }
    throw notBundled('SSM Parameter Store', process.env.LAST_AGENT_BUNDLE_KEY_SECRET);
  }
  if (
    process.env.LAST_AGENT_BUNDLE_KEY_SECRET !== 'parameter' &&
    process.env.LAST_AGENT_BUNDLE_KEY_SECRET !== 'none'
  ) {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({ maxAttempts: 2 });
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: source.secretArn }), {
        abortSignal,
      });
      return Secret.parse(out.SecretString);
    } finally {
      client.destroy();
    }
  }
  throw notBundled('Secrets Manager', process.env.LAST_AGENT_BUNDLE_KEY_SECRET);
}
