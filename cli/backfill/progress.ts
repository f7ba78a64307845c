/**
 * How far the backfill is, estimated from the windows' TotalCounts, and how it is shown: a bar on
 * local/progress.ts's line, redrawn in place and cleared at the end, only when stderr is a
 * terminal and there is no --json (a pipe or a log file gets nothing: the summary says it all).
 */
import { type ProgressOptions, type ProgressStream, progressLine } from '../../local/progress';
import type { BackfillCounts, Position } from './checkpoint';

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

export interface Estimate {
  windows: readonly { start: Date; end: Date }[];
  /** Each window's TotalCount, once its first page told it. */
  totals: readonly (number | null)[];
  position: Position;
  /** Contacts handled so far. */
  done: number;
  pageSize: number;
  searchRps: number;
  attributesRps: number;
}

/** Contacts still to read: the rest of the known windows, and the others at the density seen so far. */
export function estimate(e: Estimate): { fraction: number; etaSeconds: number } | undefined {
  const { windows, totals, position } = e;
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
    pages += Math.ceil(left / e.pageSize);
  });
  const etaSeconds = Math.max(remaining / e.attributesRps, pages / e.searchRps);
  const { done } = e;
  return { fraction: done + remaining > 0 ? done / (done + remaining) : 1, etaSeconds };
}

// ---------------------------------------------------------------------------------------------
// Output

export const num = (n: number) => n.toLocaleString('en-US');

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The counts and the estimate, e.g. "window 1/2 · 3 pages · 250 contacts · … · 4.8/s · ETA 1h 02m". */
export function progressText(p: BackfillProgress): string {
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

const BAR_WIDTH = 24;

/** The bar, the share done and the counts: "▕██████                  ▏ 25%  window 1/2 · …". */
export function progressBar(p: BackfillProgress): string {
  const filled = Math.round(Math.min(1, p.fraction ?? 0) * BAR_WIDTH);
  const pct = p.fraction === undefined ? '  ?%' : `${String(Math.floor(p.fraction * 100)).padStart(3)}%`;
  return `▕${'█'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}▏${pct}  ${progressText(p)}`;
}

/**
 * The backfill's line on stderr: the bar, redrawn in place, when `stream` is a terminal and the
 * output is not --json; nothing otherwise. `end` clears it (call it before writing anything else).
 */
export function progressReporter(
  stream: ProgressStream,
  json: boolean,
  options: ProgressOptions = {},
): { update(p: BackfillProgress): void; end(): void } {
  const line = progressLine(stream, 'backfill', json, options);
  return {
    update: (p) => line?.update(() => progressBar(p)),
    end: () => line?.finish(),
  };
}
