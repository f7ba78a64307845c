/**
 * Errors that cross a state boundary. Step Functions matches `Retry`/`Catch` on the error
 * name, so each class sets an explicit, stable `name` (never rely on minified class names).
 */
export class ConnectThrottledError extends Error {
  override readonly name = 'ConnectThrottled';
}

export class LookupTimeoutError extends Error {
  override readonly name = 'LookupTimeout';
}

export class ConnectApiError extends Error {
  override readonly name = 'ConnectApiError';
}

export class InvalidStepInputError extends Error {
  override readonly name = 'InvalidStepInput';
}

export type LookupError = ConnectThrottledError | LookupTimeoutError | ConnectApiError;

/**
 * Throttling error names. DynamoDB's three (ProvisionedThroughputExceededException,
 * ThrottlingException, RequestLimitExceeded) are the throttling errors of @aws-sdk/client-dynamodb
 * (dist-types/models/errors.d.ts); a throttled table read is LOOKUP_THROTTLED like Connect's.
 */
const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);
const TIMEOUT = new Set(['AbortError', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/** Network failures; the SDK reports a reset socket as "TimeoutError" with code ECONNRESET. */
const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);

/** Maps any error from an AWS SDK call (or our deadline) onto one of the three lookup errors. */
export function classifyAwsError(err: unknown, operation: string): LookupError {
  if (
    err instanceof ConnectThrottledError ||
    err instanceof LookupTimeoutError ||
    err instanceof ConnectApiError
  )
    return err;
  const e = err as
    | { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } }
    | undefined;
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const message = `${operation}: ${name}${e?.message ? ` (${e.message})` : ''}`;
  if (THROTTLING.has(name) || status === 429) return new ConnectThrottledError(message, { cause: err });
  if (TIMEOUT.has(name) && !NETWORK.has(e?.code ?? ''))
    return new LookupTimeoutError(message, { cause: err });
  return new ConnectApiError(message, { cause: err });
}

/** True for errors worth another attempt: throttling and server-side faults, not client errors. */
export function isTransient(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string } | undefined;
  const status = e?.$metadata?.httpStatusCode ?? 0;
  if (THROTTLING.has(e?.name ?? '') || status === 429 || status >= 500) return true;
  // Network-level failures (reset connection, refused socket) have no HTTP status.
  return NETWORK.has(e?.code ?? '');
}

/** True when the error (or the SDK error it wraps) says the resource does not exist. */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; cause?: { name?: string } } | undefined;
  return e?.name === 'ResourceNotFoundException' || e?.cause?.name === 'ResourceNotFoundException';
}
