import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectEventFor } from '../../local/connect/events';
import { writeRequests } from '../../local/dynamodb/server';
import { startLocalSession } from '../../local/session';
import { type DecideDeps, type Executor, decide } from '../../steps/decide';
import type { PipelineInput } from '../../steps/lib/decision/schemas';
import {
  SYNTHETIC_PARAMETER,
  isSyntheticEvent,
  syntheticParameters,
} from '../../steps/lib/decision/synthetic';
import { loadConfig } from '../../steps/lib/runtime/config';
import { createLogger } from '../../steps/lib/runtime/logger';
import { DEMO_NO_LATENCY, callFrom, demoPhone } from '../helpers';
import { INSTANCE_ARN } from './fixtures';

/** A Connect event as the shipped flow sends it, with or without the doctor's mark. */
const event = (synthetic: boolean) =>
  connectEventFor({
    phone: '+14155550123',
    instanceArn: INSTANCE_ARN,
    contactId: 'c-now',
    parameters: synthetic
      ? syntheticParameters({ routingMode: 'preferred-agent' })
      : { routingMode: 'preferred-agent' },
  });

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

function deps(execute: Executor, lines: string[]): DecideDeps {
  return {
    config: loadConfig({}),
    execute,
    logger: createLogger({ level: 'info', sink: (l) => lines.push(l) }),
    clock: Date.now,
    now: () => new Date('2026-11-20T10:00:00Z'),
  };
}

const LAST_AGENT = {
  output: {
    route: 'LAST_AGENT' as const,
    reason: 'LAST_AGENT_AVAILABLE' as const,
    agentId: 'a1',
    lastContactId: 'c-old',
    lastContactAt: '2026-11-18T07:00:40.000Z',
  },
};

describe('the synthetic mark (steps/lib/decision/synthetic.ts)', () => {
  it('is recognised only as the exact parameter value, never from attributes', () => {
    expect(isSyntheticEvent(event(true))).toBe(true);
    expect(isSyntheticEvent(event(false))).toBe(false);
    const inAttributes = connectEventFor({
      phone: '+14155550123',
      instanceArn: INSTANCE_ARN,
      contactData: { Attributes: { [SYNTHETIC_PARAMETER]: 'true' } },
    });
    expect(isSyntheticEvent(inAttributes)).toBe(false);
    const otherValue = connectEventFor({
      phone: '+14155550123',
      instanceArn: INSTANCE_ARN,
      parameters: { [SYNTHETIC_PARAMETER]: 'yes' },
    });
    expect(isSyntheticEvent(otherValue)).toBe(false);
    for (const garbage of [null, undefined, 'x', {}, { Details: null }, { Details: { Parameters: null } }])
      expect(isSyntheticEvent(garbage)).toBe(false);
  });
});

describe('decide with a synthetic event', () => {
  it('answers exactly as for the real call, records no metrics and marks the pipeline input', async () => {
    const realLines: string[] = [];
    const realExecute = vi.fn<Executor>().mockResolvedValue(LAST_AGENT);
    const real = await decide(event(false), deps(realExecute, realLines));

    const lines: string[] = [];
    const execute = vi.fn<Executor>().mockResolvedValue(LAST_AGENT);
    const synthetic = await decide(event(true), deps(execute, lines));

    expect({ ...synthetic, decisionMs: '' }).toEqual({ ...real, decisionMs: '' });
    expect(synthetic).toMatchObject({ route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE' });
    // The real call is counted (Embedded Metric Format on its decision line); the synthetic is not.
    expect(parsed(realLines).some((l) => l._aws)).toBe(true);
    expect(parsed(realLines).find((l) => l.message === 'decision')).toMatchObject({ Decisions: 1 });
    expect(parsed(lines).some((l) => l._aws || 'Decisions' in l || 'DecisionTime' in l)).toBe(false);
    expect(parsed(lines).find((l) => l.message === 'synthetic decision')).toMatchObject({
      synthetic: true,
      route: 'LAST_AGENT',
      reason: 'LAST_AGENT_AVAILABLE',
    });
    expect((execute.mock.calls[0]?.[0] as PipelineInput).synthetic).toBe(true);
    expect((realExecute.mock.calls[0]?.[0] as PipelineInput).synthetic).toBeUndefined();
  });

  it('records no metrics on the answer-only paths either (no caller number)', async () => {
    const lines: string[] = [];
    const noNumber = syntheticParameters();
    const e = connectEventFor({ phone: undefined, instanceArn: INSTANCE_ARN, parameters: noNumber });
    const response = await decide(e, deps(vi.fn<Executor>(), lines));
    expect(response).toMatchObject({ route: 'DEFAULT', reason: 'NO_CALLER_NUMBER' });
    expect(parsed(lines).some((l) => l._aws)).toBe(false);
  });
});

describe('a synthetic decision on the index source writes no routing-state item', () => {
  it('the search step skips the contact join for it, and writes it for the same real call', async () => {
    const lines: string[] = [];
    const session = await startLocalSession({
      scenario: DEMO_NO_LATENCY,
      env: { LAST_AGENT_SOURCE: 'index' },
      logger: createLogger({ level: 'info', sink: (l) => lines.push(l) }),
    });
    const server = session.dynamo?.server;
    if (!server) throw new Error('no local DynamoDB');
    try {
      const phone = demoPhone('Alice');
      const marked = callFrom(session, phone, { parameters: syntheticParameters() });
      const synthetic = await session.decide(marked);
      expect(synthetic.decision).toMatchObject({ route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE' });
      expect(writeRequests(server.stats)).toBe(0);
      expect(parsed(lines).some((l) => l._aws)).toBe(false);

      const real = await session.decide(callFrom(session, phone));
      expect(real.decision).toMatchObject({ route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE' });
      expect(writeRequests(server.stats)).toBe(1);
      expect(parsed(lines).some((l) => l._aws)).toBe(true);
    } finally {
      await session.close();
    }
  });
});

describe('Lambda handler with a synthetic event', () => {
  beforeEach(() => vi.resetModules());
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    vi.restoreAllMocks();
  });

  it('logs a configuration error without the metrics a real call counts', async () => {
    vi.stubEnv('LAST_AGENT_DEADLINE_MS', '99999');
    vi.stubEnv('STATE_MACHINE_ARN', 'arn:aws:states:us-east-1:123456789012:stateMachine:x');
    vi.stubEnv('LOG_LEVEL', 'silent');
    // The same module instances decide.ts loads after the reset: the error lines it logs.
    const { Logger } = await import('../../steps/lib/runtime/logger');
    const logged = vi.spyOn(Logger.prototype, 'error');
    const { handler } = await import('../../steps/decide');
    const fields = () => JSON.stringify(logged.mock.calls.at(-1)?.[1] ?? {});

    expect(await handler(event(true))).toMatchObject({ route: 'DEFAULT', reason: 'CONFIG_ERROR' });
    expect(logged.mock.calls.at(-1)?.[0]).toBe('configuration error');
    expect(fields()).toContain('"synthetic":true');
    expect(fields()).not.toContain('CloudWatchMetrics');
    expect(await handler(event(false))).toMatchObject({ route: 'DEFAULT', reason: 'CONFIG_ERROR' });
    expect(fields()).toContain('CloudWatchMetrics');
  });
});
