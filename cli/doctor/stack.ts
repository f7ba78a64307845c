import {
  type CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Output,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import type { Deployment } from './context';

/**
 * The deployed pieces, found from the stack (`--stack-name`): DescribeStacks for its status, its
 * ARN (account and Region) and its outputs (the routing-state table's name and the agent event
 * stream, infra/constructs/routing-state.ts), ListStackResources for what the stack does not
 * output (the entry function, the flows, the indexers). AWS (@aws-sdk/client-cloudformation):
 * `StackResourceSummary` {LogicalResourceId, PhysicalResourceId: "The name or unique identifier
 * that corresponds to a physical instance ID of a resource", ResourceType}; `Output`
 * {OutputKey, OutputValue}.
 *
 * The logical ids are the CDK app's (infra/stack.ts, infra/constructs/routing-state.ts): CDK
 * derives them from the construct path plus a hash, so each piece is found by its resource type
 * and the start of its logical id; test/cli/doctor-stack.test.ts checks every rule against a
 * synthesized template, so a renamed construct fails a test instead of the doctor. What each
 * physical id holds: a Lambda function's is its name (its ARN is built from the stack's account
 * and Region); a flow's is read as an ARN or an id (its last segment is the id either way), an
 * alias's as an ARN.
 */

interface Piece {
  type: string;
  /** The logical id, or its start (CDK appends a hash to nested constructs' ids). */
  logicalId: string;
  exact?: true;
}

export const STACK_PIECES = {
  entryFunction: { type: 'AWS::Lambda::Function', logicalId: 'DecideFunction' },
  /** With provisioned concurrency, what Connect invokes: the entry function's "live" alias. */
  entryAlias: { type: 'AWS::Lambda::Alias', logicalId: 'DecideFunction' },
  routingFlow: { type: 'AWS::Connect::ContactFlow', logicalId: 'ContactFlow', exact: true },
  whisperFlow: { type: 'AWS::Connect::ContactFlow', logicalId: 'AgentWhisperFlow', exact: true },
  table: { type: 'AWS::DynamoDB::Table', logicalId: 'RoutingStateTable' },
  contactIndexer: { type: 'AWS::Lambda::Function', logicalId: 'RoutingStateContactIndexer' },
  agentIndexer: { type: 'AWS::Lambda::Function', logicalId: 'RoutingStateAgentIndexer' },
} as const satisfies Record<string, Piece>;

/** The stack outputs the doctor reads: their logical ids start so (CfnOutput ids in RoutingState). */
export const STACK_OUTPUTS = {
  tableName: 'RoutingStateTableName',
  agentEventStreamArn: 'RoutingStateAgentEventStreamArn',
} as const;

export class StackError extends Error {
  override readonly name = 'StackError';
}

const find = (resources: StackResourceSummary[], piece: Piece) =>
  resources.find(
    (r) =>
      r.ResourceType === piece.type &&
      (piece.exact
        ? r.LogicalResourceId === piece.logicalId
        : r.LogicalResourceId?.startsWith(piece.logicalId)),
  )?.PhysicalResourceId;

const output = (outputs: Output[], start: string) =>
  outputs.find((o) => o.OutputKey?.startsWith(start))?.OutputValue;

/** The deployment a stack describes, from its ARN, outputs and resources (no AWS call). */
export function deploymentFromStack(
  stack: {
    StackName?: string | undefined;
    StackId?: string | undefined;
    StackStatus?: string | undefined;
    Outputs?: Output[] | undefined;
  },
  resources: StackResourceSummary[],
): Deployment {
  // arn:PARTITION:cloudformation:REGION:ACCOUNT:stack/NAME/ID
  const [, partition, , region, account] = (stack.StackId ?? '').split(':');
  const lambdaArn = (name: string | undefined) =>
    name && !name.startsWith('arn:') && partition && region && account
      ? `arn:${partition}:lambda:${region}:${account}:function:${name}`
      : name;
  const routingFlow = find(resources, STACK_PIECES.routingFlow);
  const whisperFlow = find(resources, STACK_PIECES.whisperFlow);
  const instanceArn = [routingFlow, whisperFlow]
    .find((arn) => arn?.includes('/contact-flow/'))
    ?.replace(/\/contact-flow\/.*$/, '');
  const outputs = stack.Outputs ?? [];
  const pieces: Omit<Deployment, 'from'> = {
    instanceArn,
    entryFunction:
      find(resources, STACK_PIECES.entryAlias) ?? lambdaArn(find(resources, STACK_PIECES.entryFunction)),
    routingFlowArn: routingFlow,
    whisperFlowArn: whisperFlow,
    tableName: output(outputs, STACK_OUTPUTS.tableName) ?? find(resources, STACK_PIECES.table),
    contactIndexerArn: lambdaArn(find(resources, STACK_PIECES.contactIndexer)),
    agentIndexerName: find(resources, STACK_PIECES.agentIndexer),
    agentEventStreamArn: output(outputs, STACK_OUTPUTS.agentEventStreamArn),
    stackStatus: stack.StackStatus,
  };
  return {
    from: `stack ${stack.StackName ?? ''}`.trim(),
    ...Object.fromEntries(Object.entries(pieces).filter(([, v]) => v !== undefined)),
  };
}

/** DescribeStacks and ListStackResources (all pages) of one stack. */
export async function resolveStack(
  cfn: CloudFormationClient,
  stackName: string,
  call: () => { abortSignal: AbortSignal },
): Promise<Deployment> {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }), call());
  const stack = Stacks?.[0];
  if (!stack) throw new StackError(`stack ${stackName} was not found`);
  const resources: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }), call());
    resources.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return deploymentFromStack(stack, resources);
}
