import { LookupTimeoutError, classifyAwsError, isTransient } from './errors';

/** Absolute time budget (epoch milliseconds) passed from the entry Lambda to every step. */
export class Deadline {
  constructor(
    readonly at: number,
    private readonly now: () => number = Date.now,
  ) {}

  remaining(): number {
    return this.at - this.now();
  }

  /** Throws when the budget is spent: no point starting a call whose answer nobody will read. */
  check(what: string): void {
    if (this.remaining() <= 0) throw new LookupTimeoutError(`${what}: deadline reached before the call`);
  }

  signal(): AbortSignal {
    // AbortSignal.timeout takes whole milliseconds only (a fraction is a RangeError).
    return AbortSignal.timeout(Math.max(1, Math.ceil(this.remaining())));
  }
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Only retry when at least this much budget is left after the backoff sleep. */
  minUsefulMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 50, minUsefulMs: 150 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls an AWS API with a deadline-aware retry: transient errors (throttling, 5xx, reset
 * connections) are retried with full-jitter exponential backoff, but never past the deadline.
 * The SDK's own retries are off (maxAttempts 1 on the client) because its 1 s throttling base
 * delay alone can exceed a 3 s budget.
 */
export async function callWithRetry<T>(
  operation: string,
  deadline: Deadline,
  call: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    deadline.check(operation);
    try {
      return await call(deadline.signal());
    } catch (err) {
      const classified = classifyAwsError(err, operation);
      if (classified instanceof LookupTimeoutError || deadline.remaining() <= 0) {
        throw new LookupTimeoutError(`${operation}: no answer within the deadline`, { cause: err });
      }
      const delay = Math.floor(random() * policy.baseDelayMs * 2 ** (attempt - 1));
      const worthRetrying =
        isTransient(err) &&
        attempt < policy.maxAttempts &&
        deadline.remaining() - delay >= policy.minUsefulMs;
      if (!worthRetrying) throw classified;
      await sleep(delay);
    }
  }
}

/**
 * Sends one AWS SDK command within the deadline, with the deadline-aware retry policy. Any client
 * (Connect, DynamoDB); `operation` names the call in errors, retries and logs (class names do not
 * survive minification).
 */
export function sendWithin<T>(
  // biome-ignore lint/suspicious/noExplicitAny: any SDK client and any of its commands
  client: { send(command: any, options: { abortSignal: AbortSignal }): Promise<unknown> },
  deadline: Deadline,
  operation: string,
  // biome-ignore lint/suspicious/noExplicitAny: any SDK command of that client
  command: any,
): Promise<T> {
  return callWithRetry(
    operation,
    deadline,
    (abortSignal) => client.send(command, { abortSignal }) as Promise<T>,
  );
}
