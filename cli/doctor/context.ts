import type { ConnectClient } from '@aws-sdk/client-connect';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';

/**
 * What every check of `last-agent doctor` shares: its report shape, the clients, and how an AWS
 * error becomes a check result that says what to do.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** The checks, in the order the report lists them (configuration first: the others read it). */
export const CHECK_IDS = [
  'configuration',
  'searchable-key',
  'queue',
  'agent-statuses',
  'quotas',
  'lambda-association',
  'flows',
  'decision',
  'routing-table',
  'contact-events',
  'agent-events',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface DoctorCheck {
  id: CheckId;
  title: string;
  /** `skip`: the check cannot run here (said in `detail`); never counted as passed or failed. */
  status: CheckStatus;
  detail: string;
  hint?: string;
  /** Machine-readable findings (for --json). */
  data?: Record<string, unknown>;
}

/** The deployed pieces the go-live checks look at: from `--stack-name`, explicit options, or the local run. */
export interface Deployment {
  /** Where they came from: `stack NAME`, `options` or `local`. */
  from: string;
  /** The instance, when the deployment names it (the flows' ARNs do). */
  instanceArn?: string;
  /** What Connect invokes: the entry function's ARN (its "live" alias with provisioned concurrency). */
  entryFunction?: string;
  routingFlowArn?: string;
  whisperFlowArn?: string;
  tableName?: string;
  contactIndexerArn?: string;
  agentIndexerName?: string;
  agentEventStreamArn?: string;
  stackStatus?: string;
}

export interface Ctx {
  connect: ConnectClient;
  serviceQuotas: ServiceQuotasClient;
  lambda: LambdaClient | undefined;
  dynamo: DynamoDBClient | undefined;
  eventBridge: EventBridgeClient | undefined;
  instanceId: string;
  instanceArn: string | undefined;
  timeoutMs: number;
  now: Date;
  /** Wall clock, epoch ms: the age of agent state (live state, stamped by the stream). */
  clock: () => number;
  /** Options for every send: a fresh timeout per call. */
  call(timeoutMs?: number): { abortSignal: AbortSignal };
}

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
  ValidationError: 'invalid',
  InvalidParameterException: 'invalid',
  InvalidParameterValueException: 'invalid',
  InvalidRequestException: 'invalid',
  IllegalArgumentException: 'invalid',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  TooManyRequestsException: 'throttled',
  LimitExceededException: 'throttled',
  AbortError: 'timeout',
  TimeoutError: 'timeout',
};

export function problemOf(err: unknown): { problem: Problem; name: string; message: string } {
  const e = err as { name?: unknown; message?: unknown };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { problem: PROBLEMS[name] ?? 'other', name, message };
}

const CREDENTIALS_HINT =
  'Configure AWS credentials for the instance account (AWS_PROFILE, `aws sso login`, environment variables); ' +
  'the doctor uses the default credential chain.';

/** The failure of a check that could not get an answer, with what to do about it. */
export function callFailed(
  base: Pick<DoctorCheck, 'id' | 'title'>,
  err: unknown,
  call: string,
  permissions: string,
  timeoutMs: number,
  notFoundHint = 'Check --instance-id and --region: the instance must exist in that Region of the account.',
): DoctorCheck {
  const { problem, name, message } = problemOf(err);
  switch (problem) {
    case 'denied':
      return {
        ...base,
        status: 'fail',
        detail: `${call} was denied (${name}).`,
        hint: `Grant the identity running the doctor ${permissions} (docs/operations.md, "Permissions of last-agent doctor").`,
      };
    case 'credentials':
      return {
        ...base,
        status: 'fail',
        detail: `${call}: no usable AWS credentials (${name}: ${message}).`,
        hint: CREDENTIALS_HINT,
      };
    case 'not-found':
      return { ...base, status: 'fail', detail: `${call}: ${message} (${name}).`, hint: notFoundHint };
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
        hint: "Check network access to the service's endpoint in the Region, then run the doctor again.",
      };
    default:
      return { ...base, status: 'fail', detail: `${call} failed: ${name}: ${message}` };
  }
}

/** Every item of a paged list operation, page after page until there is no NextToken. */
export async function allPages<P extends { NextToken?: string | undefined }, T>(
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

/** A check that was not run because an input is missing: a warning naming the option that gives it. */
export function notChecked(base: Pick<DoctorCheck, 'id' | 'title'>, why: string, hint: string): DoctorCheck {
  return { ...base, status: 'warn', detail: `Not checked: ${why}.`, hint };
}

/** The last path segment of an ARN (`…/contact-flow/ID` → ID), or the value itself. */
export const lastSegment = (arnOrId: string) => arnOrId.slice(arnOrId.lastIndexOf('/') + 1);
