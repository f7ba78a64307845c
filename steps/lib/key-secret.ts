import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';

const Secret = z.string().min(16, 'the key secret must have at least 16 characters');

/** Reads the HMAC key secret from an SSM SecureString parameter (decrypted), with a short timeout. */
export async function readKeySecret(
  name: string,
  client = new SSMClient({ maxAttempts: 2 }),
): Promise<string> {
  try {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), {
      abortSignal: AbortSignal.timeout(2000),
    });
    return Secret.parse(out.Parameter?.Value);
  } finally {
    client.destroy();
  }
}
