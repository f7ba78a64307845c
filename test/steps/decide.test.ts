import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectEventFor } from '../../local/connect/events';
import { type DecideDeps, type Executor, decide } from '../../steps/decide';
import { ConnectThrottledError } from '../../steps/lib/connect/errors';
import { FLOW_RESPONSE_KEYS } from '../../steps/lib/decision/decision';
import type { PipelineInput } from '../../steps/lib/decision/schemas';
import { loadConfig } from '../../steps/lib/runtime/config';
import { createLogger } from '../../steps/lib/runtime/logger';
import { createSfnExecutor } from '../../steps/lib/runtime/sfn-executor';
import { INSTANCE_ARN, INSTANCE_ID } from './fixtures';

const event = (address: unknown = '+14155550123', extra: Record<string, unknown> = {}) =>
  connectEventFor({ phone: address, instanceArn: INSTANCE_ARN, contactId: 'c-now', contactData: extra });

function deps(execute: Executor, env: Record<string, string> = {}, lines: string[] = []): DecideDeps {
  return {
    config: loadConfig(env),
    execute,
    logger: createLogger({ level: 'info', sink: (l) => lines.push(l) }),
    clock: Date.now,
    now: () => new Date('2026-11-20T10:00:00Z'),
  };
}

describe('decide (entry Lambda)', () => {
  it('passes a small, typed input to the state machine and flattens its decision', async () => {
    const execute = vi.fn<Executor>().mockResolvedValue({
      output: {
        route: 'LAST_AGENT',
        reason: 'LAST_AGENT_AVAILABLE',
        agentId: 'a1',
        queueId: 'q1',
        lastContactId: 'c-old',
        lastContactAt: '2026-11-18T07:00:40.000Z',
      },
    });

    const response = await decide(
      event('(415) 555-0123', { Queue: { ARN: `${INSTANCE_ARN}/queue/q-claims` } }),
      deps(execute),
    );

    const input = execute.mock.calls[0]?.[0] as PipelineInput;
    expect(input).toMatchObject({
      instanceId: INSTANCE_ID,
      customerKey: '+14155550123',
      contactId: 'c-now',
      currentQueueId: 'q-claims',
      channel: 'VOICE',
      now: '2026-11-20T10:00:00.000Z',
      csatGate: false,
    });
    expect(response).toMatchObject({
      route: 'LAST_AGENT',
      reason: 'LAST_AGENT_AVAILABLE',
      customerKey: '+14155550123',
      agentArn: `${INSTANCE_ARN}/agent/a1`,
      queueArn: `${INSTANCE_ARN}/queue/q1`,
    });
  });

  it('applies the route choice to the inputs the execution hands over, and logs the decision with its ARN', async () => {
    const lines: string[] = [];
    const executionArn = 'arn:aws:states:us-east-1:123456789012:express:last-agent:e1:x';
    const inputs = {
      lastContact: {
        found: true as const,
        contactId: 'c-old',
        initialContactId: 'c-old',
        agentId: 'a1',
        connectedAt: '2026-11-18T07:00:40.000Z',
      },
      checks: {
        availability: { status: 'BUSY' as const },
        csat: { gate: 'SKIPPED' as const, detail: 'GATE_OFF' as const },
      },
    };

    const busyPreferred = await decide(
      event(),
      deps(async () => ({ output: inputs, executionArn }), {}, lines),
    );
    const busyNotPreferred = await decide(
      event(),
      deps(async () => ({ output: inputs }), { LAST_AGENT_PREFER_BUSY: 'false' }),
    );

    expect(busyPreferred).toMatchObject({ route: 'LAST_AGENT', reason: 'AGENT_BUSY', agentId: 'a1' });
    expect(busyNotPreferred).toMatchObject({ route: 'DEFAULT', reason: 'AGENT_BUSY', agentId: 'a1' });
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'decision');
    expect(logged).toMatchObject({ executionArn, Route: 'LAST_AGENT', Reason: 'AGENT_BUSY' });
  });

  it('always answers every key of the flow contract as a string', async () => {
    const response = await decide(
      event(),
      deps(async () => ({ output: { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' } })),
    );
    expect(Object.keys(response).sort()).toEqual([...FLOW_RESPONSE_KEYS].sort());
    expect(Object.values(response).every((v) => typeof v === 'string')).toBe(true);
  });

  it.each([
    [new ConnectThrottledError('slow down'), 'LOOKUP_THROTTLED'],
    [new Error('boom'), 'LOOKUP_ERROR'],
  ])('turns a pipeline failure (%s) into DEFAULT with %s', async (err, reason) => {
    const response = await decide(
      event(),
      deps(async () => Promise.reject(err)),
    );
    expect(response).toMatchObject({ route: 'DEFAULT', reason });
  });

  it('answers LOOKUP_TIMEOUT within the budget when the pipeline hangs', async () => {
    const started = Date.now();
    const response = await decide(
      event(),
      deps(() => new Promise(() => undefined), { LAST_AGENT_DEADLINE_MS: '250' }),
    );
    expect(response).toMatchObject({ route: 'DEFAULT', reason: 'LOOKUP_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('gives the steps a deadline inside its own budget', async () => {
    const execute = vi
      .fn<Executor>()
      .mockResolvedValue({ output: { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' } });
    const before = Date.now();
    await decide(event(), deps(execute, { LAST_AGENT_DEADLINE_MS: '1000' }));
    const deadlineAt = execute.mock.lastCall?.[0].deadlineAt;
    expect(deadlineAt).toBeGreaterThan(before + 800);
    expect(deadlineAt).toBeLessThan(before + 1000);
  });

  it('stores a hashed key when configured, and never the number', async () => {
    const execute = vi
      .fn<Executor>()
      .mockResolvedValue({ output: { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' } });
    const response = await decide(
      event(),
      deps(execute, { LAST_AGENT_KEY_MODE: 'hmac-sha256', LAST_AGENT_KEY_SECRET: 'a-long-enough-secret' }),
    );
    expect(response.customerKey).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(execute.mock.calls)).not.toContain('4155550123');
  });

  it.each([
    ['a non-object event', null],
    ['a missing ContactData', { Details: {} }],
    ['an instance ARN of another service', event('+14155550123', { InstanceARN: 'arn:aws:s3:::bucket' })],
  ])('answers INVALID_EVENT for %s without calling the pipeline', async (_label, bad) => {
    const execute = vi.fn<Executor>();
    expect(await decide(bad, deps(execute))).toMatchObject({ route: 'DEFAULT', reason: 'INVALID_EVENT' });
    expect(execute).not.toHaveBeenCalled();
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'str'],
    ['an empty object', {}],
  ])('logs why %s is an INVALID_EVENT, with no Powertools reserved-key warning', async (_label, bad) => {
    const lines: string[] = [];
    const d = deps(vi.fn<Executor>());
    d.logger = createLogger({ level: 'warn', sink: (l) => lines.push(l) });
    await decide(bad, d);
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged.map((l) => l.message)).not.toContainEqual(expect.stringMatching(/reserved key/));
    const invalid = logged.find((l) => l.message === 'invalid Connect event');
    expect(invalid).toMatchObject({ path: expect.any(String), problem: expect.any(String) });
    expect(invalid.problem.length).toBeGreaterThan(0);
  });

  it('logs each decision as an embedded CloudWatch metric by route and reason', async () => {
    const lines: string[] = [];
    await decide(
      event(),
      deps(async () => ({ output: { route: 'LAST_AGENT', reason: 'AGENT_BUSY', agentId: 'a1' } }), {}, lines),
    );
    const metric = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(metric).toMatchObject({
      Route: 'LAST_AGENT',
      Reason: 'AGENT_BUSY',
      Decisions: 1,
      FailedDecisions: 0,
      _aws: {
        CloudWatchMetrics: [
          { Namespace: 'LastAgentRouting', Dimensions: [['service', 'Route', 'Reason'], ['service']] },
        ],
      },
    });
  });

  it('counts a LOOKUP_ERROR as a failed decision, in totals without dimensions for the alarm', async () => {
    const lines: string[] = [];
    await decide(
      event(),
      deps(
        async () => {
          throw new Error('AccessDeniedException');
        },
        {},
        lines,
      ),
    );
    const metric = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(metric).toMatchObject({ Reason: 'LOOKUP_ERROR', Decisions: 1, FailedDecisions: 1 });
    expect(metric._aws.CloudWatchMetrics[0].Dimensions).toContainEqual(['service']);
  });

  it('still writes the decision metrics when the log level is raised to WARN', async () => {
    const lines: string[] = [];
    const d = deps(async () => ({ output: { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' } }));
    d.logger = createLogger({ level: 'warn', sink: (l) => lines.push(l) });
    await decide(event(), d);
    expect(lines.map((l) => JSON.parse(l)).find((l) => l._aws)).toMatchObject({ Decisions: 1 });
  });

  it('logs the decision with the caller masked', async () => {
    const lines: string[] = [];
    await decide(
      event(),
      deps(async () => ({ output: { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' } }), {}, lines),
    );
    expect(lines.join('\n')).toContain('+*********23');
    expect(lines.join('\n')).not.toContain('4155550123');
  });
});

describe('Lambda handler', () => {
  // A fresh module (cold start) even when another test file of the same worker loaded it.
  beforeEach(() => vi.resetModules());
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('answers CONFIG_ERROR instead of throwing when the configuration is invalid', async () => {
    vi.stubEnv('LAST_AGENT_LOOKBACK_DAYS', 'seven');
    vi.stubEnv('STATE_MACHINE_ARN', 'arn:aws:states:us-east-1:123456789012:stateMachine:x');
    vi.stubEnv('LOG_LEVEL', 'silent');
    const { handler } = await import('../../steps/decide');

    expect(await handler(event())).toMatchObject({ route: 'DEFAULT', reason: 'CONFIG_ERROR' });
  });
});

describe('Step Functions executor', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());
  // The mock patches SFNClient, which other test files of the same worker share.
  afterAll(() => sfn.restore());
  const input = { customerKey: 'k' } as PipelineInput;
  const deadline = { check: () => undefined, signal: () => AbortSignal.timeout(1000) } as never;
  const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:last-agent';

  it('starts a synchronous execution and parses its output', async () => {
    sfn.on(StartSyncExecutionCommand).resolves({
      status: 'SUCCEEDED',
      output: JSON.stringify({ route: 'LAST_AGENT', reason: 'AGENT_BUSY', agentId: 'a1' }),
    } as never);

    const { output } = await createSfnExecutor(arn, new SFNClient({}))(input, deadline);

    expect(output).toMatchObject({ route: 'LAST_AGENT', reason: 'AGENT_BUSY' });
    expect(sfn.commandCalls(StartSyncExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: arn,
      input: JSON.stringify(input),
    });
  });

  it.each([
    [{ status: 'TIMED_OUT' }, 'LookupTimeout'],
    [{ status: 'FAILED', error: 'ConnectThrottled' }, 'ConnectThrottled'],
    [{ status: 'FAILED', error: 'States.Runtime' }, 'ConnectApiError'],
  ])('maps an execution %j to %s', async (out, name) => {
    sfn.on(StartSyncExecutionCommand).resolves(out as never);
    await expect(createSfnExecutor(arn, new SFNClient({}))(input, deadline)).rejects.toMatchObject({ name });
  });

  it('maps a throttled StartSyncExecution to ConnectThrottled', async () => {
    sfn
      .on(StartSyncExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(createSfnExecutor(arn, new SFNClient({}))(input, deadline)).rejects.toMatchObject({
      name: 'ConnectThrottled',
    });
  });
});
