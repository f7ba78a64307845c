/**
 * LAST_AGENT_SOURCE index / index-then-search: the routing-state table, the contact indexer
 * (EventBridge), the agent indexer (Kinesis), their IAM, dead-letter queues and alarms
 * (infra/constructs/routing-state.ts). Each configuration is synthesised once, with cdk-nag.
 */
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_EVENTS } from '../../infra/constructs/routing-state';
import { TABLE_NAME_STAND_IN, parseDeployContext } from '../../infra/context';
import type { LastAgentRoutingStack } from '../../infra/stack';
import { CONTACT_EVENT_DETAIL_TYPE, INDEXED_EVENT_TYPES } from '../../steps/index-contact-events';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../../steps/lib/routing-state/table';
import { loadConfig } from '../../steps/lib/runtime/config';
import { INSTANCE_ARN, QUEUE_ARN, buildStack } from './helpers';

/** The first synthesis in a worker loads aws-cdk-lib and cdk-nag: well beyond the default hook timeout. */
const SYNTH_TIMEOUT_MS = 120_000;
const TOPIC_ARN = 'arn:aws:sns:eu-west-2:123456789012:ops-alarms';
const GIVEN_STREAM_ARN = 'arn:aws:kinesis:eu-west-2:123456789012:stream/wfm-agent-events';

interface Synthesised {
  stack: LastAgentRoutingStack;
  template: Template;
  /** The error cdk-nag raised on synth, if any. */
  nagError: unknown;
}

/** Builds and synthesises a configuration once, with cdk-nag AwsSolutions as `cdk synth` runs it. */
function synthesise(context: Record<string, string>): Synthesised {
  const { app, stack } = buildStack(context, { nag: true });
  let nagError: unknown;
  try {
    (app as App).synth();
  } catch (err) {
    nagError = err;
  }
  return { stack, template: Template.fromStack(stack), nagError };
}

/** The logical ids of the functions, by role. */
function functionIds(stack: LastAgentRoutingStack) {
  const id = (fn: { node: { defaultChild?: unknown } }) => stack.getLogicalId(fn.node.defaultChild as never);
  const steps = stack.stepFunctions;
  const rs = stack.routingState;
  return {
    search: id(steps.SearchContactsFunctionArn),
    availability: id(steps.CheckAgentAvailabilityFunctionArn),
    pick: id(steps.PickLastAgentContactFunctionArn),
    csat: id(steps.CheckLastContactCsatFunctionArn),
    entry: id(stack.entryFunction),
    outcome: id(stack.outcome.function),
    ...(rs ? { contactIndexer: id(rs.contactIndexer), agentIndexer: id(rs.agentIndexer) } : {}),
  };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const statementsOf = (template: Template, functionLogicalId: string): Statement[] => {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId];
  const roleId = fn?.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
};

const actionsOf = (st: Statement) => [st.Action].flat();
const tableStatements = (template: Template, fnId: string) =>
  statementsOf(template, fnId).filter((st) => actionsOf(st).some((a) => a.startsWith('dynamodb:')));

/** Resources of the preferred-agent outcome (issue 25, test/infra/outcome.test.ts) are not the routing state's. */
const OUTCOME_PREFIX = /^PreferredAgentOutcome/;
const routingStateRuleId = (template: Template) => {
  const ids = Object.keys(template.findResources('AWS::Events::Rule')).filter(
    (id) => !OUTCOME_PREFIX.test(id),
  );
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

const onlyId = (template: Template, type: string) => {
  const ids = Object.keys(template.findResources(type));
  expect(ids, type).toHaveLength(1);
  return ids[0] as string;
};

describe('source index, stream created by the stack', () => {
  let s: Synthesised;
  let ids: ReturnType<typeof functionIds>;
  let tableId: string;
  beforeAll(() => {
    s = synthesise({ LAST_AGENT_SOURCE: 'index', alarmTopicArn: TOPIC_ARN });
    ids = functionIds(s.stack);
    tableId = onlyId(s.template, 'AWS::DynamoDB::Table');
  }, SYNTH_TIMEOUT_MS);

  it('is cdk-nag clean', () => {
    expect(s.nagError).toBeUndefined();
  });

  it('creates the table: pk/sk strings, TTL on expiresAt, on demand, point-in-time recovery, AWS owned key, retained', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: TABLE_KEY.partition, KeyType: 'HASH' },
          { AttributeName: TABLE_KEY.sort, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSEEnabled false = the AWS owned key (CloudFormation AWS::DynamoDB::Table SSESpecification).
        SSESpecification: { SSEEnabled: false },
      },
    });
    const table = s.template.findResources('AWS::DynamoDB::Table')[tableId];
    expect(table?.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('routes only this instance’s CONNECTED_TO_AGENT, DISCONNECTED and COMPLETED contact events to the contact indexer', () => {
    const ruleId = routingStateRuleId(s.template);
    const rule = s.template.findResources('AWS::Events::Rule')[ruleId];
    expect(rule?.Properties.EventBusName).toBeUndefined(); // the default bus
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.connect'],
      'detail-type': ['Amazon Connect Contact Event'],
      detail: { instanceArn: [INSTANCE_ARN], eventType: ['CONNECTED_TO_AGENT', 'DISCONNECTED', 'COMPLETED'] },
    });
    // The stack's copy of the indexer's constants agrees with the indexer.
    expect(CONTACT_EVENTS.detailType).toBe(CONTACT_EVENT_DETAIL_TYPE);
    expect([...CONTACT_EVENTS.eventTypes]).toEqual([...INDEXED_EVENT_TYPES]);
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [ids.contactIndexer, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 21_600 },
      }),
    ]);
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/^RoutingStateContactEventsDlq/), 'Arn'] },
        },
      }),
    ]);
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [ids.contactIndexer, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('retries a failed contact event twice, then sends it to the same dead-letter queue', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.contactIndexer },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RoutingStateContactEventsDlq'), 'Arn'] },
        },
      },
    });
  });

  it('keeps dead letters 14 days in SQS-encrypted queues that refuse plain HTTP', () => {
    const queues = s.template.findResources('AWS::SQS::Queue');
    // Contact events, agent events, and the outcome function's (issue 25).
    expect(Object.keys(queues)).toHaveLength(3);
    for (const q of Object.values(queues)) {
      expect(q.Properties).toEqual({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    }
    const policies = Object.values(s.template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(3);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('creates an on-demand agent event stream with the aws/kinesis key and registers it with the instance', () => {
    const streamId = onlyId(s.template, 'AWS::Kinesis::Stream');
    s.template.hasResource('AWS::Kinesis::Stream', {
      DeletionPolicy: 'Delete',
      Properties: {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
        RetentionPeriodHours: 24,
      },
    });
    s.template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 1);
    s.template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', {
      InstanceArn: INSTANCE_ARN,
      ResourceType: 'AGENT_EVENTS',
      StorageType: 'KINESIS_STREAM',
      KinesisStreamConfig: { StreamArn: { 'Fn::GetAtt': [streamId, 'Arn'] } },
    });
  });

  it('feeds the agent indexer from the stream: LATEST, 100 records, bisect, bounded retries and age, partial failures, one batch per shard, DLQ', () => {
    const streamId = onlyId(s.template, 'AWS::Kinesis::Stream');
    const esmId = onlyId(s.template, 'AWS::Lambda::EventSourceMapping');
    expect(s.template.findResources('AWS::Lambda::EventSourceMapping')[esmId]?.Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      FunctionName: { Ref: ids.agentIndexer },
      StartingPosition: 'LATEST',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ParallelizationFactor: 1,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [expect.stringMatching(/^RoutingStateAgentEventsDlq/), 'Arn'] },
        },
      },
    });
  });

  it('gives each function only its DynamoDB actions, on the table’s ARN', () => {
    const table = { 'Fn::GetAtt': [tableId, 'Arn'] };
    const expected: Record<string, string[]> = {
      [ids.search]: ['dynamodb:Query', 'dynamodb:UpdateItem'],
      [ids.availability]: ['dynamodb:GetItem'],
      [ids.contactIndexer as string]: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
      [ids.agentIndexer as string]: ['dynamodb:PutItem'],
      // Issue 25: the outcome's conditional claim, in the routing-state table.
      [ids.outcome]: ['dynamodb:PutItem'],
      [ids.pick]: [],
      [ids.csat]: [],
      [ids.entry]: [],
    };
    for (const [fnId, actions] of Object.entries(expected)) {
      const statements = tableStatements(s.template, fnId);
      expect(statements.flatMap(actionsOf).sort(), fnId).toEqual([...actions].sort());
      for (const st of statements) expect(st.Resource, fnId).toEqual(table);
    }
    // Nothing else in the stack touches DynamoDB (no grantReadWriteData-style extras anywhere).
    const allDynamo = Object.values(s.template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('dynamodb:'));
    expect(allDynamo.sort()).toEqual(
      [
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:PutItem',
      ].sort(),
    );
  });

  it('lets the agent indexer read the stream and write its dead-letter queue, the contact indexer its own', () => {
    const streamId = onlyId(s.template, 'AWS::Kinesis::Stream');
    const agent = statementsOf(s.template, ids.agentIndexer as string);
    const read = agent.find((st) => actionsOf(st).includes('kinesis:GetRecords'));
    expect(read?.Resource).toEqual({ 'Fn::GetAtt': [streamId, 'Arn'] });
    const send = agent.find((st) => actionsOf(st).includes('sqs:SendMessage'));
    expect(send?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^RoutingStateAgentEventsDlq/), 'Arn'],
    });
    const contact = statementsOf(s.template, ids.contactIndexer as string);
    expect(contact.find((st) => actionsOf(st).includes('sqs:SendMessage'))?.Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^RoutingStateContactEventsDlq/), 'Arn'],
    });
    expect(contact.some((st) => actionsOf(st).some((a) => a.startsWith('kinesis:')))).toBe(false);
  });

  it('gives every function the table name, and every function’s configuration loads as at its cold start', () => {
    const all = s.template.findResources('AWS::Lambda::Function');
    expect(Object.keys(all)).toHaveLength(8);
    // The outcome function loads no pipeline configuration: it gets its table as OUTCOME_TABLE_NAME.
    expect(all[ids.outcome]?.Properties.Environment.Variables.OUTCOME_TABLE_NAME).toEqual({ Ref: tableId });
    const functions = Object.fromEntries(Object.entries(all).filter(([fnId]) => fnId !== ids.outcome));
    expect(Object.keys(functions)).toHaveLength(7);
    for (const [fnId, fn] of Object.entries(functions)) {
      const vars = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(vars.LAST_AGENT_TABLE_NAME, fnId).toEqual({ Ref: tableId });
      expect(vars.LAST_AGENT_SOURCE, fnId).toBe('index');
      const env = Object.fromEntries(
        Object.entries(vars).map(([k, v]) => [
          k,
          typeof v === 'string'
            ? v
            : k === 'LAST_AGENT_TABLE_NAME'
              ? TABLE_NAME_STAND_IN
              : 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:stand-in-AbCdEf',
        ]),
      ) as Record<string, string>;
      expect(loadConfig(env).tableName, fnId).toBe(TABLE_NAME_STAND_IN);
    }
  });

  it('runs the indexers off the call path: 512 MB, 10 s (contact) and 30 s (agent), Node.js 22 on ARM64 with tracing', () => {
    const functions = s.template.findResources('AWS::Lambda::Function');
    const common = {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
    };
    expect(functions[ids.contactIndexer as string]?.Properties).toMatchObject({ ...common, Timeout: 10 });
    expect(functions[ids.agentIndexer as string]?.Properties).toMatchObject({ ...common, Timeout: 30 });
    // Five decision functions, two indexers, the outcome function, the state machine.
    s.template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 9);
  });

  it('alarms on each dead-letter queue, the agent indexer falling behind and indexer errors, all to the SNS topic', () => {
    const alarms = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      /not indexed|indexer/.test(a.Properties.AlarmDescription),
    );
    const summary = alarms.map((a) => ({
      metric: `${a.Properties.Namespace}/${a.Properties.MetricName}`,
      dimension: Object.values(a.Properties.Dimensions[0].Value)[0],
      stat: a.Properties.Statistic,
      op: a.Properties.ComparisonOperator,
      threshold: a.Properties.Threshold,
    }));
    const dim = (re: RegExp) => expect.arrayContaining([expect.stringMatching(re)]);
    expect(summary).toEqual(
      expect.arrayContaining([
        {
          metric: 'AWS/SQS/ApproximateNumberOfMessagesVisible',
          dimension: dim(/^RoutingStateContactEventsDlq/),
          stat: 'Maximum',
          op: 'GreaterThanOrEqualToThreshold',
          threshold: 1,
        },
        {
          metric: 'AWS/SQS/ApproximateNumberOfMessagesVisible',
          dimension: dim(/^RoutingStateAgentEventsDlq/),
          stat: 'Maximum',
          op: 'GreaterThanOrEqualToThreshold',
          threshold: 1,
        },
        {
          metric: 'AWS/Lambda/IteratorAge',
          dimension: ids.agentIndexer,
          stat: 'Maximum',
          op: 'GreaterThanThreshold',
          threshold: 60_000,
        },
        {
          metric: 'AWS/Lambda/Errors',
          dimension: ids.contactIndexer,
          stat: 'Sum',
          op: 'GreaterThanOrEqualToThreshold',
          threshold: 1,
        },
        {
          metric: 'AWS/Lambda/Errors',
          dimension: ids.agentIndexer,
          stat: 'Sum',
          op: 'GreaterThanOrEqualToThreshold',
          threshold: 1,
        },
      ]),
    );
    expect(alarms).toHaveLength(5);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([TOPIC_ARN]);
  });

  it('outputs the table name and the stream ARN', () => {
    const outputs = Object.values(s.template.findOutputs('*'));
    const streamId = onlyId(s.template, 'AWS::Kinesis::Stream');
    expect(outputs.map((o) => o.Value)).toEqual(
      expect.arrayContaining([{ Ref: tableId }, { 'Fn::GetAtt': [streamId, 'Arn'] }]),
    );
  });
});

describe('source index-then-search, the instance’s existing agent event stream', () => {
  let s: Synthesised;
  let ids: ReturnType<typeof functionIds>;
  beforeAll(() => {
    s = synthesise({ LAST_AGENT_SOURCE: 'index-then-search', agentEventStreamArn: GIVEN_STREAM_ARN });
    ids = functionIds(s.stack);
  }, SYNTH_TIMEOUT_MS);

  it('is cdk-nag clean', () => {
    expect(s.nagError).toBeUndefined();
  });

  it('creates no stream and leaves the instance’s agent event stream configuration alone', () => {
    s.template.resourceCountIs('AWS::Kinesis::Stream', 0);
    s.template.resourceCountIs('AWS::Connect::InstanceStorageConfig', 0);
  });

  it('maps the given stream to the agent indexer, and may read only that stream', () => {
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: GIVEN_STREAM_ARN,
      FunctionName: { Ref: ids.agentIndexer },
      StartingPosition: 'LATEST',
      MaximumRetryAttempts: 3,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const kinesis = statementsOf(s.template, ids.agentIndexer as string).filter((st) =>
      actionsOf(st).some((a) => a.startsWith('kinesis:')),
    );
    expect(kinesis.map((st) => st.Resource)).toEqual([GIVEN_STREAM_ARN]);
    expect(Object.values(s.template.findOutputs('*')).map((o) => o.Value)).toContain(GIVEN_STREAM_ARN);
  });

  it('still deploys the table, the rule and the table access of the readers', () => {
    s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    // The contact indexer's rule and the outcome's CONNECTED_TO_AGENT rule (issue 25).
    s.template.resourceCountIs('AWS::Events::Rule', 2);
    expect(tableStatements(s.template, ids.search).flatMap(actionsOf)).toEqual([
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(tableStatements(s.template, ids.availability).flatMap(actionsOf)).toEqual(['dynamodb:GetItem']);
  });

  it('does not notify anyone without an alarm topic', () => {
    for (const a of Object.values(s.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(a.Properties.AlarmActions).toBeUndefined();
    }
  });
});

describe('source search (the default)', () => {
  let s: Synthesised;
  beforeAll(() => {
    s = synthesise({});
  }, SYNTH_TIMEOUT_MS);

  /** The template without the preferred-agent outcome's resources (issue 25, test/infra/outcome.test.ts). */
  const routingResources = (type: string) =>
    Object.keys(s.template.findResources(type)).filter((id) => !OUTCOME_PREFIX.test(id));

  it('deploys no routing-state table, rule, stream, event source mapping, queue or indexer', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::Events::Rule',
      'AWS::Kinesis::Stream',
      'AWS::Connect::InstanceStorageConfig',
      'AWS::Lambda::EventSourceMapping',
      'AWS::Lambda::EventInvokeConfig',
      'AWS::SQS::Queue',
    ]) {
      expect(routingResources(type), type).toEqual([]);
    }
    expect(s.stack.routingState).toBeUndefined();
    expect(routingResources('AWS::Lambda::Function')).toHaveLength(5);
  });

  it('gives no function a table name or DynamoDB access, and outputs nothing about it', () => {
    for (const fn of Object.values(s.template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.LAST_AGENT_TABLE_NAME).toBeUndefined();
    }
    const policies = s.template.findResources('AWS::IAM::Policy');
    const actions = routingResources('AWS::IAM::Policy')
      .flatMap((id) => policies[id]?.Properties.PolicyDocument.Statement as Statement[])
      .flatMap(actionsOf);
    expect(actions.filter((a) => /^(dynamodb|kinesis|sqs):/.test(a))).toEqual([]);
    expect(Object.keys(s.template.findOutputs('*'))).toEqual([]);
  });

  it('ignores an agentEventStreamArn given as context', () => {
    const t = Template.fromStack(buildStack({ agentEventStreamArn: GIVEN_STREAM_ARN }).stack);
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });
});

describe('deployment context for the index sources', () => {
  const parse = (values: Record<string, string>) =>
    parseDeployContext((k) => ({ instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, ...values })[k]);

  it('accepts source index without a table name (the stack creates the table and sets it)', () => {
    const settings = parse({ LAST_AGENT_SOURCE: 'index' });
    expect(settings.config.source).toBe('index');
    expect(settings.pipelineEnv.LAST_AGENT_TABLE_NAME).toBeUndefined();
  });

  it('still rejects an invalid source, naming the variable', () => {
    expect(() => parse({ LAST_AGENT_SOURCE: 'table' })).toThrow(/LAST_AGENT_SOURCE/);
  });

  it('refuses LAST_AGENT_TABLE_NAME as context: the stack sets it', () => {
    expect(() => parse({ LAST_AGENT_SOURCE: 'index', LAST_AGENT_TABLE_NAME: 'mine' })).toThrow(
      /LAST_AGENT_TABLE_NAME must not be passed as context/,
    );
  });

  it('fails synth with a clear message on an agentEventStreamArn that is not a Kinesis stream ARN', () => {
    for (const bad of [
      'wfm-agent-events',
      'arn:aws:firehose:eu-west-2:123456789012:deliverystream/wfm',
      'arn:aws:kinesis:eu-west-2:123456789012:stream/',
      'arn:aws:kinesis:eu-west-2:1234:stream/wfm',
    ]) {
      expect(() => parse({ LAST_AGENT_SOURCE: 'index', agentEventStreamArn: bad }), bad).toThrow(
        /Invalid deployment context: agentEventStreamArn must be a Kinesis data stream ARN: arn:aws:kinesis:REGION:ACCOUNT:stream\/NAME/,
      );
    }
    expect(() =>
      buildStack({ LAST_AGENT_SOURCE: 'index', agentEventStreamArn: 'arn:aws:sqs:eu-west-2:123456789012:q' }),
    ).toThrow(/agentEventStreamArn must be a Kinesis data stream ARN/);
  });

  it('fails on a stream in another Region than the instance', () => {
    expect(() =>
      parse({
        LAST_AGENT_SOURCE: 'index',
        agentEventStreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/wfm-agent-events',
      }),
    ).toThrow(/agentEventStreamArn must be in the instance's Region \(eu-west-2\), not us-east-1/);
  });
});
