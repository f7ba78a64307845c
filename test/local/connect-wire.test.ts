import {
  ConnectClient,
  DescribeContactCommand,
  DescribeUserCommand,
  GetContactAttributesCommand,
  GetCurrentUserDataCommand,
  SearchContactsCommand,
  type SearchContactsCommandInput,
  paginateSearchContacts,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Faults, Scenario } from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { DEMO, demoScenario } from '../helpers';

const instanceId = DEMO.instance.id;
const alice = DEMO.agents.find((a) => a.username === 'alice');
const bob = DEMO.agents.find((a) => a.username === 'bob');

function clientFor(connect: LocalConnect): ConnectClient {
  return new ConnectClient({
    endpoint: connect.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

const search = (
  phone: string,
  extra: Partial<SearchContactsCommandInput> = {},
): SearchContactsCommandInput => ({
  InstanceId: instanceId,
  TimeRange: {
    Type: 'INITIATION_TIMESTAMP',
    StartTime: new Date('2026-11-10T00:00:00Z'),
    EndTime: new Date('2026-11-20T10:00:00Z'),
  },
  SearchCriteria: {
    SearchableContactAttributes: {
      Criteria: [{ Key: 'CustomerPhoneNumber', Values: [phone] }],
      MatchType: 'MATCH_ALL',
    },
  },
  Sort: { FieldName: 'INITIATION_TIMESTAMP', Order: 'DESCENDING' },
  ...extra,
});

describe('local Connect speaks the real SDK wire format', () => {
  let connect: LocalConnect;
  let client: ConnectClient;
  beforeAll(async () => {
    connect = await startLocalConnect(demoScenario({ faults: { seed: 1, inject: [] } as unknown as Faults }));
    client = clientFor(connect);
  });
  afterAll(async () => {
    client.destroy();
    await connect.close();
  });

  it('SearchContacts returns contacts with epoch timestamps parsed into Dates', async () => {
    const out = await client.send(new SearchContactsCommand(search('+14155550123')));

    expect(out.Contacts).toHaveLength(2);
    expect(out.TotalCount).toBe(2);
    const [newest] = out.Contacts ?? [];
    expect(newest?.AgentInfo?.Id).toBe(alice?.id);
    expect(newest?.AgentInfo?.ConnectedToAgentTimestamp).toEqual(new Date('2026-11-18T07:00:40Z'));
    expect(newest?.InitiationTimestamp).toBeInstanceOf(Date);
  });

  it('SearchContacts sorts newest first and honours the time range type', async () => {
    const out = await client.send(
      new SearchContactsCommand(
        search('+14155550127', {
          TimeRange: {
            Type: 'CONNECTED_TO_AGENT_TIMESTAMP',
            StartTime: new Date('2026-11-10T00:00:00Z'),
            EndTime: new Date('2026-11-20T10:00:00Z'),
          },
          Sort: { FieldName: 'CONNECTED_TO_AGENT_TIMESTAMP', Order: 'DESCENDING' },
        }),
      ),
    );
    // 13 contacts for this caller, one reached an agent.
    expect(out.Contacts?.map((c) => c.AgentInfo?.Id)).toEqual([alice?.id]);
  });

  it('SearchContacts paginates with opaque tokens through the SDK paginator', async () => {
    const pages = [];
    for await (const page of paginateSearchContacts({ client, pageSize: 5 }, search('+14155550127')))
      pages.push(page);

    expect(pages.map((p) => p.Contacts?.length)).toEqual([5, 5, 3]);
    const ids = pages.flatMap((p) => p.Contacts?.map((c) => c.Id) ?? []);
    expect(new Set(ids).size).toBe(13);
    const times = pages.flatMap((p) => p.Contacts?.map((c) => c.InitiationTimestamp?.getTime() ?? 0) ?? []);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('SearchContacts rejects a token from another query', async () => {
    const first = await client.send(new SearchContactsCommand(search('+14155550127', { MaxResults: 5 })));
    const reuse = client.send(
      new SearchContactsCommand(search('+14155550123', { MaxResults: 5, NextToken: first.NextToken })),
    );
    await expect(reuse).rejects.toMatchObject({
      name: 'InvalidParameterException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it.each([0, 101])('SearchContacts rejects MaxResults %i like Connect', async (max) => {
    await expect(
      client.send(new SearchContactsCommand(search('+14155550123', { MaxResults: max }))),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('SearchContacts rejects a time range that ends before it starts', async () => {
    const bad = search('+14155550123', {
      TimeRange: {
        Type: 'INITIATION_TIMESTAMP',
        StartTime: new Date('2026-11-20'),
        EndTime: new Date('2026-11-19'),
      },
    });
    await expect(client.send(new SearchContactsCommand(bad))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('StartTime'),
    });
  });

  it('SearchContacts rejects an attribute key that is not searchable', async () => {
    const bad = search('+14155550123');
    bad.SearchCriteria = {
      SearchableContactAttributes: { Criteria: [{ Key: 'Secret', Values: ['x'] }], MatchType: 'MATCH_ALL' },
    };
    await expect(client.send(new SearchContactsCommand(bad))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('searchable'),
    });
  });

  it('an unknown instance is ResourceNotFoundException (404)', async () => {
    const bad = { ...search('+14155550123'), InstanceId: '00000000-0000-4000-8000-000000000000' };
    await expect(client.send(new SearchContactsCommand(bad))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('GetCurrentUserData reports status and slots of the filtered agents', async () => {
    const out = await client.send(
      new GetCurrentUserDataCommand({
        InstanceId: instanceId,
        Filters: { Agents: [alice?.id ?? '', bob?.id ?? ''] },
      }),
    );

    const byId = new Map(out.UserDataList?.map((u) => [u.User?.Id, u]));
    expect(byId.get(alice?.id)?.Status?.StatusName).toBe('Available');
    expect(byId.get(alice?.id)?.AvailableSlotsByChannel?.VOICE).toBe(1);
    expect(byId.get(bob?.id)?.AvailableSlotsByChannel?.VOICE).toBe(0);
    expect(byId.get(bob?.id)?.Contacts?.[0]?.AgentContactState).toBe('CONNECTED');
  });

  it('GetCurrentUserData without filters is rejected', async () => {
    await expect(
      client.send(new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: {} })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('DescribeContact returns the contact and 404s on an unknown one', async () => {
    const contact = DEMO.contacts[1];
    const out = await client.send(
      new DescribeContactCommand({ InstanceId: instanceId, ContactId: contact?.id }),
    );
    expect(out.Contact?.Id).toBe(contact?.id);
    expect(out.Contact?.AgentInfo?.Id).toBe(contact?.agentId);

    await expect(
      client.send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'nope' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('GetContactAttributes returns the attributes of the contact chain', async () => {
    const contact = DEMO.contacts.find((c) => c.attributes.csat === '5');
    const out = await client.send(
      new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: contact?.id }),
    );
    expect(out.Attributes).toMatchObject({ csat: '5', CustomerPhoneNumber: '+14155550123' });
  });

  it('DescribeUser returns the agent', async () => {
    const out = await client.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: alice?.id }));
    expect(out.User).toMatchObject({ Username: 'alice', IdentityInfo: { FirstName: 'Alice' } });
  });

  it('an unknown route answers JSON with an error type, not HTML', async () => {
    const res = await fetch(`${connect.endpoint}/no/such/operation`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await res.json()).toEqual({ message: expect.any(String) });
  });

  it('counts requests per operation', async () => {
    connect.resetStats();
    await client.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: alice?.id }));
    expect(connect.stats.DescribeUser.requests).toBe(1);
    expect(connect.stats.SearchContacts.requests).toBe(0);
  });
});

describe('local Connect faults surface as the SDK errors Connect produces', () => {
  const withFault = async (
    faults: Partial<Faults>,
    fn: (c: ConnectClient, l: LocalConnect) => Promise<void>,
  ) => {
    const scenario: Scenario = demoScenario({ faults: { seed: 3, inject: [], ...faults } as Faults });
    const connect = await startLocalConnect(scenario);
    const client = clientFor(connect);
    try {
      await fn(client, connect);
    } finally {
      client.destroy();
      await connect.close();
    }
  };
  const describeAlice = (c: ConnectClient) =>
    c.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: alice?.id }));

  it.each([
    ['throttle', 'ThrottlingException', 429],
    ['error500', 'InternalServiceException', 500],
    ['error503', 'ServiceUnavailableException', 503],
  ] as const)('an injected %s is %s (%i)', async (kind, name, status) => {
    await withFault({ inject: [{ operation: '*', kind, rate: 1, delayMs: 0 }] }, async (client) => {
      await expect(describeAlice(client)).rejects.toMatchObject({
        name,
        $metadata: { httpStatusCode: status },
      });
    });
  });

  it('a malformed body fails to deserialize', async () => {
    await withFault(
      { inject: [{ operation: 'DescribeUser', kind: 'malformed', rate: 1, delayMs: 0 }] },
      async (c) => {
        // The SDK reports a 200 whose JSON breaks off as a deserialization SyntaxError.
        const err = await describeAlice(c).then(
          () => undefined,
          (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
        );
        expect(err?.name).toBe('SyntaxError');
        expect(err?.message).toMatch(/Deserialization error/);
        expect(err?.$metadata?.httpStatusCode).toBe(200);
      },
    );
  });

  it('a reset connection fails with a network error', async () => {
    await withFault(
      { inject: [{ operation: 'DescribeUser', kind: 'reset', rate: 1, delayMs: 0 }] },
      async (c) => {
        await expect(describeAlice(c)).rejects.toMatchObject({
          code: expect.stringMatching(/ECONNRESET|EPIPE/),
        });
      },
    );
  });

  it('a rate limit admits the burst and throttles the rest, like Connect quotas', async () => {
    await withFault({ throttle: { DescribeUser: { rps: 1, burst: 3 } } }, async (client, connect) => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => describeAlice(client)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(connect.stats.DescribeUser.throttled).toBe(3);
    });
  });

  it('latency follows the configured median', async () => {
    await withFault({ latencyMs: { median: 40, p99: 60 } }, async (client) => {
      const started = performance.now();
      await describeAlice(client);
      expect(performance.now() - started).toBeGreaterThanOrEqual(20);
    });
  });
});
