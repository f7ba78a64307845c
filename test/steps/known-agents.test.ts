/**
 * Issue 27, the rules one by one: who knows the caller (the pick step), how the route choice
 * ranks them (each judged as the last agent is, on its own step's window), and the outcome metric
 * (Reached when any preferred agent answered, with the rank as a dimension).
 */
import { describe, expect, it } from 'vitest';
import { type ChooseInput, chooseRoute } from '../../steps/lib/decision/route';
import type { AgentAvailability, ContactSummary } from '../../steps/lib/decision/schemas';
import { loadConfig } from '../../steps/lib/runtime/config';
import { createLogger } from '../../steps/lib/runtime/logger';
import { pickLastAgentContact } from '../../steps/pick-last-agent-contact';
import {
  KNOWN_AGENTS_ATTRIBUTE,
  type OutcomeDeps,
  preferenceOrder,
  recordOutcome,
} from '../../steps/record-outcome';

const contact = (id: string, agentId: string, connectedAt: number, extra: Partial<ContactSummary> = {}) => ({
  id,
  agentId,
  connectedAt,
  initiatedAt: connectedAt - 20,
  disconnectedAt: connectedAt + 300,
  ...extra,
});

describe('who knows the caller (pick step)', () => {
  const search = {
    seen: 6,
    pages: 1,
    candidates: [
      contact('c-now', 'x', 1000), // this call's own chain: never counts
      contact('c5', 'a', 900),
      contact('c4', 'b', 800),
      contact('c3', 'a', 700),
      contact('c2', 'c', 600, { disconnectedAt: 610 }), // too short with a 60 s minimum
      contact('c1', 'd', 500),
    ],
  };
  const input = { contactId: 'c-now', search };
  const pick = (maxPreferred: number, extra = {}) =>
    pickLastAgentContact(
      { ...input, ...extra },
      { config: { minTalkSeconds: 60, sameQueue: false, maxPreferred } },
    );

  it('answers exactly as before with the default (1): no knownAgentIds at all', () => {
    expect(pick(1)).toEqual({
      found: true,
      contactId: 'c5',
      initialContactId: 'c5',
      agentId: 'a',
      connectedAt: new Date(900_000).toISOString(),
    });
  });

  it('names the distinct other agents of eligible contacts, newest first, up to maxPreferred - 1', () => {
    expect(pick(5)).toMatchObject({ agentId: 'a', knownAgentIds: ['b', 'd'] });
    expect(pick(2)).toMatchObject({ agentId: 'a', knownAgentIds: ['b'] });
  });

  it('names none when the flow prefers one agent (agent-queue mode)', () => {
    expect(pick(5, { oneAgent: true })).toMatchObject({ agentId: 'a', knownAgentIds: [] });
  });
});

const config = { preferBusy: true, lastQueueFallback: false, minFreeProbability: 0.5 };
const lastContact = {
  found: true as const,
  contactId: 'c5',
  initialContactId: 'c5',
  agentId: 'a',
  connectedAt: '2026-11-19T10:00:00.000Z',
};
const input = (
  last: Partial<AgentAvailability>,
  knownAgents?: AgentAvailability['knownAgents'],
): ChooseInput => ({
  lastContact,
  checks: {
    availability: {
      status: 'AVAILABLE',
      agentFirstName: 'Maria',
      ...last,
      ...(knownAgents ? { knownAgents } : {}),
    },
    csat: { gate: 'SKIPPED', detail: 'GATE_OFF' },
  },
});

describe('the route choice with other known agents', () => {
  it('without knownAgents decides exactly as before', () => {
    expect(chooseRoute(input({ status: 'OFFLINE' }), config)).toEqual({
      route: 'DEFAULT',
      reason: 'AGENT_OFFLINE',
      agentId: 'a',
      lastContactId: 'c5',
      lastContactAt: lastContact.connectedAt,
      agentStatus: 'OFFLINE',
      agentFirstName: 'Maria',
    });
  });

  it('judges a busy known agent in step 2 by the chance to be free by the end of step 2', () => {
    const known = [
      { agentId: 'b', status: 'BUSY' as const, freeWithinProbability: 0.2, freeBySecondStepProbability: 0.7 },
      { agentId: 'c', status: 'BUSY' as const, freeWithinProbability: 0.1, freeBySecondStepProbability: 0.3 },
      { agentId: 'd', status: 'NOT_IN_QUEUE' as const },
      { agentId: 'e', status: 'AVAILABLE' as const },
    ];
    expect(chooseRoute(input({}, known), config)).toMatchObject({
      route: 'LAST_AGENT',
      reason: 'LAST_AGENT_AVAILABLE',
      agentId: 'a',
      knownAgentIds: ['b', 'e'],
    });
  });

  it('hands the call to the others when the last agent is ruled out, judged on the preference window', () => {
    const known = [
      { agentId: 'b', status: 'BUSY' as const, freeWithinProbability: 0.2, freeBySecondStepProbability: 0.7 },
      { agentId: 'c', status: 'BUSY' as const, freeWithinProbability: 0.6 },
      { agentId: 'e', status: 'AVAILABLE' as const },
    ];
    const decision = chooseRoute(input({ status: 'BUSY', freeWithinProbability: 0.1 }, known), config);
    expect(decision).toEqual({
      route: 'KNOWN_AGENT',
      reason: 'KNOWN_AGENT_BUSY',
      lastAgentRuledOut: 'AGENT_BUSY_UNLIKELY_FREE',
      agentId: 'c',
      agentStatus: 'BUSY',
      freeWithinProbability: 0.6,
      knownAgentIds: ['c', 'e'],
      lastContactId: 'c5',
      lastContactAt: lastContact.connectedAt,
      // The whisper still names the last agent: true for whoever answers.
      agentFirstName: 'Maria',
    });
  });

  it('falls back with the last agent’s reason when every known agent is ruled out, and LOW_CSAT blocks them all', () => {
    const known = [{ agentId: 'b', status: 'OFFLINE' as const }];
    expect(chooseRoute(input({ status: 'NOT_ROUTABLE' }, known), config)).toMatchObject({
      route: 'DEFAULT',
      reason: 'AGENT_NOT_ROUTABLE',
      agentId: 'a',
    });
    const lowCsat: ChooseInput = {
      ...input({ status: 'OFFLINE' }, [{ agentId: 'b', status: 'AVAILABLE' }]),
      checks: {
        availability: { status: 'OFFLINE', knownAgents: [{ agentId: 'b', status: 'AVAILABLE' }] },
        csat: { gate: 'FAIL', score: '1', detail: 'BELOW_THRESHOLD' },
      },
    };
    expect(chooseRoute(lowCsat, config)).toMatchObject({
      route: 'DEFAULT',
      reason: 'LOW_CSAT',
      agentId: 'a',
    });
  });
});

describe('the settings', () => {
  it('LAST_AGENT_MAX_PREFERRED is 1-5, default 1; LAST_AGENT_KNOWN_AGENTS_SECONDS 5-600, default 30', () => {
    expect(loadConfig({})).toMatchObject({ maxPreferred: 1, knownAgentsSeconds: 30 });
    expect(loadConfig({ LAST_AGENT_MAX_PREFERRED: '5' }).maxPreferred).toBe(5);
    expect(() => loadConfig({ LAST_AGENT_MAX_PREFERRED: '6' })).toThrow(/LAST_AGENT_MAX_PREFERRED/);
    expect(() => loadConfig({ LAST_AGENT_MAX_PREFERRED: '0' })).toThrow(/LAST_AGENT_MAX_PREFERRED/);
    expect(() => loadConfig({ LAST_AGENT_KNOWN_AGENTS_SECONDS: '4' })).toThrow(
      /LAST_AGENT_KNOWN_AGENTS_SECONDS/,
    );
  });
});

describe('the outcome with several preferred agents', () => {
  const ARN = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555';
  const event = (agent: string) => ({
    version: '0',
    id: 'e-1',
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account: '123456789012',
    time: '2026-11-20T10:00:00Z',
    region: 'us-east-1',
    resources: [ARN],
    detail: {
      eventType: 'CONNECTED_TO_AGENT',
      contactId: 'c-9',
      initialContactId: 'c-9',
      instanceArn: ARN,
      agentInfo: { agentArn: `${ARN}/agent/${agent}` },
    },
  });
  const run = async (agent: string, attributes: Record<string, string>) => {
    const lines: Record<string, unknown>[] = [];
    const deps = {
      connect: { send: async () => ({ Attributes: attributes }) },
      dynamo: { send: async () => ({}) },
      table: 't',
      attributes: { route: 'lastAgentRoute', reason: 'lastAgentReason', agentArn: 'lastAgentArn' },
      logger: createLogger({ level: 'INFO', sink: (line) => lines.push(JSON.parse(line)) }),
      clock: () => Date.parse('2026-11-20T10:00:00Z'),
    } as unknown as OutcomeDeps;
    const result = await recordOutcome(event(agent), deps);
    return { result, emf: lines.find((l) => l._aws !== undefined) };
  };
  const dims = (emf: Record<string, unknown> | undefined) =>
    (emf?._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]?.Dimensions;

  it('orders the preferred agents: the stored agent, then the stored others, each once', () => {
    expect(preferenceOrder('a', 'b,c')).toEqual(['a', 'b', 'c']);
    expect(preferenceOrder('b', 'b,c')).toEqual(['b', 'c']);
    expect(preferenceOrder(undefined, '')).toEqual([]);
  });

  it('LAST_AGENT: a second-ranked agent answering is Reached, rank 2', async () => {
    const { result, emf } = await run('b', {
      lastAgentRoute: 'LAST_AGENT',
      lastAgentReason: 'AGENT_BUSY',
      lastAgentArn: `${ARN}/agent/a`,
      [KNOWN_AGENTS_ATTRIBUTE]: 'b,c',
    });
    expect(result).toEqual({ status: 'COUNTED', outcome: 'Reached', contactId: 'c-9', rank: 2 });
    expect(emf).toMatchObject({
      PreferredAgentReached: 1,
      PreferredAgentMissed: 0,
      Route: 'LAST_AGENT',
      Rank: '2',
    });
    expect(dims(emf)).toEqual([['service', 'Route', 'Reason'], ['service'], ['service', 'Route', 'Rank']]);
  });

  it('KNOWN_AGENT counts too; someone else answering is Missed, rank "none"', async () => {
    const { result, emf } = await run('z', {
      lastAgentRoute: 'KNOWN_AGENT',
      lastAgentReason: 'KNOWN_AGENT_AVAILABLE',
      lastAgentArn: `${ARN}/agent/b`,
      [KNOWN_AGENTS_ATTRIBUTE]: 'b,c',
    });
    expect(result).toEqual({ status: 'COUNTED', outcome: 'Missed', contactId: 'c-9' });
    expect(emf).toMatchObject({ PreferredAgentReached: 0, PreferredAgentMissed: 1, Rank: 'none' });
  });

  it('without the stored others the metric is what it was: no Rank dimension', async () => {
    const { result, emf } = await run('a', {
      lastAgentRoute: 'LAST_AGENT',
      lastAgentReason: 'LAST_AGENT_AVAILABLE',
      lastAgentArn: `${ARN}/agent/a`,
    });
    expect(result).toEqual({ status: 'COUNTED', outcome: 'Reached', contactId: 'c-9' });
    expect(emf).not.toHaveProperty('Rank');
    expect(dims(emf)).toEqual([['service', 'Route', 'Reason'], ['service']]);
  });
});
