import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { matchesContactEvents } from '../../cli/doctor/routing-state';
import { STACK_OUTPUTS, STACK_PIECES, deploymentFromStack } from '../../cli/doctor/stack';
import { INSTANCE_ARN, buildStack } from '../infra/helpers';

const STACK_ID =
  'arn:aws:cloudformation:eu-west-2:123456789012:stack/LastAgentRouting/0f0e0d0c-1111-2222-3333-444455556666';

/**
 * The stack as CloudFormation would list it once deployed: each resource of the synthesized
 * template with a made-up physical id of the kind its type has (a function's name, a flow's
 * ARN, an alias's ARN, a table's name), and each output with a value.
 */
function deployed(context: Record<string, string>) {
  const template = Template.fromStack(buildStack(context).stack).toJSON() as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    Outputs?: Record<string, unknown>;
  };
  const physical = (logicalId: string, type: string) => {
    switch (type) {
      case 'AWS::Connect::ContactFlow':
        return `${INSTANCE_ARN}/contact-flow/${logicalId.toLowerCase()}-id`;
      case 'AWS::Lambda::Alias':
        return `arn:aws:lambda:eu-west-2:123456789012:function:LastAgentRouting-${logicalId}:live`;
      default:
        return `LastAgentRouting-${logicalId}`;
    }
  };
  const resources: StackResourceSummary[] = Object.entries(template.Resources).map(([id, r]) => ({
    LogicalResourceId: id,
    PhysicalResourceId: physical(id, r.Type),
    ResourceType: r.Type,
    ResourceStatus: 'CREATE_COMPLETE',
    LastUpdatedTimestamp: new Date(),
  }));
  const outputs = Object.keys(template.Outputs ?? {}).map((k) => ({
    OutputKey: k,
    OutputValue: `value-of-${k}`,
  }));
  return { template, resources, outputs };
}

describe('the doctor finds the deployed pieces in the stack the CDK app synthesizes', () => {
  it('index source: entry function, flows, table, indexers, stream; the instance from the flows', () => {
    const { resources, outputs } = deployed({ LAST_AGENT_SOURCE: 'index' });
    const d = deploymentFromStack(
      { StackName: 'LastAgentRouting', StackId: STACK_ID, StackStatus: 'CREATE_COMPLETE', Outputs: outputs },
      resources,
    );
    const named = (start: string) =>
      resources.find(
        (r) => r.LogicalResourceId?.startsWith(start) && r.ResourceType === 'AWS::Lambda::Function',
      )?.PhysicalResourceId;
    expect(d).toMatchObject({
      from: 'stack LastAgentRouting',
      instanceArn: INSTANCE_ARN,
      entryFunction: `arn:aws:lambda:eu-west-2:123456789012:function:${named('DecideFunction')}`,
      routingFlowArn: `${INSTANCE_ARN}/contact-flow/contactflow-id`,
      whisperFlowArn: `${INSTANCE_ARN}/contact-flow/agentwhisperflow-id`,
      contactIndexerArn: `arn:aws:lambda:eu-west-2:123456789012:function:${named('RoutingStateContactIndexer')}`,
      agentIndexerName: named('RoutingStateAgentIndexer'),
      stackStatus: 'CREATE_COMPLETE',
    });
    expect(d.tableName).toMatch(new RegExp(`^value-of-${STACK_OUTPUTS.tableName}`));
    expect(d.agentEventStreamArn).toMatch(new RegExp(`^value-of-${STACK_OUTPUTS.agentEventStreamArn}`));
  });

  it('each piece rule matches exactly one resource of its type (a renamed construct fails here)', () => {
    const { resources } = deployed({ LAST_AGENT_SOURCE: 'index', provisionedConcurrency: '1' });
    for (const [name, piece] of Object.entries(STACK_PIECES)) {
      const matching = resources.filter(
        (r) =>
          r.ResourceType === piece.type &&
          ('exact' in piece
            ? r.LogicalResourceId === piece.logicalId
            : r.LogicalResourceId?.startsWith(piece.logicalId)),
      );
      expect(
        matching.map((r) => r.LogicalResourceId),
        name,
      ).toHaveLength(1);
    }
  });

  it('with provisioned concurrency, the entry function is the live alias Connect invokes', () => {
    const { resources, outputs } = deployed({ provisionedConcurrency: '1' });
    const d = deploymentFromStack(
      { StackName: 'LastAgentRouting', StackId: STACK_ID, Outputs: outputs },
      resources,
    );
    expect(d.entryFunction).toMatch(/^arn:aws:lambda:eu-west-2:123456789012:function:.*:live$/);
    // Search source: no routing state in the stack.
    expect(d.tableName).toBeUndefined();
    expect(d.contactIndexerArn).toBeUndefined();
  });

  it("the contact-events rule the stack deploys is one the doctor reads as matching the instance's contact events", () => {
    const { template } = deployed({ LAST_AGENT_SOURCE: 'index' });
    const rule = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule');
    const pattern = JSON.stringify(rule?.Properties?.EventPattern);
    expect(matchesContactEvents(pattern, INSTANCE_ARN)).toBe(true);
    expect(matchesContactEvents(pattern, INSTANCE_ARN.replace(/.$/, '0'))).toBe(false);
  });
});
