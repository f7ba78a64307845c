import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AGENT_WAIT_SECONDS,
  type ContactFlow,
  FLOW_IDS,
  type KeyMode,
  QUEUE_FLOW_IDS,
  type RoutingMode,
  buildAgentWaitQueueFlow,
  buildContactFlow,
  keyPathExemptions,
} from '../../infra/contact-flow';
import {
  type FlowAction,
  checkFlow,
  checkKeyStoredOnEveryQueuePath,
  edgesOf,
  pathsToQueue,
} from '../../infra/flow-actions';
import { buildAgentWhisperFlow } from '../../infra/whisper';
import { FLOW_DIR, FLOW_FILES, importableFlow } from '../../infra/write-flows';
import { FLOW_RESPONSE_KEYS, Route, toFlowResponse } from '../../steps/lib/decision/decision';
import { INSTANCE_ARN, QUEUE_ARN, WAIT_FLOW_ARN, WHISPER_FLOW_ARN, flowOptions } from './helpers';

const KEY = 'CustomerPhoneNumber';
const MODES: RoutingMode[] = ['preferred-agent', 'agent-queue'];
const KEY_MODES: KeyMode[] = ['e164', 'hmac-sha256'];

const options = (mode: RoutingMode, keyMode: KeyMode = 'e164') =>
  flowOptions({ mode, keyMode, preferredAgentSeconds: 45 });
const flowFor = (mode: RoutingMode, keyMode: KeyMode = 'e164') => buildContactFlow(options(mode, keyMode));
const queueFlow = (maxWaitSeconds = 90) =>
  buildAgentWaitQueueFlow({ defaultQueueArn: QUEUE_ARN, maxWaitSeconds });

const index = (flow: ContactFlow) => {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const get = (id: string | undefined): FlowAction => {
    const a = byId.get(id ?? '');
    if (!a) throw new Error(`no action ${id}`);
    return a;
  };
  const reachable = (from: string) => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const e of edgesOf(get(id))) stack.push(e.to);
    }
    return [...seen].map(get);
  };
  return { get, reachable };
};
const attributes = (a: FlowAction) => a.Parameters.Attributes as Record<string, string>;

const COMBINATIONS = MODES.flatMap((mode) => KEY_MODES.map((keyMode) => [mode, keyMode] as const));

describe.each(COMBINATIONS)('inbound flow (%s mode, %s keys)', (mode, keyMode) => {
  const flow = flowFor(mode, keyMode);
  const { get } = index(flow);

  it('passes the flow action table check', () => {
    expect(checkFlow(flow, 'CONTACT_FLOW')).toEqual([]);
  });

  it('stores the customer key before every queue transfer, except on the documented exemptions', () => {
    expect(checkKeyStoredOnEveryQueuePath(flow, KEY, keyPathExemptions({ keyMode }))).toEqual([]);
  });

  it('never writes the key as an empty string', () => {
    for (const a of flow.Actions.filter((x) => x.Type === 'UpdateContactAttributes'))
      expect(attributes(a)[KEY], a.Identifier).not.toBe('');
  });

  it('starts by invoking the entry Lambda with a STRING_MAP answer, the default queue and the mode', () => {
    expect(flow.Version).toBe('2019-10-30');
    expect(get(flow.StartAction)).toMatchObject({
      Type: 'InvokeLambdaFunction',
      Parameters: {
        InvocationTimeLimitSeconds: '8',
        ResponseValidation: { ResponseType: 'STRING_MAP' },
        LambdaInvocationAttributes: { queueArn: QUEUE_ARN, routingMode: mode },
      },
    });
  });

  it('stores key, route and reason only when the Lambda says it has a key', () => {
    const check = get(FLOW_IDS.checkKey);
    expect(check.Parameters).toEqual({ ComparisonValue: '$.External.hasCustomerKey' });
    expect(check.Transitions.Conditions).toEqual([
      { NextAction: FLOW_IDS.storeKey, Condition: { Operator: 'Equals', Operands: ['true'] } },
    ]);
    expect(attributes(get(FLOW_IDS.storeKey))).toEqual({
      [KEY]: '$.External.customerKey',
      lastAgentRoute: '$.External.route',
      lastAgentReason: '$.External.reason',
    });
    const otherwise = [
      check.Transitions.NextAction,
      ...(check.Transitions.Errors ?? []).map((e) => e.NextAction),
    ];
    for (const id of otherwise)
      expect(attributes(get(id))).toEqual({
        lastAgentRoute: '$.External.route',
        lastAgentReason: '$.External.reason',
      });
  });

  it('branches on every route value a one-agent decision answers (KNOWN_AGENT needs LAST_AGENT_MAX_PREFERRED > 1)', () => {
    const values = get(FLOW_IDS.branch).Transitions.Conditions?.flatMap((c) => c.Condition.Operands) ?? [];
    expect(new Set([...values, 'DEFAULT', 'KNOWN_AGENT'])).toEqual(new Set(Route.options));
    expect(values).not.toContain('KNOWN_AGENT');
  });

  it('tries the normal queue on every error branch before apologising and disconnecting', () => {
    const fallbackIds = new Set<string>([FLOW_IDS.setDefaultQueue, FLOW_IDS.transferDefault, FLOW_IDS.sorry]);
    const endsTried = (id: string, tried: boolean): boolean => {
      const a = get(id);
      const nowTried = tried || id === FLOW_IDS.setDefaultQueue;
      if (a.Type === 'DisconnectParticipant') return nowTried;
      return edgesOf(a).every((e) => endsTried(e.to, nowTried));
    };
    for (const a of flow.Actions.filter((x) => !fallbackIds.has(x.Identifier)))
      for (const e of a.Transitions.Errors ?? [])
        expect(endsTried(e.NextAction, false), `${a.Identifier} ${e.ErrorType}`).toBe(true);
    expect(get(FLOW_IDS.setDefaultQueue).Parameters).toEqual({ QueueId: QUEUE_ARN });
    const sorry = get(FLOW_IDS.sorry);
    expect(sorry.Type).toBe('MessageParticipant');
    expect(get(sorry.Transitions.NextAction).Type).toBe('DisconnectParticipant');
  });

  it('has no loops', () => {
    const { reachable } = index(flow);
    for (const a of flow.Actions)
      for (const e of edgesOf(a))
        expect(reachable(e.to).map((x) => x.Identifier)).not.toContain(a.Identifier);
  });
});

describe('the Lambda error branch', () => {
  it('stores the caller number as the key in E.164 mode, then takes the normal queue', () => {
    const { get } = index(flowFor('preferred-agent', 'e164'));
    const store = get(get(FLOW_IDS.decide).Transitions.Errors?.[0]?.NextAction);
    expect(attributes(store)).toEqual({
      [KEY]: '$.CustomerEndpoint.Address',
      lastAgentReason: 'LAMBDA_ERROR',
    });
    expect(store.Transitions.NextAction).toBe(FLOW_IDS.setDefaultQueue);
  });

  it('stores only the reason in hashed mode, and that is the only extra exemption', () => {
    const { get } = index(flowFor('agent-queue', 'hmac-sha256'));
    const store = get(get(FLOW_IDS.decide).Transitions.Errors?.[0]?.NextAction);
    expect(attributes(store)).toEqual({ lastAgentReason: 'LAMBDA_ERROR' });
    expect(store.Transitions.NextAction).toBe(FLOW_IDS.setDefaultQueue);
    const hashed = keyPathExemptions({ keyMode: 'hmac-sha256' }).map((x) => `${x.from} ${x.via}`);
    const e164 = keyPathExemptions({ keyMode: 'e164' }).map((x) => `${x.from} ${x.via}`);
    expect(hashed.filter((x) => !e164.includes(x))).toEqual(['decide-route Error:NoMatchingError']);
  });
});

describe('preferred-agent mode', () => {
  const flow = flowFor('preferred-agent');

  it('offers the call to the last agent for the configured seconds with UpdateContactRoutingCriteria', () => {
    const criteria = flow.Actions.filter((a) => a.Type === 'UpdateContactRoutingCriteria');
    expect(criteria).toHaveLength(1);
    expect(criteria[0]?.Parameters).toEqual({
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
  });

  it('keeps the call in the normal queue and never asks the caller', () => {
    const { get } = index(flow);
    expect(get(FLOW_IDS.setPreferredQueue).Parameters).toEqual({ QueueId: QUEUE_ARN });
    const types = flow.Actions.map((a) => a.Type);
    expect(types).not.toContain('GetParticipantInput');
    const hooks = flow.Actions.filter((a) => a.Type === 'UpdateContactEventHooks').map((a) => a.Parameters);
    expect(hooks).toEqual([{ EventHooks: { AgentWhisper: WHISPER_FLOW_ARN } }]);
  });
});

describe('agent-queue mode', () => {
  const flow = flowFor('agent-queue');
  const { get } = index(flow);

  it('sets the agent queue, checks it is staffed, and asks the caller before transferring', () => {
    expect(get(FLOW_IDS.setAgentQueue)).toMatchObject({
      Type: 'UpdateContactTargetQueue',
      Parameters: { AgentId: '$.External.agentArn' },
      Transitions: { NextAction: FLOW_IDS.checkStaffed },
    });
    expect(get(FLOW_IDS.checkStaffed)).toMatchObject({
      Type: 'CheckMetricData',
      Parameters: { MetricType: 'NumberOfAgentsStaffed', AgentId: '$.External.agentArn' },
      Transitions: {
        Conditions: [
          { NextAction: FLOW_IDS.offer, Condition: { Operator: 'NumberGreaterThan', Operands: ['0'] } },
        ],
      },
    });
    const offer = get(FLOW_IDS.offer);
    expect(offer.Type).toBe('GetParticipantInput');
    expect(offer.Transitions.Conditions?.map((c) => [c.Condition.Operands[0], c.NextAction])).toEqual([
      ['1', FLOW_IDS.setWaitFlow],
      ['2', FLOW_IDS.setDefaultQueue],
    ]);
  });

  it('sets the agent-wait customer queue flow on every path into the agent queue', () => {
    expect(get(FLOW_IDS.setWaitFlow).Parameters).toEqual({ EventHooks: { CustomerQueue: WAIT_FLOW_ARN } });
    const intoAgentQueue = pathsToQueue(flow).filter(
      (p) =>
        p.queueAction === FLOW_IDS.transferRouted && p.edges.some((e) => e.from === FLOW_IDS.setAgentQueue),
    );
    expect(intoAgentQueue.length).toBeGreaterThan(0);
    for (const p of intoAgentQueue)
      expect(p.edges.at(-1)).toEqual({
        from: FLOW_IDS.setWaitFlow,
        to: FLOW_IDS.transferRouted,
        via: 'NextAction',
      });
  });

  it('needs the agent-wait queue flow ARN', () => {
    expect(() => buildContactFlow({ ...options('agent-queue'), agentWaitQueueFlowArn: undefined })).toThrow(
      /agentWaitQueueFlowArn/,
    );
  });
});

describe('agent-wait customer queue flow', () => {
  const flow = queueFlow(90);
  const { get, reachable } = index(flow);

  it('passes the flow action table check as a CUSTOMER_QUEUE flow', () => {
    expect(checkFlow(flow, 'CUSTOMER_QUEUE')).toEqual([]);
  });

  it('moves the contact to the default queue after maxWaitSeconds in the agent queue', () => {
    const check = get(flow.StartAction);
    expect(check.Parameters).toEqual({ ComparisonValue: '$.Queue.ARN' });
    const wait = get(check.Transitions.NextAction);
    expect(wait.Type).toBe('MessageParticipantIteratively');
    expect(wait.Parameters.InterruptFrequencySeconds).toBe('90');
    const interrupted = wait.Transitions.Conditions?.find(
      (c) => c.Condition.Operands[0] === 'MessagesInterrupted',
    );
    const move = get(interrupted?.NextAction);
    expect(move).toMatchObject({
      Type: 'DequeueContactAndTransferToQueue',
      Parameters: { QueueId: QUEUE_ARN },
    });
    expect(get(move.Transitions.NextAction).Type).toBe('EndFlowExecution');
  });

  it('keeps waiting and tries again when the move fails', () => {
    const move = get(QUEUE_FLOW_IDS.moveToDefault);
    expect(move.Transitions.Errors?.map((e) => e.NextAction)).toEqual([
      QUEUE_FLOW_IDS.waitForAgent,
      QUEUE_FLOW_IDS.waitForAgent,
    ]);
  });

  it('does not move a contact already in the default queue', () => {
    const check = get(flow.StartAction);
    const inDefault = check.Transitions.Conditions?.find((c) => c.Condition.Operands[0] === QUEUE_ARN);
    const hold = get(inDefault?.NextAction);
    expect(hold.Type).toBe('MessageParticipantIteratively');
    expect(hold.Parameters.InterruptFrequencySeconds).toBeUndefined();
    expect(reachable(hold.Identifier).map((a) => a.Type)).not.toContain('DequeueContactAndTransferToQueue');
  });

  it('only loops through a timed wait', () => {
    const timed = (e: { via: string }) => e.via === 'Condition:Equals:MessagesInterrupted';
    const onStack = new Set<string>();
    const acyclicWithoutTimedEdges = (id: string): boolean => {
      if (onStack.has(id)) return false;
      onStack.add(id);
      const ok = edgesOf(get(id))
        .filter((e) => !timed(e))
        .every((e) => acyclicWithoutTimedEdges(e.to));
      onStack.delete(id);
      return ok;
    };
    expect(acyclicWithoutTimedEdges(flow.StartAction)).toBe(true);
  });

  it('accepts waits of 20-600 s only', () => {
    expect(() => queueFlow(19)).toThrow(/maxWaitSeconds/);
    expect(() => queueFlow(601)).toThrow(/maxWaitSeconds/);
    expect(checkFlow(queueFlow(20), 'CUSTOMER_QUEUE')).toEqual([]);
    expect(checkFlow(queueFlow(600), 'CUSTOMER_QUEUE')).toEqual([]);
    expect(AGENT_WAIT_SECONDS).toBeGreaterThanOrEqual(20);
  });
});

describe('contract with the entry Lambda', () => {
  it('reads only $.External keys that the entry Lambda returns', () => {
    const answer = toFlowResponse({
      decision: { route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE', agentId: 'a', queueId: 'q' },
      customerKey: '+14155550123',
      instanceArn: INSTANCE_ARN,
      decisionMs: 5,
    });
    const flows = [...COMBINATIONS.map(([m, k]) => flowFor(m, k)), queueFlow(), buildAgentWhisperFlow()];
    const used = new Set(
      flows.flatMap((f) => [...JSON.stringify(f).matchAll(/\$\.External\.(\w+)/g)].map((m) => m[1])),
    );
    expect([...used]).toEqual(
      expect.arrayContaining(['hasCustomerKey', 'returningCaller', 'whisperSameAgent']),
    );
    for (const key of used) {
      expect(FLOW_RESPONSE_KEYS).toContain(key);
      expect(Object.keys(answer)).toContain(key);
    }
  });

  it('reads only $.Attributes that the inbound flow sets, with default and with renamed attributes', () => {
    const renamed = { returningCaller: 'isReturning', agentArn: 'prevAgent', whisperSameAgent: 'w1' };
    for (const contextAttributes of [{}, renamed]) {
      const inbound = COMBINATIONS.map(([mode, keyMode]) =>
        buildContactFlow({ ...options(mode, keyMode), contextAttributes }),
      );
      const set = new Set(
        inbound.flatMap((f) =>
          f.Actions.filter((a) => a.Type === 'UpdateContactAttributes').flatMap((a) =>
            Object.keys(attributes(a)),
          ),
        ),
      );
      const read = [buildAgentWhisperFlow({ contextAttributes }), queueFlow(), ...inbound].flatMap((f) =>
        [...JSON.stringify(f).matchAll(/\$\.Attributes\.([\w-]+)/g)].map((m) => m[1]),
      );
      expect(read.length).toBeGreaterThan(0);
      for (const name of read) expect(set, name).toContain(name);
    }
  });

  it('answers hasCustomerKey "true" only with a key', () => {
    const decision = { route: 'DEFAULT', reason: 'ANONYMOUS_CALLER' } as const;
    expect(toFlowResponse({ decision, customerKey: '', decisionMs: 1 }).hasCustomerKey).toBe('false');
    expect(toFlowResponse({ decision, customerKey: '+14155550123', decisionMs: 1 }).hasCustomerKey).toBe(
      'true',
    );
  });
});

describe('importable copies', () => {
  it.each(FLOW_FILES)('contact-flows/%s.json is up to date (npm run flows)', (file) => {
    expect(readFileSync(`${FLOW_DIR}${file}.json`, 'utf8')).toBe(importableFlow(file));
  });

  it('writes the two inbound modes, the agent-wait queue flow and the agent-whisper flow', () => {
    expect(FLOW_FILES).toEqual(['preferred-agent', 'agent-queue', 'agent-wait-queue', 'agent-whisper']);
  });
});
