import { ConnectClient, GetContactAttributesCommand } from '@aws-sdk/client-connect';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { ContactEventEnvelope, camelKeys } from './lib/connect/contact-events';
import { isNotFound } from './lib/connect/errors';
import { KNOWN_AGENTS_ATTRIBUTE } from './lib/decision/decision';
import { createDynamoClient } from './lib/routing-state/dynamo-client';
import { type PreferredAgentOutcome, claimOutcome } from './lib/routing-state/outcomes';
import { idFromArn } from './lib/routing-state/table';
import { type Logger, createLogger } from './lib/runtime/logger';
import { outcomeMetrics } from './lib/runtime/metrics';
import { lazyInit } from './lib/runtime/step';

/**
 * The preferred-agent outcome (issue 25): for each Amazon Connect contact event CONNECTED_TO_AGENT
 * (EventBridge, detail-type "Amazon Connect Contact Event"), whether a contact the product routed
 * to its last agent (route LAST_AGENT) reached that agent: `PreferredAgentReached` or
 * `PreferredAgentMissed`, in EMF, with the decision metrics' namespace and dimensions. With
 * several preferred agents (issue 27, LAST_AGENT_MAX_PREFERRED > 1: routes LAST_AGENT and
 * KNOWN_AGENT, the others stored as lastAgentKnownIds), Reached when any of them answered, with
 * the answering agent's rank as a dimension (`Rank`: 1, 2, …; `none` when Missed).
 *
 * Where the decision lives: on the contact itself. The inbound flow stores the route, the reason
 * and the last agent's ARN as contact attributes (infra/contact-flow.ts, names from
 * infra/whisper.ts CONTEXT_ATTRIBUTE_DEFAULTS or -c contextAttributes, passed here as
 * OUTCOME_*_ATTRIBUTE). Contact events carry no user-defined attributes, so this function reads
 * them with GetContactAttributes (InstanceId, InitialContactId: "The identifier of the initial
 * contact", SDK model; IAM action connect:GetContactAttributes on the contact resource). Nothing
 * is written at decision time: the entry Lambda and the search path are unchanged.
 *
 * Only the decided contact counts: an event of a later leg (transfer, whose initialContactId
 * differs from its contactId) is ignored, as are contacts that were not routed LAST_AGENT.
 *
 * Exactly once per contact, over contacts whose event arrived: events are "emitted on a best
 * effort basis" and "are not ordered" (contact-events.html). The count is claimed with a
 * conditional PutItem keyed by the contact id (steps/lib/routing-state/outcomes.ts), so a
 * repeated event counts nothing; a missing event counts nothing either. A failed read or write
 * throws before anything is counted: Lambda retries the asynchronous invocation, then the event
 * goes to the on-failure queue (infra/constructs/preferred-agent-outcome.ts).
 */

/** The contact attributes the flow writes by default (infra/whisper.ts; a test checks they agree). */
export const DEFAULT_OUTCOME_ATTRIBUTES = {
  route: 'lastAgentRoute',
  reason: 'lastAgentReason',
  agentArn: 'lastAgentArn',
} as const;

/**
 * The contact attribute the flow stores the other known agents in (answer key knownAgentIds,
 * comma-separated user IDs in rank order) when LAST_AGENT_MAX_PREFERRED > 1 (issue 27).
 */
export { KNOWN_AGENTS_ATTRIBUTE };

/** Environment of the outcome function (infra/constructs/preferred-agent-outcome.ts sets them). */
export const OUTCOME_ENV = {
  table: 'OUTCOME_TABLE_NAME',
  route: 'OUTCOME_ROUTE_ATTRIBUTE',
  reason: 'OUTCOME_REASON_ATTRIBUTE',
  agentArn: 'OUTCOME_AGENT_ARN_ATTRIBUTE',
} as const;

/** The routes that prefer agents: LAST_AGENT (the last agent, then the others) and KNOWN_AGENT (the others). */
const PREFERRING_ROUTES = new Set(['LAST_AGENT', 'KNOWN_AGENT']);

export interface OutcomeDeps {
  connect: ConnectClient;
  dynamo: DynamoDBDocumentClient;
  table: string;
  /** knownAgentIds: the attribute of the other known agents; KNOWN_AGENTS_ATTRIBUTE when absent. */
  attributes: { route: string; reason: string; agentArn: string; knownAgentIds?: string };
  logger: Logger;
  clock: () => number;
}

export type OutcomeResult =
  | {
      status: 'COUNTED';
      outcome: PreferredAgentOutcome;
      contactId: string;
      /** Reached: the answering agent's place in the contact's preference order (1 = first). */
      rank?: number;
    }
  | { status: 'DUPLICATE'; outcome: PreferredAgentOutcome; contactId: string }
  | {
      status: 'IGNORED';
      reason:
        | 'EVENT_TYPE'
        | 'NOT_INITIAL'
        | 'NO_AGENT'
        | 'NO_ATTRIBUTES'
        | 'NOT_LAST_AGENT'
        | 'NO_STORED_AGENT';
      contactId?: string;
    };

const Text = z.optional(z.nullable(z.string()));
const Detail = z.object({
  eventType: z.string(),
  contactId: z.string().check(z.minLength(1), z.maxLength(256)),
  initialContactId: Text,
  instanceArn: z.string().check(z.minLength(1)),
  agentInfo: z.optional(z.nullable(z.object({ agentArn: Text }))),
});

/** The fields this function reads; throws on something that is not a contact event. */
export function readOutcomeEvent(event: unknown): z.infer<typeof Detail> {
  const envelope = ContactEventEnvelope.safeParse(event);
  const detail = envelope.success ? Detail.safeParse(camelKeys(envelope.data.detail)) : undefined;
  if (!detail?.success) throw new Error('not an Amazon Connect contact event with contactId and instanceArn');
  return detail.data;
}

/** One CONNECTED_TO_AGENT event → at most one counted outcome. Throws when Connect or DynamoDB fails. */
export async function recordOutcome(event: unknown, deps: OutcomeDeps): Promise<OutcomeResult> {
  const detail = readOutcomeEvent(event);
  const { contactId } = detail;
  if (detail.eventType !== 'CONNECTED_TO_AGENT')
    return { status: 'IGNORED', reason: 'EVENT_TYPE', contactId };
  if (detail.initialContactId && detail.initialContactId !== contactId)
    return { status: 'IGNORED', reason: 'NOT_INITIAL', contactId };
  const reachedAgent = idFromArn(detail.agentInfo?.agentArn);
  if (!reachedAgent) return { status: 'IGNORED', reason: 'NO_AGENT', contactId };
  let attributes: Record<string, string>;
  try {
    const answer = await deps.connect.send(
      new GetContactAttributesCommand({
        InstanceId: idFromArn(detail.instanceArn),
        InitialContactId: contactId,
      }),
    );
    attributes = answer.Attributes ?? {};
  } catch (err) {
    // A contact the instance does not know (ResourceNotFoundException, API reference) is not counted.
    if (isNotFound(err)) return { status: 'IGNORED', reason: 'NO_ATTRIBUTES', contactId };
    throw err;
  }
  const route = attributes[deps.attributes.route];
  if (route === undefined) return { status: 'IGNORED', reason: 'NO_ATTRIBUTES', contactId };
  if (!PREFERRING_ROUTES.has(route)) return { status: 'IGNORED', reason: 'NOT_LAST_AGENT', contactId };
  // No stored ARN (the flow's write of the agent context failed) counts as Missed, as `analyze`
  // counts it (analyze/figures/outcome.ts). With one preferred agent (the default) the share is
  // the same figure in both places; with ranked agents this one counts KNOWN_AGENT calls and any
  // preferred agent, while analyze's reachedLastAgentShare still counts LAST_AGENT calls reaching
  // the last agent (docs/analyze.md).
  const known = attributes[deps.attributes.knownAgentIds ?? KNOWN_AGENTS_ATTRIBUTE];
  const preferred = preferenceOrder(idFromArn(attributes[deps.attributes.agentArn]), known);
  const rank = preferred.indexOf(reachedAgent) + 1;
  const outcome: PreferredAgentOutcome = rank > 0 ? 'Reached' : 'Missed';
  const claimed = await claimOutcome(deps.dynamo, {
    table: deps.table,
    contactId,
    outcome,
    nowSeconds: Math.floor(deps.clock() / 1000),
  });
  if (!claimed) {
    deps.logger.info('preferred-agent outcome already counted', { contactId, outcome });
    return { status: 'DUPLICATE', outcome, contactId };
  }
  const reason = attributes[deps.attributes.reason] || 'UNKNOWN';
  // Written at INFO even when the level is raised above it, like the decision line (it carries the
  // metrics: the dashboard's share would go quiet); SILENT stays silent (steps/decide.ts).
  const log = ['WARN', 'ERROR', 'CRITICAL'].includes(deps.logger.getLevelName())
    ? deps.logger.createChild({ logLevel: 'INFO' })
    : deps.logger;
  // The rank is a dimension only where the flow stored the other known agents (issue 27): with one
  // preferred agent the metric is exactly what it was.
  const ranked = known !== undefined ? (rank > 0 ? String(rank) : 'none') : undefined;
  log.info('preferred-agent outcome', {
    contactId,
    outcome,
    ...outcomeMetrics(outcome === 'Reached', route, reason, ranked),
  });
  return { status: 'COUNTED', outcome, contactId, ...(ranked && rank > 0 ? { rank } : {}) };
}

/**
 * The agents the contact was offered to first, in order: the stored agent (the last agent on
 * LAST_AGENT, the first other known agent on KNOWN_AGENT), then the other known agents the flow
 * stored (comma-separated user IDs), each once.
 */
export function preferenceOrder(storedAgent: string | undefined, knownIds: string | undefined): string[] {
  const ids = [storedAgent, ...(knownIds ?? '').split(',').map((id) => id.trim())];
  return [...new Set(ids.filter((id): id is string => Boolean(id)))];
}

/** The function's configuration, once per container; throws when the table is not named. */
export function outcomeDepsFrom(
  env: Record<string, string | undefined>,
): Omit<OutcomeDeps, 'connect' | 'dynamo'> {
  const table = env[OUTCOME_ENV.table];
  if (!table) throw new Error(`${OUTCOME_ENV.table} is not set`);
  return {
    table,
    attributes: {
      route: env[OUTCOME_ENV.route] || DEFAULT_OUTCOME_ATTRIBUTES.route,
      reason: env[OUTCOME_ENV.reason] || DEFAULT_OUTCOME_ATTRIBUTES.reason,
      agentArn: env[OUTCOME_ENV.agentArn] || DEFAULT_OUTCOME_ATTRIBUTES.agentArn,
    },
    logger: createLogger(),
    clock: Date.now,
  };
}

// Off the call path: the SDK's standard retries (3 attempts) before the invocation fails and is retried.
const containerDeps = lazyInit(
  (): OutcomeDeps => ({
    ...outcomeDepsFrom(process.env),
    connect: new ConnectClient({ maxAttempts: 3 }),
    dynamo: createDynamoClient({ maxAttempts: 3 }),
  }),
);

/** Lambda entry (EventBridge target, invoked asynchronously). */
export async function handler(event: unknown, context?: Context): Promise<OutcomeResult> {
  const deps = await containerDeps();
  if (context) deps.logger.addContext(context);
  try {
    const result = await recordOutcome(event, deps);
    if (result.status === 'IGNORED') deps.logger.debug('contact event not counted', result);
    return result;
  } catch (err) {
    deps.logger.error('preferred-agent outcome not recorded', { error: err });
    throw err;
  }
}
