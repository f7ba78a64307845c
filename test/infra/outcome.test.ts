import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PREFERRED_AGENT_WIDGET_TITLE } from '../../infra/constructs/decision-alarms';
import { OUTCOME_ACCESS, OUTCOME_EVENTS } from '../../infra/constructs/preferred-agent-outcome';
import type { LastAgentRoutingStack } from '../../infra/stack';
import { OUTCOME_METRICS } from '../../steps/lib/runtime/metrics';
import { OUTCOME_ENV } from '../../steps/record-outcome';
import { INSTANCE_ARN, buildStack } from './helpers';

/**
 * Issue 25 in the stack: the CONNECTED_TO_AGENT rule, the outcome function with least privilege,
 * where its dedup items live (the routing-state table, or a table of its own for search
 * deployments), and the dashboard's daily share.
 */
interface Synth {
  stack: LastAgentRoutingStack;
  template: Template;
}
const synth = (context: Record<string, string> = {}): Synth => {
  const { stack } = buildStack(context);
  return { stack, template: Template.fromStack(stack) };
};
const idOf = (s: Synth, c: { node: { defaultChild?: unknown } }) =>
  s.stack.getLogicalId(c.node.defaultChild as never);

function policyOf(s: Synth) {
  const fn = s.template.findResources('AWS::Lambda::Function')[idOf(s, s.stack.outcome.function)];
  const roleId = fn?.Properties.Role['Fn::GetAtt'][0];
  return Object.values(s.template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
}

let search: Synth;
let index: Synth;
beforeAll(() => {
  search = synth();
  index = synth({ LAST_AGENT_SOURCE: 'index' });
}, 120_000);

describe('the preferred-agent outcome in the stack (issue 25)', () => {
  it.each([
    ['search', () => search],
    ['index', () => index],
  ])(
    '%s: a rule sends only this instance’s CONNECTED_TO_AGENT events to the outcome function, with a DLQ',
    (_, get) => {
      const s = get();
      const rule = s.template.findResources('AWS::Events::Rule')[idOf(s, s.stack.outcome.rule)];
      expect(rule?.Properties.EventPattern).toEqual({
        source: ['aws.connect'],
        'detail-type': ['Amazon Connect Contact Event'],
        detail: { instanceArn: [INSTANCE_ARN], eventType: ['CONNECTED_TO_AGENT'] },
      });
      expect(rule?.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [idOf(s, s.stack.outcome.function), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(s, s.stack.outcome.deadLetterQueue), 'Arn'] } },
        }),
      ]);
      expect(OUTCOME_EVENTS.eventTypes).toEqual(['CONNECTED_TO_AGENT']);
    },
  );

  it('search: the dedup items get a small on-demand table of their own, with TTL, deleted with the stack', () => {
    const tableId = idOf(search, search.stack.outcome.ownTable as never);
    expect(Object.keys(search.template.findResources('AWS::DynamoDB::Table'))).toEqual([tableId]);
    search.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
    const fn =
      search.template.findResources('AWS::Lambda::Function')[idOf(search, search.stack.outcome.function)];
    expect(fn?.Properties.Environment.Variables[OUTCOME_ENV.table]).toEqual({ Ref: tableId });
  });

  it('index: the dedup items live in the routing-state table; no extra table', () => {
    expect(index.stack.outcome.ownTable).toBeUndefined();
    index.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const tableId = idOf(index, index.stack.routingState?.table as never);
    const fn =
      index.template.findResources('AWS::Lambda::Function')[idOf(index, index.stack.outcome.function)];
    expect(fn?.Properties.Environment.Variables[OUTCOME_ENV.table]).toEqual({ Ref: tableId });
  });

  it.each([
    ['search', () => search],
    ['index', () => index],
  ])(
    '%s: least privilege — GetContactAttributes on this instance’s contacts, PutItem on its table, its DLQ',
    (_, get) => {
      const s = get();
      const table = s.stack.outcome.ownTable ?? s.stack.routingState?.table;
      const statements = policyOf(s);
      const actions = statements.flatMap((st) => [st.Action].flat()).filter((a) => !a.startsWith('xray:'));
      // The sqs: actions are what CDK's on-failure destination grants (SqsDestination → grantSendMessages).
      expect(actions.sort()).toEqual([
        'connect:GetContactAttributes',
        'dynamodb:PutItem',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ]);
      const resourceOf = (action: string) =>
        statements.find((st) => [st.Action].flat().includes(action))?.Resource;
      expect(resourceOf('connect:GetContactAttributes')).toBe(`${INSTANCE_ARN}/contact/*`);
      expect(resourceOf('dynamodb:PutItem')).toEqual({ 'Fn::GetAtt': [idOf(s, table as never), 'Arn'] });
      expect(OUTCOME_ACCESS.table).toEqual(['dynamodb:PutItem']);
    },
  );

  it('passes the attribute names the flow writes, renamed with -c contextAttributes', () => {
    const env = (s: Synth) =>
      s.template.findResources('AWS::Lambda::Function')[idOf(s, s.stack.outcome.function)]?.Properties
        .Environment.Variables;
    expect(env(search)).toMatchObject({
      [OUTCOME_ENV.route]: 'lastAgentRoute',
      [OUTCOME_ENV.reason]: 'lastAgentReason',
      [OUTCOME_ENV.agentArn]: 'lastAgentArn',
    });
    const renamed = synth({ contextAttributes: 'route:myRoute,agentArn:myAgent' });
    expect(env(renamed)).toMatchObject({
      [OUTCOME_ENV.route]: 'myRoute',
      [OUTCOME_ENV.reason]: 'lastAgentReason',
      [OUTCOME_ENV.agentArn]: 'myAgent',
    });
    // The flow writes what the function reads.
    expect(JSON.stringify(renamed.template.toJSON())).toContain('myAgent');
  });

  it('retries a failed event twice, then the dead-letter queue, which is alarmed', () => {
    const s = search;
    s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(s, s.stack.outcome.function) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(s, s.stack.outcome.deadLetterQueue), 'Arn'] } },
      },
    });
    expect(s.stack.outcome.alarm.node.id).toBe('DlqMessages');
  });

  it('the dashboard shows the daily share Reached / (Reached + Missed) from the service totals', () => {
    const [dashboard] = Object.values(search.template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(search.stack.resolve(dashboard?.Properties.DashboardBody));
    const text = body.replace(/\\"/g, '"');
    expect(text).toContain(PREFERRED_AGENT_WIDGET_TITLE);
    expect(text).toContain('"expression":"100 * reached / (reached + missed)"');
    expect(text).toMatch(
      new RegExp(
        `\\["LastAgentRouting","${OUTCOME_METRICS.reached}","service","last-agent-routing",\\{[^}]*"id":"reached"[^}]*"period":86400`,
      ),
    );
    expect(text).toMatch(
      new RegExp(`"${OUTCOME_METRICS.missed}","service","last-agent-routing",\\{[^}]*"id":"missed"`),
    );
    expect(text).toContain('"period":86400');
  });
});
