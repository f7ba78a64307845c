import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { fnv1a, latencySampler, seededRandom } from '../local/connect/faults';

/**
 * The logical request a Connect call belongs to: one decision for one caller. It travels with
 * the decision through every async hop (the local state machine included), so a Connect call
 * made deep inside a step still knows which call it serves.
 */
export interface DecisionContext {
  /** Names the logical request, e.g. "call 17 +14155550123"; the same in every contender. */
  key: string;
  /** Connect round trips of this decision (start, end; ms), for the in-flight time. */
  trips: [number, number][];
  /** How many times each operation was called so far in this decision. */
  occurrences: Map<string, number>;
}

export const decisionContext = new AsyncLocalStorage<DecisionContext>();

/** Runs one decision as the logical request `key`. */
export async function inDecision<T>(key: string, run: () => Promise<T>) {
  const ctx: DecisionContext = { key, trips: [], occurrences: new Map() };
  const value = await decisionContext.run(ctx, run);
  return { value, ctx };
}

export type LatencyModel = { median: number; p99: number };

/**
 * Connect latency paired per logical request: the n-th call of an operation in the decision for
 * a given caller gets the same draw in every contender, whichever agent it asks about and in
 * whatever order the contenders run. (Keying by the request's own content, as the local
 * Connect does, pairs SearchContacts but not GetCurrentUserData: contenders that ask about
 * different agents, or about the same agent for different callers, draw differently.)
 */
export class PairedLatency {
  /** Every draw this contender saw: draw key → ms. */
  readonly draws = new Map<string, number>();
  /** Requests made outside any decision (would be unpaired). */
  unkeyed = 0;
  /** Same logical request, different draw (must stay 0: the draw is a function of the key). */
  conflicts = 0;

  constructor(
    private readonly model: LatencyModel | null,
    private readonly seed: number,
    readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly sample: (key: string) => number = (key) =>
      model ? latencySampler(model.median, model.p99, seededRandom(fnv1a(`${seed}\u0000${key}`)))() : 0,
  ) {}

  /** The delay for the current request, recorded under its logical key. */
  next(operation: string): number {
    const ctx = decisionContext.getStore();
    if (!ctx) {
      this.unkeyed++;
      return 0;
    }
    const n = (ctx.occurrences.get(operation) ?? 0) + 1;
    ctx.occurrences.set(operation, n);
    // A draw's identity: logical request + operation + occurrence within the request.
    const key = `${ctx.key}\u0000${operation}\u0000${n}`;
    const ms = this.model ? this.sample(key) : 0;
    const seen = this.draws.get(key);
    if (seen !== undefined && seen !== ms) this.conflicts++;
    this.draws.set(key, ms);
    return ms;
  }
}

/**
 * Adds the current latency model's delay to every request of a client, before it is sent, and
 * times each round trip (delay included) into the decision's record. `latency` is read per
 * request, so one client serves passes with the model on and off.
 */
export function attachLatency(client: ConnectClient, latency: () => PairedLatency): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      try {
        const source = latency();
        const ms = source.next((context.commandName ?? 'unknown').replace(/Command$/, ''));
        if (ms > 0) await source.sleep(ms);
        return await next(args);
      } finally {
        decisionContext.getStore()?.trips.push([started, performance.now()]);
      }
    },
    { step: 'initialize', name: 'benchPairedLatency', priority: 'high' },
  );
}

/** Time with at least one Connect call in flight (a decision's `trips`): the Connect share of its critical path. */
export function inFlightMs(intervals: [number, number][]): number {
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [s, e] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (e > end) total += e - Math.max(s, end);
    end = Math.max(end, e);
  }
  return total;
}

export interface PairingCheck {
  ok: boolean;
  /** Logical requests seen by more than one contender, per operation. */
  shared: Record<string, number>;
  /** Shared logical requests whose draws differ between contenders. */
  mismatches: { key: string; draws: Record<string, number> }[];
  unkeyed: Record<string, number>;
  conflicts: Record<string, number>;
}

/** Every contender must have seen the same draw for every logical request they share. */
export function checkPairing(contenders: Record<string, PairedLatency>): PairingCheck {
  const byKey = new Map<string, Record<string, number>>();
  for (const [name, latency] of Object.entries(contenders)) {
    for (const [key, ms] of latency.draws) {
      const entry = byKey.get(key) ?? {};
      entry[name] = ms;
      byKey.set(key, entry);
    }
  }
  const shared: Record<string, number> = {};
  const mismatches: PairingCheck['mismatches'] = [];
  for (const [key, draws] of byKey) {
    const values = Object.values(draws);
    if (values.length < 2) continue;
    const operation = key.split('\u0000')[1] ?? '?';
    shared[operation] = (shared[operation] ?? 0) + 1;
    if (values.some((v) => v !== values[0])) mismatches.push({ key: key.replaceAll('\u0000', ' / '), draws });
  }
  const unkeyed = Object.fromEntries(Object.entries(contenders).map(([n, l]) => [n, l.unkeyed]));
  const conflicts = Object.fromEntries(Object.entries(contenders).map(([n, l]) => [n, l.conflicts]));
  const ok =
    mismatches.length === 0 &&
    Object.values(unkeyed).every((n) => n === 0) &&
    Object.values(conflicts).every((n) => n === 0);
  return { ok, shared, mismatches: mismatches.slice(0, 10), unkeyed, conflicts };
}

export class PairingError extends Error {
  override readonly name = 'PairingError';
}

/** The pairing check of a measured pass, thrown as a PairingError when it fails. */
export function assertPaired(contenders: Record<string, PairedLatency>): PairingCheck {
  const pairing = checkPairing(contenders);
  const { ok, mismatches, unkeyed, conflicts } = pairing;
  if (!ok)
    throw new PairingError(
      `latency draws are not paired between contenders: ${JSON.stringify({ mismatches, unkeyed, conflicts })}`,
    );
  return pairing;
}
