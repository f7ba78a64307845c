/**
 * The sample inbound contact flow, in Amazon Connect flow language (Version 2019-10-30).
 * Built from code so the CDK stack deploys it (CfnContactFlow) and `npm run flow` writes an
 * importable copy; a contract test checks it against the entry Lambda's response keys.
 */

export type RoutingMode = 'agent-queue' | 'preferred-agent';

export interface ContactFlowOptions {
  lambdaArn: string;
  /** Queue for normal routing (ARN). */
  defaultQueueArn: string;
  mode: RoutingMode;
  /** preferred-agent mode: how long only the last agent is offered the call. */
  preferredAgentSeconds: number;
  /** Contact attribute holding the customer key (configured as searchable in the instance). */
  attributeKey: string;
  /** Seconds Connect waits for the entry Lambda (at most 8). */
  lambdaTimeoutSeconds: number;
}

interface Action {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: {
    NextAction?: string;
    Conditions?: { NextAction: string; Condition: { Operator: string; Operands: string[] } }[];
    Errors?: { NextAction: string; ErrorType: string }[];
  };
}

export interface ContactFlow {
  Version: '2019-10-30';
  StartAction: string;
  Actions: Action[];
}

const onError = (next: string, ...types: string[]) =>
  (types.length ? types : ['NoMatchingError']).map((ErrorType) => ({ NextAction: next, ErrorType }));
const equals = (value: string, next: string) => ({
  NextAction: next,
  Condition: { Operator: 'Equals', Operands: [value] },
});

export function buildContactFlow(o: ContactFlowOptions): ContactFlow {
  if (o.lambdaTimeoutSeconds < 1 || o.lambdaTimeoutSeconds > 8)
    throw new Error('Lambda time limit must be 1-8 s');
  const lastAgentStart = o.mode === 'agent-queue' ? 'set-agent-queue' : 'set-preferred-queue';
  const actions: Action[] = [
    {
      Identifier: 'decide-route',
      Type: 'InvokeLambdaFunction',
      Parameters: {
        LambdaFunctionARN: o.lambdaArn,
        InvocationTimeLimitSeconds: String(o.lambdaTimeoutSeconds),
        InvocationType: 'SYNCHRONOUS',
        ResponseValidation: { ResponseType: 'STRING_MAP' },
      },
      Transitions: { NextAction: 'store-customer-key', Errors: onError('set-default-queue') },
    },
    {
      // The searchable attribute is what the next call's lookup finds; the route and reason
      // land in the contact record for reporting.
      Identifier: 'store-customer-key',
      Type: 'UpdateContactAttributes',
      Parameters: {
        TargetContact: 'Current',
        Attributes: {
          [o.attributeKey]: '$.External.customerKey',
          lastAgentRoute: '$.External.route',
          lastAgentReason: '$.External.reason',
        },
      },
      Transitions: { NextAction: 'branch-on-route', Errors: onError('branch-on-route') },
    },
    {
      Identifier: 'branch-on-route',
      Type: 'Compare',
      Parameters: { ComparisonValue: '$.External.route' },
      Transitions: {
        NextAction: 'set-default-queue',
        Conditions: [equals('LAST_AGENT', lastAgentStart), equals('LAST_QUEUE', 'set-last-queue')],
        Errors: onError('set-default-queue', 'NoMatchingCondition'),
      },
    },
  ];

  if (o.mode === 'agent-queue') {
    actions.push(
      {
        Identifier: 'set-agent-queue',
        Type: 'UpdateContactTargetQueue',
        Parameters: { AgentId: '$.External.agentArn' },
        Transitions: { NextAction: 'check-agent-staffed', Errors: onError('set-default-queue') },
      },
      {
        Identifier: 'check-agent-staffed',
        Type: 'CheckMetricData',
        Parameters: { MetricType: 'NumberOfAgentsStaffed', AgentId: '$.External.agentArn' },
        Transitions: {
          NextAction: 'set-default-queue',
          Conditions: [
            { NextAction: 'offer-last-agent', Condition: { Operator: 'NumberGreaterThan', Operands: ['0'] } },
          ],
          // For NumberOfAgents* metrics only "NumberGreaterThan 0" is a valid condition and
          // NoMatchingCondition is not an error type: zero staffed agents takes NextAction.
          Errors: onError('set-default-queue'),
        },
      },
      {
        Identifier: 'offer-last-agent',
        Type: 'GetParticipantInput',
        Parameters: {
          Text: 'Welcome back. To continue with the agent you spoke to last time, press 1. To speak to the next available agent, press 2.',
          StoreInput: 'False',
          InputTimeLimitSeconds: '5',
        },
        Transitions: {
          NextAction: 'set-default-queue',
          Conditions: [equals('1', 'transfer-preferred'), equals('2', 'set-default-queue')],
          Errors: onError(
            'set-default-queue',
            'InputTimeLimitExceeded',
            'NoMatchingCondition',
            'NoMatchingError',
          ),
        },
      },
    );
  } else {
    actions.push(
      {
        Identifier: 'set-preferred-queue',
        Type: 'UpdateContactTargetQueue',
        Parameters: { QueueId: o.defaultQueueArn },
        Transitions: { NextAction: 'prefer-last-agent', Errors: onError('set-default-queue') },
      },
      {
        // Fair preference: the call waits in the normal queue, offered first to the last agent
        // for a bounded time, then to anyone. No queue jumping.
        Identifier: 'prefer-last-agent',
        Type: 'UpdateRoutingCriteria',
        Parameters: {
          RoutingCriteria: {
            Steps: [
              {
                Expression: {
                  AttributeCondition: {
                    ComparisonOperator: 'Match',
                    MatchCriteria: { AgentsCriteria: { AgentIds: ['$.External.agentId'] } },
                  },
                },
                Expiry: { DurationInSeconds: o.preferredAgentSeconds },
              },
            ],
          },
        },
        Transitions: { NextAction: 'transfer-preferred', Errors: onError('set-default-queue') },
      },
    );
  }

  actions.push(
    {
      Identifier: 'set-last-queue',
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: '$.External.queueArn' },
      Transitions: { NextAction: 'transfer-preferred', Errors: onError('set-default-queue') },
    },
    {
      Identifier: 'transfer-preferred',
      Type: 'TransferContactToQueue',
      Parameters: {},
      Transitions: {
        NextAction: 'set-default-queue',
        Errors: onError('set-default-queue', 'QueueAtCapacity', 'NoMatchingError'),
      },
    },
    {
      Identifier: 'set-default-queue',
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: o.defaultQueueArn },
      Transitions: { NextAction: 'transfer-default', Errors: onError('sorry') },
    },
    {
      Identifier: 'transfer-default',
      Type: 'TransferContactToQueue',
      Parameters: {},
      Transitions: { NextAction: 'sorry', Errors: onError('sorry', 'QueueAtCapacity', 'NoMatchingError') },
    },
    {
      Identifier: 'sorry',
      Type: 'MessageParticipant',
      Parameters: { Text: 'We are sorry, we cannot take your call right now. Please call again later.' },
      Transitions: { NextAction: 'disconnect', Errors: onError('disconnect') },
    },
    { Identifier: 'disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  );

  return {
    Version: '2019-10-30',
    StartAction: 'decide-route',
    Actions: actions,
  };
}
