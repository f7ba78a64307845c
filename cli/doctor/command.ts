import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { UsageError } from '../usage';
import { type Deployment, problemOf } from './context';
import { formatDoctor } from './format';
import { runLocalDoctor } from './local';
import { type DoctorReport, regionOf, runDoctor } from './run';
import { StackError, resolveStack } from './stack';

const ARN_PARTITION = 'arn:aws(?:-[a-z]+)*';
const INSTANCE_ARN = new RegExp(`^${ARN_PARTITION}:connect:([a-z0-9-]+):(\\d{12}):instance/([A-Za-z0-9-]+)$`);
const QUEUE_ARN = new RegExp(
  `^${ARN_PARTITION}:connect:([a-z0-9-]+):(\\d{12}):instance/([A-Za-z0-9-]+)/queue/([A-Za-z0-9-]+)$`,
);
const FLOW_ARN = new RegExp(
  `^${ARN_PARTITION}:connect:([a-z0-9-]+):(\\d{12}):instance/([A-Za-z0-9-]+)/contact-flow/([A-Za-z0-9-]+)$`,
);
const LAMBDA_ARN = new RegExp(
  `^${ARN_PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$`,
);
/** The keys the product accepts (LAST_AGENT_ATTRIBUTE_KEY). */
const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]{1,100}$/;
/** CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128 (or the stack's ARN). */
const STACK_NAME =
  /^([A-Za-z][A-Za-z0-9-]{0,127}|arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/[A-Za-z][A-Za-z0-9-]*\/[A-Za-z0-9-]+)$/;
/** DynamoDB table names: 3-255 letters, digits, "_", "-" or ".". */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** The options of `last-agent doctor` as parseArgs gives them (the parser is in cli/doctor.ts). */
export interface DoctorValues {
  'instance-id'?: string | undefined;
  region?: string | undefined;
  'queue-id'?: string | undefined;
  'queue-arn'?: string | undefined;
  'function-arn'?: string | undefined;
  'attribute-key'?: string | undefined;
  'stack-name'?: string | undefined;
  'flow-arn'?: string | undefined;
  table?: string | undefined;
  'test-caller'?: string | undefined;
  'phone-number'?: string | undefined;
  local?: boolean | undefined;
  json?: boolean | undefined;
}
type Values = DoctorValues;

/** An E.164 number as libphonenumber reads it (the product's own normaliser), or a usage error. */
function e164(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parsePhoneNumberFromString(value);
  if (!parsed?.isValid() || parsed.number !== value)
    throw new UsageError(
      `--${flag} must be a valid phone number in E.164 form, + and digits such as +12025550100`,
    );
  return value;
}

function checkedValues(values: Values): Values {
  const key = values['attribute-key'];
  if (key !== undefined && !ATTRIBUTE_KEY.test(key))
    throw new UsageError(
      `the attribute key "${key}" is not valid: letters, digits, "_" or "-", at most 100 characters`,
    );
  e164('test-caller', values['test-caller']);
  e164('phone-number', values['phone-number']);
  if (values['queue-id'] && values['queue-arn'])
    throw new UsageError('give --queue-id or --queue-arn, not both');
  if (values['stack-name'] !== undefined && !STACK_NAME.test(values['stack-name']))
    throw new UsageError(
      '--stack-name must be a CloudFormation stack name (a letter, then letters, digits and -) or a stack ARN',
    );
  if (values.table !== undefined && !TABLE_NAME.test(values.table))
    throw new UsageError('--table must be a DynamoDB table name: 3-255 letters, digits, "_", "-" or "."');
  const fn = values['function-arn'];
  if (fn && !LAMBDA_ARN.test(fn))
    throw new UsageError(
      '--function-arn must be a Lambda function ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME',
    );
  if (values['flow-arn'] !== undefined && !FLOW_ARN.test(values['flow-arn']))
    throw new UsageError(
      '--flow-arn must be a flow ARN, arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/contact-flow/FLOW_ID',
    );
  return values;
}

/** Runs the doctor with parsed options: checks them, then the local run or the real one. */
export async function runDoctorWith(parsed: DoctorValues): Promise<number> {
  const values = checkedValues(parsed);
  const print = (report: DoctorReport) => {
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatDoctor(report)}\n`);
    return report.ok ? 0 : 1;
  };
  const common = {
    attributeKey: values['attribute-key'],
    testCaller: values['test-caller'],
    phoneNumber: values['phone-number'],
  };
  if (values.local) {
    for (const flag of [
      'instance-id',
      'region',
      'queue-id',
      'queue-arn',
      'function-arn',
      'stack-name',
      'flow-arn',
      'table',
    ] as const)
      if (values[flag] !== undefined)
        throw new UsageError(`--local checks the demo scenario; drop --${flag}`);
    return print(await runLocalDoctor(common));
  }
  if (!values['instance-id'] && !values['stack-name'])
    throw new UsageError(
      'doctor needs --instance-id or --stack-name (or --local to try it on the demo scenario)',
    );
  return print(await runRemote(values, common));
}

/** The instance id and Region from --instance-id (an id or an ARN), the deployment's instance, --region. */
function instanceOf(
  values: Values,
  deployment: Deployment | undefined,
): { instanceId: string; instanceArn?: string; region?: string } {
  const given = values['instance-id'] ?? deployment?.instanceArn;
  if (!given) throw new UsageError('the stack names no instance (no flow found): pass --instance-id');
  const arn = INSTANCE_ARN.exec(given);
  if (!arn) {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(given))
      throw new UsageError('--instance-id must be an instance id (or an instance ARN)');
    const fromStack = deployment?.instanceArn && INSTANCE_ARN.exec(deployment.instanceArn);
    if (fromStack && fromStack[3] !== given)
      throw new UsageError(
        `--instance-id ${given} is not the deployment's instance ${fromStack[3]} (from --stack-name or --flow-arn)`,
      );
    return {
      instanceId: given,
      ...(fromStack ? { instanceArn: deployment?.instanceArn as string } : {}),
      ...(values.region ? { region: values.region } : {}),
    };
  }
  if (values.region && values.region !== arn[1])
    throw new UsageError(`--region ${values.region} does not match the instance ARN's Region ${arn[1]}`);
  if (deployment?.instanceArn && deployment.instanceArn !== given)
    throw new UsageError(`--instance-id ${given} is not the deployment's instance ${deployment.instanceArn}`);
  return { instanceId: arn[3] as string, instanceArn: given, region: arn[1] as string };
}

function queueOf(values: Values, instanceId: string): string | undefined {
  if (!values['queue-arn']) return values['queue-id'];
  const m = QUEUE_ARN.exec(values['queue-arn']);
  if (!m)
    throw new UsageError(
      '--queue-arn must be arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/queue/QUEUE_ID',
    );
  if (m[3] !== instanceId)
    throw new UsageError(`--queue-arn belongs to instance ${m[3]}, not to --instance-id ${instanceId}`);
  return m[4];
}

/** The stack's pieces, then the explicit options over them. */
async function deploymentOf(values: Values, region: string | undefined): Promise<Deployment | undefined> {
  let deployment: Deployment | undefined;
  const stackName = values['stack-name'];
  if (stackName) {
    const cfn = new CloudFormationClient({ maxAttempts: 2, ...(region ? { region } : {}) });
    try {
      deployment = await resolveStack(cfn, stackName, () => ({ abortSignal: AbortSignal.timeout(10_000) }));
    } catch (err) {
      if (err instanceof StackError) throw new UsageError(err.message);
      const { name, message } = problemOf(err);
      throw new UsageError(
        `could not read stack ${stackName} (${name}: ${message}); the doctor needs cloudformation:DescribeStacks and cloudformation:ListStackResources, and the stack's Region (--region or AWS_REGION)`,
      );
    } finally {
      cfn.destroy();
    }
  }
  const explicit = {
    ...(values['function-arn'] ? { entryFunction: values['function-arn'] } : {}),
    ...(values['flow-arn']
      ? {
          routingFlowArn: values['flow-arn'],
          instanceArn: values['flow-arn'].replace(/\/contact-flow\/.*$/, ''),
        }
      : {}),
    ...(values.table ? { tableName: values.table } : {}),
  };
  if (!deployment && Object.keys(explicit).length === 0) return undefined;
  return { ...(deployment ?? { from: 'options' }), ...explicit };
}

/** The instance's ARN from the entry function's partition and account (the stack lives in the instance's account). */
function instanceArnFrom(
  functionArn: string | undefined,
  instanceId: string,
  region: string | undefined,
): string | undefined {
  const [, partition, , , account] = functionArn?.split(':') ?? [];
  return functionArn && region
    ? `arn:${partition}:connect:${region}:${account}:instance/${instanceId}`
    : undefined;
}

async function runRemote(
  values: Values,
  common: {
    attributeKey?: string | undefined;
    testCaller?: string | undefined;
    phoneNumber?: string | undefined;
  },
): Promise<DoctorReport> {
  const fromArn = values['instance-id'] ? INSTANCE_ARN.exec(values['instance-id'])?.[1] : undefined;
  const deployment = await deploymentOf(values, values.region ?? fromArn);
  const { instanceId, instanceArn, region } = instanceOf(values, deployment);
  const flowInstance = values['flow-arn'] ? FLOW_ARN.exec(values['flow-arn'])?.[3] : undefined;
  if (flowInstance && flowInstance !== instanceId)
    throw new UsageError(`--flow-arn belongs to instance ${flowInstance}, not to ${instanceId}`);
  const queueId = queueOf(values, instanceId);
  const config = { maxAttempts: 2, ...(region ? { region } : {}) };
  const clients = {
    connect: new ConnectClient(config),
    serviceQuotas: new ServiceQuotasClient(config),
    // One attempt: a retried Invoke would be a second synthetic decision.
    lambda: new LambdaClient({ ...config, maxAttempts: 1 }),
    dynamo: new DynamoDBClient(config),
    eventBridge: new EventBridgeClient(config),
  };
  try {
    if (!(await regionOf(clients.connect)))
      throw new UsageError(
        'no AWS Region: pass --region, set AWS_REGION, or give the instance ARN as --instance-id',
      );
    return await runDoctor({
      ...clients,
      instanceId,
      instanceArn:
        instanceArn ?? deployment?.instanceArn ?? instanceArnFrom(values['function-arn'], instanceId, region),
      queueId,
      functionArn: values['function-arn'],
      deployment,
      ...common,
    });
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
