import { ListInstanceStorageConfigsCommand, ListUsersCommand } from '@aws-sdk/client-connect';
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, ListRuleNamesByTargetCommand } from '@aws-sdk/client-eventbridge';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { CONTACT_EVENT_DETAIL_TYPE } from '../../steps/index-contact-events';
import { SINGLETON_SK, TABLE_KEY, TTL_ATTRIBUTE, agentPk } from '../../steps/lib/routing-state/table';
import type { Config } from '../../steps/lib/runtime/config';
import {
  type CheckId,
  type Ctx,
  type Deployment,
  type DoctorCheck,
  allPages,
  callFailed,
  notChecked,
} from './context';

/**
 * The event-fed routing state (LAST_AGENT_SOURCE index or index-then-search):
 * - `routing-table`: the table exists, is ACTIVE, keyed as steps/lib/routing-state/table.ts says,
 *   TTL on `expiresAt`, and the newest agent-state item among the instance's agents is fresh.
 *   AWS (@aws-sdk/client-dynamodb): DescribeTable `TableStatus`; DescribeTimeToLive
 *   `TimeToLiveDescription` {TimeToLiveStatus ENABLED|ENABLING|DISABLED|DISABLING, AttributeName};
 *   BatchGetItem reads the agents' items by key, at most 100 keys a request ("A single operation
 *   can retrieve up to 16 MB of data, which can contain as many as 100 items"), re-sending
 *   `UnprocessedKeys`; no Scan. The agents: Connect's ListUsers (`UserSummaryList`).
 * - `contact-events`: an EventBridge rule that targets the contact indexer (ListRuleNamesByTarget
 *   `TargetArn`) is ENABLED and matches this instance's contact events (DescribeRule `State`,
 *   `EventPattern`).
 * - `agent-events`: the instance streams agent events to a Kinesis stream (Connect's
 *   ListInstanceStorageConfigs, ResourceType AGENT_EVENTS, `KinesisStreamConfig.StreamArn`), the
 *   one the agent indexer reads, and that event source mapping is Enabled (Lambda's
 *   ListEventSourceMappings: "The state of the event source mapping. It can be one of the
 *   following: Creating, Enabling, Enabled, Disabling, Disabled, Updating, or Deleting").
 */

export interface RoutingInputs {
  config: Config | undefined;
  deployment: Deployment;
  /** Checks that cannot run here, with the reason (the local run: no EventBridge, no Kinesis). */
  skip: Partial<Record<CheckId, string>>;
  /** Why the table's TTL cannot be read here (dynalite has no TTL), when it cannot. */
  ttlUnavailable?: string | undefined;
}

/** A check that does not apply (search source), cannot run here, or lacks its input. */
function gate(base: Pick<DoctorCheck, 'id' | 'title'>, inputs: RoutingInputs): DoctorCheck | undefined {
  if (!inputs.config)
    return notChecked(
      base,
      'the configuration is invalid, so its source is unknown',
      'Fix the configuration first.',
    );
  if (inputs.config.source === 'search')
    return {
      ...base,
      status: 'skip',
      detail:
        'LAST_AGENT_SOURCE is search: decisions read no routing-state table, so there is none to check.',
    };
  const reason = inputs.skip[base.id];
  return reason ? { ...base, status: 'skip', detail: reason } : undefined;
}

const BATCH_KEYS = 100;

/** The newest agent-state event time (epoch ms) among the agents, read by key; how many items exist. */
async function newestAgentState(
  ctx: Ctx,
  table: string,
  agentIds: string[],
): Promise<{ items: number; newest?: number }> {
  const dynamo = ctx.dynamo;
  if (!dynamo) return { items: 0 };
  let items = 0;
  let newest: number | undefined;
  for (let i = 0; i < agentIds.length; i += BATCH_KEYS) {
    let request: Record<string, KeysAndAttributes> | undefined = {
      [table]: {
        Keys: agentIds.slice(i, i + BATCH_KEYS).map((id) => ({
          [TABLE_KEY.partition]: { S: agentPk(id) },
          [TABLE_KEY.sort]: { S: SINGLETON_SK.agent },
        })),
        ProjectionExpression: '#at',
        ExpressionAttributeNames: { '#at': 'eventAt' },
      },
    };
    for (let attempt = 0; request && attempt < 5; attempt++) {
      const out: BatchGetItemCommandOutput = await dynamo.send(
        new BatchGetItemCommand({ RequestItems: request }),
        ctx.call(),
      );
      for (const item of out.Responses?.[table] ?? []) {
        items++;
        const at = Number(item.eventAt?.N);
        if (Number.isFinite(at) && (newest === undefined || at > newest)) newest = at;
      }
      request = out.UnprocessedKeys?.[table]?.Keys?.length ? out.UnprocessedKeys : undefined;
    }
  }
  return { items, ...(newest === undefined ? {} : { newest }) };
}

export async function checkRoutingTable(ctx: Ctx, inputs: RoutingInputs): Promise<DoctorCheck> {
  const base = { id: 'routing-table', title: 'Routing-state table' } as const;
  const gated = gate(base, inputs);
  if (gated) return gated;
  const config = inputs.config as Config;
  const table = inputs.deployment.tableName ?? config.tableName;
  if (!table) return notChecked(base, 'no table name', 'Pass --stack-name or --table.');
  try {
    return await tableState(ctx, base, table, config, inputs.ttlUnavailable);
  } catch (err) {
    return callFailed(
      base,
      err,
      `Reading table ${table}`,
      'dynamodb:DescribeTable, dynamodb:DescribeTimeToLive and dynamodb:BatchGetItem on the table, and connect:ListUsers,',
      ctx.timeoutMs,
      'Check --stack-name / --table and --region: the table must exist in that Region (LAST_AGENT_TABLE_NAME).',
    );
  }
}

async function tableState(
  ctx: Ctx,
  base: Pick<DoctorCheck, 'id' | 'title'>,
  table: string,
  config: Config,
  ttlUnavailable: string | undefined,
): Promise<DoctorCheck> {
  const dynamo = ctx.dynamo;
  if (!dynamo) return { ...base, status: 'skip', detail: 'No DynamoDB client.' };
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: table }), ctx.call());
  const keys = Object.fromEntries((Table?.KeySchema ?? []).map((k) => [k.KeyType, k.AttributeName]));
  const ttl = ttlUnavailable
    ? undefined
    : (await dynamo.send(new DescribeTimeToLiveCommand({ TableName: table }), ctx.call()))
        .TimeToLiveDescription;
  const agentIds = (
    await allPages(
      (NextToken) =>
        ctx.connect.send(
          new ListUsersCommand({ InstanceId: ctx.instanceId, MaxResults: 1000, NextToken }),
          ctx.call(),
        ),
      (p) => p.UserSummaryList,
    )
  ).flatMap((u) => (u.Id ? [u.Id] : []));
  const state = await newestAgentState(ctx, table, agentIds);
  const ageSeconds =
    state.newest === undefined ? undefined : Math.max(0, Math.round((ctx.clock() - state.newest) / 1000));
  const data = {
    table,
    status: Table?.TableStatus,
    keys,
    ttl: ttlUnavailable
      ? { notChecked: ttlUnavailable }
      : { status: ttl?.TimeToLiveStatus, attribute: ttl?.AttributeName },
    users: agentIds.length,
    agentStates: state.items,
    ...(ageSeconds === undefined ? {} : { newestAgentStateAgeSeconds: ageSeconds }),
    maxAgeSeconds: config.agentStateMaxAgeSeconds,
  };
  const fail = (detail: string, hint: string): DoctorCheck => ({
    ...base,
    status: 'fail',
    detail,
    hint,
    data,
  });
  if (Table?.TableStatus !== 'ACTIVE')
    return fail(
      `Table ${table} is ${Table?.TableStatus ?? 'in no state'}, not ACTIVE.`,
      'Wait for the deployment to finish, then run the doctor again.',
    );
  if (keys.HASH !== TABLE_KEY.partition || keys.RANGE !== TABLE_KEY.sort)
    return fail(
      `Table ${table} is keyed ${keys.HASH ?? '?'}/${keys.RANGE ?? '?'}, not ${TABLE_KEY.partition}/${TABLE_KEY.sort}: it is not the routing-state table.`,
      'LAST_AGENT_TABLE_NAME must name the table the stack created (its output RoutingStateTableName…).',
    );
  if (ttl && (ttl.TimeToLiveStatus !== 'ENABLED' || ttl.AttributeName !== TTL_ATTRIBUTE))
    return fail(
      `Table ${table}: TTL is ${ttl.TimeToLiveStatus ?? 'unknown'}${ttl.AttributeName ? ` on "${ttl.AttributeName}"` : ''}, not ENABLED on "${TTL_ATTRIBUTE}": expired items are never deleted (the readers skip them, but the table only grows).`,
      `Deploy the stack again (it sets TTL on ${TTL_ATTRIBUTE}), or: aws dynamodb update-time-to-live --table-name ${table} --time-to-live-specification Enabled=true,AttributeName=${TTL_ATTRIBUTE}`,
    );
  const ttlText = ttlUnavailable ? `TTL not checked here (${ttlUnavailable})` : `TTL on "${TTL_ATTRIBUTE}"`;
  const found = `Table ${table} is ACTIVE, ${ttlText}; ${state.items} of ${agentIds.length} users have agent state.`;
  if (ageSeconds === undefined)
    return {
      ...base,
      status: 'warn',
      detail: `${found} No agent state yet: no agent has logged in since the agent event stream was set up, or the agent events do not reach the table.`,
      hint: 'Log an agent in (the stream publishes a HEART_BEAT every 120 s for logged-in agents), then run the doctor again; the agent-events check shows whether the stream reaches the indexer.',
      data,
    };
  if (ageSeconds > config.agentStateMaxAgeSeconds)
    return {
      ...base,
      status: 'warn',
      detail: `${found} The newest agent state is ${ageSeconds} s old, older than LAST_AGENT_AGENT_STATE_MAX_AGE_SECONDS (${config.agentStateMaxAgeSeconds} s): decisions read GetCurrentUserData instead.`,
      hint: 'If agents are logged in, the agent events do not reach the table: see the agent-events check. With nobody logged in, this is expected.',
      data,
    };
  return { ...base, status: 'pass', detail: `${found} The newest is ${ageSeconds} s old.`, data };
}

/** Whether an event pattern (JSON) selects this instance's Amazon Connect contact events. */
export function matchesContactEvents(pattern: string | undefined, instanceArn: string | undefined): boolean {
  let p: { source?: unknown; 'detail-type'?: unknown; detail?: { instanceArn?: unknown } };
  try {
    p = JSON.parse(pattern ?? '{}');
  } catch {
    return false;
  }
  const has = (list: unknown, value: string | undefined) =>
    Array.isArray(list) && value !== undefined && list.includes(value);
  return (
    has(p.source, 'aws.connect') &&
    has(p['detail-type'], CONTACT_EVENT_DETAIL_TYPE) &&
    has(p.detail?.instanceArn, instanceArn)
  );
}

export async function checkContactEvents(ctx: Ctx, inputs: RoutingInputs): Promise<DoctorCheck> {
  const base = { id: 'contact-events', title: 'Contact events (EventBridge rule)' } as const;
  const gated = gate(base, inputs);
  if (gated) return gated;
  const indexer = inputs.deployment.contactIndexerArn;
  if (!indexer || !ctx.eventBridge)
    return notChecked(base, 'the contact indexer is found from the stack', 'Pass --stack-name.');
  const events = ctx.eventBridge;
  try {
    const names = await allPages(
      (NextToken) =>
        events.send(new ListRuleNamesByTargetCommand({ TargetArn: indexer, NextToken }), ctx.call()),
      (p) => p.RuleNames,
    );
    const rules = await Promise.all(
      names.map((Name) => events.send(new DescribeRuleCommand({ Name }), ctx.call())),
    );
    const found = rules.map((r) => ({
      name: r.Name,
      state: r.State,
      matchesInstance: matchesContactEvents(r.EventPattern, ctx.instanceArn),
    }));
    const data = { indexer, rules: found };
    const good = found.find((r) => r.matchesInstance && r.state?.startsWith('ENABLED'));
    if (good)
      return {
        ...base,
        status: 'pass',
        detail: `Rule ${good.name} is ENABLED, matches this instance's contact events and targets ${indexer}.`,
        data,
      };
    const matching = found.find((r) => r.matchesInstance);
    return {
      ...base,
      status: 'fail',
      detail: matching
        ? `Rule ${matching.name} targets the contact indexer but is ${matching.state}: contact events are not indexed.`
        : found.length
          ? `No rule targeting the contact indexer matches this instance's contact events (${found.map((r) => r.name).join(', ')}).`
          : `No EventBridge rule targets the contact indexer ${indexer}: contact events are not indexed.`,
      hint: matching
        ? `aws events enable-rule --name ${matching.name}`
        : 'Deploy the stack again for this instance (the rule is part of it).',
      data,
    };
  } catch (err) {
    return callFailed(
      base,
      err,
      'Reading the EventBridge rules',
      'events:ListRuleNamesByTarget and events:DescribeRule',
      ctx.timeoutMs,
    );
  }
}

export async function checkAgentEvents(ctx: Ctx, inputs: RoutingInputs): Promise<DoctorCheck> {
  const base = { id: 'agent-events', title: 'Agent events (Kinesis stream)' } as const;
  const gated = gate(base, inputs);
  if (gated) return gated;
  const indexer = inputs.deployment.agentIndexerName;
  const lambda = ctx.lambda;
  if (!indexer || !lambda)
    return notChecked(base, 'the agent indexer is found from the stack', 'Pass --stack-name.');
  try {
    const configs = await allPages(
      (NextToken) =>
        ctx.connect.send(
          new ListInstanceStorageConfigsCommand({
            InstanceId: ctx.instanceId,
            ResourceType: 'AGENT_EVENTS',
            NextToken,
          }),
          ctx.call(),
        ),
      (p) => p.StorageConfigs,
    );
    const stream = configs.find((c) => c.StorageType === 'KINESIS_STREAM')?.KinesisStreamConfig?.StreamArn;
    const mappings =
      (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: indexer }), ctx.call()))
        .EventSourceMappings ?? [];
    const data = {
      instanceStream: stream,
      indexerStream: inputs.deployment.agentEventStreamArn,
      mappings: mappings.map((m) => ({
        uuid: m.UUID,
        source: m.EventSourceArn,
        state: m.State,
        lastResult: m.LastProcessingResult,
      })),
    };
    const fail = (detail: string, hint: string): DoctorCheck => ({
      ...base,
      status: 'fail',
      detail,
      hint,
      data,
    });
    if (!stream)
      return fail(
        'The instance streams no agent events to Kinesis.',
        "Deploy the stack (it registers a stream unless agentEventStreamArn is given), or set the instance's agent event stream: Data storage → Agent events in the Amazon Connect console.",
      );
    const expected = inputs.deployment.agentEventStreamArn;
    if (expected && stream !== expected)
      return fail(
        `The instance streams agent events to ${stream}, but the agent indexer reads ${expected}.`,
        "Deploy with -c agentEventStreamArn= set to the instance's stream.",
      );
    const mapping = mappings.find((m) => m.EventSourceArn === stream);
    if (!mapping)
      return fail(
        `The agent indexer ${indexer} has no event source mapping on ${stream}.`,
        'Deploy the stack again.',
      );
    if (mapping.State !== 'Enabled')
      return fail(
        `The agent indexer's event source mapping ${mapping.UUID} is ${mapping.State}${mapping.StateTransitionReason ? ` (${mapping.StateTransitionReason})` : ''}, not Enabled.`,
        `aws lambda update-event-source-mapping --uuid ${mapping.UUID} --enabled`,
      );
    return {
      ...base,
      status: 'pass',
      detail: `The instance streams agent events to ${stream}; the agent indexer's mapping ${mapping.UUID} on it is Enabled (last result: ${mapping.LastProcessingResult ?? 'none yet'}).`,
      data,
    };
  } catch (err) {
    return callFailed(
      base,
      err,
      'Reading the agent event stream',
      'connect:ListInstanceStorageConfigs and lambda:ListEventSourceMappings',
      ctx.timeoutMs,
    );
  }
}
