import { SearchContactsCommand } from '@aws-sdk/client-connect';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { findRecentContacts } from '../../steps/search-contacts';
import { baseInput, stepDeps } from './fixtures';

const fixture = stepDeps();
const connect = mockClient(fixture.connect);
const dynamo = mockClient(fixture.dynamo);
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const item = (id: string, agentId: string, connected: string, extra: Record<string, unknown> = {}) => ({
  pk: `C#${baseInput.customerKey}`,
  sk: `${epoch(connected)}#${id}`,
  id,
  agentId,
  connectedAt: epoch(connected),
  channel: 'VOICE',
  ...extra,
});

const depsFor = (env: Record<string, string>) => ({
  ...stepDeps({ LAST_AGENT_TABLE_NAME: 'routing-state', ...env }),
  connect: connect as never,
  dynamo: dynamo as never,
});

describe('Search Recent Contacts on the index sources', () => {
  beforeEach(() => {
    connect.reset();
    dynamo.reset();
    dynamo.on(UpdateCommand).resolves({ Attributes: {} });
  });

  it('keeps the channels SearchContacts would have filtered: a CHAT contact is not a VOICE candidate', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        item('chat', 'agent-chat', '2026-11-19T10:00:00Z', { channel: 'CHAT' }),
        item('voice', 'agent-voice', '2026-11-18T10:00:00Z', { channel: 'Voice' }),
      ],
    });

    const result = await findRecentContacts(baseInput, depsFor({ LAST_AGENT_SOURCE: 'index' }));

    expect(result.source).toBe('INDEX');
    expect(result.candidates.map((c) => c.id)).toEqual(['voice']);
    expect(connect.commandCalls(SearchContactsCommand)).toHaveLength(0);
  });

  it('in same-queue mode keeps only contacts of the queue the call is in', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        item('other-queue', 'agent-1', '2026-11-19T10:00:00Z', { queueId: 'q-other' }),
        item('this-queue', 'agent-2', '2026-11-18T10:00:00Z', { queueId: 'q-this' }),
      ],
    });

    const result = await findRecentContacts(
      { ...baseInput, currentQueueId: 'q-this' },
      depsFor({ LAST_AGENT_SOURCE: 'index', LAST_AGENT_SAME_QUEUE: 'true' }),
    );

    expect(result.candidates.map((c) => c.id)).toEqual(['this-queue']);
  });

  it('reads the lookback window by sort key, newest first, and records this call for the index', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await findRecentContacts(
      baseInput,
      depsFor({ LAST_AGENT_SOURCE: 'index', LAST_AGENT_LOOKBACK_DAYS: '7' }),
    );

    const query = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    const now = epoch(baseInput.now);
    expect(query).toMatchObject({
      TableName: 'routing-state',
      ScanIndexForward: false,
      ExpressionAttributeValues: {
        ':pk': `C#${baseInput.customerKey}`,
        ':from': `${String(now - 7 * 86_400).padStart(10, '0')}#`,
      },
    });
    const join = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(join?.Key).toEqual({ pk: `K#${baseInput.contactId}`, sk: 'K' });
    expect(Object.values(join?.ExpressionAttributeValues ?? {})).toContain(baseInput.customerKey);
  });

  it('index-then-search answers from the index when it holds an eligible contact, without SearchContacts', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [item('old', 'agent-1', '2026-11-18T10:00:00Z')] });

    const result = await findRecentContacts(baseInput, depsFor({ LAST_AGENT_SOURCE: 'index-then-search' }));

    expect(result.source).toBe('INDEX');
    expect(connect.commandCalls(SearchContactsCommand)).toHaveLength(0);
  });

  it('index-then-search asks SearchContacts when the index holds only this call', async () => {
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [item(baseInput.contactId, 'agent-1', '2026-11-20T09:59:00Z')] });
    connect.on(SearchContactsCommand).resolves({ Contacts: [] });

    const result = await findRecentContacts(baseInput, depsFor({ LAST_AGENT_SOURCE: 'index-then-search' }));

    expect(result.source).toBe('SEARCH_INDEX_EMPTY');
    expect(connect.commandCalls(SearchContactsCommand)).toHaveLength(1);
  });
});
