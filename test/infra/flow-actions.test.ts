import { describe, expect, it } from 'vitest';
import {
  type ContactFlowOptions,
  FLOW_IDS,
  QUEUE_FLOW_IDS,
  buildAgentWaitQueueFlow,
  buildContactFlow,
  keyPathExemptions,
} from '../../infra/contact-flow';
import {
  FLOW_ACTIONS,
  type Flow,
  type FlowAction,
  checkFlow,
  checkKeyStoredOnEveryQueuePath,
  comparesTwoJsonPaths,
  pathsToQueue,
} from '../../infra/flow-actions';
import { WHISPER_FLOW_IDS, buildAgentWhisperFlow } from '../../infra/whisper';
import { QUEUE_ARN } from './helpers';

const KEY = 'CustomerPhoneNumber';
const options = (o: Partial<ContactFlowOptions> = {}): ContactFlowOptions => ({
  lambdaArn: 'arn:aws:lambda:eu-west-2:123456789012:function:decide',
  defaultQueueArn: QUEUE_ARN,
  mode: 'agent-queue',
  preferredAgentSeconds: 30,
  attributeKey: KEY,
  lambdaTimeoutSeconds: 8,
  keyMode: 'e164',
  agentWaitQueueFlowArn: `${QUEUE_ARN.replace(/queue\/.*/, 'contact-flow/')}bbbbbbbb-2222-4333-8444-555555555555`,
  ...o,
});

/** A generated flow with one action changed. */
const withAction = (flow: Flow, id: string, change: (a: FlowAction) => void): Flow => {
  const copy = structuredClone(flow);
  const action = copy.Actions.find((a) => a.Identifier === id);
  if (!action) throw new Error(`no action ${id}`);
  change(action);
  return copy;
};

describe('the flow action table', () => {
  it('cites real exports and the reference page for every action type', () => {
    for (const [type, spec] of Object.entries(FLOW_ACTIONS)) {
      expect(spec.sources.exports.length, type).toBeGreaterThan(0);
      expect(spec.sources.reference, type).toMatch(/REF/);
    }
  });

  it('knows the routing-criteria action by the name real exports use, not the reference page title', () => {
    expect(FLOW_ACTIONS.UpdateContactRoutingCriteria).toBeDefined();
    expect(FLOW_ACTIONS.UpdateRoutingCriteria).toBeUndefined();
  });

  it('requires both NoMatchingCondition and NoMatchingError on CheckMetricData, as every export has', () => {
    expect(FLOW_ACTIONS.CheckMetricData?.errors.required).toEqual(['NoMatchingCondition', 'NoMatchingError']);
  });
});

describe('checkFlow', () => {
  const flow = buildContactFlow(options());

  it('accepts the generated inbound flow', () => {
    expect(checkFlow(flow, 'CONTACT_FLOW')).toEqual([]);
  });

  it('rejects UpdateRoutingCriteria, a Type no real export uses', () => {
    const broken = withAction(
      buildContactFlow(options({ mode: 'preferred-agent' })),
      FLOW_IDS.preferAgent,
      (a) => {
        a.Type = 'UpdateRoutingCriteria';
      },
    );
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
      'prefer-last-agent (UpdateRoutingCriteria): unknown action type',
    ]);
  });

  it('rejects a CheckMetricData without NoMatchingCondition', () => {
    const broken = withAction(flow, FLOW_IDS.checkStaffed, (a) => {
      a.Transitions.Errors = a.Transitions.Errors?.filter((e) => e.ErrorType !== 'NoMatchingCondition');
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
      'check-agent-staffed (CheckMetricData): error NoMatchingCondition is required',
    ]);
  });

  it('rejects a NextAction that leads to no action', () => {
    const broken = withAction(flow, FLOW_IDS.offer, (a) => {
      a.Transitions.NextAction = 'nowhere';
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
      'offer-last-agent (GetParticipantInput): NextAction leads to "nowhere", which is not an action',
    ]);
  });

  it('rejects an error branch that leads to no action', () => {
    const broken = withAction(flow, FLOW_IDS.decide, (a) => {
      a.Transitions.Errors = [{ NextAction: 'gone', ErrorType: 'NoMatchingError' }];
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toContain(
      'decide-route (InvokeLambdaFunction): Error:NoMatchingError leads to "gone", which is not an action',
    );
  });

  it('rejects an action nothing leads to', () => {
    const broken = structuredClone(flow);
    broken.Actions.push({
      Identifier: 'orphan',
      Type: 'DisconnectParticipant',
      Parameters: {},
      Transitions: {},
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual(['orphan: unreachable']);
  });

  it('rejects a missing or unknown StartAction', () => {
    expect(checkFlow({ ...flow, StartAction: '' }, 'CONTACT_FLOW')).toContain('StartAction is missing');
    expect(checkFlow({ ...flow, StartAction: 'begin' }, 'CONTACT_FLOW')).toContain(
      'StartAction "begin" is not an action',
    );
  });

  it('rejects identifiers over 50 characters or with a forbidden character', () => {
    const rename = (id: string) => {
      const broken = structuredClone(flow);
      for (const a of broken.Actions) if (a.Identifier === FLOW_IDS.disconnect) a.Identifier = id;
      for (const a of broken.Actions)
        if (a.Transitions.NextAction === FLOW_IDS.disconnect) a.Transitions.NextAction = id;
      for (const a of broken.Actions)
        for (const e of a.Transitions.Errors ?? [])
          if (e.NextAction === FLOW_IDS.disconnect) e.NextAction = id;
      return checkFlow(broken, 'CONTACT_FLOW');
    };
    expect(rename('d'.repeat(50))).toEqual([]);
    expect(rename('d'.repeat(51))).toEqual([`identifier "${'d'.repeat(51)}" must be 1-50 characters`]);
    for (const c of ['%', ':', '(', '\\', '/', ')', '=', '$', ',', ';', '[', ']', '{', '}'])
      expect(rename(`hang${c}up`), c).toEqual([
        `identifier "hang${c}up" contains one of % : ( \\ / ) = $ , ; [ ] { }`,
      ]);
  });

  it('rejects a flow of more than 250 actions', () => {
    const big = structuredClone(flow);
    const chain = Array.from({ length: 250 - big.Actions.length + 1 }, (_, i) => `pad-${i}`);
    big.Actions.push(
      ...chain.map((id, i) => ({
        Identifier: id,
        Type: 'MessageParticipant',
        Parameters: { Text: 'x' },
        Transitions: { NextAction: chain[i + 1] ?? FLOW_IDS.disconnect },
      })),
    );
    const start = big.Actions.find((a) => a.Identifier === FLOW_IDS.sorry);
    if (start) start.Transitions.NextAction = chain[0];
    expect(checkFlow(big, 'CONTACT_FLOW')).toEqual(['251 actions, at most 250 allowed']);
  });

  it('rejects a non-terminal action with neither NextAction nor conditions', () => {
    const broken = withAction(flow, FLOW_IDS.sorry, (a) => {
      a.Transitions = {};
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
      'sorry (MessageParticipant): needs a NextAction or conditions',
      'disconnect: unreachable',
    ]);
  });

  it('rejects a parameter the table does not allow', () => {
    const broken = withAction(flow, FLOW_IDS.setAgentQueue, (a) => {
      a.Parameters = { UserId: '$.External.agentArn' };
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
      'set-agent-queue (UpdateContactTargetQueue): parameter UserId is not allowed',
      'set-agent-queue (UpdateContactTargetQueue): exactly one of QueueId, AgentId is required',
    ]);
  });

  it('rejects a number where every export writes a string', () => {
    const broken = withAction(flow, FLOW_IDS.offer, (a) => {
      a.Parameters.InputTimeLimitSeconds = 5;
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toContain(
      'offer-last-agent (GetParticipantInput): parameter value InputTimeLimitSeconds must be a string',
    );
  });

  it('rejects an error type the action does not have', () => {
    const broken = withAction(flow, FLOW_IDS.branch, (a) => {
      a.Transitions.Errors?.push({ NextAction: FLOW_IDS.setDefaultQueue, ErrorType: 'NoMatchingError' });
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
      'branch-on-route (Compare): error NoMatchingError is not allowed',
    ]);
  });

  it('rejects a menu without the InputTimeLimitExceeded error every export has', () => {
    const broken = withAction(flow, FLOW_IDS.offer, (a) => {
      a.Transitions.Errors = a.Transitions.Errors?.filter((e) => e.ErrorType !== 'InputTimeLimitExceeded');
    });
    expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
      'offer-last-agent (GetParticipantInput): error InputTimeLimitExceeded is required',
    ]);
  });

  it('rejects queue transfers in the wrong flow type', () => {
    const queueFlow = buildAgentWaitQueueFlow({ defaultQueueArn: QUEUE_ARN, maxWaitSeconds: 60 });
    expect(checkFlow(queueFlow, 'CUSTOMER_QUEUE')).toEqual([]);
    expect(checkFlow(queueFlow, 'CONTACT_FLOW')).toEqual(
      expect.arrayContaining([
        'move-to-default-queue (DequeueContactAndTransferToQueue): not allowed in a CONTACT_FLOW flow',
        'end-queue-flow (EndFlowExecution): not allowed in a CONTACT_FLOW flow',
      ]),
    );
    expect(checkFlow(flow, 'CUSTOMER_QUEUE')).toContain(
      'transfer-routed (TransferContactToQueue): not allowed in a CUSTOMER_QUEUE flow',
    );
  });

  it('rejects a loop interrupt under 20 s, inside the agent join window', () => {
    const queueFlow = buildAgentWaitQueueFlow({ defaultQueueArn: QUEUE_ARN, maxWaitSeconds: 60 });
    const broken = withAction(queueFlow, QUEUE_FLOW_IDS.waitForAgent, (a) => {
      a.Parameters.InterruptFrequencySeconds = '19';
    });
    expect(checkFlow(broken, 'CUSTOMER_QUEUE')).toEqual([
      'wait-for-last-agent (MessageParticipantIteratively): InterruptFrequencySeconds must be an integer string of at least 20',
    ]);
  });

  it('rejects in an agent whisper what the reference forbids there: menus, transfers, disconnects', () => {
    expect(checkFlow(flow, 'AGENT_WHISPER')).toEqual(
      expect.arrayContaining([
        'offer-last-agent (GetParticipantInput): not allowed in a AGENT_WHISPER flow',
        'transfer-routed (TransferContactToQueue): not allowed in a AGENT_WHISPER flow',
        'check-agent-staffed (CheckMetricData): not allowed in a AGENT_WHISPER flow',
        'disconnect (DisconnectParticipant): not allowed in a AGENT_WHISPER flow',
      ]),
    );
    expect(checkFlow(buildAgentWhisperFlow(), 'AGENT_WHISPER')).toEqual([]);
    expect(checkFlow(buildAgentWhisperFlow(), 'CONTACT_FLOW')).toContain(
      'end-whisper (EndFlowExecution): not allowed in a CONTACT_FLOW flow',
    );
  });

  describe('a Compare with a JSONPath on both sides (issue 25)', () => {
    const whisper = buildAgentWhisperFlow();
    /** The pre-issue-25 whisper check: the accepting agent against the stored last agent. */
    const dynamic = withAction(whisper, WHISPER_FLOW_IDS.checkReturning, (a) => {
      a.Parameters.ComparisonValue = '$.Agent.ARN';
      (a.Transitions.Conditions ?? [])[0] = {
        NextAction: WHISPER_FLOW_IDS.sayWhisper,
        Condition: { Operator: 'Equals', Operands: ['$.Attributes.lastAgentArn'] },
      };
    });

    it('is rejected in every flow type, naming both sides', () => {
      const problem =
        'check-returning-caller (Compare): compares two JSONPaths ($.Agent.ARN with "$.Attributes.lastAgentArn"): operands must be literals, as in every real export';
      expect(checkFlow(dynamic, 'AGENT_WHISPER')).toEqual([problem]);
      expect(checkFlow(dynamic, 'CONTACT_FLOW')).toContain(problem);
    });

    it.each([
      ['$.Attributes.x', true],
      ["$['Attributes']['x']", true],
      [' $.External.route', true],
      ['true', false],
      ['LAST_AGENT', false],
      ['arn:aws:connect:eu-west-2:123456789012:instance/i/queue/q', false],
      ['costs $5', false],
    ])('an operand %s is a JSONPath: %s', (operand, rejected) => {
      const conditions = [{ NextAction: 'n', Condition: { Operator: 'Equals', Operands: [operand] } }];
      expect(comparesTwoJsonPaths({ ComparisonValue: '$.Attributes.y' }, conditions).length > 0).toBe(
        rejected,
      );
    });

    it('no generated flow has one: each Compare of the inbound, queue and whisper flows compares with literals', () => {
      const flows: [Flow, 'CONTACT_FLOW' | 'CUSTOMER_QUEUE' | 'AGENT_WHISPER'][] = [
        [buildContactFlow(options()), 'CONTACT_FLOW'],
        [buildContactFlow(options({ mode: 'preferred-agent' })), 'CONTACT_FLOW'],
        [buildAgentWaitQueueFlow({ defaultQueueArn: QUEUE_ARN, maxWaitSeconds: 60 }), 'CUSTOMER_QUEUE'],
        [whisper, 'AGENT_WHISPER'],
      ];
      for (const [f] of flows)
        for (const a of f.Actions.filter((x) => x.Type === 'Compare'))
          expect(comparesTwoJsonPaths(a.Parameters, a.Transitions.Conditions ?? []), a.Identifier).toEqual(
            [],
          );
      for (const [f, type] of flows) expect(checkFlow(f, type)).toEqual([]);
    });
  });

  describe('UpdateContactRoutingBehavior', () => {
    const prioritised = buildContactFlow(
      options({ returningCallerPriority: { kind: 'priority', priority: 2 } }),
    );

    it('accepts one static priority with no error branch, as the exports have it', () => {
      expect(checkFlow(prioritised, 'CONTACT_FLOW')).toEqual([]);
    });

    it('rejects both parameters at once, a dynamic value, and an error branch', () => {
      const broken = withAction(prioritised, FLOW_IDS.raisePriority, (a) => {
        a.Parameters = { QueuePriority: '$.External.priority', QueueTimeAdjustmentSeconds: '60' };
        a.Transitions.Errors = [{ NextAction: FLOW_IDS.branch, ErrorType: 'NoMatchingError' }];
      });
      expect(checkFlow(broken, 'CONTACT_FLOW')).toEqual([
        'raise-returning-caller-priority (UpdateContactRoutingBehavior): exactly one of QueuePriority, QueueTimeAdjustmentSeconds is required',
        'raise-returning-caller-priority (UpdateContactRoutingBehavior): error NoMatchingError is not allowed',
        'raise-returning-caller-priority (UpdateContactRoutingBehavior): QueuePriority must be a static integer string > 0',
      ]);
    });

    it('is for inbound flows only (reference restriction)', () => {
      expect(FLOW_ACTIONS.UpdateContactRoutingBehavior?.flowTypes).toEqual(['CONTACT_FLOW']);
    });
  });
});

describe('pathsToQueue', () => {
  it('lists every route to a queue transfer, also past a failed transfer', () => {
    const flow = buildContactFlow(options({ mode: 'preferred-agent' }));
    const paths = pathsToQueue(flow);
    expect(new Set(paths.map((p) => p.queueAction))).toEqual(
      new Set([FLOW_IDS.transferRouted, FLOW_IDS.transferDefault]),
    );
    const routedThenDefault = paths.find(
      (p) =>
        p.queueAction === FLOW_IDS.transferDefault &&
        p.edges.some((e) => e.from === FLOW_IDS.transferRouted && e.via === 'Error:QueueAtCapacity'),
    );
    expect(routedThenDefault).toBeDefined();
    for (const p of paths) expect(p.edges[0]?.from).toBe(FLOW_IDS.decide);
  });
});

describe('checkKeyStoredOnEveryQueuePath', () => {
  const flow = buildContactFlow(options());
  const e164 = keyPathExemptions({ keyMode: 'e164' });

  it('accepts the generated flow with its documented exemptions', () => {
    expect(checkKeyStoredOnEveryQueuePath(flow, KEY, e164)).toEqual([]);
  });

  it('fails on an E.164 flow whose Lambda error branch skips storing the key', () => {
    const broken = withAction(flow, FLOW_IDS.decide, (a) => {
      a.Transitions.Errors = [{ NextAction: FLOW_IDS.setDefaultQueue, ErrorType: 'NoMatchingError' }];
    });
    const problems = checkKeyStoredOnEveryQueuePath(broken, KEY, e164);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems)
      expect(p).toMatch(
        /^reaches a queue without storing CustomerPhoneNumber: decide-route -\[Error:NoMatchingError\]->/,
      );
  });

  it('does not count a store that is left by its error branch', () => {
    const withoutWriteFailure = e164.filter((x) => x.from !== FLOW_IDS.storeKey);
    const problems = checkKeyStoredOnEveryQueuePath(flow, KEY, withoutWriteFailure);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toContain('store-customer-key -[Error:NoMatchingError]->');
  });

  it('fails on a store that writes the key as an empty string', () => {
    const broken = withAction(flow, FLOW_IDS.storeRouteOnly, (a) => {
      (a.Parameters.Attributes as Record<string, string>)[KEY] = '';
    });
    expect(checkKeyStoredOnEveryQueuePath(broken, KEY, e164)).toEqual([
      'store-route-only: writes CustomerPhoneNumber as an empty string',
    ]);
  });

  it('reports an exemption that matches no transition', () => {
    expect(
      checkKeyStoredOnEveryQueuePath(flow, KEY, [...e164, { from: 'nowhere', via: 'NextAction', why: 'x' }]),
    ).toEqual(['exemption nowhere NextAction matches no transition']);
  });
});
