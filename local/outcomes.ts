/**
 * The preferred-agent outcome figure of a local run (issue 25): what the deployed dashboard's
 * "Preferred agent reached (daily share)" shows, Reached / (Reached + Missed), computed by the
 * deployed handler (steps/record-outcome.ts) against a local Connect (real HTTP on 127.0.0.1,
 * GetContactAttributes) and a local DynamoDB (dynalite, the conditional PutItem that counts each
 * contact once).
 *
 * Each decided call becomes a contact of the local Connect carrying the attributes the shipped
 * inbound flow stores (route, reason, last agent's ARN; infra/contact-flow.ts), and a
 * CONNECTED_TO_AGENT event in AWS's format (local/connect/event-feed.ts), delivered twice (events
 * are best effort: a repeat must count nothing). Who answers is a model, not a prediction: a call
 * routed LAST_AGENT because the agent was available (LAST_AGENT_AVAILABLE) reaches that agent; one
 * routed to a busy agent (AGENT_BUSY, prefer-busy) waits out the preference window and is taken by
 * another agent; every other call is taken by the queue's first agent (and not counted: only
 * LAST_AGENT decisions are).
 */
import { randomUUID } from 'node:crypto';
import { createConnectClient } from '../steps/lib/connect/client';
import type { FlowResponse } from '../steps/lib/decision/decision';
import { createDynamoClient } from '../steps/lib/routing-state/dynamo-client';
import { createLogger } from '../steps/lib/runtime/logger';
import { type OutcomeDeps, recordOutcome } from '../steps/record-outcome';
import { contactEventsFor } from './connect/event-feed';
import type { Scenario, ScenarioContact } from './connect/scenario';
import { startLocalConnect } from './connect/server';
import { startLocalDynamo } from './dynamodb/server';

export interface DecidedCall {
  decision: FlowResponse;
  /** When the call reached an agent (ISO); default the scenario's "now". */
  at?: string;
}

export interface OutcomeFigure {
  reached: number;
  missed: number;
  /** Events that found their contact already counted (each event is delivered twice). */
  repeats: number;
  /** Reached / (Reached + Missed); null when no contact routed LAST_AGENT reached an agent. */
  share: number | null;
}

const ATTRIBUTES = { route: 'lastAgentRoute', reason: 'lastAgentReason', agentArn: 'lastAgentArn' };
const TABLE = 'last-agent-outcomes';

/** The agent who answers, in the model above. */
export function answeringAgent(scenario: Scenario, decision: FlowResponse): string | undefined {
  const first = scenario.agents[0]?.id;
  if (decision.route !== 'LAST_AGENT' || !decision.agentId) return first;
  if (decision.reason === 'LAST_AGENT_AVAILABLE') return decision.agentId;
  return scenario.agents.find((a) => a.id !== decision.agentId)?.id;
}

/** The contacts the local Connect holds for the decided calls, as the flow left them. */
function contactsOf(scenario: Scenario, calls: DecidedCall[]): ScenarioContact[] {
  return calls.flatMap(({ decision, at = scenario.now }) => {
    const agentId = answeringAgent(scenario, decision);
    if (!agentId) return [];
    const attributes: Record<string, string> = {
      [ATTRIBUTES.route]: decision.route,
      [ATTRIBUTES.reason]: decision.reason,
      [ATTRIBUTES.agentArn]: decision.agentArn,
    };
    return [
      {
        id: randomUUID(),
        channel: 'VOICE',
        initiationMethod: 'INBOUND',
        initiationTimestamp: at,
        connectedToAgentTimestamp: at,
        agentId,
        attributes,
      } as ScenarioContact,
    ];
  });
}

/** Replays the calls' CONNECTED_TO_AGENT events (each twice) through the outcome handler. */
export async function localOutcomes(scenario: Scenario, calls: DecidedCall[]): Promise<OutcomeFigure> {
  const contacts = contactsOf(scenario, calls);
  // No faults, latency or quotas: the figure is about who answered, not about the local Connect.
  const local: Scenario = { ...scenario, contacts, faults: { seed: scenario.faults.seed, inject: [] } };
  const connect = await startLocalConnect(local);
  const dynamo = await startLocalDynamo();
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const deps: OutcomeDeps = {
    connect: createConnectClient({
      endpoint: connect.endpoint,
      region: scenario.instance.region,
      credentials,
    }),
    dynamo: createDynamoClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }),
    table: TABLE,
    attributes: ATTRIBUTES,
    logger: createLogger({ level: 'SILENT' }),
    clock: () => Date.parse(scenario.now),
  };
  const figure: OutcomeFigure = { reached: 0, missed: 0, repeats: 0, share: null };
  try {
    await dynamo.createRoutingTable(TABLE);
    const events = contactEventsFor(local, { instanceArn: connect.instanceArn }).filter(
      (e) => e.detail.eventType === 'CONNECTED_TO_AGENT',
    );
    for (const event of [...events, ...events]) {
      const result = await recordOutcome(event, deps);
      if (result.status === 'DUPLICATE') figure.repeats += 1;
      else if (result.status === 'COUNTED') figure[result.outcome === 'Reached' ? 'reached' : 'missed'] += 1;
    }
  } finally {
    deps.connect.destroy();
    deps.dynamo.destroy();
    await Promise.all([connect.close(), dynamo.close()]);
  }
  const counted = figure.reached + figure.missed;
  return { ...figure, share: counted ? figure.reached / counted : null };
}

/** "preferred agent reached: N of M (x %)", the line the demo and `load` print. */
export function outcomeLine(figure: OutcomeFigure): string {
  const counted = figure.reached + figure.missed;
  const pct = figure.share === null ? 'n/a' : `${(figure.share * 100).toFixed(1)} %`;
  return `preferred agent reached: ${figure.reached} of ${counted} (${pct})`;
}
