import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTEXT_ATTRIBUTE_DEFAULTS } from '../../infra/whisper';
import { contactEventsFor } from '../../local/connect/event-feed';
import type { Scenario, ScenarioContact } from '../../local/connect/scenario';
import { type LocalConnect, startLocalConnect } from '../../local/connect/server';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { localOutcomes, outcomeLine } from '../../local/outcomes';
import { createConnectClient } from '../../steps/lib/connect/client';
import type { FlowResponse } from '../../steps/lib/decision/decision';
import { createDynamoClient } from '../../steps/lib/routing-state/dynamo-client';
import { OUTCOME_TTL_SECONDS, outcomePk } from '../../steps/lib/routing-state/outcomes';
import { createLogger } from '../../steps/lib/runtime/logger';
import {
  DEFAULT_OUTCOME_ATTRIBUTES,
  OUTCOME_ENV,
  type OutcomeDeps,
  recordOutcome,
} from '../../steps/record-outcome';
import { DEMO_NO_LATENCY } from '../helpers';

/**
 * steps/record-outcome.ts against a local Connect (GetContactAttributes over HTTP on 127.0.0.1)
 * and dynalite: the contacts carry the attributes the shipped flow stores, the events are built in
 * AWS's format (local/connect/event-feed.ts).
 */
const ROUTING_TABLE = 'routing-state-outcomes';
const OUTCOME_TABLE = 'search-outcomes';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const agentAt = (i: number) => {
  const agent = DEMO_NO_LATENCY.agents[i];
  if (!agent) throw new Error('demo scenario changed');
  return agent;
};
const alice = agentAt(0);
const bob = agentAt(1);
const NOW = DEMO_NO_LATENCY.now;

let connect: LocalConnect;
let dynamo: LocalDynamo;
let agentArn: (id: string) => string;

const contact = (id: string, agentId: string, attributes: Record<string, string>, extra = {}) =>
  ({
    id,
    channel: 'VOICE',
    initiationMethod: 'INBOUND',
    initiationTimestamp: NOW,
    connectedToAgentTimestamp: NOW,
    agentId,
    attributes,
    ...extra,
  }) as ScenarioContact;

const decided = (route: string, stored: string, reason = 'LAST_AGENT_AVAILABLE') => ({
  lastAgentRoute: route,
  lastAgentReason: reason,
  lastAgentArn: stored,
});

function contacts(arnOf: (id: string) => string): ScenarioContact[] {
  return [
    contact('c-reached', alice.id, decided('LAST_AGENT', arnOf(alice.id))),
    contact('c-missed', bob.id, decided('LAST_AGENT', arnOf(alice.id), 'AGENT_BUSY')),
    contact('c-repeated', alice.id, decided('LAST_AGENT', arnOf(alice.id))),
    contact('c-undecided', alice.id, {}),
    contact('c-queue', alice.id, decided('LAST_QUEUE', '', 'AGENT_OFFLINE')),
    contact('c-no-arn', alice.id, decided('LAST_AGENT', '')),
    contact('c-renamed', alice.id, {
      myRoute: 'LAST_AGENT',
      myReason: 'LAST_AGENT_AVAILABLE',
      myArn: arnOf(alice.id),
    }),
    contact('c-search', alice.id, decided('LAST_AGENT', arnOf(alice.id))),
    contact('c-transfer', bob.id, decided('LAST_AGENT', arnOf(alice.id)), { initialContactId: 'c-reached' }),
    contact('c-retry', bob.id, decided('LAST_AGENT', arnOf(alice.id))),
  ];
}

let scenario: Scenario;
beforeAll(async () => {
  const probe = await startLocalConnect(DEMO_NO_LATENCY);
  const instanceArn = probe.instanceArn;
  await probe.close();
  agentArn = (id) => `${instanceArn}/agent/${id}`;
  scenario = { ...DEMO_NO_LATENCY, contacts: contacts(agentArn) };
  connect = await startLocalConnect(scenario);
  dynamo = await startLocalDynamo();
  await dynamo.createRoutingTable(ROUTING_TABLE);
  await dynamo.createRoutingTable(OUTCOME_TABLE);
});
afterAll(async () => {
  await connect.close();
  await dynamo.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

function eventOf(contactId: string) {
  const event = contactEventsFor(scenario, { instanceArn: connect.instanceArn }).find(
    (e) => e.detail.contactId === contactId && e.detail.eventType === 'CONNECTED_TO_AGENT',
  );
  if (!event) throw new Error(`no event for ${contactId}`);
  return event;
}

function depsWith(overrides: Partial<OutcomeDeps> = {}) {
  const lines: Record<string, unknown>[] = [];
  const deps: OutcomeDeps = {
    connect: createConnectClient({ endpoint: connect.endpoint, region: 'us-east-1', credentials }),
    dynamo: createDynamoClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }),
    table: ROUTING_TABLE,
    attributes: { ...DEFAULT_OUTCOME_ATTRIBUTES },
    logger: createLogger({ level: 'DEBUG', sink: (line) => lines.push(JSON.parse(line)) }),
    clock: () => Date.parse(NOW),
    ...overrides,
  };
  const emf = () => lines.filter((l) => l._aws !== undefined);
  return { deps, lines, emf };
}

const storedItem = async (table: string, contactId: string) =>
  (
    await createDynamoClient({ endpoint: dynamo.directEndpoint, region: 'us-east-1', credentials }).send(
      new GetCommand({ TableName: table, Key: { pk: outcomePk(contactId), sk: 'O' } }),
    )
  ).Item;

describe('recordOutcome (steps/record-outcome.ts)', () => {
  it('the default attribute names are the ones the flow writes (infra/whisper.ts)', () => {
    expect(DEFAULT_OUTCOME_ATTRIBUTES).toEqual({
      route: CONTEXT_ATTRIBUTE_DEFAULTS.route,
      reason: CONTEXT_ATTRIBUTE_DEFAULTS.reason,
      agentArn: CONTEXT_ATTRIBUTE_DEFAULTS.agentArn,
    });
  });

  it('Reached: the agent who connected is the stored last agent; one EMF line in the decision namespace', async () => {
    const { deps, emf } = depsWith();
    expect(await recordOutcome(eventOf('c-reached'), deps)).toEqual({
      status: 'COUNTED',
      outcome: 'Reached',
      contactId: 'c-reached',
    });
    const [line] = emf();
    expect(emf()).toHaveLength(1);
    expect(line?.PreferredAgentReached).toBe(1);
    expect(line?.PreferredAgentMissed).toBe(0);
    expect(line?.Route).toBe('LAST_AGENT');
    expect(line?.Reason).toBe('LAST_AGENT_AVAILABLE');
    const directive = (line?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] })
      .CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('LastAgentRouting');
    expect(directive?.Dimensions).toEqual([['service', 'Route', 'Reason'], ['service']]);
    const item = await storedItem(ROUTING_TABLE, 'c-reached');
    expect(item).toMatchObject({
      outcome: 'Reached',
      expiresAt: Math.floor(Date.parse(NOW) / 1000) + OUTCOME_TTL_SECONDS,
    });
    expect(JSON.stringify(item)).not.toMatch(/\+\d{6,}/);
  });

  it('Missed: another agent connected', async () => {
    const { deps, emf } = depsWith();
    expect((await recordOutcome(eventOf('c-missed'), deps)).status).toBe('COUNTED');
    expect(emf()[0]).toMatchObject({
      PreferredAgentReached: 0,
      PreferredAgentMissed: 1,
      Reason: 'AGENT_BUSY',
    });
  });

  it('a repeated event is counted once', async () => {
    const { deps, emf } = depsWith();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await recordOutcome(eventOf('c-repeated'), deps));
    expect(results.map((r) => r.status)).toEqual(['COUNTED', 'DUPLICATE', 'DUPLICATE']);
    expect(emf()).toHaveLength(1);
  });

  it.each([
    ['c-undecided', 'NO_ATTRIBUTES'],
    ['c-queue', 'NOT_LAST_AGENT'],
    ['c-transfer', 'NOT_INITIAL'],
  ])('%s: nothing counted (%s), nothing written', async (id, reason) => {
    const { deps, emf } = depsWith();
    expect(await recordOutcome(eventOf(id), deps)).toMatchObject({ status: 'IGNORED', reason });
    expect(emf()).toEqual([]);
    expect(await storedItem(ROUTING_TABLE, id)).toBeUndefined();
  });

  it('LAST_AGENT without a stored agent ARN counts as Missed, as analyze counts it', async () => {
    const { deps, emf } = depsWith();
    expect(await recordOutcome(eventOf('c-no-arn'), deps)).toMatchObject({
      status: 'COUNTED',
      outcome: 'Missed',
    });
    expect(emf()[0]).toMatchObject({ PreferredAgentMissed: 1 });
  });

  it('a contact the instance does not know: nothing counted', async () => {
    const { deps, emf } = depsWith();
    const event = eventOf('c-reached');
    const unknown = { ...event, detail: { ...event.detail, contactId: 'c-gone' } };
    expect(await recordOutcome(unknown, deps)).toMatchObject({ status: 'IGNORED', reason: 'NO_ATTRIBUTES' });
    expect(emf()).toEqual([]);
  });

  it('other event types and malformed events', async () => {
    const { deps } = depsWith();
    const event = eventOf('c-reached');
    const disconnected = { ...event, detail: { ...event.detail, eventType: 'DISCONNECTED' } };
    expect(await recordOutcome(disconnected, deps)).toMatchObject({
      status: 'IGNORED',
      reason: 'EVENT_TYPE',
    });
    await expect(recordOutcome({ source: 'aws.connect' }, deps)).rejects.toThrow(
      /not an Amazon Connect contact event/,
    );
  });

  it('renamed attributes (-c contextAttributes) are read under their names', async () => {
    const { deps } = depsWith({ attributes: { route: 'myRoute', reason: 'myReason', agentArn: 'myArn' } });
    expect(await recordOutcome(eventOf('c-renamed'), deps)).toMatchObject({
      status: 'COUNTED',
      outcome: 'Reached',
    });
    const defaults = depsWith();
    expect(await recordOutcome(eventOf('c-renamed'), defaults.deps)).toMatchObject({
      reason: 'NO_ATTRIBUTES',
    });
  });

  it('GetContactAttributes failing: throws for a retry, counts and writes nothing; the retry counts once', async () => {
    const down = createConnectClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials });
    const { deps, emf } = depsWith({ connect: down });
    await expect(recordOutcome(eventOf('c-retry'), deps)).rejects.toThrow();
    expect(emf()).toEqual([]);
    expect(await storedItem(ROUTING_TABLE, 'c-retry')).toBeUndefined();
    const retry = depsWith();
    expect(await recordOutcome(eventOf('c-retry'), retry.deps)).toMatchObject({
      status: 'COUNTED',
      outcome: 'Missed',
    });
    expect(retry.emf()).toHaveLength(1);
  });
});

describe('the Lambda handler as deployed, in both table locations', () => {
  function deployedEnv(table: string, extra: Record<string, string> = {}) {
    for (const [k, v] of Object.entries({
      [OUTCOME_ENV.table]: table,
      AWS_ENDPOINT_URL_CONNECT: connect.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      LOG_LEVEL: 'SILENT',
      ...extra,
    }))
      vi.stubEnv(k, v);
  }

  it('index sources: the item lands in the routing-state table', async () => {
    deployedEnv(ROUTING_TABLE);
    const { handler } = await import('../../steps/record-outcome');
    const event = eventOf('c-reached');
    const fresh = { ...event, detail: { ...event.detail, contactId: 'c-search' } };
    // c-search is decided for alice, and alice connected: counted in this table only.
    expect(await handler(fresh)).toMatchObject({ status: 'COUNTED', outcome: 'Reached' });
    expect(await storedItem(ROUTING_TABLE, 'c-search')).toBeDefined();
    expect(await storedItem(OUTCOME_TABLE, 'c-search')).toBeUndefined();
  });

  it('search deployments: the item lands in the outcome table, attributes renamed through the environment', async () => {
    deployedEnv(OUTCOME_TABLE, {
      [OUTCOME_ENV.route]: 'myRoute',
      [OUTCOME_ENV.reason]: 'myReason',
      [OUTCOME_ENV.agentArn]: 'myArn',
    });
    const { handler } = await import('../../steps/record-outcome');
    expect(await handler(eventOf('c-renamed'))).toMatchObject({ status: 'COUNTED' });
    expect(await storedItem(OUTCOME_TABLE, 'c-renamed')).toMatchObject({ outcome: 'Reached' });
  });

  it('refuses to start without a table', async () => {
    deployedEnv('');
    const { handler } = await import('../../steps/record-outcome');
    await expect(handler(eventOf('c-reached'))).rejects.toThrow(/OUTCOME_TABLE_NAME is not set/);
  });
});

describe('the local figure (local/outcomes.ts)', () => {
  const flow = (o: Partial<FlowResponse>) =>
    ({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT', agentId: '', agentArn: '', ...o }) as FlowResponse;

  it('counts LAST_AGENT decisions once each, though every event is delivered twice', async () => {
    const arnOfAlice = agentArn(alice.id);
    const figure = await localOutcomes(DEMO_NO_LATENCY, [
      {
        decision: flow({
          route: 'LAST_AGENT',
          reason: 'LAST_AGENT_AVAILABLE',
          agentId: alice.id,
          agentArn: arnOfAlice,
        }),
      },
      {
        decision: flow({
          route: 'LAST_AGENT',
          reason: 'AGENT_BUSY',
          agentId: alice.id,
          agentArn: arnOfAlice,
        }),
      },
      {
        decision: flow({
          route: 'LAST_AGENT',
          reason: 'LAST_AGENT_AVAILABLE',
          agentId: alice.id,
          agentArn: arnOfAlice,
        }),
      },
      { decision: flow({}) },
    ]);
    expect(figure).toEqual({ reached: 2, missed: 1, repeats: 3, share: 2 / 3 });
    expect(outcomeLine(figure)).toBe('preferred agent reached: 2 of 3 (66.7 %)');
    expect(outcomeLine({ reached: 0, missed: 0, repeats: 0, share: null })).toBe(
      'preferred agent reached: 0 of 0 (n/a)',
    );
  });
});
