import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ContactFlowOptions } from '../../infra/contact-flow';
import { parseDeployContext } from '../../infra/context';
import { LastAgentRoutingStack } from '../../infra/stack';

export const INSTANCE_ARN =
  'arn:aws:connect:eu-west-2:123456789012:instance/11111111-2222-4333-8444-555555555555';
export const QUEUE_ARN = `${INSTANCE_ARN}/queue/aaaaaaaa-2222-4333-8444-555555555555`;

/**
 * A stack as `cdk synth -c …` builds it; Lambda bundling is skipped (tested separately).
 *
 * CDK's built-in CloudFormation template validation is off here: without the
 * `@aws-cdk/core:validateAgainstDefaultRules` flag (this project does not set it) it only prints
 * warnings and can fail no test, yet its WebAssembly engine took about 3 s of CPU per synth with a
 * new set of resource types, about half the CPU of the infra tests. `npm run synth` still runs it.
 */
export function buildStack(context: Record<string, string> = {}, options: { nag?: boolean } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const all: Record<string, string> = { instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN, ...context };
  const settings = parseDeployContext((k) => all[k]);
  const stack = new LastAgentRoutingStack(app, 'LastAgentRouting', {
    settings,
    env: { account: '123456789012', region: 'eu-west-2' },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

export const WAIT_FLOW_ARN = `${INSTANCE_ARN}/contact-flow/bbbbbbbb-2222-4333-8444-555555555555`;
export const WHISPER_FLOW_ARN = `${INSTANCE_ARN}/contact-flow/cccccccc-2222-4333-8444-555555555555`;

/** Options of the inbound flow as the stack passes them, with overrides. */
export const flowOptions = (o: Partial<ContactFlowOptions> = {}): ContactFlowOptions => ({
  lambdaArn: 'arn:aws:lambda:eu-west-2:123456789012:function:decide',
  defaultQueueArn: QUEUE_ARN,
  mode: 'preferred-agent',
  preferredAgentSeconds: 30,
  attributeKey: 'CustomerPhoneNumber',
  lambdaTimeoutSeconds: 8,
  keyMode: 'e164',
  agentWaitQueueFlowArn: WAIT_FLOW_ARN,
  agentWhisperFlowArn: WHISPER_FLOW_ARN,
  ...o,
});
