import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDeployContext } from '../../infra/context';
import { INSTANCE_ARN, QUEUE_ARN } from './helpers';

const ctx = (values: Record<string, string>) => (k: string) => values[k];

describe('deployment context', () => {
  it('fails with a clear message without an instance ARN', () => {
    expect(() => parseDeployContext(ctx({ defaultQueueArn: QUEUE_ARN }))).toThrow(
      /instanceArn is required: pass -c instanceArn=/,
    );
  });

  it('fails on a malformed instance ARN', () => {
    expect(() =>
      parseDeployContext(ctx({ instanceArn: 'arn:aws:connect:::nope', defaultQueueArn: QUEUE_ARN })),
    ).toThrow(/instanceArn must look like arn:aws:connect/);
  });

  it('validates pipeline settings with the runtime rules', () => {
    expect(() =>
      parseDeployContext(
        ctx({ instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, LAST_AGENT_LOOKBACK_DAYS: '0' }),
      ),
    ).toThrow(/LAST_AGENT_LOOKBACK_DAYS/);
  });

  it('sets the decision window from the wait the flow uses, and refuses it as context', () => {
    const base = { instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN };
    expect(parseDeployContext(ctx({ ...base, preferredAgentSeconds: '45' })).pipelineEnv).toMatchObject({
      LAST_AGENT_PREFERRED_SECONDS: '45',
    });
    expect(
      parseDeployContext(ctx({ ...base, routingMode: 'agent-queue', agentWaitSeconds: '90' })).pipelineEnv,
    ).toMatchObject({ LAST_AGENT_PREFERRED_SECONDS: '90' });
    expect(() => parseDeployContext(ctx({ ...base, LAST_AGENT_PREFERRED_SECONDS: '10' }))).toThrow(
      /LAST_AGENT_PREFERRED_SECONDS must not be passed as context/,
    );
  });

  it('takes the handle model and the threshold as context, with the runtime rules', () => {
    const base = { instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN };
    const model = '{"talkSeconds":{"dist":"lognormal","mean":300,"p90":600}}';
    expect(
      parseDeployContext(
        ctx({ ...base, LAST_AGENT_HANDLE_MODEL: model, LAST_AGENT_MIN_FREE_PROBABILITY: '0.4' }),
      ).pipelineEnv,
    ).toMatchObject({ LAST_AGENT_HANDLE_MODEL: model, LAST_AGENT_MIN_FREE_PROBABILITY: '0.4' });
    expect(() => parseDeployContext(ctx({ ...base, LAST_AGENT_MIN_FREE_PROBABILITY: '0.4' }))).toThrow(
      /LAST_AGENT_HANDLE_MODEL: required/,
    );
  });

  it('refuses a key secret in context, where it would land in the template', () => {
    expect(() =>
      parseDeployContext(
        ctx({ instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, LAST_AGENT_KEY_SECRET: 'x'.repeat(20) }),
      ),
    ).toThrow(/must not be passed as context/);
  });

  it.each(['31', '0', '10000'])(
    'refuses a log retention of %s days, which CloudWatch Logs rejects',
    (days) => {
      expect(() =>
        parseDeployContext(
          ctx({ instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, logRetentionDays: days }),
        ),
      ).toThrow(/logRetentionDays must be one of CloudWatch Logs' retention values/);
    },
  );

  it('takes provisioned concurrency as an opt-in whole number, off by default', () => {
    const base = { instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN };
    expect(parseDeployContext(ctx(base)).provisionedConcurrency).toBe(0);
    expect(parseDeployContext(ctx({ ...base, provisionedConcurrency: '2' })).provisionedConcurrency).toBe(2);
    expect(() => parseDeployContext(ctx({ ...base, provisionedConcurrency: '-1' }))).toThrow(
      /provisionedConcurrency/,
    );
  });

  it('compiles Powertools Tracer in only when asked, with true or false', () => {
    const base = { instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN };
    expect(parseDeployContext(ctx(base)).powertoolsTracer).toBe(false);
    expect(parseDeployContext(ctx({ ...base, powertoolsTracer: 'true' })).powertoolsTracer).toBe(true);
    expect(() => parseDeployContext(ctx({ ...base, powertoolsTracer: 'yes' }))).toThrow(/powertoolsTracer/);
  });

  it('accepts a retention CloudWatch Logs allows', () => {
    const settings = parseDeployContext(
      ctx({ instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, logRetentionDays: '90' }),
    );
    expect(settings.logRetentionDays).toBe(90);
  });

  it('hashes customer keys by default, with a secret the stack creates', () => {
    const settings = parseDeployContext(ctx({ instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN }));
    expect(settings.pipelineEnv.LAST_AGENT_KEY_MODE).toBe('hmac-sha256');
    expect(settings.createKeySecret).toBe(true);
  });

  it('keeps E.164 keys when the deployer asks for them, and creates no secret', () => {
    const settings = parseDeployContext(
      ctx({ instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, LAST_AGENT_KEY_MODE: 'e164' }),
    );
    expect(settings.createKeySecret).toBe(false);
  });

  it('refuses an attribute key Connect would not accept as searchable', () => {
    expect(() =>
      parseDeployContext(
        ctx({
          instanceArn: INSTANCE_ARN,
          defaultQueueArn: QUEUE_ARN,
          LAST_AGENT_ATTRIBUTE_KEY: 'caller.phone',
        }),
      ),
    ).toThrow(/LAST_AGENT_ATTRIBUTE_KEY/);
    expect(() =>
      parseDeployContext(
        ctx({
          instanceArn: INSTANCE_ARN,
          defaultQueueArn: QUEUE_ARN,
          LAST_AGENT_ATTRIBUTE_KEY: 'k'.repeat(101),
        }),
      ),
    ).toThrow(/LAST_AGENT_ATTRIBUTE_KEY/);
  });

  it('cdk synth without an instance ARN exits non-zero with the message', async () => {
    const run = promisify(execFile);
    // What `npx tsx infra/app.ts` (cdk.json's app) runs, without npx's and tsx's extra processes.
    const result = await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      env: { ...process.env, CDK_CONTEXT_JSON: '{}' },
    }).catch((e) => e);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/instanceArn is required/);
  });
});
