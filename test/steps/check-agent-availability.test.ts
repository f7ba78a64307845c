import {
  DescribeUserCommand,
  GetCurrentUserDataCommand,
  ListAgentStatusesCommand,
  ListRoutingProfileQueuesCommand,
  type UserData,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NAME_READ_SHARE, checkAgentAvailability } from '../../steps/check-agent-availability';
import type { StatusTypes } from '../../steps/lib/connect/reference-data';
import { classifyAgent } from '../../steps/lib/decision/agent-status';
import { loadConfig } from '../../steps/lib/runtime/config';
import { INSTANCE_ARN, INSTANCE_ID, stepDeps, throttling } from './fixtures';

const config = loadConfig({});
const ARN = (name: string) => `${INSTANCE_ARN}/agent-state/${name.toLowerCase()}`;
/** An instance whose admins renamed "Available" to "Ready" and added custom statuses. */
const types: StatusTypes = {
  byArn: new Map([
    [ARN('Ready'), 'ROUTABLE'],
    [ARN('Lunch'), 'CUSTOM'],
    [ARN('Offline'), 'OFFLINE'],
    [ARN('Available'), 'CUSTOM'],
  ]),
  byName: new Map([
    ['Ready', 'ROUTABLE'],
    ['Lunch', 'CUSTOM'],
    ['Offline', 'OFFLINE'],
    ['Available', 'CUSTOM'],
  ]),
};
const agent = (status: string | undefined, free: number, extra: Partial<UserData> = {}): UserData => ({
  User: { Id: 'a1' },
  RoutingProfile: { Id: 'rp1' },
  Status: status ? { StatusName: status, StatusArn: ARN(status) } : undefined,
  AvailableSlotsByChannel: { VOICE: free },
  MaxSlotsByChannel: { VOICE: 1 },
  ...extra,
});

describe('classifyAgent', () => {
  it.each([
    ['on a routable status with a free voice slot', agent('Ready', 1), 'AVAILABLE'],
    ['on a routable status, on a call', agent('Ready', 0), 'BUSY'],
    ['on a custom-type status (Lunch)', agent('Lunch', 1), 'NOT_ROUTABLE'],
    ['on an offline-type status', agent('Offline', 0), 'OFFLINE'],
    ['without a status', agent(undefined, 0), 'OFFLINE'],
    ['absent from the answer (logged out)', undefined, 'OFFLINE'],
  ])('an agent %s is %s', (_label, data, expected) => {
    expect(classifyAgent(data, 'VOICE', types, config).status).toBe(expected);
  });

  it('decides routability by the status type, not the name: a status named "Available" of type CUSTOM is not routable', () => {
    expect(classifyAgent(agent('Available', 1), 'VOICE', types, config)).toMatchObject({
      status: 'NOT_ROUTABLE',
      detail: 'CUSTOM_STATUS',
    });
  });

  it('finds the type by the status ARN even when the name in the answer is stale', () => {
    const renamed = agent('Ready', 1, { Status: { StatusName: 'Old name', StatusArn: ARN('Ready') } });
    expect(classifyAgent(renamed, 'VOICE', types, config).status).toBe('AVAILABLE');
  });

  it('treats a status of unknown type as not routable', () => {
    expect(classifyAgent(agent('Training', 1), 'VOICE', types, config).status).toBe('NOT_ROUTABLE');
  });

  it('an agent whose next status is custom is not routable, even while routable now', () => {
    expect(classifyAgent(agent('Ready', 0, { NextStatus: 'Lunch' }), 'VOICE', types, config)).toMatchObject({
      status: 'NOT_ROUTABLE',
      detail: 'NEXT_STATUS_CUSTOM',
    });
  });

  it('an agent whose next status is offline is offline', () => {
    expect(classifyAgent(agent('Ready', 0, { NextStatus: 'Offline' }), 'VOICE', types, config)).toMatchObject(
      {
        status: 'OFFLINE',
        detail: 'NEXT_STATUS_OFFLINE',
      },
    );
  });

  it('an agent whose routing profile has no slot for the channel is not routable for that call', () => {
    const voiceOnly = agent('Ready', 1, { MaxSlotsByChannel: { VOICE: 1 } });
    expect(classifyAgent(voiceOnly, 'CHAT', types, config)).toMatchObject({
      status: 'NOT_ROUTABLE',
      detail: 'NO_CHANNEL',
    });
  });

  it('looks at the slots of the contact channel', () => {
    const data = agent('Ready', 0, {
      AvailableSlotsByChannel: { VOICE: 0, CHAT: 2 },
      MaxSlotsByChannel: { VOICE: 1, CHAT: 2 },
    });
    expect(classifyAgent(data, 'CHAT', types, config).status).toBe('AVAILABLE');
  });

  it('the configured name lists override the type', () => {
    const custom = loadConfig({
      LAST_AGENT_ROUTABLE_STATUSES: 'Lunch',
      LAST_AGENT_OFFLINE_STATUSES: 'Ready',
    });
    expect(classifyAgent(agent('Lunch', 1), 'VOICE', types, custom).status).toBe('AVAILABLE');
    expect(classifyAgent(agent('Ready', 1), 'VOICE', types, custom).status).toBe('OFFLINE');
  });

  it('without status types falls back to Connect built-in names only', () => {
    expect(classifyAgent(agent('Available', 1), 'VOICE', undefined, config).status).toBe('AVAILABLE');
    expect(classifyAgent(agent('Ready', 1), 'VOICE', undefined, config).status).toBe('NOT_ROUTABLE');
  });
});

describe('Check Agent Availability', () => {
  const connect = mockClient(stepDeps().connect);
  beforeEach(() => {
    connect.reset();
    connect.on(ListAgentStatusesCommand).resolves({
      AgentStatusSummaryList: [...types.byName].map(([Name, Type]) => ({ Name, Type, Arn: ARN(Name) })),
    });
    connect.on(ListRoutingProfileQueuesCommand).resolves({
      RoutingProfileQueueConfigSummaryList: [
        { QueueId: 'claims', QueueArn: 'x', QueueName: 'Claims', Priority: 1, Delay: 0, Channel: 'VOICE' },
        { QueueId: 'billing', QueueArn: 'y', QueueName: 'Billing', Priority: 1, Delay: 0, Channel: 'CHAT' },
      ],
    });
  });
  const input = (membershipQueueId = '') => ({
    instanceId: INSTANCE_ID,
    agentId: 'a1',
    channel: 'VOICE' as const,
    deadlineAt: 1_003_000,
    membershipQueueId,
  });
  const deps = () => ({ ...stepDeps(), connect: connect as never });

  it('asks GetCurrentUserData for exactly that agent', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('Ready', 1)] });

    const result = await checkAgentAvailability(input(), deps());

    expect(result).toEqual({ status: 'AVAILABLE', statusName: 'Ready' });
    expect(connect.commandCalls(GetCurrentUserDataCommand)[0]?.args[0].input).toEqual({
      InstanceId: INSTANCE_ID,
      Filters: { Agents: ['a1'] },
    });
  });

  it('does not take another agent in the answer for the one asked', async () => {
    connect
      .on(GetCurrentUserDataCommand)
      .resolves({ UserDataList: [{ ...agent('Ready', 1), User: { Id: 'other' } }] });

    const result = await checkAgentAvailability(input(), deps());

    expect(result.status).toBe('OFFLINE');
  });

  it('reads the status types once per container, not once per decision', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('Ready', 1)] });
    const shared = deps();

    await checkAgentAvailability(input(), shared);
    await checkAgentAvailability(input(), shared);

    expect(connect.commandCalls(ListAgentStatusesCommand)).toHaveLength(1);
  });

  it('an agent whose routing profile does not serve the queue the call is headed for is NOT_IN_QUEUE', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('Ready', 1)] });

    const result = await checkAgentAvailability(input('billing'), deps());

    expect(result).toMatchObject({ status: 'NOT_IN_QUEUE', detail: 'QUEUE_NOT_IN_PROFILE' });
    expect(connect.commandCalls(ListRoutingProfileQueuesCommand)[0]?.args[0].input).toMatchObject({
      InstanceId: INSTANCE_ID,
      RoutingProfileId: 'rp1',
    });
  });

  it('an agent who serves the queue on the call channel keeps their availability', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('Ready', 0)] });

    expect((await checkAgentAvailability(input('claims'), deps())).status).toBe('BUSY');
  });

  it('still decides when the status types cannot be read (built-in names)', async () => {
    connect.on(ListAgentStatusesCommand).rejects(throttling());
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('Available', 1)] });

    expect((await checkAgentAvailability(input(), deps())).status).toBe('AVAILABLE');
  });
});

describe("Check Agent Availability: the last agent's first name for the whisper (issue 25)", () => {
  const connect = mockClient(stepDeps().connect);
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
    connect.reset();
    connect.on(ListAgentStatusesCommand).resolves({
      AgentStatusSummaryList: [...types.byName].map(([Name, Type]) => ({ Name, Type, Arn: ARN(Name) })),
    });
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('Ready', 1)] });
    connect.on(DescribeUserCommand).resolves({
      User: { Id: 'a1', IdentityInfo: { FirstName: 'Maria', LastName: 'Lopez' } },
    });
  });
  const input = () => ({
    instanceId: INSTANCE_ID,
    agentId: 'a1',
    channel: 'VOICE' as const,
    deadlineAt: now + 3000,
    membershipQueueId: '',
  });
  /** One container: the reference cache lives 60 s (stepDeps), on the test's clock. */
  const container = () => ({ ...stepDeps({}, clock), connect: connect as never });

  it('reads User.IdentityInfo.FirstName with DescribeUser for exactly that agent, first name only', async () => {
    const result = await checkAgentAvailability(input(), container());

    expect(result).toEqual({ status: 'AVAILABLE', statusName: 'Ready', agentFirstName: 'Maria' });
    expect(connect.commandCalls(DescribeUserCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceId: INSTANCE_ID, UserId: 'a1' },
    ]);
    expect(JSON.stringify(result)).not.toContain('Lopez');
  });

  it('a warm container makes no DescribeUser call until the cache period ends', async () => {
    const deps = container();
    await checkAgentAvailability(input(), deps);
    now += 59_000;
    expect((await checkAgentAvailability(input(), deps)).agentFirstName).toBe('Maria');
    expect(connect.commandCalls(DescribeUserCommand)).toHaveLength(1);

    now += 2_000;
    await checkAgentAvailability(input(), deps);
    expect(connect.commandCalls(DescribeUserCommand)).toHaveLength(2);
  });

  it('names every agent of any status: the name does not depend on GetCurrentUserData', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [] });

    expect(await checkAgentAvailability(input(), container())).toMatchObject({
      status: 'OFFLINE',
      agentFirstName: 'Maria',
    });
  });

  it('an account without a first name gives no name (cached: it is an answer, not a failure)', async () => {
    connect.on(DescribeUserCommand).resolves({ User: { Id: 'a1', IdentityInfo: { FirstName: '  ' } } });
    const deps = container();

    expect(await checkAgentAvailability(input(), deps)).not.toHaveProperty('agentFirstName');
    await checkAgentAvailability(input(), deps);
    expect(connect.commandCalls(DescribeUserCommand)).toHaveLength(1);
  });

  it('gives the name lookup at most half of the remaining budget (NAME_READ_SHARE), so a slow one leaves time', async () => {
    const deps = container();
    let lookupDeadline: number | undefined;
    deps.reference = {
      ...deps.reference,
      agentFirstName: async (_connect, _instance, _agent, deadline) => {
        lookupDeadline = deadline.at;
        return 'Maria';
      },
    };
    now += 400;
    const step = { ...input(), deadlineAt: 1_000_000 + 3000 };

    expect((await checkAgentAvailability(step, deps)).agentFirstName).toBe('Maria');
    expect(NAME_READ_SHARE).toBe(0.5);
    expect(lookupDeadline).toBe(now + (step.deadlineAt - now) * NAME_READ_SHARE);
  });

  it('a failing DescribeUser is logged and costs only the name; the next decision asks again', async () => {
    connect
      .on(DescribeUserCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const deps = container();
    const warn = vi.spyOn(deps.logger, 'warn');

    const result = await checkAgentAvailability(input(), deps);

    expect(result).toEqual({ status: 'AVAILABLE', statusName: 'Ready' });
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('agent first name unavailable'),
      expect.anything(),
    );
    await checkAgentAvailability(input(), deps);
    expect(connect.commandCalls(DescribeUserCommand)).toHaveLength(2);
  });
});
