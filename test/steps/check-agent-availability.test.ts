import { GetCurrentUserDataCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkAgentAvailability, classifyAgent } from '../../steps/check-agent-availability';
import { loadConfig } from '../../steps/lib/config';
import { INSTANCE_ID, stepDeps } from './fixtures';

const config = loadConfig({});
const agent = (status: string | undefined, free: number) => ({
  User: { Id: 'a1' },
  Status: status ? { StatusName: status } : undefined,
  AvailableSlotsByChannel: { VOICE: free },
});

describe('classifyAgent', () => {
  it.each([
    ['Available with a free voice slot', agent('Available', 1), 'AVAILABLE'],
    ['Available on a call', agent('Available', 0), 'BUSY'],
    ['on a custom status (Lunch)', agent('Lunch', 1), 'NOT_ROUTABLE'],
    ['Offline', agent('Offline', 0), 'OFFLINE'],
    ['without a status', agent(undefined, 0), 'OFFLINE'],
    ['absent from the answer (logged out)', undefined, 'OFFLINE'],
  ])('an agent %s is %s', (_label, data, expected) => {
    expect(classifyAgent(data, 'VOICE', config).status).toBe(expected);
  });

  it('uses the configured routable status names', () => {
    const custom = loadConfig({ LAST_AGENT_ROUTABLE_STATUSES: 'Ready, Available' });
    expect(classifyAgent(agent('Ready', 1), 'VOICE', custom).status).toBe('AVAILABLE');
  });

  it('looks at the slots of the contact channel', () => {
    const data = { ...agent('Available', 0), AvailableSlotsByChannel: { VOICE: 0, CHAT: 2 } };
    expect(classifyAgent(data, 'CHAT', config).status).toBe('AVAILABLE');
  });
});

describe('Check Agent Availability', () => {
  const connect = mockClient(stepDeps().connect);
  beforeEach(() => connect.reset());

  it('asks GetCurrentUserData for exactly that agent', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [agent('Available', 1)] });

    const result = await checkAgentAvailability(
      { instanceId: INSTANCE_ID, agentId: 'a1', channel: 'VOICE', deadlineAt: 1_003_000 },
      { ...stepDeps(), connect: connect as never },
    );

    expect(result).toEqual({ status: 'AVAILABLE', statusName: 'Available' });
    expect(connect.commandCalls(GetCurrentUserDataCommand)[0]?.args[0].input).toEqual({
      InstanceId: INSTANCE_ID,
      Filters: { Agents: ['a1'] },
    });
  });

  it('does not take another agent in the answer for the one asked', async () => {
    connect
      .on(GetCurrentUserDataCommand)
      .resolves({ UserDataList: [{ ...agent('Available', 1), User: { Id: 'other' } }] });

    const result = await checkAgentAvailability(
      { instanceId: INSTANCE_ID, agentId: 'a1', channel: 'VOICE', deadlineAt: 1_003_000 },
      { ...stepDeps(), connect: connect as never },
    );

    expect(result.status).toBe('OFFLINE');
  });
});
