/**
 * The backfill's checkpoint: where it stands (window, page token, contacts done in the page) and
 * what it has counted, saved after every page so that running the same command again resumes.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

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

export const emptyCounts = (): BackfillCounts => ({
  pages: 0,
  contacts: 0,
  written: 0,
  skipped: 0,
  notFound: 0,
  throttled: 0,
  retries: 0,
  restartedWindows: 0,
});

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
export type Checkpoint = z.infer<typeof Checkpoint>;

/** Where the backfill stands: the window (index), the page (token) and the contact in it. */
export interface Position {
  window: number;
  nextToken: string | null;
  doneInPage: number;
  windowDone: number;
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** The saved checkpoint, if it is this backfill's; undefined when there is none. */
export function resumeFrom(
  path: string | undefined,
  backfill: { instanceId: string; table: string; lookbackDays: number },
): Checkpoint | undefined {
  const saved = path ? readCheckpoint(path) : undefined;
  if (
    saved &&
    (saved.instanceId !== backfill.instanceId ||
      saved.table !== backfill.table ||
      saved.lookbackDays !== backfill.lookbackDays)
  )
    throw new CheckpointError(
      `${path} belongs to another backfill (instance ${saved.instanceId}, table ${saved.table}, lookback ${saved.lookbackDays} days); finish that one, remove the file, or pass another --checkpoint`,
    );
  return saved;
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
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(tmp, path);
}
