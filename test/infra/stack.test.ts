import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDeployContext } from '../../infra/context';
import { keySecretStoreOf } from '../../infra/stack';
import { TASK_FUNCTIONS } from '../../statemachine/definition';
import { INSTANCE_ARN, QUEUE_ARN, buildStack } from './helpers';

let template: Template;
let stackFunctions: { entry: string; steps: Record<string, string> };

beforeAll(() => {
  const { stack } = buildStack({ LAST_AGENT_LOOKBACK_DAYS: '14' });
  template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  stackFunctions = {
    entry: id(stack.entryFunction),
    steps: Object.fromEntries(Object.entries(stack.stepFunctions).map(([k, fn]) => [k, id(fn)])),
  };
});

const policyOf = (functionLogicalId: string) => {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId];
  const roleId = fn?.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId),
  );
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
};

describe('Lambda functions', () => {
  it('run Node.js 22 on ARM64 with tracing, one vCPU of memory and the pipeline configuration, source maps off at run time', () => {
    // The steps and the entry; the outcome function (issue 25, off the call path) is
    // test/infra/outcome.test.ts's.
    const all = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(all)).toHaveLength(Object.keys(TASK_FUNCTIONS).length + 2);
    const functions = Object.fromEntries(
      Object.entries(all).filter(([id]) => !id.startsWith('PreferredAgentOutcome')),
    );
    expect(Object.keys(functions)).toHaveLength(Object.keys(TASK_FUNCTIONS).length + 1);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 1769,
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { LAST_AGENT_LOOKBACK_DAYS: '14' } },
        LoggingConfig: { LogGroup: expect.anything() },
      });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('with provisionedConcurrency, keep N environments of every function behind a "live" alias that Step Functions and Connect call', () => {
    const { stack } = buildStack({ provisionedConcurrency: '2' });
    const t = Template.fromStack(stack);
    t.resourcePropertiesCountIs(
      'AWS::Lambda::Alias',
      { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } },
      Object.keys(TASK_FUNCTIONS).length + 1,
    );
    const aliases = t.findResources('AWS::Lambda::Alias');
    const arn = (target: { functionArn: string }) => stack.resolve(target.functionArn);
    const [machine] = Object.values(t.findResources('AWS::StepFunctions::StateMachine'));
    const subs = machine?.Properties.DefinitionSubstitutions;
    for (const [placeholder, target] of Object.entries(stack.invokeTargets.steps)) {
      expect(subs[placeholder]).toEqual(arn(target));
      expect(Object.keys(aliases)).toContain(arn(target).Ref);
    }
    const entryAlias = arn(stack.invokeTargets.entry);
    expect(Object.keys(aliases)).toContain(entryAlias.Ref);
    t.hasResourceProperties('AWS::Connect::IntegrationAssociation', { IntegrationArn: entryAlias });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: entryAlias,
      Principal: 'connect.amazonaws.com',
    });
  });

  it('each have an explicit log group with retention', () => {
    // Five functions (entry, search, pick, availability, CSAT), the outcome function and the state machine.
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 7);
  });

  it('encrypt every log group with the KMS key given as context', () => {
    const keyArn = 'arn:aws:kms:eu-west-2:123456789012:key/0b3a0a8e-1111-4222-8333-444444444444';
    const t = Template.fromStack(buildStack({ logKmsKeyArn: keyArn }).stack);
    t.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: keyArn }, 7);
  });

  it('give the entry Lambda the state machine ARN and an 8 s timeout', () => {
    const entry = template.findResources('AWS::Lambda::Function')[stackFunctions.entry];
    expect(entry?.Properties.Timeout).toBe(8);
    expect(entry?.Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual({
      Ref: expect.stringMatching(/^DecisionStateMachine/),
    });
  });
});

describe('the environment each function gets', () => {
  /** The variables as the function will see them; references to resources become stand-ins. */
  const envOf = (logicalId: string) =>
    Object.fromEntries(
      Object.entries(
        template.findResources('AWS::Lambda::Function')[logicalId]?.Properties.Environment.Variables ?? {},
      ).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:stand-in-AbCdEf',
      ]),
    ) as Record<string, string>;

  it('loads in every step, as at its cold start (a step must not need the key secret)', async () => {
    const { loadConfig } = await import('../../steps/lib/runtime/config');
    for (const id of Object.values(stackFunctions.steps)) {
      expect(() => loadConfig(envOf(id)), id).not.toThrow();
    }
  });

  it('passes the entry checks in the entry Lambda (hashed keys need a secret source)', async () => {
    const { loadConfig } = await import('../../steps/lib/runtime/config');
    const { checkEntryConfig } = await import('../../steps/lib/decision/caller');
    expect(checkEntryConfig(loadConfig(envOf(stackFunctions.entry))).keyMode).toBe('hmac-sha256');
  });
});

describe('state machine', () => {
  it('logs no execution data when customer keys are raw E.164 numbers', () => {
    const t = Template.fromStack(buildStack({ LAST_AGENT_KEY_MODE: 'e164' }).stack);
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('is EXPRESS with logging level ALL, execution data (hashed keys by default) and X-Ray tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('logs to a /aws/vendedlogs/states/ log group', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
    });
  });

  it('substitutes every placeholder with its function ARN', () => {
    const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const subs = sm?.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(subs).sort()).toEqual(Object.keys(TASK_FUNCTIONS).sort());
    for (const [placeholder, logicalId] of Object.entries(stackFunctions.steps)) {
      expect(subs[placeholder]).toEqual({ 'Fn::GetAtt': [logicalId, 'Arn'] });
    }
  });

  it('may invoke exactly the step functions, unqualified', () => {
    const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const roleId = sm?.Properties.RoleArn['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke).toHaveLength(1);
    expect(invoke[0].Resource).toEqual(
      Object.values(stackFunctions.steps).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
    );
  });
});

describe('least-privilege IAM', () => {
  const connectStatements = (logicalId: string) =>
    policyOf(logicalId).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('connect:')));

  it('the search function may search the instance and read contacts, as SearchContacts with searchable attributes requires', () => {
    expect(connectStatements(stackFunctions.steps.SearchContactsFunctionArn as string)).toEqual([
      { Effect: 'Allow', Action: 'connect:SearchContacts', Resource: INSTANCE_ARN },
      {
        Effect: 'Allow',
        Action: ['connect:DescribeContact', 'connect:GetContactAttributes'],
        Resource: `${INSTANCE_ARN}/contact/*`,
      },
    ]);
  });

  it('the availability function may read agent data, status types, routing-profile queues and user names of this instance only', () => {
    const statements = connectStatements(stackFunctions.steps.CheckAgentAvailabilityFunctionArn as string);
    expect(statements.flatMap((st) => st.Action).sort()).toEqual([
      'connect:DescribeUser',
      'connect:GetCurrentUserData',
      'connect:ListAgentStatuses',
      'connect:ListRoutingProfileQueues',
    ]);
    // DescribeUser (the whisper's first name) on users only: resource type user, …/agent/${UserId}.
    expect(statements.find((st) => st.Action === 'connect:DescribeUser')?.Resource).toBe(
      `${INSTANCE_ARN}/agent/*`,
    );
    for (const resource of statements.flatMap((st) => [st.Resource].flat())) {
      expect(resource).toMatch(new RegExp(`^${INSTANCE_ARN}/`));
    }
  });

  it('the CSAT function may only read contact attributes of this instance', () => {
    expect(connectStatements(stackFunctions.steps.CheckLastContactCsatFunctionArn as string)).toEqual([
      { Effect: 'Allow', Action: 'connect:GetContactAttributes', Resource: `${INSTANCE_ARN}/contact/*` },
    ]);
  });

  it('the pick step has no Connect access, and the route choice has no function of its own', () => {
    const pick = stackFunctions.steps.PickLastAgentContactFunctionArn as string;
    expect(template.findResources('AWS::Lambda::Function')[pick]).toBeDefined();
    expect(connectStatements(pick)).toEqual([]);
    expect(Object.keys(stackFunctions.steps).sort()).toEqual([
      'CheckAgentAvailabilityFunctionArn',
      'CheckLastContactCsatFunctionArn',
      'PickLastAgentContactFunctionArn',
      'SearchContactsFunctionArn',
    ]);
  });

  it('the entry Lambda may only StartSyncExecution on the state machine and read its key secret', () => {
    const statements = policyOf(stackFunctions.entry).filter((s) => !String(s.Action).startsWith('xray:'));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'states:StartSyncExecution',
        Resource: { Ref: expect.stringMatching(/^DecisionStateMachine/) },
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: { Ref: expect.stringMatching(/^CustomerKeySecret/) },
      },
    ]);
  });
});

describe('Connect wiring', () => {
  it('lets only this instance invoke the entry Lambda', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [stackFunctions.entry, 'Arn'] },
      Principal: 'connect.amazonaws.com',
      SourceArn: INSTANCE_ARN,
      SourceAccount: '123456789012',
    });
  });

  it('associates the entry Lambda with the instance', () => {
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: INSTANCE_ARN,
      IntegrationType: 'LAMBDA_FUNCTION',
      IntegrationArn: { 'Fn::GetAtt': [stackFunctions.entry, 'Arn'] },
    });
  });

  it('deploys the contact flow to the instance', () => {
    template.hasResourceProperties('AWS::Connect::ContactFlow', {
      InstanceArn: INSTANCE_ARN,
      Type: 'CONTACT_FLOW',
      Content: Match.anyValue(),
    });
  });

  it('in agent-queue mode deploys the customer-queue flow that bounds the wait, and the main flow sets it', () => {
    const t = Template.fromStack(buildStack({ routingMode: 'agent-queue', agentWaitSeconds: '45' }).stack);
    const flows = t.findResources('AWS::Connect::ContactFlow');
    const [queueFlowId, queueFlow] = Object.entries(flows).find(
      ([, f]) => f.Properties.Type === 'CUSTOMER_QUEUE',
    ) ?? [undefined, undefined];
    expect(JSON.stringify(queueFlow?.Properties.Content)).toContain('"InterruptFrequencySeconds\\":\\"45\\"');
    const main = Object.values(flows).find((f) => f.Properties.Type === 'CONTACT_FLOW');
    expect(JSON.stringify(main?.Properties.Content)).toContain(
      `"Fn::GetAtt":["${queueFlowId}","ContactFlowArn"]`,
    );
  });

  it('in preferred-agent mode deploys no customer-queue flow', () => {
    template.resourcePropertiesCountIs('AWS::Connect::ContactFlow', { Type: 'CUSTOMER_QUEUE' }, 0);
  });

  it('creates the contact flow only after the Lambda integration association exists', () => {
    const [association] = Object.keys(template.findResources('AWS::Connect::IntegrationAssociation'));
    const flows = template.findResources('AWS::Connect::ContactFlow', {
      Properties: { Type: 'CONTACT_FLOW' },
    });
    for (const flow of Object.values(flows)) expect(flow.DependsOn).toContain(association);
  });
});

describe('operability', () => {
  it('alarms on failures, timeouts, entry errors, p99 near the deadline and the failed-decision share', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    // ApproximateNumberOfMessagesVisible: the outcome function's dead letters (issue 25).
    expect(alarms.map((a) => a.MetricName ?? 'metric math').sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'Duration',
      'Errors',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'metric math',
    ]);
    expect(alarms.find((a) => a.MetricName === 'Duration')).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: 2700,
    });
  });

  it('alarms when the share of LOOKUP_ERROR/CONFIG_ERROR decisions passes the threshold, from the totals the Lambda emits', () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties)
      .find((a) => a.Metrics);
    expect(alarm).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const metrics = alarm?.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat);
    expect(
      metrics.map(
        (m: { MetricStat: { Metric: { MetricName: string; Dimensions?: unknown } } }) => m.MetricStat.Metric,
      ),
    ).toEqual([
      {
        Namespace: 'LastAgentRouting',
        MetricName: 'Decisions',
        Dimensions: [{ Name: 'service', Value: 'last-agent-routing' }],
      },
      {
        Namespace: 'LastAgentRouting',
        MetricName: 'FailedDecisions',
        Dimensions: [{ Name: 'service', Value: 'last-agent-routing' }],
      },
    ]);
  });

  it('notifies the SNS topic given as context from every alarm', () => {
    const topicArn = 'arn:aws:sns:eu-west-2:123456789012:contact-center-alarms';
    const t = Template.fromStack(buildStack({ alarmTopicArn: topicArn }).stack);
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([topicArn]);
  });

  it('has a dashboard of decisions by route and reason', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain('Decisions by reason');
  });
});

describe('hashed customer keys', () => {
  it('by default the stack creates the key secret, kept on stack deletion, and gives its ARN to the entry Lambda only', () => {
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    const entry = template.findResources('AWS::Lambda::Function')[stackFunctions.entry];
    expect(entry?.Properties.Environment.Variables).toMatchObject({
      LAST_AGENT_KEY_MODE: 'hmac-sha256',
      LAST_AGENT_KEY_SECRET_ARN: { Ref: expect.stringMatching(/^CustomerKeySecret/) },
    });
    for (const id of Object.values(stackFunctions.steps)) {
      const fn = template.findResources('AWS::Lambda::Function')[id];
      expect(fn?.Properties.Environment.Variables.LAST_AGENT_KEY_SECRET_ARN).toBeUndefined();
    }
  });

  it('lets the entry Lambda read a Secrets Manager secret the deployer created, and creates none', () => {
    const secretArn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:my-key-AbCdEf';
    const t = Template.fromStack(buildStack({ LAST_AGENT_KEY_SECRET_ARN: secretArn }).stack);
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const read = statements.find((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(read?.Resource).toBe(secretArn);
  });

  it.each([
    [{}, 'secrets-manager'],
    [
      { LAST_AGENT_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:k-AbCdEf' },
      'secrets-manager',
    ],
    [{ LAST_AGENT_KEY_MODE: 'hmac-sha256', LAST_AGENT_KEY_SECRET_PARAMETER: '/k' }, 'parameter'],
    [{ LAST_AGENT_KEY_MODE: 'e164' }, 'none'],
  ])('with context %j the entry function bundles the %s client only', (context, store) => {
    const all: Record<string, string> = { instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, ...context };
    expect(keySecretStoreOf(parseDeployContext((k) => all[k]))).toBe(store);
  });

  it('lets the entry Lambda read exactly the configured SSM parameter', () => {
    const { stack } = buildStack({
      LAST_AGENT_KEY_MODE: 'hmac-sha256',
      LAST_AGENT_KEY_SECRET_PARAMETER: '/last-agent/key-secret',
    });
    const t = Template.fromStack(stack);
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const ssm = statements.filter((s) => s.Action === 'ssm:GetParameter');
    expect(ssm).toHaveLength(1);
    expect(JSON.stringify(ssm[0].Resource)).toContain(':parameter/last-agent/key-secret');
  });
});
