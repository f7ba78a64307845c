import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  ConnectClient,
  type ContactSearchSummary,
  GetContactAttributesCommand,
  type GetContactAttributesCommandOutput,
  SearchContactsCommand,
  type SearchContactsCommandOutput,
} from '@aws-sdk/client-connect';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Scenario } from '../local/connect/scenario';
import { Deadline } from '../steps/lib/connect/deadline';
import { isTransient } from '../steps/lib/connect/errors';
import { checkEntryConfig, customerKeyFor } from '../steps/lib/decision/caller';
import type { Channel } from '../steps/lib/decision/channel';
import { reachedAgent } from '../steps/lib/decision/contacts';
import { maskPhonesIn } from '../steps/lib/decision/privacy';
import type { ContactSummary } from '../steps/lib/decision/schemas';
import { recordContactEvent, recordCustomerKey } from '../steps/lib/routing-state/store';
import { type Config, loadConfig } from '../steps/lib/runtime/config';
import { searchWindows, summarise } from '../steps/search-contacts';
import { UsageError } from './usage';

/**
 * `last-agent backfill`: fills the routing-state table (steps/lib/routing-state/table.ts) with the
 * agent-handled contacts of the lookback window, read from SearchContacts, so the index answers
 * for callers whose last call predates the event feed.
 *
 * Why one GetContactAttributes per contact: SearchContacts cannot list "the contacts that have
 * attribute K, whatever its value". A SearchableContactAttributesCriteria needs its Values (the
 * shipped model, @aws-sdk/client-connect dist-types/commands/SearchContactsCommand.d.ts:
 * `Key: "STRING_VALUE", // required` and `Values: [ // SearchableContactAttributeValueList //
 * required`; models_3.d.ts: "The list of values to search for within a user-defined contact
 * attribute"), the match types are MATCH_ALL, MATCH_ANY, MATCH_EXACT and MATCH_NONE (no "exists"),
 * and a ContactSearchSummary carries no user-defined attributes (models_4.d.ts: Id,
 * InitialContactId, …, SegmentAttributes, Tags). So the backfill lists the agent-handled
 * contacts (TimeRange CONNECTED_TO_AGENT_TIMESTAMP) and reads each one's attributes.
 *
 * Each contact is written with the same two calls the live path makes, recordCustomerKey (the
 * search step's half of the join) and recordContactEvent (the contact indexer's half), so the
 * items are the ones the event path writes. Both are idempotent UpdateItems: running the
 * backfill twice, resuming it, or overlapping the live indexer rewrites the same values.
 *
 * Order: newest window first, newest contact first. The contacts that matter most for routing
 * (the recent ones; old ones expire first) are in the table soonest if the backfill is stopped.
 * Resuming stays simple because the end of the lookback is pinned when the backfill first starts
 * (saved in the checkpoint): the windows are the same on every run, and a window plus a
 * NextToken names the next page. Contacts after that instant are the live indexer's (start the
 * index first, then the backfill).
 */

const DAY_MS = 86_400_000;

/** Amazon Connect's default quotas (CONNECT_DEFAULT_QUOTAS): SearchContacts 0.5/s, GetContactAttributes 10/s. */
export const DEFAULT_SEARCH_RPS = 0.4;
export const DEFAULT_ATTRIBUTES_RPS = 5;
export const DEFAULT_CHECKPOINT = '.last-agent-backfill.json';
/** SearchContacts MaxResults: @range(1, 100). */
const PAGE_SIZE = 100;
const MAX_ATTEMPTS = 10;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;
const CALL_TIMEOUT_MS = 20_000;
const WRITE_BUDGET_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// Pacing

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
const isInvalidRequest = (err: unknown) =>
  ['InvalidParameterException', 'InvalidRequestException', 'ValidationException'].includes(
    (err as { name?: string })?.name ?? '',
  );
const isNotFound = (err: unknown) => (err as { name?: string })?.name === 'ResourceNotFoundException';

// ---------------------------------------------------------------------------------------------
// Checkpoint

const Counts = z.object({
  /** Pages of SearchContacts handled to the end. */
  pages: z.number().int().nonnegative(),
  /** Agent-handled contacts handled (written or skipped). */
  contacts: z.number().int().nonnegative(),
  written: z.number().int().nonnegative(),
  /** Contacts without the customer-key attribute (or with an empty one). */
  skipped: z.number().int().nonnegative(),
  /** Contacts whose attributes GetContactAttributes no longer finds. */
  notFound: z.number().int().nonnegative(),
  /** Throttling errors from Amazon Connect (each one retried after a backoff). */
  throttled: z.number().int().nonnegative(),
  /** Retries of any kind (throttling, server faults, timeouts). */
  retries: z.number().int().nonnegative(),
  /** Windows started over because SearchContacts rejected a saved NextToken (expired). */
  restartedWindows: z.number().int().nonnegative(),
});
export type BackfillCounts = z.infer<typeof Counts>;

const Checkpoint = z.object({
  version: z.literal(1),
  instanceId: z.string(),
  table: z.string(),
  lookbackDays: z.number(),
  /** The end of the lookback, pinned when the backfill first started. */
  now: z.iso.datetime(),
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The window being read (0 = the newest) and its bounds, for people reading the file. */
  window: z.object({ index: z.number().int().nonnegative(), start: z.string(), end: z.string() }),
  /** The token of the next page to read; null: the window's first page. */
  nextToken: z.string().nullable(),
  /** Contacts of that page already handled (an interruption in the middle of a page). */
  doneInPage: z.number().int().nonnegative(),
  /** Contacts handled in this window so far, and each window's TotalCount once known (estimates). */
  windowDone: z.number().int().nonnegative(),
  totals: z.array(z.number().nullable()),
  counts: Counts,
});
type Checkpoint = z.infer<typeof Checkpoint>;

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

function readCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw new CheckpointError(`cannot read the checkpoint ${path}: ${(err as Error).message}`);
  }
  let parsed: ReturnType<typeof Checkpoint.safeParse>;
  try {
    parsed = Checkpoint.safeParse(JSON.parse(text));
  } catch {
    parsed = Checkpoint.safeParse(undefined);
  }
  if (!parsed.success)
    throw new CheckpointError(
      `${path} is not a backfill checkpoint (or a damaged one); remove it to start over, or pass another --checkpoint`,
    );
  return parsed.data;
}

/** Written whole, then renamed over the old one: an interruption never leaves half a file. */
function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(tmp, path);
}

// ---------------------------------------------------------------------------------------------
// The backfill

export interface BackfillProgress {
  /** The window being read (0 = newest) and how many there are. */
  window: number;
  windows: number;
  counts: BackfillCounts;
  /** Contacts per second in this run. */
  rate: number;
  /** Share done, and seconds left at the paced rates; undefined until a page tells the totals. */
  fraction: number | undefined;
  etaSeconds: number | undefined;
  done: boolean;
}

/** What the backfill wrote for one contact (never the customer key). */
export interface WrittenContact {
  contactId: string;
  agentId: string;
  connectedAt: number;
  channel: string | undefined;
}

export interface BackfillOptions {
  connect: ConnectClient;
  dynamo: DynamoDBDocumentClient;
  instanceId: string;
  table: string;
  lookbackDays: number;
  attributeKey: string;
  channels: readonly Channel[];
  searchRps: number;
  attributesRps: number;
  /** The end of the lookback on a fresh start; a resumed backfill keeps the checkpoint's. */
  now: Date;
  /** Checkpoint file; undefined: none (nothing to resume). */
  checkpoint?: string | undefined;
  /** Aborting stops the backfill after the current contact, with the checkpoint saved. */
  signal?: AbortSignal | undefined;
  progress?: ((p: BackfillProgress) => void) | undefined;
  onWrite?: ((w: WrittenContact) => void) | undefined;
  /** Called as each Connect request is sent, with the time its pacer released it (performance.now). */
  onCall?: ((operation: 'SearchContacts' | 'GetContactAttributes', releasedAt: number) => void) | undefined;
  /** Called after each page, once the checkpoint is saved. */
  onPage?: ((counts: BackfillCounts) => void) | undefined;
  /** Called after each contact. */
  onContact?: ((counts: BackfillCounts) => void) | undefined;
  pageSize?: number | undefined;
  backoffBaseMs?: number | undefined;
  random?: (() => number) | undefined;
}

export interface BackfillSummary {
  status: 'complete' | 'interrupted';
  instanceId: string;
  table: string;
  lookbackDays: number;
  from: string;
  to: string;
  order: 'newest-first';
  windows: number;
  resumed: boolean;
  counts: BackfillCounts;
  /** Requests sent in this run. */
  requests: { SearchContacts: number; GetContactAttributes: number };
  elapsedMs: number;
  /** Where the checkpoint is (interrupted), or was (complete: removed). */
  checkpoint?: string;
}

export class BackfillFailedError extends Error {
  override readonly name = 'BackfillFailed';
}

const emptyCounts = (): BackfillCounts => ({
  pages: 0,
  contacts: 0,
  written: 0,
  skipped: 0,
  notFound: 0,
  throttled: 0,
  retries: 0,
  restartedWindows: 0,
});

/** Backfill newest first: windows, then pages, then contacts. */
export async function runBackfill(options: BackfillOptions): Promise<BackfillSummary> {
  const started = performance.now();
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const random = options.random ?? Math.random;
  const backoffBase = options.backoffBaseMs ?? BACKOFF_BASE_MS;
  const { signal } = options;
  const saved = options.checkpoint ? readCheckpoint(options.checkpoint) : undefined;
  if (
    saved &&
    (saved.instanceId !== options.instanceId ||
      saved.table !== options.table ||
      saved.lookbackDays !== options.lookbackDays)
  )
    throw new CheckpointError(
      `${options.checkpoint} belongs to another backfill (instance ${saved.instanceId}, table ${saved.table}, lookback ${saved.lookbackDays} days); finish that one, remove the file, or pass another --checkpoint`,
    );
  const now = saved ? new Date(saved.now) : options.now;
  const windows = searchWindows(now, options.lookbackDays);
  const counts = saved ? { ...saved.counts } : emptyCounts();
  const totals: (number | null)[] =
    saved?.totals.length === windows.length ? [...saved.totals] : windows.map(() => null);
  const requests = { SearchContacts: 0, GetContactAttributes: 0 };
  const searchPacer = new Pacer(options.searchRps);
  const attributesPacer = new Pacer(options.attributesRps);
  const startedAt = saved?.startedAt ?? new Date().toISOString();
  const contactsAtStart = counts.contacts;

  let position = {
    window: saved?.window.index ?? 0,
    nextToken: saved?.nextToken ?? null,
    doneInPage: saved?.doneInPage ?? 0,
    windowDone: saved?.windowDone ?? 0,
  };
  const save = () => {
    if (!options.checkpoint) return;
    const w = windows[Math.min(position.window, windows.length - 1)] as { start: Date; end: Date };
    writeCheckpoint(options.checkpoint, {
      version: 1,
      instanceId: options.instanceId,
      table: options.table,
      lookbackDays: options.lookbackDays,
      now: now.toISOString(),
      startedAt,
      updatedAt: new Date().toISOString(),
      window: { index: position.window, start: w.start.toISOString(), end: w.end.toISOString() },
      nextToken: position.nextToken,
      doneInPage: position.doneInPage,
      windowDone: position.windowDone,
      totals,
      counts,
    });
  };

  /** Contacts still to read: the rest of the known windows, and the others at the density seen so far. */
  const estimate = () => {
    let known = 0;
    let knownMs = 0;
    windows.forEach((w, i) => {
      const t = totals[i];
      if (t !== null && t !== undefined) {
        known += t;
        knownMs += w.end.getTime() - w.start.getTime();
      }
    });
    if (knownMs === 0) return undefined;
    const density = known / knownMs;
    let remaining = 0;
    let pages = 0;
    windows.forEach((w, i) => {
      if (i < position.window) return;
      const t = totals[i] ?? density * (w.end.getTime() - w.start.getTime());
      const left = Math.max(0, i === position.window ? t - position.windowDone : t);
      remaining += left;
      pages += Math.ceil(left / pageSize);
    });
    const etaSeconds = Math.max(remaining / options.attributesRps, pages / options.searchRps);
    const done = counts.contacts;
    return { fraction: done + remaining > 0 ? done / (done + remaining) : 1, etaSeconds };
  };
  const report = (done: boolean) => {
    if (!options.progress) return;
    const elapsed = (performance.now() - started) / 1000;
    const e = done ? { fraction: 1, etaSeconds: 0 } : estimate();
    options.progress({
      window: Math.min(position.window, windows.length - 1),
      windows: windows.length,
      counts: { ...counts },
      rate: elapsed > 0 ? (counts.contacts - contactsAtStart) / elapsed : 0,
      fraction: e?.fraction,
      etaSeconds: e?.etaSeconds,
      done,
    });
  };

  /** One Connect call, paced, retried with exponential backoff and jitter on transient errors. */
  async function call<T>(
    operation: 'SearchContacts' | 'GetContactAttributes',
    pacer: Pacer,
    send: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const releasedAt = await pacer.take(signal);
      requests[operation]++;
      options.onCall?.(operation, releasedAt);
      try {
        return await send(AbortSignal.timeout(CALL_TIMEOUT_MS));
      } catch (err) {
        if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err;
        if (isThrottle(err)) counts.throttled++;
        counts.retries++;
        const cap = Math.min(BACKOFF_CAP_MS, backoffBase * 2 ** (attempt - 1));
        // "Equal jitter": at least half the backoff, so a retry never comes straight back.
        await delay(cap / 2 + (random() * cap) / 2, undefined, signal ? { signal } : {});
      }
    }
  }

  const attributesOf = new Map<string, Record<string, string> | null>();
  /** The contact chain's attributes (they belong to the chain: one call serves every leg). */
  async function attributes(contact: ContactSearchSummary): Promise<Record<string, string> | null> {
    const initialContactId = contact.InitialContactId || (contact.Id as string);
    const cached = attributesOf.get(initialContactId);
    if (cached !== undefined) return cached;
    let found: Record<string, string> | null;
    try {
      const out = await call<GetContactAttributesCommandOutput>(
        'GetContactAttributes',
        attributesPacer,
        (abortSignal) =>
          options.connect.send(
            new GetContactAttributesCommand({
              InstanceId: options.instanceId,
              InitialContactId: initialContactId,
            }),
            { abortSignal },
          ),
      );
      found = out.Attributes ?? {};
    } catch (err) {
      if (!isNotFound(err)) throw err;
      found = null;
    }
    if (attributesOf.size >= 1000) attributesOf.delete(attributesOf.keys().next().value as string);
    attributesOf.set(initialContactId, found);
    return found;
  }

  /** Writes one contact, or says why not; counted by the caller once the contact is done. */
  async function handle(raw: ContactSearchSummary): Promise<'written' | 'skipped' | 'notFound'> {
    const contact: ContactSummary = summarise(raw);
    // The event path leaves the chain fields out of a contact that is its own chain.
    if (contact.initialContactId === contact.id) contact.initialContactId = undefined;
    if (contact.previousContactId === contact.id) contact.previousContactId = undefined;
    if (!reachedAgent(contact)) return 'skipped';
    const attrs = await attributes(raw);
    if (attrs === null) return 'notFound';
    const key = attrs[options.attributeKey];
    if (!key) return 'skipped';
    const deadline = new Deadline(Date.now() + WRITE_BUDGET_MS);
    const connectedAt = contact.connectedAt as number;
    // As the live path: the search step records the key when the call comes in, the contact
    // indexer the agent half when the contact's events arrive.
    await recordCustomerKey(options.dynamo, deadline, {
      table: options.table,
      contactId: contact.id,
      customerKey: key,
      nowSeconds: contact.initiatedAt ?? connectedAt,
      lookbackDays: options.lookbackDays,
    });
    await recordContactEvent(options.dynamo, deadline, {
      table: options.table,
      contact,
      nowSeconds: contact.disconnectedAt ?? connectedAt,
      lookbackDays: options.lookbackDays,
    });
    options.onWrite?.({
      contactId: contact.id,
      agentId: contact.agentId as string,
      connectedAt,
      channel: contact.channel,
    });
    return 'written';
  }

  const summary = (status: BackfillSummary['status']): BackfillSummary => ({
    status,
    instanceId: options.instanceId,
    table: options.table,
    lookbackDays: options.lookbackDays,
    from: new Date(now.getTime() - options.lookbackDays * DAY_MS).toISOString(),
    to: now.toISOString(),
    order: 'newest-first',
    windows: windows.length,
    resumed: saved !== undefined,
    counts: { ...counts },
    requests,
    elapsedMs: Math.round(performance.now() - started),
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
  });
  const interrupted = () => {
    save();
    report(false);
    return summary('interrupted');
  };

  try {
    while (position.window < windows.length) {
      const window = windows[position.window] as { start: Date; end: Date };
      const newest = position.window === 0;
      let restarted = false;
      for (;;) {
        if (signal?.aborted) return interrupted();
        let page: SearchContactsCommandOutput;
        const token = position.nextToken ?? undefined;
        try {
          page = await call<SearchContactsCommandOutput>('SearchContacts', searchPacer, (abortSignal) =>
            options.connect.send(
              new SearchContactsCommand({
                InstanceId: options.instanceId,
                TimeRange: {
                  Type: 'CONNECTED_TO_AGENT_TIMESTAMP',
                  StartTime: window.start,
                  EndTime: window.end,
                },
                SearchCriteria: { Channels: [...options.channels] },
                Sort: { FieldName: 'CONNECTED_TO_AGENT_TIMESTAMP', Order: 'DESCENDING' },
                MaxResults: pageSize,
                NextToken: token,
              }),
              { abortSignal },
            ),
          );
        } catch (err) {
          // NextTokens expire: start the window over (rewriting its first contacts is harmless).
          if (token !== undefined && !restarted && isInvalidRequest(err)) {
            restarted = true;
            counts.restartedWindows++;
            position = { ...position, nextToken: null, doneInPage: 0, windowDone: 0 };
            continue;
          }
          throw err;
        }
        if (token === undefined && typeof page.TotalCount === 'number')
          totals[position.window] = page.TotalCount;
        const contacts = page.Contacts ?? [];
        for (let i = position.doneInPage; i < contacts.length; i++) {
          if (signal?.aborted) {
            position.doneInPage = i;
            return interrupted();
          }
          const raw = contacts[i] as ContactSearchSummary;
          // Windows share their boundary instant; a contact there belongs to the newer window.
          if (!newest && raw.AgentInfo?.ConnectedToAgentTimestamp?.getTime() === window.end.getTime())
            continue;
          let outcome: Awaited<ReturnType<typeof handle>>;
          try {
            outcome = await handle(raw);
          } catch (err) {
            position.doneInPage = i;
            throw err;
          }
          counts.contacts++;
          counts[outcome]++;
          position.windowDone++;
          options.onContact?.(counts);
          report(false);
        }
        counts.pages++;
        position =
          page.NextToken !== undefined && page.NextToken !== null && contacts.length > 0
            ? { ...position, nextToken: page.NextToken, doneInPage: 0 }
            : { window: position.window + 1, nextToken: null, doneInPage: 0, windowDone: 0 };
        save();
        options.onPage?.(counts);
        report(false);
        if (position.nextToken === null) break;
      }
    }
  } catch (err) {
    if ((err as { name?: string })?.name === 'AbortError' && signal?.aborted) return interrupted();
    save();
    const { name, message } = err as { name?: string; message?: string };
    throw new BackfillFailedError(
      maskPhonesIn(
        `${name ?? 'Error'}: ${message ?? String(err)}${options.checkpoint ? `; progress saved in ${options.checkpoint}, run the same command again to resume` : ''}`,
      ),
      { cause: err },
    );
  }
  if (options.checkpoint) rmSync(options.checkpoint, { force: true });
  report(true);
  return summary('complete');
}

// ---------------------------------------------------------------------------------------------
// Output

const num = (n: number) => n.toLocaleString('en-US');

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

function progressText(p: BackfillProgress): string {
  const c = p.counts;
  return [
    `window ${p.window + 1}/${p.windows}`,
    `${num(c.pages)} page${c.pages === 1 ? '' : 's'}`,
    `${num(c.contacts)} contacts`,
    `${num(c.written)} written`,
    `${num(c.skipped + c.notFound)} skipped`,
    ...(c.throttled ? [`${num(c.throttled)} throttled`] : []),
    `${p.rate.toFixed(1)}/s`,
    `ETA ${p.done ? 'done' : p.etaSeconds === undefined ? '?' : formatDuration(p.etaSeconds)}`,
  ].join(' · ');
}

/** A progress bar redrawn in place on a terminal; a line every `intervalMs` (and the last) otherwise. */
export function progressReporter(
  stream: NodeJS.WriteStream,
  intervalMs = 15_000,
): { update(p: BackfillProgress): void; end(): void } {
  const tty = Boolean(stream.isTTY);
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let pending: BackfillProgress | undefined;
  const draw = (p: BackfillProgress) => {
    if (tty) {
      const width = 24;
      const filled = Math.round((p.fraction ?? 0) * width);
      const pct = p.fraction === undefined ? '  ?%' : `${String(Math.floor(p.fraction * 100)).padStart(3)}%`;
      stream.write(
        `\r\x1b[2Kbackfill ▕${'█'.repeat(filled)}${' '.repeat(width - filled)}▏${pct}  ${progressText(p)}`,
      );
      drawn = true;
    } else stream.write(`backfill: ${progressText(p)}\n`);
  };
  return {
    update(p) {
      pending = p;
      const t = performance.now();
      if (!p.done && t - last < (tty ? 100 : intervalMs)) return;
      last = t;
      pending = undefined;
      draw(p);
    },
    end() {
      if (pending) draw(pending);
      if (tty && drawn) stream.write('\n');
    },
  };
}

export function formatSummary(s: BackfillSummary): string {
  const c = s.counts;
  const lines = [
    `backfill of instance ${s.instanceId} into table ${s.table}: ${s.status === 'complete' ? 'complete' : 'interrupted'}${s.resumed ? ' (resumed)' : ''}`,
    `  lookback ${s.lookbackDays} days, ${s.from} to ${s.to}, ${s.windows} window${s.windows === 1 ? '' : 's'} of up to 8 weeks, newest first`,
    `  ${num(c.pages)} page${c.pages === 1 ? '' : 's'}, ${num(c.contacts)} agent-handled contacts: ${num(c.written)} written, ${num(c.skipped)} without the key attribute, ${num(c.notFound)} not found`,
    `  ${num(s.requests.SearchContacts)} SearchContacts and ${num(s.requests.GetContactAttributes)} GetContactAttributes requests in ${formatDuration(s.elapsedMs / 1000)}; ${num(c.throttled)} throttled, ${num(c.retries)} retried${c.restartedWindows ? `, ${num(c.restartedWindows)} window${c.restartedWindows === 1 ? '' : 's'} restarted (expired NextToken)` : ''}`,
  ];
  if (s.status === 'interrupted')
    lines.push(
      s.checkpoint
        ? `  progress saved in ${s.checkpoint}: run the same command again to resume`
        : '  no checkpoint (--local without --checkpoint): nothing to resume',
    );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Command

const INSTANCE_ARN = /^arn:aws(?:-[a-z]+)*:connect:([a-z0-9-]+):(\d{12}):instance\/([A-Za-z0-9-]+)$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Seams for the tests (never set by the CLI itself). */
export interface BackfillHooks {
  /** --local: write to this DynamoDB endpoint (its table must exist) instead of a fresh local one. */
  dynamoEndpoint?: string;
  /** --local: this scenario instead of the demo under Amazon Connect's default quotas. */
  scenario?: Scenario;
  signal?: AbortSignal;
  pageSize?: number;
  backoffBaseMs?: number;
  onCall?: BackfillOptions['onCall'];
  onPage?: BackfillOptions['onPage'];
  onContact?: BackfillOptions['onContact'];
}

function rate(value: string | undefined, fallback: number, name: string): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1000)
    throw new UsageError(`--${name} must be a number of requests per second, above 0 and at most 1000`);
  return n;
}

export async function runBackfillCommand(args: string[], hooks: BackfillHooks = {}): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'instance-id': { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      'lookback-days': { type: 'string' },
      'search-rps': { type: 'string' },
      'attributes-rps': { type: 'string' },
      checkpoint: { type: 'string' },
      local: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const searchRps = rate(values['search-rps'], DEFAULT_SEARCH_RPS, 'search-rps');
  const attributesRps = rate(values['attributes-rps'], DEFAULT_ATTRIBUTES_RPS, 'attributes-rps');
  let lookbackDays: number | undefined;
  if (values['lookback-days'] !== undefined) {
    lookbackDays = Number(values['lookback-days']);
    if (!Number.isInteger(lookbackDays) || lookbackDays < 1 || lookbackDays > 365)
      throw new UsageError('--lookback-days must be a whole number of days from 1 to 365');
  }
  if (values.table !== undefined && !TABLE_NAME.test(values.table))
    throw new UsageError('--table must be a DynamoDB table name: 3-255 letters, digits, "_", "-" or "."');

  let common: { instanceId: string; table: string; region: string | undefined };
  if (values.local) {
    for (const flag of ['instance-id', 'region'] as const)
      if (values[flag] !== undefined)
        throw new UsageError(`--local backfills the demo scenario's instance; drop --${flag}`);
    const { LOCAL_TABLE_NAME } = await import('../local/session');
    common = { instanceId: '', table: values.table ?? LOCAL_TABLE_NAME, region: undefined };
  } else {
    let instanceId = values['instance-id'];
    if (!instanceId)
      throw new UsageError(
        'backfill needs --instance-id and --table (or --local to try it on the demo scenario)',
      );
    if (!values.table) throw new UsageError('backfill needs --table, the routing-state table to fill');
    let region = values.region;
    const arn = INSTANCE_ARN.exec(instanceId);
    if (arn) {
      if (region && region !== arn[1])
        throw new UsageError(`--region ${region} does not match the instance ARN's Region ${arn[1]}`);
      region = arn[1];
      instanceId = arn[3] as string;
    } else if (!/^[A-Za-z0-9-]{1,100}$/.test(instanceId)) {
      throw new UsageError('--instance-id must be an instance id (or an instance ARN)');
    }
    common = { instanceId, table: values.table, region };
  }
  // The same settings as the Lambdas: the key attribute, the channels, the default lookback.
  const config = loadConfig({ ...process.env, LAST_AGENT_TABLE_NAME: common.table });
  const checkpoint =
    values.checkpoint !== undefined
      ? resolve(values.checkpoint)
      : values.local
        ? undefined
        : resolve(DEFAULT_CHECKPOINT);

  // Ctrl-C: stop after the current contact with the checkpoint saved; a second one quits at once.
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current contact (Ctrl-C again to quit now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const signal = hooks.signal ? AbortSignal.any([controller.signal, hooks.signal]) : controller.signal;
  const reporter = progressReporter(process.stderr);
  const base = {
    table: common.table,
    lookbackDays: lookbackDays ?? config.lookbackDays,
    attributeKey: config.attributeKey,
    channels: config.channels,
    searchRps,
    attributesRps,
    checkpoint,
    signal,
    progress: (p: BackfillProgress) => reporter.update(p),
    pageSize: hooks.pageSize,
    backoffBaseMs: hooks.backoffBaseMs,
    onCall: hooks.onCall,
    onPage: hooks.onPage,
    onContact: hooks.onContact,
  };
  try {
    const result = values.local
      ? await runLocal(base, config, hooks)
      : await runReal({ ...base, instanceId: common.instanceId }, common.region);
    reporter.end();
    const { summary, written, local } = result;
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ ...summary, ...(local ? { local: { ...local, wrote: written } } : {}) })}\n`,
      );
    } else {
      const lines: string[] = [];
      if (local) {
        lines.push(
          `local Amazon Connect (demo scenario) and local DynamoDB table ${summary.table} on 127.0.0.1; wrote:`,
        );
        for (const w of written)
          lines.push(
            `  contact ${w.contactId}  ${(w.channel ?? '').padEnd(5)}  agent ${w.agent ?? w.agentId}  connected ${new Date(w.connectedAt * 1000).toISOString()}`,
          );
        lines.push(
          `  (${written.length} contact${written.length === 1 ? '' : 's'} of ${local.customers} caller${local.customers === 1 ? '' : 's'}; customer keys are never printed)`,
        );
      }
      lines.push(formatSummary(summary));
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return summary.status === 'complete' ? 0 : 130;
  } catch (err) {
    reporter.end();
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

type BaseOptions = Omit<BackfillOptions, 'connect' | 'dynamo' | 'instanceId' | 'now' | 'onWrite'>;
interface RunResult {
  summary: BackfillSummary;
  written: (WrittenContact & { agent?: string })[];
  local?: { customers: number; connect: Record<string, { requests: number; throttled: number }> };
}

/** Against a real instance and table, with the default AWS credential chain. */
async function runReal(
  options: BaseOptions & { instanceId: string },
  region: string | undefined,
): Promise<RunResult> {
  const { createDynamoClient } = await import('../steps/lib/routing-state/dynamo-client');
  // Retries are ours (paced, with backoff) for Connect; DynamoDB keeps the SDK's standard ones.
  const connect = new ConnectClient({ maxAttempts: 1, ...(region ? { region } : {}) });
  const dynamo = createDynamoClient({ maxAttempts: 3, ...(region ? { region } : {}) });
  try {
    const configured = await (async () => {
      try {
        const r = connect.config.region as unknown;
        return typeof r === 'function' ? await (r as () => Promise<string>)() : (r as string | undefined);
      } catch {
        return undefined;
      }
    })();
    if (!configured)
      throw new UsageError(
        'no AWS Region: pass --region, set AWS_REGION, or give the instance ARN as --instance-id',
      );
    const summary = await runBackfill({ ...options, connect, dynamo, now: new Date() });
    return { summary, written: [] };
  } finally {
    connect.destroy();
    dynamo.destroy();
  }
}

/** Against the local Connect (the demo scenario, Connect's default quotas) and a local DynamoDB. */
async function runLocal(options: BaseOptions, config: Config, hooks: BackfillHooks): Promise<RunResult> {
  const [{ loadScenarioFile }, { startLocalConnect }, { DEMO_SCENARIO }, { startLocalDynamo }, dynamoClient] =
    await Promise.all([
      import('../local/connect/scenario'),
      import('../local/connect/server'),
      import('../local/scenarios'),
      import('../local/dynamodb/server'),
      import('../steps/lib/routing-state/dynamo-client'),
    ]);
  let scenario = hooks.scenario;
  if (!scenario) {
    const demo = loadScenarioFile(DEMO_SCENARIO);
    scenario = { ...demo, faults: { ...demo.faults, throttle: 'connect-defaults' } };
  }
  // As the local session: in hashed-key mode the local Connect stores each number's HMAC.
  checkEntryConfig(config);
  const storedKeyOf =
    config.keyMode === 'hmac-sha256' ? (phone: string) => customerKeyFor(phone, config) : undefined;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const localConnect = await startLocalConnect(scenario, storedKeyOf ? { customerKeyOf: storedKeyOf } : {});
  const connect = new ConnectClient({
    maxAttempts: 1,
    endpoint: localConnect.endpoint,
    region: scenario.instance.region,
    credentials,
  });
  let server: Awaited<ReturnType<typeof startLocalDynamo>> | undefined;
  try {
    let endpoint = hooks.dynamoEndpoint;
    if (!endpoint) {
      server = await startLocalDynamo();
      await server.createRoutingTable(options.table);
      endpoint = server.endpoint;
    }
    const dynamo = dynamoClient.createDynamoClient({ endpoint, region: 'us-east-1', credentials });
    const written: RunResult['written'] = [];
    const keys = new Set<string>();
    try {
      const summary = await runBackfill({
        ...options,
        connect,
        dynamo,
        instanceId: scenario.instance.id,
        now: new Date(scenario.now),
        onWrite: (w) => {
          const contact = scenario.contacts.find((c) => c.id === w.contactId);
          const agent = scenario.agents.find((a) => a.id === w.agentId);
          const key = contact?.initialContactId ?? contact?.id;
          if (key)
            keys.add(scenario.contacts.find((c) => c.id === key)?.attributes[config.attributeKey] ?? key);
          written.push({ ...w, ...(agent ? { agent: agent.username } : {}) });
        },
      });
      const stats = localConnect.stats;
      const connectStats = Object.fromEntries(
        (['SearchContacts', 'GetContactAttributes'] as const).map((op) => [
          op,
          { requests: stats[op].requests, throttled: stats[op].throttled },
        ]),
      );
      return { summary, written, local: { customers: keys.size, connect: connectStats } };
    } finally {
      dynamo.destroy();
    }
  } finally {
    connect.destroy();
    await Promise.all([localConnect.close(), server?.close()]);
  }
}
