/**
 * The backfill's Amazon Connect calls: each operation paced under its quota, and retried with
 * exponential backoff and jitter on transient errors.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isTransient } from '../../steps/lib/connect/errors';
import type { BackfillCounts } from './checkpoint';

const MAX_ATTEMPTS = 10;
export const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;
const CALL_TIMEOUT_MS = 20_000;

/**
 * A token bucket with a burst of one: calls are released at least 1/rps seconds apart, measured
 * between the moments they are released (a release made late by a busy machine pushes the next
 * one back, so the spacing holds at the service too). Waiting ends early (rejecting) when
 * `signal` aborts. Resolves with the release time on `clock`.
 */
export class Pacer {
  private next = Number.NEGATIVE_INFINITY;
  constructor(
    private readonly rps: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}
  async take(signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const at = this.next;
    // Timers measure from the event loop's cached time and can fire a few ms early: wait again
    // for the rest, so the spacing holds on this clock.
    for (let wait = at - this.clock(); wait > 0; wait = at - this.clock())
      await delay(Math.ceil(wait), undefined, signal ? { signal } : {});
    const released = this.clock();
    this.next = released + 1000 / this.rps;
    return released;
  }
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException']);
const isThrottle = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
};
/** Throttling, server faults, network failures and our own per-call timeout are retried. */
const isRetryable = (err: unknown) =>
  isTransient(err) || ['TimeoutError', 'AbortError'].includes((err as { name?: string })?.name ?? '');
export const isInvalidRequest = (err: unknown) =>
  ['InvalidParameterException', 'InvalidRequestException', 'ValidationException'].includes(
    (err as { name?: string })?.name ?? '',
  );
export const isNotFound = (err: unknown) => (err as { name?: string })?.name === 'ResourceNotFoundException';

export type Operation = 'SearchContacts' | 'GetContactAttributes';

export interface PacedConnectOptions {
  searchRps: number;
  attributesRps: number;
  /** Where throttling errors and retries are counted. */
  counts: BackfillCounts;
  signal?: AbortSignal | undefined;
  backoffBaseMs: number;
  random: () => number;
  /** Called as each request is sent, with the time its pacer released it (performance.now). */
  onCall?: ((operation: Operation, releasedAt: number) => void) | undefined;
}

/** Connect calls, one pacer per operation; counts the requests sent. */
export class PacedConnect {
  readonly requests: Record<Operation, number> = { SearchContacts: 0, GetContactAttributes: 0 };
  private readonly pacers: Record<Operation, Pacer>;

  constructor(private readonly options: PacedConnectOptions) {
    this.pacers = {
      SearchContacts: new Pacer(options.searchRps),
      GetContactAttributes: new Pacer(options.attributesRps),
    };
  }

  /** One Connect call, paced, retried with exponential backoff and jitter on transient errors. */
  async call<T>(operation: Operation, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const { counts, signal } = this.options;
    for (let attempt = 1; ; attempt++) {
      const releasedAt = await this.pacers[operation].take(signal);
      this.requests[operation]++;
      this.options.onCall?.(operation, releasedAt);
      try {
        return await send(AbortSignal.timeout(CALL_TIMEOUT_MS));
      } catch (err) {
        if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err;
        if (isThrottle(err)) counts.throttled++;
        counts.retries++;
        const cap = Math.min(BACKOFF_CAP_MS, this.options.backoffBaseMs * 2 ** (attempt - 1));
        // "Equal jitter": at least half the backoff, so a retry never comes straight back.
        await delay(cap / 2 + (this.options.random() * cap) / 2, undefined, signal ? { signal } : {});
      }
    }
  }
}
