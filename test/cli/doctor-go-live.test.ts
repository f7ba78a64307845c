import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { describe, expect, it } from 'vitest';
import {
  type Deployment,
  type DoctorCheck,
  type DoctorOptions,
  type DoctorReport,
  LOCAL_FUNCTION_NAME,
  runDoctor,
} from '../../cli/doctor';
import { LOCAL_PHONE_NUMBER, localScenario } from '../../cli/doctor/local';
import { REASON_GUIDE } from '../../cli/doctor/reasons';
import { matchesContactEvents } from '../../cli/doctor/routing-state';
import { TABLE_ACCESS } from '../../infra/constructs/routing-state';
import { CONNECT_ACCESS } from '../../infra/stack';
import type { Scenario } from '../../local/connect/scenario';
import { startLocalConnect } from '../../local/connect/server';
import { startLocalDynamo } from '../../local/dynamodb/server';
import { type LocalFunction, startLocalLambda } from '../../local/lambda/server';
import { startLocalServiceQuotas } from '../../local/service-quotas/server';
import { Reason } from '../../steps/lib/decision/decision';
import { isSyntheticEvent } from '../../steps/lib/decision/synthetic';
import { DEMO, demoPhone } from '../helpers';
import { runCli } from './run-cli';

const local = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
};
const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${DEMO.instance.id}`;

function check(report: DoctorReport, id: DoctorCheck['id']): DoctorCheck {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

interface Harness {
  /** The scenario the local Connect serves (the product's flows and a phone number by default). */
  scenario?: (s: Scenario) => Scenario;
  /** The local entry function's handler and environment; default: answers NO_RECENT_CONTACT. */
  handler?: LocalFunction['handler'];
  environment?: Record<string, string>;
  deployment?: (d: Deployment) => Deployment;
  options?: Partial<DoctorOptions>;
  table?: 'empty';
  /** Agent-state items to put in the table: agent and age in seconds. */
  agentStates?: { agentId: string; ageSeconds: number }[];
}

const ANSWER = { route: 'DEFAULT', reason: 'NO_RECENT_CONTACT', decisionMs: '12' };

/**
 * The doctor against the local Connect (with the product's flows, as `--local` builds them), a
 * local Lambda serving the entry function, and a local Service Quotas: real SDK clients over HTTP.
 */
async function goLive(h: Harness = {}): Promise<{
  report: DoctorReport;
  events: unknown[];
  invocations: number;
  dynamoReads?: Record<string, number>;
}> {
  const built = localScenario({});
  const scenario = h.scenario ? h.scenario(built.scenario) : built.scenario;
  const events: unknown[] = [];
  const connect = await startLocalConnect(scenario);
  const lambda = await startLocalLambda({
    region: 'us-east-1',
    accountId: '123456789012',
    functions: [
      {
        name: LOCAL_FUNCTION_NAME,
        environment: h.environment ?? {},
        handler: async (event) => {
          events.push(event);
          return h.handler ? h.handler(event) : ANSWER;
        },
      },
    ],
  });
  const quotas = await startLocalServiceQuotas({ quotas: [] });
  const dynamo = h.table ? await startLocalDynamo() : undefined;
  if (dynamo) await dynamo.createRoutingTable('routing-state');
  for (const a of h.agentStates ?? []) {
    const direct = new DynamoDBClient({ ...local, endpoint: dynamo?.directEndpoint });
    await direct.send(
      new PutItemCommand({
        TableName: 'routing-state',
        Item: {
          pk: { S: `A#${a.agentId}` },
          sk: { S: 'A' },
          eventAt: { N: String(Date.now() - a.ageSeconds * 1000) },
        },
      }),
    );
    direct.destroy();
  }
  const clients = {
    connect: new ConnectClient({ ...local, endpoint: connect.endpoint }),
    serviceQuotas: new ServiceQuotasClient({ ...local, endpoint: quotas.endpoint }),
    lambda: new LambdaClient({ ...local, endpoint: lambda.endpoint }),
    dynamo: dynamo ? new DynamoDBClient({ ...local, endpoint: dynamo.endpoint }) : undefined,
  };
  const deployment: Deployment = {
    from: 'test',
    instanceArn: INSTANCE_ARN,
    entryFunction: built.functionArn,
    routingFlowArn: built.routingFlowArn,
    whisperFlowArn: built.whisperFlowArn,
  };
  try {
    const report = await runDoctor({
      ...clients,
      instanceId: scenario.instance.id,
      queueId: scenario.queues[0]?.id,
      deployment: h.deployment ? h.deployment(deployment) : deployment,
      env: {},
      ...h.options,
    });
    const stats = dynamo?.stats;
    return {
      report,
      events,
      invocations: lambda.invocations[LOCAL_FUNCTION_NAME] ?? 0,
      ...(stats
        ? {
            dynamoReads: {
              BatchGetItem: stats.BatchGetItem.requests,
              Scan: stats.Scan.requests,
              Query: stats.Query.requests,
            },
          }
        : {}),
    };
  } finally {
    for (const c of Object.values(clients)) c?.destroy();
    await Promise.all([connect.close(), lambda.close(), quotas.close(), dynamo?.close()]);
  }
}

describe('configuration: the settings the Lambdas load, validated as they validate them', () => {
  it.each([
    ['LAST_AGENT_DEFAULT_COUNTRY', 'UK', '"UK" is not one'],
    ['LAST_AGENT_KEY_MODE', 'md5', 'LAST_AGENT_KEY_MODE'],
    ['LAST_AGENT_DEADLINE_MS', '99999', 'LAST_AGENT_DEADLINE_MS'],
  ])('fails %s=%s, as the entry function would at cold start, and exits 1', async (name, value, says) => {
    const { code, stdout } = await runCli(['doctor', '--local', '--json'], { [name]: value });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(check(report, 'configuration')).toMatchObject({ status: 'fail' });
    expect(check(report, 'configuration').detail).toContain(says);
    // The local entry function loads the same settings: it answers CONFIG_ERROR.
    expect(check(report, 'decision').data).toMatchObject({ route: 'DEFAULT', reason: 'CONFIG_ERROR' });
    expect(check(report, 'decision').status).toBe('fail');
  });

  it("reads the deployed function's environment, not the doctor's, and warns about a misspelt setting", async () => {
    const { report } = await goLive({
      environment: { LAST_AGENT_DEADLINE_MS: '2500', LAST_AGENT_LOOKBACK_DAY: '30' },
      options: { env: { LAST_AGENT_DEADLINE_MS: '99999' } },
    });
    const c = check(report, 'configuration');
    expect(c.status).toBe('warn');
    expect(c.detail).toContain('LAST_AGENT_LOOKBACK_DAY is not a setting');
    expect(c.data).toMatchObject({ from: 'function', settings: { deadlineMs: 2500, lookbackDays: 7 } });
    expect(check(report, 'decision').data).toMatchObject({ budgetMs: 2500 });
  });

  it('fails when the function cannot be read (a deployment that does not exist)', async () => {
    const { report } = await goLive({ deployment: (d) => ({ ...d, entryFunction: 'no-such-function' }) });
    expect(check(report, 'configuration')).toMatchObject({ status: 'fail' });
    expect(check(report, 'configuration').detail).toContain('ResourceNotFoundException');
  });
});

describe('decision: one synthetic call of the deployed entry function', () => {
  it('sends a marked Connect event with the flow parameters and reports route, reason and time', async () => {
    const { report, events, invocations } = await goLive({ options: { phoneNumber: LOCAL_PHONE_NUMBER } });
    expect(invocations).toBe(1);
    expect(isSyntheticEvent(events[0])).toBe(true);
    const event = events[0] as {
      Details: { ContactData: Record<string, unknown>; Parameters: Record<string, string> };
    };
    expect(event.Details.ContactData).toMatchObject({
      InstanceARN: INSTANCE_ARN,
      CustomerEndpoint: { Address: '+12025550100', Type: 'TELEPHONE_NUMBER' },
      SystemEndpoint: { Address: LOCAL_PHONE_NUMBER },
    });
    // What the routing flow passes (its LambdaInvocationAttributes), plus the mark.
    expect(event.Details.Parameters).toMatchObject({
      queueArn: `${INSTANCE_ARN}/queue/${DEMO.queues[0]?.id}`,
      routingMode: 'preferred-agent',
      lastAgentDoctor: 'true',
    });
    const c = check(report, 'decision');
    expect(c).toMatchObject({
      status: 'pass',
      data: {
        route: 'DEFAULT',
        reason: 'NO_RECENT_CONTACT',
        decisionMs: 12,
        budgetMs: 3000,
        testCaller: '+*********00',
      },
    });
    expect(report.touched).toHaveLength(1);
    expect(report.touched[0]).toContain('Details.Parameters.lastAgentDoctor="true"');
    expect(report.touched[0]).toContain('no decision metrics, no routing-state writes');
  });

  it('routes a known caller through the real local pipeline (--local --test-caller)', async () => {
    const { code, stdout } = await runCli([
      'doctor',
      '--local',
      '--json',
      '--test-caller',
      demoPhone('Alice'),
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(check(report, 'decision').data).toMatchObject({
      route: 'LAST_AGENT',
      reason: 'LAST_AGENT_AVAILABLE',
    });
    expect(stdout).not.toContain(demoPhone('Alice'));
  });

  it.each([
    ['LOOKUP_ERROR', 'fail', 'connect:SearchContacts'],
    ['LOOKUP_THROTTLED', 'warn', 'L-9E54B88B'],
    ['LOOKUP_TIMEOUT', 'warn', 'LAST_AGENT_DEADLINE_MS'],
    ['AGENT_BUSY', 'pass', 'the last agent is on another contact'],
  ])('grades %s as %s and says what to do', async (reason, status, says) => {
    const { report } = await goLive({ handler: async () => ({ ...ANSWER, reason }) });
    const c = check(report, 'decision');
    expect(c.status).toBe(status);
    expect(`${c.detail} ${c.hint ?? ''}`).toContain(says);
  });

  it('fails on a function error and on an answer that is not a decision', async () => {
    const thrown = await goLive({
      handler: async () => {
        throw new TypeError('Cannot find module index');
      },
    });
    expect(check(thrown.report, 'decision')).toMatchObject({
      status: 'fail',
      data: { functionError: 'Unhandled' },
    });
    expect(check(thrown.report, 'decision').detail).toContain('Cannot find module index');
    const odd = await goLive({ handler: async () => ({ hello: 'world' }) });
    expect(check(odd.report, 'decision').status).toBe('fail');
    expect(check(odd.report, 'decision').detail).toContain('other than a routing decision');
  });

  it('has one line for every reason code, and the LOOKUP_ERROR line names every permission the stack grants the steps', () => {
    expect(Object.keys(REASON_GUIDE).sort()).toEqual([...Reason.options].sort());
    for (const guide of Object.values(REASON_GUIDE)) expect(guide.means.length).toBeGreaterThan(10);
    const actions = [
      ...Object.values(CONNECT_ACCESS).flatMap((statements) => statements.flatMap((s) => s.actions)),
      ...TABLE_ACCESS.search,
      ...TABLE_ACCESS.availability,
      'states:StartSyncExecution',
    ];
    for (const action of actions) expect(REASON_GUIDE.LOOKUP_ERROR.fix).toContain(action);
    expect(REASON_GUIDE.LOOKUP_THROTTLED.fix).toContain('SearchContacts');
  });
});

describe('flows: the routing and whisper flows are there, published and wired', () => {
  const flowNamed = (s: Scenario, name: string) =>
    s.flows.find((f) => f.name === name) as Scenario['flows'][number];
  const withFlow = (name: string, change: Partial<Scenario['flows'][number]>) => (s: Scenario) => ({
    ...s,
    flows: s.flows.map((f) => (f.name === name ? { ...f, ...change } : f)),
  });

  it('passes for the flows the CDK app writes, and the number that enters the routing flow', async () => {
    const { report } = await goLive({ options: { phoneNumber: LOCAL_PHONE_NUMBER } });
    const c = check(report, 'flows');
    expect(c.status).toBe('pass');
    expect(c.detail).toContain(`${LOCAL_PHONE_NUMBER} enters the routing flow`);
    expect(c.data).toMatchObject({
      routingFlow: { status: 'PUBLISHED', state: 'ACTIVE', type: 'CONTACT_FLOW' },
    });
  });

  it('fails a whisper flow never published, and an archived routing flow', async () => {
    const saved = await goLive({
      scenario: withFlow('Returning-caller routing - agent whisper', { status: 'SAVED' }),
    });
    expect(check(saved.report, 'flows')).toMatchObject({ status: 'fail' });
    expect(check(saved.report, 'flows').detail).toContain('ContactFlowNotPublishedException');
    const archived = await goLive({ scenario: withFlow('Returning-caller routing', { state: 'ARCHIVED' }) });
    expect(check(archived.report, 'flows').detail).toContain('ARCHIVED, not ACTIVE');
  });

  it('fails a routing flow that invokes another function than the deployed one', async () => {
    const { report } = await goLive({
      deployment: (d) => ({ ...d, entryFunction: 'arn:aws:lambda:us-east-1:123456789012:function:other' }),
    });
    expect(check(report, 'flows').status).toBe('fail');
    expect(check(report, 'flows').detail).toContain('not the entry function');
  });

  it('names the flow a number enters when it is not the routing flow (where rollback points back to)', async () => {
    const { report } = await goLive({
      scenario: (s) => {
        const old = {
          ...flowNamed(s, 'Returning-caller routing'),
          id: 'old-inbound-flow',
          name: 'Old inbound',
        };
        return {
          ...s,
          flows: [...s.flows, old],
          phoneNumbers: s.phoneNumbers.map((n) => ({ ...n, flowId: old.id })),
        };
      },
      options: { phoneNumber: LOCAL_PHONE_NUMBER },
    });
    const c = check(report, 'flows');
    expect(c.status).toBe('fail');
    expect(c.detail).toContain('enters flow old-inbound-flow, not the routing flow');
    expect(c.data).toMatchObject({ phoneNumber: { number: LOCAL_PHONE_NUMBER, flowId: 'old-inbound-flow' } });
    expect(c.hint).toContain('associate-phone-number-contact-flow');
    const unclaimed = await goLive({ options: { phoneNumber: '+12025550111' } });
    expect(check(unclaimed.report, 'flows').detail).toContain('is not claimed to instance');
  });

  it('warns when no flow is given', async () => {
    const { report } = await goLive({
      deployment: (d) => ({ from: d.from, entryFunction: d.entryFunction }),
    });
    expect(check(report, 'flows')).toMatchObject({ status: 'warn' });
  });
});

describe('routing-table, contact-events, agent-events (index source)', () => {
  it('--local: the demo fills the table, its agent state is fresh; EventBridge and Kinesis are skipped', async () => {
    const { code, stdout } = await runCli(['doctor', '--local', '--json'], { LAST_AGENT_SOURCE: 'index' });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorReport;
    const table = check(report, 'routing-table');
    expect(table.status).toBe('pass');
    expect(table.data).toMatchObject({
      status: 'ACTIVE',
      users: DEMO.agents.length,
      agentStates: DEMO.agents.length,
    });
    expect(table.data?.newestAgentStateAgeSeconds).toBeLessThan(60);
    for (const id of ['contact-events', 'agent-events'] as const) {
      expect(check(report, id).status).toBe('skip');
      expect(check(report, id).detail).toMatch(/^No (EventBridge|Kinesis) locally/);
    }
    expect(report.summary).toMatchObject({ skip: 2, fail: 0 });
    expect(report.ok).toBe(true);
  });

  it('fails a table without TTL on expiresAt, warns when no agent has state yet', async () => {
    const env = { LAST_AGENT_SOURCE: 'index', LAST_AGENT_TABLE_NAME: 'routing-state' };
    // dynalite answers DescribeTimeToLive DISABLED: what a table created without TTL says.
    const noTtl = await goLive({ table: 'empty', environment: env });
    expect(check(noTtl.report, 'routing-table')).toMatchObject({
      status: 'fail',
      data: { ttl: { status: 'DISABLED' } },
    });
    expect(check(noTtl.report, 'routing-table').hint).toContain('update-time-to-live');
    const empty = await goLive({ table: 'empty', environment: env, options: { ttlUnavailable: 'dynalite' } });
    expect(check(empty.report, 'routing-table')).toMatchObject({ status: 'warn', data: { agentStates: 0 } });
    expect(check(empty.report, 'routing-table').detail).toContain('No agent state yet');
    // Agent state is read by key, a request per 100 agents, never by a Scan.
    expect(empty.dynamoReads).toEqual({ BatchGetItem: 1, Scan: 0, Query: 0 });
    const [alice, bob] = DEMO.agents;
    const stale = await goLive({
      table: 'empty',
      environment: env,
      options: { ttlUnavailable: 'dynalite' },
      agentStates: [
        { agentId: alice?.id as string, ageSeconds: 900 },
        { agentId: bob?.id as string, ageSeconds: 400 },
        { agentId: 'not-an-agent-of-the-instance', ageSeconds: 1 },
      ],
    });
    const staleCheck = check(stale.report, 'routing-table');
    expect(staleCheck).toMatchObject({ status: 'warn', data: { agentStates: 2 } });
    // The newest of the instance's agents (400 s old; the item of a non-agent is not read).
    expect(staleCheck.data?.newestAgentStateAgeSeconds).toBeGreaterThanOrEqual(400);
    expect(staleCheck.data?.newestAgentStateAgeSeconds).toBeLessThan(890);
    const fresh = await goLive({
      table: 'empty',
      environment: env,
      options: { ttlUnavailable: 'dynalite' },
      agentStates: [{ agentId: alice?.id as string, ageSeconds: 30 }],
    });
    expect(check(fresh.report, 'routing-table').status).toBe('pass');
    expect(check(fresh.report, 'routing-table').data?.newestAgentStateAgeSeconds).toBeGreaterThanOrEqual(30);
    // Without the stack, the indexers are unknown: said, not guessed.
    expect(check(empty.report, 'contact-events')).toMatchObject({ status: 'warn' });
    expect(check(empty.report, 'agent-events')).toMatchObject({ status: 'warn' });
  });

  it('does not apply to the search source', async () => {
    const { report } = await goLive();
    for (const id of ['routing-table', 'contact-events', 'agent-events'] as const)
      expect(check(report, id)).toMatchObject({ status: 'skip' });
    expect(report.ok).toBe(true);
  });

  it('reads an EventBridge pattern as matching this instance only', () => {
    const pattern = (instanceArn: string) =>
      JSON.stringify({
        source: ['aws.connect'],
        'detail-type': ['Amazon Connect Contact Event'],
        detail: { instanceArn: [instanceArn], eventType: ['CONNECTED_TO_AGENT'] },
      });
    expect(matchesContactEvents(pattern(INSTANCE_ARN), INSTANCE_ARN)).toBe(true);
    expect(matchesContactEvents(pattern(`${INSTANCE_ARN}x`), INSTANCE_ARN)).toBe(false);
    expect(matchesContactEvents('not json', INSTANCE_ARN)).toBe(false);
  });
});
