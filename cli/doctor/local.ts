import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { buildContactFlow } from '../../infra/contact-flow';
import { buildAgentWhisperFlow } from '../../infra/whisper';
import { type Scenario, type ScenarioFlow, loadScenarioFile, stableId } from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { startLocalLambda } from '../../local/lambda/server';
import { DEMO_SCENARIO } from '../../local/scenarios';
import { startLocalServiceQuotas } from '../../local/service-quotas/server';
import { LOCAL_TABLE_NAME, type LocalSession, startLocalSession } from '../../local/session';
import { defaultDecision, toFlowResponse } from '../../steps/lib/decision/decision';
import { loadConfig } from '../../steps/lib/runtime/config';
import type { Env } from './configuration';
import type { Deployment } from './context';
import { type DoctorReport, runDoctor } from './run';

/**
 * `doctor --local`: every check against the local servers, with the demo scenario. The local
 * Connect holds the product's own flows, built as the CDK app builds them (infra/contact-flow.ts,
 * infra/whisper.ts, with the local function's and queue's ARNs) and a phone number that enters
 * the routing flow; a local Lambda serves the entry function in-process (the local pipeline of
 * local/session.ts, its environment the LAST_AGENT_* settings of this shell); with an index
 * source the local DynamoDB holds the routing-state table the demo fills. So `configuration`,
 * `decision`, `flows` and `routing-table` run for real. `contact-events` and `agent-events` have
 * no local EventBridge or Kinesis to read: skipped, with the reason.
 */

/** The made-up entry function the local run associates with the demo instance. */
export const LOCAL_FUNCTION_NAME = 'last-agent-entry-local';
/** The demo instance's phone number: the SystemEndpoint of every local event (local/connect/events.ts). */
export const LOCAL_PHONE_NUMBER = '+18005550100';

export const LOCAL_SKIPS = {
  'contact-events':
    "No EventBridge locally: the local run hands the scenario's contact events to the contact indexer directly (local/index-replay.ts). On AWS this reads the rule (events:ListRuleNamesByTarget, events:DescribeRule).",
  'agent-events':
    "No Kinesis locally: the local run hands the agents' events to the agent indexer directly (local/index-replay.ts). On AWS this reads the instance's agent event stream and the indexer's event source mapping (connect:ListInstanceStorageConfigs, lambda:ListEventSourceMappings).",
} as const;
/** dynalite 4 (the local DynamoDB) has no TTL: DescribeTimeToLive always says DISABLED (local/dynamodb/server.ts). */
export const LOCAL_TTL_UNAVAILABLE = 'the local DynamoDB, dynalite, implements no TTL';

export interface LocalDoctorOptions {
  attributeKey?: string | undefined;
  testCaller?: string | undefined;
  phoneNumber?: string | undefined;
  env?: Env;
}

/** The settings the local entry function loads: this shell's, with the table the local run creates. */
function functionEnvironment(env: Env): Record<string, string> {
  const vars = Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[0].startsWith('LAST_AGENT_') && typeof e[1] === 'string' && e[1] !== '',
    ),
  );
  if (vars.LAST_AGENT_SOURCE && vars.LAST_AGENT_SOURCE !== 'search' && !vars.LAST_AGENT_TABLE_NAME)
    vars.LAST_AGENT_TABLE_NAME = LOCAL_TABLE_NAME;
  return vars;
}

/** The demo instance with the product's flows, the local entry function and a phone number. */
export function localScenario(env: Env): {
  scenario: Scenario;
  functionArn: string;
  routingFlowArn: string;
  whisperFlowArn: string;
} {
  const demo = loadScenarioFile(DEMO_SCENARIO);
  const { id, region, accountId } = demo.instance;
  const instanceArn = `arn:aws:connect:${region}:${accountId}:instance/${id}`;
  const functionArn = `arn:aws:lambda:${region}:${accountId}:function:${LOCAL_FUNCTION_NAME}`;
  let settings: { attributeKey: string; keyMode: 'e164' | 'hmac-sha256' };
  try {
    settings = loadConfig(functionEnvironment(env));
  } catch {
    // An invalid configuration is the configuration check's finding; the flows still exist.
    settings = loadConfig({});
  }
  const flow = (name: string, type: ScenarioFlow['type'], content: object): ScenarioFlow => ({
    id: stableId('contact-flow', name),
    name,
    type,
    state: 'ACTIVE',
    status: 'PUBLISHED',
    content: JSON.stringify(content),
  });
  const whisper = flow('Returning-caller routing - agent whisper', 'AGENT_WHISPER', buildAgentWhisperFlow());
  const whisperFlowArn = `${instanceArn}/contact-flow/${whisper.id}`;
  // As infra/stack.ts addContactFlows builds the inbound flow (preferred-agent mode, the defaults).
  const routing = flow(
    'Returning-caller routing',
    'CONTACT_FLOW',
    buildContactFlow({
      lambdaArn: functionArn,
      defaultQueueArn: `${instanceArn}/queue/${demo.queues[0]?.id}`,
      mode: 'preferred-agent',
      preferredAgentSeconds: 30,
      attributeKey: settings.attributeKey,
      lambdaTimeoutSeconds: 8,
      keyMode: settings.keyMode,
      agentWhisperFlowArn: whisperFlowArn,
    }),
  );
  const scenario: Scenario = {
    ...demo,
    lambdaFunctions: [...demo.lambdaFunctions, functionArn],
    flows: [...demo.flows, routing, whisper],
    phoneNumbers: [
      ...demo.phoneNumbers,
      {
        id: stableId('phone-number', LOCAL_PHONE_NUMBER),
        number: LOCAL_PHONE_NUMBER,
        countryCode: 'US',
        type: 'TOLL_FREE',
        flowId: routing.id,
      },
    ],
  };
  return {
    scenario,
    functionArn,
    routingFlowArn: `${instanceArn}/contact-flow/${routing.id}`,
    whisperFlowArn,
  };
}

/** The local pipeline, or why the entry function could not start (its configuration). */
async function startPipeline(
  scenario: Scenario,
  env: Record<string, string>,
): Promise<LocalSession | undefined> {
  try {
    return await startLocalSession({ scenario, env });
  } catch {
    return undefined;
  }
}

export async function runLocalDoctor(options: LocalDoctorOptions = {}): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  const { scenario, functionArn, routingFlowArn, whisperFlowArn } = localScenario(env);
  const { region, accountId } = scenario.instance;
  const environment = functionEnvironment(env);
  const session = await startPipeline(scenario, environment);
  // Without a pipeline (an invalid configuration) the instance still answers the other checks.
  const connect: LocalConnect = session?.connect ?? (await startLocalConnect(scenario));
  const lambda = await startLocalLambda({
    region,
    accountId,
    functions: [
      {
        name: LOCAL_FUNCTION_NAME,
        environment,
        // As the entry Lambda's handler: a configuration it rejects is answered CONFIG_ERROR.
        handler: async (event) =>
          session
            ? (await session.decide(event)).decision
            : toFlowResponse({ decision: defaultDecision('CONFIG_ERROR'), customerKey: '', decisionMs: 0 }),
      },
    ],
  });
  // GetCurrentUserData is listed (its known code); SearchContacts is not, so its documented default applies.
  const quotas = await startLocalServiceQuotas({
    region,
    accountId,
    quotas: [
      {
        QuotaCode: 'L-9E54B88B',
        QuotaName: 'Rate of GetCurrentUserData API requests',
        Value: 2,
        Unit: 'None',
        Adjustable: true,
        Period: { PeriodValue: 1, PeriodUnit: 'SECOND' },
      },
    ],
  });
  const local = { region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 };
  const clients = {
    connect: new ConnectClient({ ...local, endpoint: connect.endpoint }),
    serviceQuotas: new ServiceQuotasClient({ ...local, endpoint: quotas.endpoint }),
    lambda: new LambdaClient({ ...local, endpoint: lambda.endpoint }),
    dynamo: session?.dynamo
      ? new DynamoDBClient({ ...local, endpoint: session.dynamo.server.endpoint })
      : undefined,
  };
  const deployment: Deployment = {
    from: 'local',
    instanceArn: connect.instanceArn,
    entryFunction: functionArn,
    routingFlowArn,
    whisperFlowArn,
    ...(session?.config.tableName ? { tableName: session.config.tableName } : {}),
  };
  try {
    return await runDoctor({
      ...clients,
      instanceId: scenario.instance.id,
      instanceArn: connect.instanceArn,
      queueId: scenario.queues[0]?.id,
      functionArn,
      attributeKey: options.attributeKey,
      deployment,
      testCaller: options.testCaller,
      phoneNumber: options.phoneNumber,
      env,
      skip: LOCAL_SKIPS,
      ttlUnavailable: LOCAL_TTL_UNAVAILABLE,
    });
  } finally {
    for (const client of Object.values(clients)) client?.destroy();
    await Promise.all([session ? session.close() : connect.close(), quotas.close(), lambda.close()]);
  }
}
