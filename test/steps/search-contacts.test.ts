import { SearchContactsCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { searchContactsStep, searchRecentContacts } from '../../steps/search-contacts';
import { baseInput, stepDeps, throttling } from './fixtures';

const connect = mockClient(stepDeps().connect);
const at = (iso: string) => new Date(iso);
const agentContact = (id: string, agent: string, connected: string, extra = {}) => ({
  Id: id,
  InitialContactId: id,
  InitiationTimestamp: at(connected),
  AgentInfo: { Id: agent, ConnectedToAgentTimestamp: at(connected) },
  ...extra,
});
const ivrContact = (id: string, t: string) => ({ Id: id, InitialContactId: id, InitiationTimestamp: at(t) });

describe('Search Recent Contacts', () => {
  beforeEach(() => connect.reset());

  it('searches the searchable attribute over the lookback window, newest first by connected time', async () => {
    connect.on(SearchContactsCommand).resolves({ Contacts: [] });
    const deps = stepDeps({ LAST_AGENT_LOOKBACK_DAYS: '7', LAST_AGENT_PAGE_SIZE: '10' });

    await searchRecentContacts(baseInput, { ...deps, connect: connect as never });

    const input = connect.commandCalls(SearchContactsCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      InstanceId: baseInput.instanceId,
      TimeRange: {
        Type: 'CONNECTED_TO_AGENT_TIMESTAMP',
        StartTime: at('2026-11-13T10:00:00.000Z'),
        EndTime: at('2026-11-20T10:00:00.000Z'),
      },
      SearchCriteria: {
        Channels: ['VOICE'],
        SearchableContactAttributes: {
          Criteria: [{ Key: 'CustomerPhoneNumber', Values: ['+14155550123'] }],
          MatchType: 'MATCH_ALL',
        },
      },
      Sort: { FieldName: 'CONNECTED_TO_AGENT_TIMESTAMP', Order: 'DESCENDING' },
      MaxResults: 10,
    });
  });

  it('pages on while pages hold only IVR-only contacts, and stops at the first eligible one', async () => {
    connect
      .on(SearchContactsCommand)
      .resolvesOnce({ Contacts: [ivrContact('a', '2026-11-19T10:00:00Z')], NextToken: 't1' })
      .resolvesOnce({ Contacts: [agentContact('b', 'agent-1', '2026-11-18T10:00:00Z')], NextToken: 't2' })
      .resolvesOnce({ Contacts: [agentContact('c', 'agent-2', '2026-11-17T10:00:00Z')] });
    const deps = { ...stepDeps({ LAST_AGENT_SEARCH_MODE: 'initiated' }), connect: connect as never };

    const result = await searchRecentContacts(baseInput, deps);

    expect(result.pages).toBe(2);
    expect(result.seen).toBe(2);
    expect(result.candidates.map((c) => c.id)).toEqual(['b']);
    expect(connect.commandCalls(SearchContactsCommand)[1]?.args[0].input.NextToken).toBe('t1');
  });

  it('keeps paging past a contact of the current call', async () => {
    connect
      .on(SearchContactsCommand)
      .resolvesOnce({
        Contacts: [agentContact('current', 'agent-1', '2026-11-20T09:59:00Z')],
        NextToken: 't1',
      })
      .resolvesOnce({ Contacts: [agentContact('older', 'agent-2', '2026-11-18T10:00:00Z')] });

    const result = await searchRecentContacts(baseInput, { ...stepDeps(), connect: connect as never });

    expect(result.pages).toBe(2);
  });

  it('stops at the page budget', async () => {
    connect
      .on(SearchContactsCommand)
      .resolves({ Contacts: [ivrContact('x', '2026-11-19T10:00:00Z')], NextToken: 'more' });

    const result = await searchRecentContacts(baseInput, {
      ...stepDeps({ LAST_AGENT_MAX_PAGES: '4' }),
      connect: connect as never,
    });

    expect(result.pages).toBe(4);
    expect(connect.commandCalls(SearchContactsCommand)).toHaveLength(4);
  });

  it('retries a throttled call and succeeds', async () => {
    connect
      .on(SearchContactsCommand)
      .rejectsOnce(throttling())
      .resolves({ Contacts: [agentContact('b', 'agent-1', '2026-11-18T10:00:00Z')] });
    const deps = { ...stepDeps({}, Date.now), connect: connect as never };

    const result = await searchRecentContacts({ ...baseInput, deadlineAt: Date.now() + 3000 }, deps);

    expect(result.candidates).toHaveLength(1);
    expect(connect.commandCalls(SearchContactsCommand)).toHaveLength(2);
  });

  it('gives up with ConnectThrottled after the bounded attempts', async () => {
    connect.on(SearchContactsCommand).rejects(throttling());
    const deps = { ...stepDeps({}, Date.now), connect: connect as never };

    await expect(
      searchRecentContacts({ ...baseInput, deadlineAt: Date.now() + 3000 }, deps),
    ).rejects.toMatchObject({
      name: 'ConnectThrottled',
    });
    expect(connect.commandCalls(SearchContactsCommand)).toHaveLength(3);
  });

  it('does not call Connect once the deadline has passed', async () => {
    const deps = { ...stepDeps({}, () => 5_000_000), connect: connect as never };

    await expect(searchRecentContacts(baseInput, deps)).rejects.toMatchObject({ name: 'LookupTimeout' });
    expect(connect.commandCalls(SearchContactsCommand)).toHaveLength(0);
  });

  it('rejects a malformed payload with a named error', async () => {
    await expect(searchContactsStep.run({ instanceId: 42 }, stepDeps())).rejects.toMatchObject({
      name: 'InvalidStepInput',
    });
  });
});
