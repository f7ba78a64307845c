import { ConnectClient } from '@aws-sdk/client-connect';
import { createReferenceData } from '../../steps/lib/connect/reference-data';
import { createDynamoClient } from '../../steps/lib/routing-state/dynamo-client';
import { loadConfig } from '../../steps/lib/runtime/config';
import { createLogger } from '../../steps/lib/runtime/logger';
import type { StepDeps } from '../../steps/lib/runtime/step';

export const INSTANCE_ID = '11111111-2222-4333-8444-555555555555';
export const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}`;

/** Step dependencies with a real (mockable) Connect client and a silent logger. */
export function stepDeps(env: Record<string, string> = {}, clock: () => number = () => 1_000_000): StepDeps {
  return {
    connect: new ConnectClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
    config: loadConfig(env),
    logger: createLogger({ level: 'silent' }),
    clock,
    reference: createReferenceData(60_000, clock),
    dynamo: createDynamoClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  };
}

export const baseInput = {
  instanceId: INSTANCE_ID,
  customerKey: '+14155550123',
  contactId: 'current',
  initialContactId: 'current',
  membershipQueueId: '',
  channel: 'VOICE' as const,
  now: '2026-11-20T10:00:00.000Z',
  deadlineAt: 1_000_000 + 3000,
  csatGate: false,
};

export const throttling = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 429 },
  });
