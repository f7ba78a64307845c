import * as z from 'zod/mini';

const Secret = z.string().check(z.minLength(16, 'the key secret must have at least 16 characters'));

/** Where the HMAC key secret lives in AWS: an SSM SecureString parameter or a Secrets Manager secret. */
export type KeySecretSource = { parameter: string } | { secretArn: string };

/**
 * Reads the HMAC key secret once, at cold start, with a short timeout. The SDK client for the
 * source is loaded only here (dynamic import), so deployments with a plain secret or E.164 keys
 * never load it.
 */
export async function readKeySecret(source: KeySecretSource): Promise<string> {
  const abortSignal = AbortSignal.timeout(2000);
  if ('parameter' in source) {
    const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
    const client = new SSMClient({ maxAttempts: 2 });
    try {
      const out = await client.send(
        new GetParameterCommand({ Name: source.parameter, WithDecryption: true }),
        {
          abortSignal,
        },
      );
      return Secret.parse(out.Parameter?.Value);
    } finally {
      client.destroy();
    }
  }
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ maxAttempts: 2 });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: source.secretArn }), { abortSignal });
    return Secret.parse(out.SecretString);
  } finally {
    client.destroy();
  }
}
