import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ContactFlow, type RoutingMode, buildContactFlow } from '../../infra/contact-flow';
import { FLOW_DIR, MODES, importableFlow } from '../../infra/write-flows';
import { FLOW_RESPONSE_KEYS, Route } from '../../steps/lib/decision';
import { INSTANCE_ARN, QUEUE_ARN } from './helpers';

const flowFor = (mode: RoutingMode): ContactFlow =>
  buildContactFlow({
    lambdaArn: 'arn:aws:lambda:eu-west-2:123456789012:function:decide',
    defaultQueueArn: QUEUE_ARN,
    mode,
    preferredAgentSeconds: 45,
    attributeKey: 'CustomerPhoneNumber',
    lambdaTimeoutSeconds: 8,
  });

const TERMINAL = new Set(['TransferContactToQueue', 'DisconnectParticipant']);

describe.each(MODES)('contact flow (%s mode)', (mode) => {
  const flow = flowFor(mode);
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const targets = (a: ContactFlow['Actions'][number]) =>
    [
      a.Transitions.NextAction,
      ...(a.Transitions.Conditions ?? []).map((c) => c.NextAction),
      ...(a.Transitions.Errors ?? []).map((e) => e.NextAction),
    ].filter((t): t is string => Boolean(t));

  it('is flow language 2019-10-30 and starts by invoking the entry Lambda with a STRING_MAP answer', () => {
    expect(flow.Version).toBe('2019-10-30');
    const start = byId.get(flow.StartAction);
    expect(start?.Type).toBe('InvokeLambdaFunction');
    expect(start?.Parameters).toMatchObject({ ResponseValidation: { ResponseType: 'STRING_MAP' } });
    expect(Number(start?.Parameters.InvocationTimeLimitSeconds)).toBeLessThanOrEqual(8);
  });

  it('reads only $.External keys that the entry Lambda returns', () => {
    const used = [...JSON.stringify(flow).matchAll(/\$\.External\.(\w+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const key of used) expect(FLOW_RESPONSE_KEYS).toContain(key);
  });

  it('stores the customer key in the searchable attribute', () => {
    const store = flow.Actions.find((a) => a.Type === 'UpdateContactAttributes');
    expect(store?.Parameters).toMatchObject({
      Attributes: { CustomerPhoneNumber: '$.External.customerKey' },
    });
  });

  it('branches on every route value', () => {
    const branch = flow.Actions.find((a) => a.Type === 'Compare');
    const values = branch?.Transitions.Conditions?.flatMap((c) => c.Condition.Operands) ?? [];
    expect(new Set([...values, 'DEFAULT'])).toEqual(new Set(Route.options));
  });

  it('every NextAction exists', () => {
    for (const action of flow.Actions) {
      for (const t of targets(action)) expect(byId.has(t), `${action.Identifier} → ${t}`).toBe(true);
    }
  });

  it('every error branch ends in a transfer or a disconnect', () => {
    const reachesEnd = (id: string, seen = new Set<string>()): boolean => {
      const a = byId.get(id);
      if (!a || seen.has(id)) return false;
      if (TERMINAL.has(a.Type)) return true;
      seen.add(id);
      return targets(a).length > 0 && targets(a).every((t) => reachesEnd(t, new Set(seen)));
    };
    for (const action of flow.Actions) {
      for (const e of action.Transitions.Errors ?? []) {
        expect(reachesEnd(e.NextAction), `${action.Identifier} ${e.ErrorType}`).toBe(true);
      }
    }
  });

  it('falls back to the normal queue whenever the Lambda fails', () => {
    const invoke = byId.get(flow.StartAction);
    const fallback = byId.get(invoke?.Transitions.Errors?.[0]?.NextAction ?? '');
    expect(fallback).toMatchObject({ Type: 'UpdateContactTargetQueue', Parameters: { QueueId: QUEUE_ARN } });
  });

  it('the importable file in contact-flows/ is up to date (npm run flows)', () => {
    expect(readFileSync(`${FLOW_DIR}${mode}.json`, 'utf8')).toBe(importableFlow(mode));
  });
});

describe('routing modes', () => {
  it('agent-queue sets the working queue by agent, checks staffing and asks the caller', () => {
    const types = flowFor('agent-queue').Actions.map((a) => a.Type);
    expect(types).toEqual(expect.arrayContaining(['CheckMetricData', 'GetParticipantInput']));
    const agentQueue = flowFor('agent-queue').Actions.find((a) => a.Parameters.AgentId);
    expect(agentQueue).toMatchObject({
      Type: 'UpdateContactTargetQueue',
      Parameters: { AgentId: '$.External.agentArn' },
    });
  });

  it('preferred-agent offers the call to the last agent first, for the configured seconds, then anyone', () => {
    const criteria = flowFor('preferred-agent').Actions.find((a) => a.Type === 'UpdateRoutingCriteria');
    expect(criteria?.Parameters).toEqual({
      RoutingCriteria: {
        Steps: [
          {
            Expression: {
              AttributeCondition: {
                ComparisonOperator: 'Match',
                MatchCriteria: { AgentsCriteria: { AgentIds: ['$.External.agentId'] } },
              },
            },
            Expiry: { DurationInSeconds: 45 },
          },
        ],
      },
    });
    expect(JSON.stringify(flowFor('preferred-agent'))).not.toContain('GetParticipantInput');
  });

  it('uses the instance queue ARN given at deploy time', () => {
    expect(JSON.stringify(flowFor('preferred-agent'))).toContain(INSTANCE_ARN);
  });
});
