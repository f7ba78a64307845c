import {
  type AgentStatusSummary,
  DescribeQueueCommand,
  ListAgentStatusesCommand,
  ListLambdaFunctionsCommand,
  SearchContactsCommand,
} from '@aws-sdk/client-connect';
import { type Ctx, type DoctorCheck, allPages, callFailed, problemOf } from './context';

/**
 * The checks of the instance itself (what `doctor` checked before issue 25): the searchable key,
 * the default queue, the agent statuses and the entry Lambda's association. Every call is a
 * Describe/List/Search.
 */

const PROBE_VALUE = 'doctor-probe';

export function searchableKeyHint(key: string): string {
  return [
    `In the Amazon Connect admin website: Contact search → Add filter → Custom contact attribute → "Specify searchable attribute keys",`,
    `type "${key}" exactly (keys are case-sensitive), Add key, Save.`,
    'This needs the security-profile permission "Configure searchable contact attributes"; there is no API for it.',
    'Only contacts after that point are searchable by the key.',
  ].join(' ');
}

export async function checkSearchableKey(ctx: Ctx, key: string): Promise<DoctorCheck> {
  const base = { id: 'searchable-key', title: `Searchable contact attribute "${key}"` } as const;
  try {
    await ctx.connect.send(
      new SearchContactsCommand({
        InstanceId: ctx.instanceId,
        TimeRange: {
          Type: 'INITIATION_TIMESTAMP',
          StartTime: new Date(ctx.now.getTime() - 24 * 3600_000),
          EndTime: ctx.now,
        },
        SearchCriteria: {
          SearchableContactAttributes: {
            Criteria: [{ Key: key, Values: [PROBE_VALUE] }],
            MatchType: 'MATCH_ALL',
          },
        },
        MaxResults: 1,
      }),
      ctx.call(),
    );
    return {
      ...base,
      status: 'pass',
      detail: `SearchContacts accepts "${key}" as a searchable attribute key (probe over the last 24 h).`,
    };
  } catch (err) {
    const { problem, name, message } = problemOf(err);
    if (problem === 'invalid')
      return {
        ...base,
        status: 'fail',
        detail: `SearchContacts rejected the key "${key}" (${name}: ${message}): it is not a searchable attribute key of this instance.`,
        hint: searchableKeyHint(key),
      };
    return callFailed(
      base,
      err,
      'SearchContacts',
      'connect:SearchContacts, plus connect:GetContactAttributes and connect:DescribeContact (SearchContacts with searchable attributes requires them)',
      ctx.timeoutMs,
    );
  }
}

export async function checkQueue(ctx: Ctx, queueId: string | undefined): Promise<DoctorCheck> {
  const base = { id: 'queue', title: 'Queue' } as const;
  if (!queueId)
    return {
      ...base,
      status: 'warn',
      detail: 'Not checked: no queue given.',
      hint: 'Pass --queue-id or --queue-arn (the default queue the flow falls back to) to check it exists and is enabled.',
    };
  try {
    const { Queue: q } = await ctx.connect.send(
      new DescribeQueueCommand({ InstanceId: ctx.instanceId, QueueId: queueId }),
      ctx.call(),
    );
    const name = q?.Name ? `"${q.Name}" (${queueId})` : queueId;
    const data = { queueId, name: q?.Name, status: q?.Status };
    if (q?.Status === 'ENABLED')
      return { ...base, status: 'pass', detail: `Queue ${name} exists and is ENABLED.`, data };
    return {
      ...base,
      status: 'fail',
      detail: `Queue ${name} is ${q?.Status ?? 'in an unknown state'}, not ENABLED: contacts routed to it are not answered.`,
      hint: 'Enable the queue in the Amazon Connect admin website (Routing → Queues) or pass another queue.',
      data,
    };
  } catch (err) {
    if (problemOf(err).problem === 'not-found')
      return {
        ...base,
        status: 'fail',
        detail: `Queue ${queueId} was not found in instance ${ctx.instanceId}.`,
        hint: 'Check the queue id (the last part of the queue ARN, Routing → Queues → the queue → "Show additional queue information") and that it belongs to this instance.',
      };
    return callFailed(base, err, 'DescribeQueue', 'connect:DescribeQueue', ctx.timeoutMs);
  }
}

export async function checkAgentStatuses(ctx: Ctx): Promise<DoctorCheck> {
  const base = { id: 'agent-statuses', title: 'Agent statuses' } as const;
  const statuses: AgentStatusSummary[] = [];
  try {
    statuses.push(
      ...(await allPages(
        (NextToken) =>
          ctx.connect.send(
            new ListAgentStatusesCommand({ InstanceId: ctx.instanceId, MaxResults: 100, NextToken }),
            ctx.call(),
          ),
        (page) => page.AgentStatusSummaryList,
      )),
    );
  } catch (err) {
    return callFailed(base, err, 'ListAgentStatuses', 'connect:ListAgentStatuses', ctx.timeoutMs);
  }
  const list = statuses.map((s) => `${s.Name ?? s.Id ?? '?'} (${s.Type ?? '?'})`).join(', ');
  const data = { statuses: statuses.map((s) => ({ name: s.Name, type: s.Type })) };
  const routable = statuses.filter((s) => s.Type === 'ROUTABLE');
  if (routable.length === 0)
    return {
      ...base,
      status: 'fail',
      detail: `No ROUTABLE agent status: ${list || 'none listed'}. No agent can take a contact, so the last agent is never available.`,
      hint: 'Connect\'s built-in "Available" status is ROUTABLE; restore it (or create a status of type ROUTABLE) in the admin website, Users → Agent status.',
      data,
    };
  const oddAvailable = statuses.filter((s) => s.Name === 'Available' && s.Type !== 'ROUTABLE');
  const renamed = routable.filter((s) => s.Name !== 'Available');
  if (oddAvailable.length > 0 || renamed.length > 0) {
    const notes = [
      ...oddAvailable.map((s) => `"Available" is ${s.Type}, not ROUTABLE`),
      ...renamed.map((s) => `the ROUTABLE status is named "${s.Name}"`),
    ];
    return {
      ...base,
      status: 'warn',
      detail: `${list}. Renamed statuses: ${notes.join('; ')}.`,
      hint: 'Informational: the routing decides availability by status type (ROUTABLE), not by name, so this works; just read agent statuses by type in your own reports too.',
      data,
    };
  }
  return { ...base, status: 'pass', detail: `${list}.`, data };
}

export async function checkLambda(ctx: Ctx, functionArn: string | undefined): Promise<DoctorCheck> {
  const base = { id: 'lambda-association', title: 'Lambda association' } as const;
  const functions: string[] = [];
  try {
    functions.push(
      ...(await allPages(
        (NextToken) =>
          ctx.connect.send(
            new ListLambdaFunctionsCommand({ InstanceId: ctx.instanceId, MaxResults: 25, NextToken }),
            ctx.call(),
          ),
        (page) => page.LambdaFunctions,
      )),
    );
  } catch (err) {
    return callFailed(base, err, 'ListLambdaFunctions', 'connect:ListLambdaFunctions', ctx.timeoutMs);
  }
  const data = { associated: functions.length, functionArn };
  const count = `${functions.length} function${functions.length === 1 ? '' : 's'} associated with the instance`;
  if (!functionArn)
    return {
      ...base,
      status: 'warn',
      detail: `Not checked: no --function-arn given; ${count}.`,
      hint: "Pass --function-arn with the entry Lambda's ARN (the function the contact flow invokes) to check it is associated.",
      data,
    };
  if (functions.includes(functionArn))
    return { ...base, status: 'pass', detail: `${functionArn} is associated with the instance.`, data };
  return {
    ...base,
    status: 'fail',
    detail: `${functionArn} is not associated with the instance (${count}): the contact flow cannot invoke it.`,
    hint: 'Deploy the stack (it creates the association), or in the Amazon Connect console: your instance → Flows → AWS Lambda → add the function. The ARN must match exactly (a qualified ARN with :alias or :version is a different entry).',
    data,
  };
}
