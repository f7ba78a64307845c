/**
 * How far the backfill is, estimated from the windows' TotalCounts, and how it is shown: a bar
 * redrawn in place on a terminal, a line now and then otherwise.
 */
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
