import { ConnectClient } from '@aws-sdk/client-connect';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { traced } from '../../../../steps/lib/runtime/tracing';

afterEach(() => vi.unstubAllEnvs());

const middlewareOf = (client: ConnectClient) => client.middlewareStack.identify().join(' ');

describe('Powertools Tracer on the SDK clients', () => {
  it('leaves a client as it is when the bundle was built without the Tracer', async () => {
    const client = new ConnectClient({ region: 'us-east-1' });
    const before = middlewareOf(client);

    expect(await traced(client)).toBe(client);
    expect(middlewareOf(client)).toBe(before);
  });

  it('adds the X-Ray instrumentation to a client when compiled in (in Lambda)', async () => {
    vi.stubEnv('LAST_AGENT_BUNDLE_TRACER', 'true');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'search-contacts');
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    const client = new ConnectClient({ region: 'us-east-1' });

    await traced(client);

    expect(middlewareOf(client)).toMatch(/XRay/i);
  });
});
