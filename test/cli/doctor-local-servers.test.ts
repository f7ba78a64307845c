import {
  ConnectClient,
  ContactFlowNotPublishedException,
  DescribeContactFlowCommand,
  ListFlowAssociationsCommand,
  ListPhoneNumbersV2Command,
  ListUsersCommand,
  paginateListUsers,
} from '@aws-sdk/client-connect';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PHONE_NUMBER, localScenario } from '../../cli/doctor/local';
import { ScenarioError, type ScenarioFlow, parseScenario } from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { type LocalLambda, startLocalLambda } from '../../local/lambda/server';
import { DEMO } from '../helpers';

const local = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
};
const rejection = (p: Promise<unknown>) => p.then(() => undefined).catch((e: Error) => e.name);

describe('the local Connect serves the flows, phone numbers and users doctor reads (real SDK client)', () => {
  const built = localScenario({});
  const saved = {
    ...(built.scenario.flows[0] as ScenarioFlow),
    id: 'draft-flow',
    name: 'Draft',
    status: 'SAVED' as const,
  };
  let connect: LocalConnect;
  let client: ConnectClient;
  beforeAll(async () => {
    connect = await startLocalConnect({ ...built.scenario, flows: [...built.scenario.flows, saved] });
    client = new ConnectClient({ ...local, endpoint: connect.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await connect.close();
  });
  const InstanceId = DEMO.instance.id;

  it('DescribeContactFlow by id or ARN, with the content the CDK app writes', async () => {
    const id = built.routingFlowArn.split('/').pop() as string;
    for (const ContactFlowId of [id, built.routingFlowArn]) {
      const { ContactFlow } = await client.send(
        new DescribeContactFlowCommand({ InstanceId, ContactFlowId }),
      );
      expect(ContactFlow).toMatchObject({
        Id: id,
        Arn: built.routingFlowArn,
        Type: 'CONTACT_FLOW',
        State: 'ACTIVE',
        Status: 'PUBLISHED',
      });
      expect(JSON.parse(ContactFlow?.Content ?? '').Actions[0].Parameters.LambdaFunctionARN).toBe(
        built.functionArn,
      );
    }
  });

  it('DescribeContactFlow: a flow never published, an unknown flow, a suffix, another instance', async () => {
    const notPublished = await client
      .send(new DescribeContactFlowCommand({ InstanceId, ContactFlowId: 'draft-flow' }))
      .catch((e: unknown) => e);
    expect(notPublished).toBeInstanceOf(ContactFlowNotPublishedException);
    expect(
      await rejection(client.send(new DescribeContactFlowCommand({ InstanceId, ContactFlowId: 'nope' }))),
    ).toBe('ResourceNotFoundException');
    expect(
      await rejection(
        client.send(
          new DescribeContactFlowCommand({ InstanceId, ContactFlowId: `${built.routingFlowArn}:$SAVED` }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await rejection(
        client.send(
          new DescribeContactFlowCommand({
            InstanceId: '00000000-0000-4000-8000-000000000000',
            ContactFlowId: 'x',
          }),
        ),
      ),
    ).toBe('ResourceNotFoundException');
  });

  it('ListPhoneNumbersV2 by prefix, which must carry the +; the flow association of the number', async () => {
    const { ListPhoneNumbersSummaryList: found } = await client.send(
      new ListPhoneNumbersV2Command({ InstanceId, PhoneNumberPrefix: '+1800' }),
    );
    expect(found).toEqual([
      expect.objectContaining({
        PhoneNumber: LOCAL_PHONE_NUMBER,
        InstanceId,
        PhoneNumberType: 'TOLL_FREE',
        TargetArn: connect.instanceArn,
      }),
    ]);
    const none = await client.send(new ListPhoneNumbersV2Command({ InstanceId, PhoneNumberPrefix: '+44' }));
    expect(none.ListPhoneNumbersSummaryList).toEqual([]);
    expect(
      await rejection(client.send(new ListPhoneNumbersV2Command({ InstanceId, PhoneNumberPrefix: '1800' }))),
    ).toBe('InvalidParameterException');
    expect(
      await rejection(client.send(new ListPhoneNumbersV2Command({ InstanceId, MaxResults: 1001 }))),
    ).toBe('InvalidParameterException');
    const { FlowAssociationSummaryList } = await client.send(
      new ListFlowAssociationsCommand({ InstanceId, ResourceType: 'VOICE_PHONE_NUMBER' }),
    );
    expect(FlowAssociationSummaryList).toEqual([
      {
        ResourceId: found?.[0]?.PhoneNumberArn,
        FlowId: built.routingFlowArn.split('/').pop(),
        ResourceType: 'VOICE_PHONE_NUMBER',
      },
    ]);
    expect(
      await rejection(
        client.send(new ListFlowAssociationsCommand({ InstanceId, ResourceType: 'FAX' as never })),
      ),
    ).toBe('InvalidParameterException');
  });

  it('ListUsers pages through the agents, maxResults 1-1000', async () => {
    const ids: string[] = [];
    for await (const page of paginateListUsers({ client, pageSize: 4 }, { InstanceId }))
      ids.push(...(page.UserSummaryList ?? []).map((u) => u.Id ?? ''));
    expect(ids).toEqual(DEMO.agents.map((a) => a.id));
    expect(connect.stats.ListUsers.requests).toBe(2);
    expect(await rejection(client.send(new ListUsersCommand({ InstanceId, MaxResults: 0 })))).toBe(
      'InvalidParameterException',
    );
  });

  it('a scenario whose phone number names no flow is refused on load', () => {
    expect(() =>
      parseScenario({ ...DEMO, phoneNumbers: [{ id: 'n1', number: '+18005550100', flowId: 'missing' }] }),
    ).toThrow(ScenarioError);
    expect(() => parseScenario({ ...DEMO, phoneNumbers: [{ id: 'n1', number: '18005550100' }] })).toThrow(
      ScenarioError,
    );
  });
});

describe('the local Lambda speaks the Lambda wire format (real SDK client)', () => {
  let lambda: LocalLambda;
  let client: LambdaClient;
  beforeAll(async () => {
    lambda = await startLocalLambda({
      region: 'us-east-1',
      accountId: '123456789012',
      functions: [
        {
          name: 'echo',
          environment: { LAST_AGENT_SOURCE: 'index' },
          handler: async (event) => ({ got: event }),
        },
        {
          name: 'broken',
          environment: {},
          handler: async () => {
            throw new RangeError('out of range');
          },
        },
      ],
    });
    client = new LambdaClient({ ...local, endpoint: lambda.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await lambda.close();
  });
  const payload = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const text = (p: Uint8Array | undefined) => (p ? new TextDecoder().decode(p) : '');

  it('invokes by name, ARN or partial ARN and answers the payload', async () => {
    for (const FunctionName of ['echo', lambda.functionArn('echo'), '123456789012:function:echo']) {
      const out = await client.send(new InvokeCommand({ FunctionName, Payload: payload({ a: 1 }) }));
      expect(out.StatusCode).toBe(200);
      expect(out.FunctionError).toBeUndefined();
      expect(JSON.parse(text(out.Payload))).toEqual({ got: { a: 1 } });
    }
    expect(lambda.invocations.echo).toBe(3);
  });

  it('a handler error is a 200 with FunctionError and the error in the payload; unknown functions are 404', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'broken', Payload: payload({}) }));
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toEqual({ errorType: 'RangeError', errorMessage: 'out of range' });
    expect(await rejection(client.send(new InvokeCommand({ FunctionName: 'nope' })))).toBe(
      'ResourceNotFoundException',
    );
    expect(
      await rejection(client.send(new InvokeCommand({ FunctionName: '999999999999:function:echo' }))),
    ).toBe('ResourceNotFoundException');
    const dry = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
  });

  it('GetFunctionConfiguration reports the environment', async () => {
    const out = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }));
    expect(out).toMatchObject({
      FunctionName: 'echo',
      FunctionArn: lambda.functionArn('echo'),
      Environment: { Variables: { LAST_AGENT_SOURCE: 'index' } },
    });
  });
});
