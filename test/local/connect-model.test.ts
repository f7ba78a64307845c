import { request } from 'node:http';
import {
  ConnectClient,
  DescribeAgentStatusCommand,
  DescribeQueueCommand,
  DescribeRoutingProfileCommand,
  GetCurrentUserDataCommand,
  ListAgentStatusesCommand,
  ListRoutingProfileQueuesCommand,
  SearchContactsCommand,
  type SearchContactsCommandInput,
  SortableFieldName,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONNECT_DEFAULT_QUOTAS,
  IMPLICIT_ROUTING_PROFILE_ID,
  ScenarioError,
  agentStatusesOf,
  loadScenarioFile,
  parseScenario,
} from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { DEMO, demoScenario } from '../helpers';

const instanceId = DEMO.instance.id;
const agent = (name: string) => DEMO.agents.find((a) => a.username === name) as (typeof DEMO.agents)[number];

const search = (extra: Partial<SearchContactsCommandInput> = {}): SearchContactsCommandInput => ({
  InstanceId: instanceId,
  TimeRange: {
    Type: 'INITIATION_TIMESTAMP',
    StartTime: new Date('2026-11-10T00:00:00Z'),
    EndTime: new Date('2026-11-20T10:00:00Z'),
  },
  SearchCriteria: {
    SearchableContactAttributes: {
      Criteria: [{ Key: 'CustomerPhoneNumber', Values: ['+14155550123'] }],
      MatchType: 'MATCH_ALL',
    },
  },
  ...extra,
});

let connect: LocalConnect;
let client: ConnectClient;
beforeAll(async () => {
  connect = await startLocalConnect(DEMO);
  client = new ConnectClient({
    endpoint: connect.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await connect.close();
});

const rejection = (p: Promise<unknown>) => p.then(() => undefined).catch((e: Error) => e.name);

describe('the local Connect validates requests as AWS model says', () => {
  it.each(Object.values(SortableFieldName))(
    'SearchContacts accepts the model sort field %s',
    async (field) => {
      const out = await client.send(
        new SearchContactsCommand(search({ Sort: { FieldName: field, Order: 'DESCENDING' } })),
      );
      expect(out.Contacts?.length).toBeGreaterThan(0);
    },
  );

  it('SearchContacts rejects ENQUEUE_TIMESTAMP as a sort field, which the model does not list', async () => {
    const sort = { FieldName: 'ENQUEUE_TIMESTAMP', Order: 'DESCENDING' } as never;
    expect(await rejection(client.send(new SearchContactsCommand(search({ Sort: sort }))))).toBe(
      'InvalidParameterException',
    );
  });

  it('SearchContacts sorts by channel, a field the model lists', async () => {
    const out = await client.send(
      new SearchContactsCommand(search({ Sort: { FieldName: 'CHANNEL', Order: 'ASCENDING' } })),
    );
    const channels = out.Contacts?.map((c) => c.Channel) ?? [];
    expect(channels).toEqual([...channels].sort());
  });

  it('SearchContacts with MATCH_NONE returns contacts matching none of the criteria', async () => {
    const attrs = {
      Criteria: [{ Key: 'CustomerPhoneNumber', Values: ['+14155550123'] }],
      MatchType: 'MATCH_NONE' as const,
    };
    const out = await client.send(
      new SearchContactsCommand(
        search({ SearchCriteria: { SearchableContactAttributes: attrs }, MaxResults: 100 }),
      ),
    );
    expect(out.Contacts?.length).toBeGreaterThan(0);
    const ids = new Set(out.Contacts?.map((c) => c.Id));
    const callers = DEMO.contacts.filter((c) => ids.has(c.id)).map((c) => c.attributes.CustomerPhoneNumber);
    expect(callers).not.toContain('+14155550123');
  });

  it.each([
    [
      'an unknown match type',
      { Criteria: [{ Key: 'CustomerPhoneNumber', Values: ['x'] }], MatchType: 'MATCH_SOME' },
    ],
    ['a key longer than 100 characters', { Criteria: [{ Key: 'k'.repeat(101), Values: ['x'] }] }],
    ['more than 20 values', { Criteria: [{ Key: 'CustomerPhoneNumber', Values: Array(21).fill('x') }] }],
    [
      'a value longer than 100 characters',
      { Criteria: [{ Key: 'CustomerPhoneNumber', Values: ['x'.repeat(101)] }] },
    ],
    [
      'more than 15 criteria',
      { Criteria: Array.from({ length: 16 }, () => ({ Key: 'CustomerPhoneNumber', Values: ['x'] })) },
    ],
  ])('SearchContacts rejects %s', async (_label, attrs) => {
    const input = search({ SearchCriteria: { SearchableContactAttributes: attrs as never } });
    expect(await rejection(client.send(new SearchContactsCommand(input)))).toBe('InvalidParameterException');
  });

  it('SearchContacts rejects a channel the model does not know', async () => {
    const input = search({ SearchCriteria: { Channels: ['FAX' as never] } });
    expect(await rejection(client.send(new SearchContactsCommand(input)))).toBe('InvalidParameterException');
  });

  it('SearchContacts rejects a time range longer than 8 weeks, and accepts exactly 8 weeks', async () => {
    const end = new Date('2026-11-20T10:00:00Z');
    const range = (days: number) => ({
      Type: 'INITIATION_TIMESTAMP' as const,
      StartTime: new Date(end.getTime() - days * 86_400_000),
      EndTime: end,
    });
    expect(await rejection(client.send(new SearchContactsCommand(search({ TimeRange: range(57) }))))).toBe(
      'InvalidParameterException',
    );
    expect(await rejection(client.send(new SearchContactsCommand(search({ TimeRange: range(56) }))))).toBe(
      undefined,
    );
  });

  it('GetCurrentUserData takes exactly one filter type per request', async () => {
    const both = { Agents: [agent('alice').id], RoutingProfiles: [IMPLICIT_ROUTING_PROFILE_ID] };
    expect(
      await rejection(client.send(new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: both }))),
    ).toBe('InvalidParameterException');
  });

  it('GetCurrentUserData rejects more than 100 agents', async () => {
    const many = { Agents: Array.from({ length: 101 }, (_, i) => `a-${i}`) };
    expect(
      await rejection(client.send(new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: many }))),
    ).toBe('InvalidParameterException');
  });

  it('a bad percent-escape in the path is a 400 in Connect format, and the server keeps serving', async () => {
    const status = await new Promise<{ code?: number; type?: string | string[] }>((resolve, reject) => {
      const url = new URL(connect.endpoint);
      request({ host: url.hostname, port: url.port, path: '/users/%E0%A4%A/x', method: 'GET' }, (res) => {
        res.resume();
        resolve({ code: res.statusCode, type: res.headers['x-amzn-errortype'] });
      })
        .on('error', reject)
        .end();
    });
    expect(status).toEqual({ code: 400, type: 'InvalidParameterException' });
    const out = await client.send(new SearchContactsCommand(search()));
    expect(out.Contacts?.length).toBeGreaterThan(0);
  });
});

describe('the local Connect serves agent state as Connect does', () => {
  it('GetCurrentUserData returns the next status, the routing profile and the maximum slots', async () => {
    const frank = agent('frank');
    const out = await client.send(
      new GetCurrentUserDataCommand({ InstanceId: instanceId, Filters: { Agents: [frank.id] } }),
    );
    const data = out.UserDataList?.[0];
    expect(data?.NextStatus).toBe('Lunch');
    expect(data?.RoutingProfile?.Id).toBe(frank.routingProfileId);
    expect(data?.MaxSlotsByChannel).toEqual({ VOICE: 1 });
    expect(data?.Status?.StatusArn).toMatch(/\/agent-state\//);
  });

  it('ListAgentStatuses returns every status with its type, filterable by type', async () => {
    const all = await client.send(new ListAgentStatusesCommand({ InstanceId: instanceId }));
    expect(all.AgentStatusSummaryList?.map((s) => [s.Name, s.Type])).toEqual(
      DEMO.agentStatuses?.map((s) => [s.name, s.type]),
    );
    const custom = await client.send(
      new ListAgentStatusesCommand({ InstanceId: instanceId, AgentStatusTypes: ['CUSTOM'] }),
    );
    expect(custom.AgentStatusSummaryList?.every((s) => s.Type === 'CUSTOM')).toBe(true);
  });

  it('ListAgentStatuses paginates with the model page size', async () => {
    const first = await client.send(new ListAgentStatusesCommand({ InstanceId: instanceId, MaxResults: 1 }));
    expect(first.AgentStatusSummaryList).toHaveLength(1);
    const second = await client.send(
      new ListAgentStatusesCommand({ InstanceId: instanceId, MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(second.AgentStatusSummaryList?.[0]?.Name).not.toBe(first.AgentStatusSummaryList?.[0]?.Name);
    expect(
      await rejection(
        client.send(new ListAgentStatusesCommand({ InstanceId: instanceId, MaxResults: 1001 })),
      ),
    ).toBe('InvalidParameterException');
  });

  it('DescribeAgentStatus returns the status and its type', async () => {
    const lunch = DEMO.agentStatuses?.find((s) => s.name === 'Lunch');
    const out = await client.send(
      new DescribeAgentStatusCommand({ InstanceId: instanceId, AgentStatusId: lunch?.id }),
    );
    expect(out.AgentStatus).toMatchObject({ Name: 'Lunch', Type: 'CUSTOM' });
  });

  it('ListRoutingProfileQueues lists the queues of the profile per channel', async () => {
    const erin = agent('erin');
    const out = await client.send(
      new ListRoutingProfileQueuesCommand({
        InstanceId: instanceId,
        RoutingProfileId: erin.routingProfileId,
      }),
    );
    const billing = DEMO.queues.find((q) => q.name === 'Billing');
    expect(out.RoutingProfileQueueConfigSummaryList?.map((q) => [q.QueueId, q.Channel])).toEqual([
      [billing?.id, 'VOICE'],
    ]);
  });

  it('DescribeRoutingProfile returns the media concurrency', async () => {
    const out = await client.send(
      new DescribeRoutingProfileCommand({
        InstanceId: instanceId,
        RoutingProfileId: agent('erin').routingProfileId,
      }),
    );
    expect(out.RoutingProfile?.MediaConcurrencies).toEqual([{ Channel: 'VOICE', Concurrency: 1 }]);
  });

  it('DescribeQueue returns an enabled queue and 404s on an unknown one', async () => {
    const claims = DEMO.queues[0];
    const out = await client.send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: claims?.id }));
    expect(out.Queue).toMatchObject({ Name: claims?.name, Status: 'ENABLED' });
    expect(
      await rejection(client.send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: 'nope' }))),
    ).toBe('ResourceNotFoundException');
  });
});

describe('scenario files', () => {
  it('a scenario without statuses or profiles still loads: Available is ROUTABLE, Offline OFFLINE, others CUSTOM', () => {
    const agents = DEMO.agents.map(({ routingProfileId: _, nextStatus: __, ...a }) => a);
    const old = parseScenario({ ...DEMO, agents, agentStatuses: undefined, routingProfiles: undefined });
    const types = Object.fromEntries(agentStatusesOf(old).map((s) => [s.name, s.type]));
    expect(types).toMatchObject({ Available: 'ROUTABLE', Offline: 'OFFLINE', Lunch: 'CUSTOM' });
  });

  it.each([
    ['a duplicate contact id', { contacts: [...DEMO.contacts, DEMO.contacts[0]] }, /duplicate contact/],
    ['a duplicate agent id', { agents: [...DEMO.agents, DEMO.agents[0]] }, /duplicate agent/],
    [
      'an agent on a status the scenario does not list',
      { agents: DEMO.agents.map((a, i) => (i === 0 ? { ...a, status: 'Napping' } : a)) },
      /agents\[0\]\.status "Napping" names no agent status/,
    ],
    [
      'an agent in an unknown routing profile',
      { agents: DEMO.agents.map((a, i) => (i === 0 ? { ...a, routingProfileId: 'nope' } : a)) },
      /agents\[0\]\.routingProfileId "nope" names no routing profile/,
    ],
  ])('%s is an error naming it', (_label, overrides, message) => {
    expect(() => demoScenario(overrides as never)).toThrow(message);
    expect(() => demoScenario(overrides as never)).toThrow(ScenarioError);
  });

  it('a scenario file saved with a UTF-8 byte-order mark loads', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/scenario-`);
    writeFileSync(`${dir}/bom.json`, `\uFEFF${JSON.stringify(DEMO)}`);
    expect(loadScenarioFile(`${dir}/bom.json`).agents).toHaveLength(DEMO.agents.length);
  });

  it('connect-defaults carries SearchContacts its own quota: 0.5 per second, burst 1', () => {
    expect(CONNECT_DEFAULT_QUOTAS.SearchContacts).toEqual({ rps: 0.5, burst: 1 });
    expect(CONNECT_DEFAULT_QUOTAS.GetContactAttributes).toEqual({ rps: 10, burst: 15 });
    expect(CONNECT_DEFAULT_QUOTAS.GetCurrentUserData).toEqual({ rps: 2, burst: 5 });
  });
});

describe('the local Connect stays robust', () => {
  it('closing ends a pending injected delay at once instead of holding the process', async () => {
    const slow = await startLocalConnect(
      demoScenario({
        faults: { seed: 1, inject: [{ operation: '*', kind: 'slow', rate: 1, delayMs: 60_000 }] } as never,
      }),
    );
    const c = new ConnectClient({
      endpoint: slow.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const pending = c.send(new SearchContactsCommand(search())).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await slow.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(5_000);
    c.destroy();
  });

  it('rejects a delay a Node timer cannot hold instead of firing it after 1 ms', async () => {
    const { parseFault } = await import('../../local/connect/faults');
    expect(() => parseFault('SearchContacts:slow:1:2147483648')).toThrow(/DELAY_MS at most 2147483647/);
    expect(() =>
      demoScenario({
        faults: { seed: 1, inject: [{ operation: '*', kind: 'slow', rate: 1, delayMs: 2 ** 31 }] } as never,
      }),
    ).toThrow(ScenarioError);
  });
});
