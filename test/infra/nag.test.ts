import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildStack } from './helpers';

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding on the stack', () => {
    const { app } = buildStack({}, { nag: true });
    expect(() => app.synth()).not.toThrow();
  });

  it('would fail synth on a finding nobody acknowledged (the check is live)', () => {
    const { app, stack } = buildStack({}, { nag: true });
    new s3.Bucket(stack, 'UnloggedBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1|server access logs/);
  });
});
