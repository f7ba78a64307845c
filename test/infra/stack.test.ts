import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_FUNCTIONS } from '../../statemachine/definition';
import { INSTANCE_ARN, buildStack } from './helpers';

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
  it('run Node.js 22 on ARM64 with tracing, source maps and the pipeline configuration', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(Object.keys(TASK_FUNCTIONS).length + 1);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', LAST_AGENT_LOOKBACK_DAYS: '14' } },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
  });

  it('each have an explicit log group with retention', () => {
    // Six functions and the state machine.
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 7);
  });

  it('give the entry Lambda the state machine ARN and an 8 s timeout', () => {
    const entry = template.findResources('AWS::Lambda::Function')[stackFunctions.entry];
    expect(entry?.Properties.Timeout).toBe(8);
    expect(entry?.Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual({
      Ref: expect.stringMatching(/^DecisionStateMachine/),
    });
  });
});

describe('state machine', () => {
  it('is EXPRESS with logging level ALL, execution data and X-Ray tracing', () => {
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

  it.each([
    ['SearchContactsFunctionArn', 'connect:SearchContacts', [INSTANCE_ARN, `${INSTANCE_ARN}/contact/*`]],
    [
      'CheckAgentAvailabilityFunctionArn',
      'connect:GetCurrentUserData',
      [INSTANCE_ARN, `${INSTANCE_ARN}/agent/*`],
    ],
    [
      'CheckLastContactCsatFunctionArn',
      'connect:GetContactAttributes',
      [INSTANCE_ARN, `${INSTANCE_ARN}/contact/*`],
    ],
  ])('%s may only call %s on this instance', (placeholder, action, resources) => {
    const statements = connectStatements(stackFunctions.steps[placeholder] as string);
    expect(statements).toEqual([{ Effect: 'Allow', Action: action, Resource: resources }]);
  });

  it.each(['PickLastAgentContactFunctionArn', 'ChooseRouteFunctionArn'])(
    '%s has no Connect access',
    (placeholder) => {
      expect(connectStatements(stackFunctions.steps[placeholder] as string)).toEqual([]);
    },
  );

  it('the entry Lambda may only StartSyncExecution on the state machine', () => {
    const statements = policyOf(stackFunctions.entry).filter((s) => !String(s.Action).startsWith('xray:'));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'states:StartSyncExecution',
        Resource: { Ref: expect.stringMatching(/^DecisionStateMachine/) },
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
});

describe('operability', () => {
  it('alarms on failures, timeouts, entry errors and p99 near the deadline', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([
      'Duration',
      'Errors',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    expect(alarms.find((a) => a.MetricName === 'Duration')).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: 2700,
    });
  });

  it('has a dashboard of decisions by route and reason', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain('Decisions by reason');
  });
});

describe('hashed customer keys', () => {
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
