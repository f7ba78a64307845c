import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Faults } from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { DEMO, demoScenario } from '../helpers';

/*
 * Request bodies as raw HTTP, not through the SDK (which only serializes well-typed input):
 * every malformed body is a 400 InvalidParameterException naming what is wrong, as Connect
 * answers validation errors; never a 500, never a 200 that ignored the bad part.
 */

const instanceId = DEMO.instance.id;
const alice = DEMO.agents.find((a) => a.username === 'alice') as (typeof DEMO.agents)[number];
const profile = DEMO.routingProfiles?.[0]?.id as string;
const status = DEMO.agentStatuses?.[0]?.id as string;
const queue = DEMO.queues[0]?.id as string;
const contact = DEMO.contacts[0]?.id as string;

let connect: LocalConnect;
beforeAll(async () => {
  connect = await startLocalConnect(demoScenario({ faults: { seed: 1, inject: [] } as unknown as Faults }));
});
afterAll(() => connect.close());

const post = async (path: string, body: string) => {
  const res = await fetch(`${connect.endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  // biome-ignore lint/suspicious/noExplicitAny: a raw answer, read field by field
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), json: (await res.json()) as any };
};

/** A GET with a body, which fetch refuses to send. */
const getWithBody = (path: string, body: string) =>
  new Promise<{ status?: number; type?: string | string[]; json: unknown }>((resolve, reject) => {
    const url = new URL(connect.endpoint);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'GET',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode,
              type: res.headers['x-amzn-errortype'],
              json: JSON.parse(text),
            });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject).end(body);
  });

const validSearch = {
  InstanceId: instanceId,
  TimeRange: { Type: 'INITIATION_TIMESTAMP', StartTime: 1_794_268_800, EndTime: 1_795_168_800 },
  SearchCriteria: {
    Channels: ['VOICE'],
    SearchableContactAttributes: {
      Criteria: [{ Key: 'CustomerPhoneNumber', Values: ['+14155550123'] }],
      MatchType: 'MATCH_ALL',
    },
  },
  Sort: { FieldName: 'INITIATION_TIMESTAMP', Order: 'DESCENDING' },
  MaxResults: 10,
};
const criteria = validSearch.SearchCriteria;
const attrs = criteria.SearchableContactAttributes;

const expectInvalid = (
  answer: { status?: number; type?: string | string[] | null; json: unknown },
  names: string,
) => {
  expect(answer).toMatchObject({
    status: 400,
    type: 'InvalidParameterException',
    json: { message: expect.stringContaining(names) },
  });
};

describe('SearchContacts rejects a malformed body with a 400 naming the field', () => {
  it.each([
    ['Criteria a string (was a 500)', { SearchableContactAttributes: { Criteria: 'x' } }, 'Criteria'],
    ['Criteria an object', { SearchableContactAttributes: { Criteria: { Key: 'k' } } }, 'Criteria'],
    ['a criterion a string', { SearchableContactAttributes: { Criteria: ['x'] } }, 'Criteria[0]'],
    [
      'Values a string',
      { SearchableContactAttributes: { Criteria: [{ Key: 'CustomerPhoneNumber', Values: '+1415' }] } },
      'Criteria[0].Values',
    ],
    [
      'a value a number',
      { SearchableContactAttributes: { Criteria: [{ Key: 'CustomerPhoneNumber', Values: [14155550123] }] } },
      'Criteria[0].Values[0]',
    ],
    ['Key a number', { SearchableContactAttributes: { Criteria: [{ Key: 7, Values: ['x'] }] } }, 'Key'],
    ['MatchType a number', { SearchableContactAttributes: { ...attrs, MatchType: 1 } }, 'MatchType'],
    [
      'SearchableContactAttributes a string',
      { SearchableContactAttributes: 'x' },
      'SearchableContactAttributes',
    ],
    ['Channels a string', { Channels: 'VOICE' }, 'SearchCriteria.Channels'],
    ['QueueIds holding a number', { QueueIds: [1] }, 'SearchCriteria.QueueIds[0]'],
    ['AgentIds a string', { AgentIds: alice.id }, 'SearchCriteria.AgentIds'],
    ['InitiationMethods an object', { InitiationMethods: {} }, 'SearchCriteria.InitiationMethods'],
    ['an unknown criterion', { AgentId: alice.id }, 'SearchCriteria.AgentId'],
    [
      'a model criterion the local Connect does not implement',
      { ContactAnalysis: { Transcript: { Criteria: [] } } },
      'SearchCriteria.ContactAnalysis',
    ],
  ])('SearchCriteria with %s', async (_label, searchCriteria, names) => {
    expectInvalid(
      await post('/search-contacts', JSON.stringify({ ...validSearch, SearchCriteria: searchCriteria })),
      names,
    );
  });

  it.each([
    ['SearchCriteria a string (was a 200 with every contact)', { SearchCriteria: 'x' }, 'SearchCriteria'],
    ['SearchCriteria a list', { SearchCriteria: [criteria] }, 'SearchCriteria'],
    ['InstanceId a number', { InstanceId: 5 }, 'InstanceId'],
    ['InstanceId missing', { InstanceId: undefined }, 'InstanceId'],
    ['TimeRange a string', { TimeRange: '2026-11' }, 'TimeRange'],
    [
      'StartTime an ISO string',
      { TimeRange: { ...validSearch.TimeRange, StartTime: '2026-11-10T00:00:00Z' } },
      'TimeRange.StartTime',
    ],
    ['EndTime missing', { TimeRange: { Type: 'INITIATION_TIMESTAMP', StartTime: 1 } }, 'TimeRange.EndTime'],
    ['Type a number', { TimeRange: { ...validSearch.TimeRange, Type: 1 } }, 'TimeRange.Type'],
    ['MaxResults a string', { MaxResults: '5' }, 'MaxResults'],
    ['MaxResults a fraction', { MaxResults: 2.5 }, 'MaxResults'],
    ['NextToken a number', { NextToken: 5 }, 'NextToken'],
    ['Sort a string', { Sort: 'INITIATION_TIMESTAMP' }, 'Sort'],
    ['Sort without Order', { Sort: { FieldName: 'INITIATION_TIMESTAMP' } }, 'Sort.Order'],
    ['a misspelled top-level field', { SearchCritera: criteria }, 'SearchCritera'],
  ])('%s', async (_label, change, names) => {
    expectInvalid(await post('/search-contacts', JSON.stringify({ ...validSearch, ...change })), names);
  });

  it('a body that is not a JSON object is a 400 SerializationException, as AWS answers unparseable bodies', async () => {
    for (const body of ['{"InstanceId": ', '[]', '"x"']) {
      expect(await post('/search-contacts', body)).toMatchObject({
        status: 400,
        type: 'SerializationException',
        json: { message: expect.any(String) },
      });
    }
  });

  it('a valid raw body still answers, with null optional members taken as absent', async () => {
    const out = await post('/search-contacts', JSON.stringify({ ...validSearch, NextToken: null }));
    expect(out.status).toBe(200);
    expect(out.json.Contacts).toHaveLength(2);
    expect(out.json.TotalCount).toBe(2);
  });
});

describe('GetCurrentUserData rejects a malformed body with a 400 naming the field', () => {
  const path = `/metrics/userdata/${instanceId}`;
  it.each([
    ['Filters a string', { Filters: 'x' }, 'Filters'],
    ['Filters missing', {}, 'Filters'],
    ['Agents a string', { Filters: { Agents: alice.id } }, 'Filters.Agents'],
    ['Agents holding a number', { Filters: { Agents: [1] } }, 'Filters.Agents[0]'],
    ['Queues an object', { Filters: { Queues: { Id: queue } } }, 'Filters.Queues'],
    [
      'a filter the local Connect does not implement',
      { Filters: { Agents: [alice.id], ContactFilter: { ContactStates: ['CONNECTED'] } } },
      'Filters.ContactFilter',
    ],
    ['MaxResults a string', { Filters: { Agents: [alice.id] }, MaxResults: '5' }, 'MaxResults'],
    ['NextToken an object', { Filters: { Agents: [alice.id] }, NextToken: {} }, 'NextToken'],
    ['an unknown field', { Filters: { Agents: [alice.id] }, InstanceId: instanceId }, 'InstanceId'],
  ])('%s', async (_label, body, names) => {
    expectInvalid(await post(path, JSON.stringify(body)), names);
  });

  it('a valid raw body still answers', async () => {
    const out = await post(path, JSON.stringify({ Filters: { Agents: [alice.id] }, MaxResults: 10 }));
    expect(out.status).toBe(200);
    expect(out.json.UserDataList?.[0]?.User?.Id).toBe(alice.id);
  });
});

describe('operations whose input travels in the path and query reject a request body', () => {
  it.each([
    ['DescribeContact', `/contacts/${instanceId}/${contact}`],
    ['GetContactAttributes', `/contact/attributes/${instanceId}/${contact}`],
    ['DescribeUser', `/users/${instanceId}/${alice.id}`],
    ['ListAgentStatuses', `/agent-status/${instanceId}`],
    ['DescribeAgentStatus', `/agent-status/${instanceId}/${status}`],
    ['ListRoutingProfileQueues', `/routing-profiles/${instanceId}/${profile}/queues`],
    ['DescribeRoutingProfile', `/routing-profiles/${instanceId}/${profile}`],
    ['DescribeQueue', `/queues/${instanceId}/${queue}`],
    ['ListLambdaFunctions', `/instance/${instanceId}/lambda-functions`],
  ])('%s', async (op, path) => {
    expectInvalid(await getWithBody(path, JSON.stringify({ MaxResults: 1 })), op);
    expect((await getWithBody(path, '')).status).toBe(200);
    expect((await getWithBody(path, '{}')).status).toBe(200);
  });
});
