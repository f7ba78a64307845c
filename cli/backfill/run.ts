/**
 * The backfill itself: fills the routing-state table (steps/lib/routing-state/table.ts) with the
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
import { rmSync } from 'node:fs';
import {
  type ConnectClient,
  type ContactSearchSummary,
  SearchContactsCommand,
  type SearchContactsCommandOutput,
} from '@aws-sdk/client-connect';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../../steps/lib/decision/channel';
import { maskPhonesIn } from '../../steps/lib/decision/privacy';
import { searchWindows } from '../../steps/search-contacts';
import {
  type BackfillCounts,
  type Checkpoint,
  type Position,
  emptyCounts,
  resumeFrom,
  writeCheckpoint,
} from './checkpoint';
import {
  type ContactOutcome,
  ContactWriter,
  type ContactWriterOptions,
  type WrittenContact,
} from './contacts';
import { BACKOFF_BASE_MS, type Operation, PacedConnect, isInvalidRequest } from './pacing';
import { type BackfillProgress, estimate } from './progress';

const DAY_MS = 86_400_000;
/** SearchContacts MaxResults: @range(1, 100). */
const PAGE_SIZE = 100;

/** What the contact writer takes (connect, dynamo, instance, table, lookback, key, onWrite), and the run's own. */
export interface BackfillOptions extends ContactWriterOptions {
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
  /** Called as each Connect request is sent, with the time its pacer released it (performance.now). */
  onCall?: ((operation: Operation, releasedAt: number) => void) | undefined;
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

/** Backfill newest first: windows, then pages, then contacts. */
export async function runBackfill(options: BackfillOptions): Promise<BackfillSummary> {
  const started = performance.now();
  const saved = resumeFrom(options.checkpoint, options);
  return new Backfill(options, saved, started).run();
}

type Window = { start: Date; end: Date };
/** How reading a window or a page ended: to its end, or stopped by the signal. */
type Ended = 'read' | 'interrupted';

/** One run of the backfill: where it stands, what it has counted, and its steps. */
class Backfill {
  private readonly pageSize: number;
  /** The end of the lookback: the saved one when resuming. */
  private readonly now: Date;
  private readonly windows: Window[];
  private readonly counts: BackfillCounts;
  private readonly totals: (number | null)[];
  private readonly startedAt: string;
  private readonly contactsAtStart: number;
  private readonly calls: PacedConnect;
  private readonly contacts: ContactWriter;
  private position: Position;

  constructor(
    private readonly options: BackfillOptions,
    private readonly saved: Checkpoint | undefined,
    private readonly started: number,
  ) {
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.now = saved ? new Date(saved.now) : options.now;
    this.windows = searchWindows(this.now, options.lookbackDays);
    this.counts = saved ? { ...saved.counts } : emptyCounts();
    this.totals =
      saved?.totals.length === this.windows.length ? [...saved.totals] : this.windows.map(() => null);
    this.calls = new PacedConnect({
      searchRps: options.searchRps,
      attributesRps: options.attributesRps,
      counts: this.counts,
      signal: options.signal,
      backoffBaseMs: options.backoffBaseMs ?? BACKOFF_BASE_MS,
      random: options.random ?? Math.random,
      onCall: options.onCall,
    });
    this.contacts = new ContactWriter(options, this.calls);
    this.startedAt = saved?.startedAt ?? new Date().toISOString();
    this.contactsAtStart = this.counts.contacts;
    this.position = {
      window: saved?.window.index ?? 0,
      nextToken: saved?.nextToken ?? null,
      doneInPage: saved?.doneInPage ?? 0,
      windowDone: saved?.windowDone ?? 0,
    };
  }

  async run(): Promise<BackfillSummary> {
    try {
      while (this.position.window < this.windows.length)
        if ((await this.readWindow()) === 'interrupted') return this.interrupted();
    } catch (err) {
      if ((err as { name?: string })?.name === 'AbortError' && this.options.signal?.aborted)
        return this.interrupted();
      this.save();
      throw this.failed(err);
    }
    if (this.options.checkpoint) rmSync(this.options.checkpoint, { force: true });
    this.report(true);
    return this.summary('complete');
  }

  /** The current window's pages, from where the backfill stands to the window's last page. */
  private async readWindow(): Promise<Ended> {
    const window = this.windows[this.position.window] as Window;
    let restarted = false;
    for (;;) {
      if (this.options.signal?.aborted) return 'interrupted';
      let page: SearchContactsCommandOutput;
      const token = this.position.nextToken ?? undefined;
      try {
        page = await this.searchPage(window, token);
      } catch (err) {
        // NextTokens expire: start the window over (rewriting its first contacts is harmless).
        if (token !== undefined && !restarted && isInvalidRequest(err)) {
          restarted = true;
          this.counts.restartedWindows++;
          this.position = { ...this.position, nextToken: null, doneInPage: 0, windowDone: 0 };
          continue;
        }
        throw err;
      }
      if (token === undefined && typeof page.TotalCount === 'number')
        this.totals[this.position.window] = page.TotalCount;
      if ((await this.readPage(window, page.Contacts ?? [])) === 'interrupted') return 'interrupted';
      this.pageDone(page);
      if (this.position.nextToken === null) return 'read';
    }
  }

  /** One page of the window's agent-handled contacts, newest first. */
  private searchPage(window: Window, token: string | undefined): Promise<SearchContactsCommandOutput> {
    const { connect, instanceId, channels } = this.options;
    return this.calls.call<SearchContactsCommandOutput>('SearchContacts', (abortSignal) =>
      connect.send(
        new SearchContactsCommand({
          InstanceId: instanceId,
          TimeRange: {
            Type: 'CONNECTED_TO_AGENT_TIMESTAMP',
            StartTime: window.start,
            EndTime: window.end,
          },
          SearchCriteria: { Channels: [...channels] },
          Sort: { FieldName: 'CONNECTED_TO_AGENT_TIMESTAMP', Order: 'DESCENDING' },
          MaxResults: this.pageSize,
          NextToken: token,
        }),
        { abortSignal },
      ),
    );
  }

  /** The page's contacts not handled yet, one at a time. */
  private async readPage(window: Window, contacts: ContactSearchSummary[]): Promise<Ended> {
    const newest = this.position.window === 0;
    for (let i = this.position.doneInPage; i < contacts.length; i++) {
      if (this.options.signal?.aborted) {
        this.position.doneInPage = i;
        return 'interrupted';
      }
      const raw = contacts[i] as ContactSearchSummary;
      // Windows share their boundary instant; a contact there belongs to the newer window.
      if (!newest && raw.AgentInfo?.ConnectedToAgentTimestamp?.getTime() === window.end.getTime()) continue;
      let outcome: ContactOutcome;
      try {
        outcome = await this.contacts.handle(raw);
      } catch (err) {
        this.position.doneInPage = i;
        throw err;
      }
      this.contactDone(outcome);
    }
    return 'read';
  }

  private contactDone(outcome: ContactOutcome): void {
    this.counts.contacts++;
    this.counts[outcome]++;
    this.position.windowDone++;
    this.options.onContact?.(this.counts);
    this.report(false);
  }

  /** On to the next page, or the next window after the last; the checkpoint is saved. */
  private pageDone(page: SearchContactsCommandOutput): void {
    const contacts = page.Contacts ?? [];
    this.counts.pages++;
    this.position =
      page.NextToken !== undefined && page.NextToken !== null && contacts.length > 0
        ? { ...this.position, nextToken: page.NextToken, doneInPage: 0 }
        : { window: this.position.window + 1, nextToken: null, doneInPage: 0, windowDone: 0 };
    this.save();
    this.options.onPage?.(this.counts);
    this.report(false);
  }

  private save(): void {
    const { checkpoint, instanceId, table, lookbackDays } = this.options;
    if (!checkpoint) return;
    const { position, windows } = this;
    const w = windows[Math.min(position.window, windows.length - 1)] as Window;
    writeCheckpoint(checkpoint, {
      version: 1,
      instanceId,
      table,
      lookbackDays,
      now: this.now.toISOString(),
      startedAt: this.startedAt,
      updatedAt: new Date().toISOString(),
      window: { index: position.window, start: w.start.toISOString(), end: w.end.toISOString() },
      nextToken: position.nextToken,
      doneInPage: position.doneInPage,
      windowDone: position.windowDone,
      totals: this.totals,
      counts: this.counts,
    });
  }

  private report(done: boolean): void {
    const { progress, searchRps, attributesRps } = this.options;
    if (!progress) return;
    const { counts, windows } = this;
    const elapsed = (performance.now() - this.started) / 1000;
    const e = done
      ? { fraction: 1, etaSeconds: 0 }
      : estimate({
          windows,
          totals: this.totals,
          position: this.position,
          done: counts.contacts,
          pageSize: this.pageSize,
          searchRps,
          attributesRps,
        });
    progress({
      window: Math.min(this.position.window, windows.length - 1),
      windows: windows.length,
      counts: { ...counts },
      rate: elapsed > 0 ? (counts.contacts - this.contactsAtStart) / elapsed : 0,
      fraction: e?.fraction,
      etaSeconds: e?.etaSeconds,
      done,
    });
  }

  private interrupted(): BackfillSummary {
    this.save();
    this.report(false);
    return this.summary('interrupted');
  }

  private failed(err: unknown): BackfillFailedError {
    const { checkpoint } = this.options;
    const { name, message } = err as { name?: string; message?: string };
    return new BackfillFailedError(
      maskPhonesIn(
        `${name ?? 'Error'}: ${message ?? String(err)}${checkpoint ? `; progress saved in ${checkpoint}, run the same command again to resume` : ''}`,
      ),
      { cause: err },
    );
  }

  private summary(status: BackfillSummary['status']): BackfillSummary {
    const { instanceId, table, lookbackDays, checkpoint } = this.options;
    return {
      status,
      instanceId,
      table,
      lookbackDays,
      from: new Date(this.now.getTime() - lookbackDays * DAY_MS).toISOString(),
      to: this.now.toISOString(),
      order: 'newest-first',
      windows: this.windows.length,
      resumed: this.saved !== undefined,
      counts: { ...this.counts },
      requests: this.calls.requests,
      elapsedMs: Math.round(performance.now() - this.started),
      ...(checkpoint ? { checkpoint } : {}),
    };
  }
}
