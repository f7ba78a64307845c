import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { readKeySecret } from '../../../../steps/lib/runtime/key-secret';
import { INSTANCE_ARN } from '../../fixtures';

const ssm = mockClient(SSMClient);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:last-agent-key-AbCdEf';

afterEach(() => {
  ssm.reset();
  sfn.reset();
  secrets.reset();
  vi.unstubAllEnvs();
  vi.resetModules();
});
// The mocks patch the SDK classes, which other test files of the same worker share.
afterAll(() => {
  ssm.restore();
  sfn.restore();
  secrets.restore();
});

describe('key secret from SSM', () => {
  it('reads the SecureString decrypted', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'a-long-enough-secret' } });

    expect(await readKeySecret({ parameter: '/last-agent/key' })).toBe('a-long-enough-secret');
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/last-agent/key',
      WithDecryption: true,
    });
  });

  it('rejects a secret too short to be a key', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'short' } });
    await expect(readKeySecret({ parameter: '/last-agent/key' })).rejects.toThrow(/at least 16/);
  });

  it('reads the secret the stack creates in Secrets Manager', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'generated-by-the-stack-0123456789' });

    expect(await readKeySecret({ secretArn: SECRET_ARN })).toBe('generated-by-the-stack-0123456789');
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET_ARN });
  });

  it('the entry Lambda counts a configuration error as a CONFIG_ERROR decision metric', async () => {
    ssm.on(GetParameterCommand).rejects(new Error('AccessDenied'));
    const lines: string[] = [];
    // Powertools writes errors to stderr, the rest to stdout.
    const capture = (line: unknown) => {
      lines.push(String(line));
      return true;
    };
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const call = await coldEntryLambda({ LOG_LEVEL: 'error' });
      expect((await call()).reason).toBe('CONFIG_ERROR');
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(emf).toMatchObject({ Route: 'DEFAULT', Reason: 'CONFIG_ERROR', Decisions: 1 });
  });

  /** The entry Lambda module, fresh (cold start), configured for hashed keys from SSM. */
  async function coldEntryLambda(env: Record<string, string> = {}) {
    sfn.on(StartSyncExecutionCommand).resolves({
      status: 'SUCCEEDED',
      output: JSON.stringify({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' }),
    } as never);
    vi.stubEnv('LAST_AGENT_KEY_MODE', 'hmac-sha256');
    vi.stubEnv('LAST_AGENT_KEY_SECRET_PARAMETER', '/last-agent/key');
    vi.stubEnv('STATE_MACHINE_ARN', 'arn:aws:states:us-east-1:123456789012:stateMachine:x');
    vi.stubEnv('LOG_LEVEL', 'silent');
    for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
    const { handler } = await import('../../../../steps/decide');
    const event = {
      Details: {
        ContactData: {
          ContactId: 'c',
          InstanceARN: INSTANCE_ARN,
          CustomerEndpoint: { Address: '+14155550123' },
        },
      },
    };
    return () => handler(event);
  }

  it('the entry Lambda hashes keys with the secret it read at cold start', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'a-long-enough-secret' } });
    const call = await coldEntryLambda();

    const first = await call();
    const second = await call();

    expect(first.customerKey).toMatch(/^[0-9a-f]{64}$/);
    expect(second.customerKey).toBe(first.customerKey);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('answers CONFIG_ERROR while the parameter cannot be read, and recovers once it can', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new Error('AccessDenied'))
      .resolves({ Parameter: { Value: 'a-long-enough-secret' } });
    const call = await coldEntryLambda();

    expect((await call()).reason).toBe('CONFIG_ERROR');
    expect((await call()).reason).toBe('NO_RECENT_CONTACT');
  });

  it('in Lambda, reads the secret in the init phase: importing the module finishes the cold start', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'a-long-enough-secret' } });
    const call = await coldEntryLambda({ AWS_LAMBDA_FUNCTION_NAME: 'decide' });

    // Read before the first invocation, so the first caller's budget does not pay for it.
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect((await call()).customerKey).toMatch(/^[0-9a-f]{64}$/);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('outside Lambda, importing the module starts nothing', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'a-long-enough-secret' } });
    await coldEntryLambda();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('in Lambda, a failed init-phase read is retried by the first invocation', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new Error('AccessDenied'))
      .resolves({ Parameter: { Value: 'a-long-enough-secret' } });
    const call = await coldEntryLambda({ AWS_LAMBDA_FUNCTION_NAME: 'decide' });

    expect((await call()).reason).toBe('NO_RECENT_CONTACT');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('a bundle built for another secret store says so instead of loading a client it lacks', async () => {
    vi.stubEnv('LAST_AGENT_BUNDLE_KEY_SECRET', 'secrets-manager');
    await expect(readKeySecret({ parameter: '/last-agent/key' })).rejects.toThrow(/without the SSM/);
    vi.stubEnv('LAST_AGENT_BUNDLE_KEY_SECRET', 'none');
    await expect(readKeySecret({ secretArn: SECRET_ARN })).rejects.toThrow(/without the Secrets Manager/);
  });
});
