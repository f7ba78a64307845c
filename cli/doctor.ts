import { parseArgs } from 'node:util';
import {
  type AgentStatusSummary,
  ConnectClient,
  DescribeQueueCommand,
  ListAgentStatusesCommand,
  ListLambdaFunctionsCommand,
  SearchContactsCommand,
} from '@aws-sdk/client-connect';
import {
  ListServiceQuotasCommand,
  type ServiceQuota,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { loadScenarioFile } from '../local/connect/scenario';
import { startLocalConnect } from '../local/connect/server';
import { DEMO_SCENARIO } from '../local/scenarios';
import { startLocalServiceQuotas } from '../local/service-quotas/server';
import { UsageError } from './usage';

/**
 * `last-agent doctor`: a read-only preflight of an Amazon Connect instance. Every call is a
 * Describe/List/Search; nothing is created or changed. Each check says what it found and, when
 * something is wrong, what to do about it.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface DoctorCheck {
  id: 'searchable-key' | 'queue' | 'agent-statuses' | 'quotas' | 'lambda-association';
  title: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
  /** Machine-readable findings (for --json). */
  data?: Record<string, unknown>;
}

export interface DoctorReport {
  instanceId: string;
  region: string | undefined;
  attributeKey: string;
  ok: boolean;
  summary: Record<CheckStatus, number>;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  connect: ConnectClient;
  serviceQuotas: ServiceQuotasClient;
  instanceId: string;
  queueId?: string | undefined;
  functionArn?: string | undefined;
  /** The searchable contact attribute; default LAST_AGENT_ATTRIBUTE_KEY or CustomerPhoneNumber. */
  attributeKey?: string | undefined;
  /** Per-call timeout; default 5000 ms. */
  timeoutMs?: number;
  now?: Date;
}

export const DEFAULT_ATTRIBUTE_KEY = 'CustomerPhoneNumber';
const PROBE_VALUE = 'doctor-probe';
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Throttling of the two calls on a decision's search path, when Service Quotas does not list
 * them: Amazon Connect's documented API throttling ("Amazon Connect service quotas" page, API
 * throttling quotas): SearchContacts 0.5 requests/s with a burst of 1, all other operations
 * (GetCurrentUserData among them) 2 requests/s with a burst of 5. Per account and Region.
 */
export const DOCUMENTED_QUOTAS = {
  SearchContacts: { rps: 0.5, burst: 1 },
  GetCurrentUserData: { rps: 2, burst: 5 },
} as const;
const QUOTA_SOURCE = '"Amazon Connect service quotas" page, API throttling quotas';

/** Service Quotas codes known for these operations (ServiceCode connect); SearchContacts has none known. */
export const KNOWN_QUOTA_CODES: Record<keyof typeof DOCUMENTED_QUOTAS, string[]> = {
  SearchContacts: [],
  GetCurrentUserData: ['L-9E54B88B'],
};

// ---------------------------------------------------------------------------------------------
// Errors

type Problem = 'denied' | 'credentials' | 'not-found' | 'invalid' | 'throttled' | 'timeout' | 'other';

const PROBLEMS: Record<string, Problem> = {
  AccessDeniedException: 'denied',
  AccessDenied: 'denied',
  UnauthorizedException: 'denied',
  CredentialsProviderError: 'credentials',
  UnrecognizedClientException: 'credentials',
  InvalidSignatureException: 'credentials',
  ExpiredTokenException: 'credentials',
  InvalidClientTokenId: 'credentials',
  ResourceNotFoundException: 'not-found',
  NoSuchResourceException: 'not-found',
  InvalidParameterException: 'invalid',
  InvalidRequestException: 'invalid',
  IllegalArgumentException: 'invalid',
  ThrottlingException: 'throttled',
  TooManyRequestsException: 'throttled',
  LimitExceededException: 'throttled',
  AbortError: 'timeout',
  TimeoutError: 'timeout',
};

function problemOf(err: unknown): { problem: Problem; name: string; message: string } {
  const e = err as { name?: unknown; message?: unknown };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { problem: PROBLEMS[name] ?? 'other', name, message };
}

const CREDENTIALS_HINT =
  'Configure AWS credentials for the instance account (AWS_PROFILE, `aws sso login`, environment variables); ' +
  'the doctor uses the default credential chain.';

/** The failure of a check that could not get an answer, with what to do about it. */
function callFailed(
  base: Pick<DoctorCheck, 'id' | 'title'>,
  err: unknown,
  call: string,
  permissions: string,
  timeoutMs: number,
): DoctorCheck {
  const { problem, name, message } = problemOf(err);
  switch (problem) {
    case 'denied':
      return {
        ...base,
        status: 'fail',
        detail: `${call} was denied (${name}).`,
        hint: `Grant the identity running the doctor ${permissions} on this instance.`,
      };
    case 'credentials':
      return {
        ...base,
        status: 'fail',
        detail: `${call}: no usable AWS credentials (${name}: ${message}).`,
        hint: CREDENTIALS_HINT,
      };
    case 'not-found':
      return {
        ...base,
        status: 'fail',
        detail: `${call}: ${message} (${name}).`,
        hint: 'Check --instance-id and --region: the instance must exist in that Region of the account.',
      };
    case 'throttled':
      return {
        ...base,
        status: 'fail',
        detail: `${call} was throttled (${name}); the check could not be completed.`,
        hint: 'Run the doctor again in a moment; throttling quotas are shared by every caller in the account and Region.',
      };
    case 'timeout':
      return {
        ...base,
        status: 'fail',
        detail: `${call} did not answer within ${timeoutMs / 1000} s; the check could not be completed.`,
        hint: 'Check network access to the Amazon Connect endpoint of the Region, then run the doctor again.',
      };
    default:
      return { ...base, status: 'fail', detail: `${call} failed: ${name}: ${message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

interface Ctx {
  connect: ConnectClient;
  serviceQuotas: ServiceQuotasClient;
  instanceId: string;
  timeoutMs: number;
  now: Date;
  /** Options for every send: a fresh timeout per call. */
  call(): { abortSignal: AbortSignal };
}

export function searchableKeyHint(key: string): string {
  return [
    `In the Amazon Connect admin website: Contact search → Add filter → Custom contact attribute → "Specify searchable attribute keys",`,
    `type "${key}" exactly (keys are case-sensitive), Add key, Save.`,
    'This needs the security-profile permission "Configure searchable contact attributes"; there is no API for it.',
    'Only contacts after that point are searchable by the key.',
  ].join(' ');
}

async function checkSearchableKey(ctx: Ctx, key: string): Promise<DoctorCheck> {
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

async function checkQueue(ctx: Ctx, queueId: string | undefined): Promise<DoctorCheck> {
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

/** Every item of a paged list operation, page after page until there is no NextToken. */
async function allPages<P extends { NextToken?: string | undefined }, T>(
  page: (nextToken: string | undefined) => Promise<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const current = await page(nextToken);
    all.push(...(items(current) ?? []));
    nextToken = current.NextToken;
  } while (nextToken);
  return all;
}

async function checkAgentStatuses(ctx: Ctx): Promise<DoctorCheck> {
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

interface QuotaFinding {
  operation: keyof typeof DOCUMENTED_QUOTAS;
  rps: number;
  /** Service Quotas does not expose a burst; the documented one when the default applies. */
  burst?: number;
  source: 'service-quotas' | 'documented-default';
  quotaCode?: string;
  quotaName?: string;
}

const PER_SECOND: Record<string, number> = {
  MICROSECOND: 1e-6,
  MILLISECOND: 1e-3,
  SECOND: 1,
  MINUTE: 60,
  HOUR: 3600,
  DAY: 86_400,
  WEEK: 604_800,
};

/** The quota for an operation: by known code first, then by a name mentioning the operation. */
function quotaFor(op: keyof typeof DOCUMENTED_QUOTAS, quotas: ServiceQuota[]): QuotaFinding {
  const byName = new RegExp(`\\b${op}\\b`);
  const q =
    quotas.find((x) => x.QuotaCode && KNOWN_QUOTA_CODES[op].includes(x.QuotaCode)) ??
    quotas.find((x) => x.QuotaName && byName.test(x.QuotaName));
  if (q && typeof q.Value === 'number' && q.Value > 0) {
    const seconds = q.Period?.PeriodUnit
      ? (PER_SECOND[q.Period.PeriodUnit] ?? 1) * (q.Period.PeriodValue ?? 1)
      : 1;
    return {
      operation: op,
      rps: q.Value / seconds,
      source: 'service-quotas',
      ...(q.QuotaCode ? { quotaCode: q.QuotaCode } : {}),
      ...(q.QuotaName ? { quotaName: q.QuotaName } : {}),
    };
  }
  return { operation: op, ...DOCUMENTED_QUOTAS[op], source: 'documented-default' };
}

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

function describeQuota(f: QuotaFinding): string {
  if (f.source === 'service-quotas')
    return `${f.operation} ${num(f.rps)}/s (Service Quotas ${f.quotaCode ?? ''} "${f.quotaName ?? ''}"; burst not exposed there)`;
  return `${f.operation} ${num(f.rps)}/s, burst ${f.burst} (not in Service Quotas; documented default, ${QUOTA_SOURCE})`;
}

async function checkQuotas(ctx: Ctx): Promise<DoctorCheck> {
  const base = { id: 'quotas', title: 'API throttling quotas (search path)' } as const;
  const quotas: ServiceQuota[] = [];
  let unavailable: string | undefined;
  try {
    quotas.push(
      ...(await allPages(
        (NextToken) =>
          ctx.serviceQuotas.send(
            new ListServiceQuotasCommand({ ServiceCode: 'connect', MaxResults: 100, NextToken }),
            ctx.call(),
          ),
        (page) => page.Quotas,
      )),
    );
  } catch (err) {
    const { problem, name, message } = problemOf(err);
    unavailable =
      problem === 'denied'
        ? `Service Quotas denied ListServiceQuotas (${name}; needs servicequotas:ListServiceQuotas)`
        : problem === 'timeout'
          ? `Service Quotas did not answer within ${ctx.timeoutMs / 1000} s`
          : `Service Quotas failed (${name}: ${message})`;
  }
  const search = quotaFor('SearchContacts', quotas);
  const userData = quotaFor('GetCurrentUserData', quotas);
  const perSecond = Math.min(search.rps, userData.rps);
  const perHour = perSecond * 3600;
  const data = {
    searchContacts: search,
    getCurrentUserData: userData,
    decisionsPerSecond: perSecond,
    decisionsPerHour: perHour,
    ...(unavailable ? { serviceQuotasError: unavailable } : {}),
  };
  const detail = [
    ...(unavailable ? [`${unavailable}; using the documented defaults.`] : []),
    `${describeQuota(search)}; ${describeQuota(userData)}.`,
    `One SearchContacts and at most one GetCurrentUserData per decision: the search path allows about ${num(perSecond)} decisions/s (${num(perHour)}/hour), per account and Region, shared with every other caller of these APIs.`,
  ].join(' ');
  const raise =
    'Quotas are per account and Region. To raise one: Service Quotas console → Amazon Connect → the quota → Request increase; a quota not listed there (SearchContacts usually is not) through an AWS Support case (service limit increase, Amazon Connect).';
  if (perSecond < 1)
    return {
      ...base,
      status: 'warn',
      detail: `${detail} That is below 1 decision/s: calls beyond it get throttled and are routed normally (reason LOOKUP_THROTTLED).`,
      hint: raise,
      data,
    };
  if (unavailable)
    return {
      ...base,
      status: 'warn',
      detail,
      hint: 'Grant servicequotas:ListServiceQuotas to see the applied values.',
      data,
    };
  return { ...base, status: 'pass', detail, data };
}

async function checkLambda(ctx: Ctx, functionArn: string | undefined): Promise<DoctorCheck> {
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

async function regionOf(client: ConnectClient): Promise<string | undefined> {
  try {
    const r = client.config.region as unknown;
    return typeof r === 'function' ? await (r as () => Promise<string>)() : (r as string | undefined);
  } catch {
    return undefined;
  }
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const attributeKey = options.attributeKey ?? process.env.LAST_AGENT_ATTRIBUTE_KEY ?? DEFAULT_ATTRIBUTE_KEY;
  const ctx: Ctx = {
    connect: options.connect,
    serviceQuotas: options.serviceQuotas,
    instanceId: options.instanceId,
    timeoutMs,
    now: options.now ?? new Date(),
    call: () => ({ abortSignal: AbortSignal.timeout(timeoutMs) }),
  };
  // Independent reads of different APIs: run them together.
  const checks = await Promise.all([
    checkSearchableKey(ctx, attributeKey),
    checkQueue(ctx, options.queueId),
    checkAgentStatuses(ctx),
    checkQuotas(ctx),
    checkLambda(ctx, options.functionArn),
  ]);
  const summary = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) summary[c.status]++;
  return {
    instanceId: options.instanceId,
    region: await regionOf(options.connect),
    attributeKey,
    ok: summary.fail === 0,
    summary,
    checks,
  };
}

/** Word-wraps text for a terminal; words longer than the width (ARNs) stay whole. */
function wrap(text: string, indent: string, nextIndent = indent, width = 100): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.trim() && line.length + 1 + word.length > width) {
      lines.push(line);
      line = nextIndent + word;
    } else line = line.trim() ? `${line} ${word}` : line + word;
  }
  lines.push(line);
  return lines;
}

export function formatDoctor(report: DoctorReport): string {
  const lines = [
    `last-agent doctor: Amazon Connect instance ${report.instanceId}${report.region ? ` (${report.region})` : ''}, read-only`,
    '',
  ];
  for (const c of report.checks) {
    lines.push(`${c.status.toUpperCase().padEnd(4)}  ${c.title}`);
    lines.push(...wrap(c.detail, '      '));
    if (c.hint && c.status !== 'pass') lines.push(...wrap(`→ ${c.hint}`, '      ', '        '));
  }
  const { pass, warn, fail } = report.summary;
  lines.push('');
  lines.push(
    `${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed: ${report.ok ? 'ready' : 'fix the failed checks'}`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Command

const ARN_PARTITION = 'arn:aws(?:-[a-z]+)*';
const INSTANCE_ARN = new RegExp(`^${ARN_PARTITION}:connect:([a-z0-9-]+):(\\d{12}):instance/([A-Za-z0-9-]+)$`);
const QUEUE_ARN = new RegExp(
  `^${ARN_PARTITION}:connect:([a-z0-9-]+):(\\d{12}):instance/([A-Za-z0-9-]+)/queue/([A-Za-z0-9-]+)$`,
);
const LAMBDA_ARN = new RegExp(
  `^${ARN_PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$`,
);
/** The keys the product accepts (LAST_AGENT_ATTRIBUTE_KEY). */
const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]{1,100}$/;

/** The made-up entry function `--local` associates with the demo instance. */
export const LOCAL_FUNCTION_NAME = 'last-agent-entry-local';

export async function runDoctorCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'instance-id': { type: 'string' },
      region: { type: 'string' },
      'queue-id': { type: 'string' },
      'queue-arn': { type: 'string' },
      'function-arn': { type: 'string' },
      'attribute-key': { type: 'string' },
      local: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const attributeKey =
    values['attribute-key'] ?? process.env.LAST_AGENT_ATTRIBUTE_KEY ?? DEFAULT_ATTRIBUTE_KEY;
  if (!ATTRIBUTE_KEY.test(attributeKey))
    throw new UsageError(
      `the attribute key "${attributeKey}" is not valid: letters, digits, "_" or "-", at most 100 characters`,
    );
  const print = (report: DoctorReport) => {
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${formatDoctor(report)}\n`);
    return report.ok ? 0 : 1;
  };

  if (values.local) {
    for (const flag of ['instance-id', 'region', 'queue-id', 'queue-arn', 'function-arn'] as const)
      if (values[flag] !== undefined)
        throw new UsageError(`--local checks the demo scenario; drop --${flag}`);
    return print(await runLocalDoctor(attributeKey));
  }

  let instanceId = values['instance-id'];
  if (!instanceId)
    throw new UsageError('doctor needs --instance-id (or --local to try it on the demo scenario)');
  let region = values.region;
  const instanceArn = INSTANCE_ARN.exec(instanceId);
  if (instanceArn) {
    if (region && region !== instanceArn[1])
      throw new UsageError(`--region ${region} does not match the instance ARN's Region ${instanceArn[1]}`);
    region = instanceArn[1];
    instanceId = instanceArn[3] as string;
  } else if (!/^[A-Za-z0-9-]{1,100}$/.test(instanceId)) {
    throw new UsageError('--instance-id must be an instance id (or an instance ARN)');
  }
  if (values['queue-id'] && values['queue-arn'])
    throw new UsageError('give --queue-id or --queue-arn, not both');
  let queueId = values['queue-id'];
  if (values['queue-arn']) {
    const m = QUEUE_ARN.exec(values['queue-arn']);
    if (!m)
      throw new UsageError(
        '--queue-arn must be arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID/queue/QUEUE_ID',
      );
    if (m[3] !== instanceId)
      throw new UsageError(`--queue-arn belongs to instance ${m[3]}, not to --instance-id ${instanceId}`);
    queueId = m[4];
  }
  const functionArn = values['function-arn'];
  if (functionArn && !LAMBDA_ARN.test(functionArn))
    throw new UsageError(
      '--function-arn must be a Lambda function ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME',
    );

  const connect = new ConnectClient({ maxAttempts: 2, ...(region ? { region } : {}) });
  const serviceQuotas = new ServiceQuotasClient({ maxAttempts: 2, ...(region ? { region } : {}) });
  try {
    if (!(await regionOf(connect)))
      throw new UsageError(
        'no AWS Region: pass --region, set AWS_REGION, or give the instance ARN as --instance-id',
      );
    return print(await runDoctor({ connect, serviceQuotas, instanceId, queueId, functionArn, attributeKey }));
  } finally {
    connect.destroy();
    serviceQuotas.destroy();
  }
}

/** The doctor against the bundled demo scenario: local Connect and local Service Quotas on 127.0.0.1. */
async function runLocalDoctor(attributeKey: string): Promise<DoctorReport> {
  const demo = loadScenarioFile(DEMO_SCENARIO);
  const { region, accountId } = demo.instance;
  const functionArn = `arn:aws:lambda:${region}:${accountId}:function:${LOCAL_FUNCTION_NAME}`;
  const scenario = { ...demo, lambdaFunctions: [...demo.lambdaFunctions, functionArn] };
  const connect = await startLocalConnect(scenario);
  // GetCurrentUserData is listed (its known code); SearchContacts is not, so its documented default applies.
  const quotas = await startLocalServiceQuotas({
    region,
    accountId,
    quotas: [
      {
        QuotaCode: 'L-9E54B88B',
        QuotaName: 'Rate of GetCurrentUserData API requests',
        Value: 2,
        Unit: 'None',
        Adjustable: true,
        Period: { PeriodValue: 1, PeriodUnit: 'SECOND' },
      },
    ],
  });
  const local = { region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 2 };
  const connectClient = new ConnectClient({ ...local, endpoint: connect.endpoint });
  const quotasClient = new ServiceQuotasClient({ ...local, endpoint: quotas.endpoint });
  try {
    return await runDoctor({
      connect: connectClient,
      serviceQuotas: quotasClient,
      instanceId: demo.instance.id,
      queueId: demo.queues[0]?.id,
      functionArn,
      attributeKey,
    });
  } finally {
    connectClient.destroy();
    quotasClient.destroy();
    await Promise.all([connect.close(), quotas.close()]);
  }
}
