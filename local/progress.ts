/**
 * One progress line on a terminal: written on stderr, rewritten in place and cleared at the end.
 * Nothing is written before `delayMs` (a short run shows nothing), nor more often than every
 * `intervalMs`. `progressLine` decides whether to show one at all: only when the stream is a
 * terminal and the command's output is not --json (a pipe or a log file gets no control codes).
 * Used by simulate, load, bench, backfill and analyze.
 */

/** The part of a stream the line needs: process.stderr, or a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(chunk: string): boolean;
}

export interface ProgressOptions {
  clock?: () => number;
  /** Milliseconds before the line first appears. */
  delayMs?: number;
  /** Milliseconds between two updates. */
  intervalMs?: number;
}

const CLEAR = '\r\x1b[K';

export class ProgressLine {
  private readonly clock: () => number;
  private readonly started: number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private shown = false;

  constructor(
    private readonly stream: ProgressStream,
    /** What the line starts with: the command ("simulate", "analyze"). */
    private readonly label: string,
    options: ProgressOptions = {},
  ) {
    this.clock = options.clock ?? performance.now.bind(performance);
    this.delayMs = options.delayMs ?? 2000;
    this.intervalMs = options.intervalMs ?? 250;
    this.started = this.clock();
  }

  /** Seconds since the line was created. */
  elapsedSeconds(): number {
    return (this.clock() - this.started) / 1000;
  }

  /**
   * Shows `label: text, N s elapsed`, if the delay has passed and the last update is old enough.
   * `text` may be a function, called only when the line is drawn (building it can cost).
   */
  update(text: string | (() => string)): void {
    const now = this.clock();
    const elapsed = now - this.started;
    if (elapsed < this.delayMs || now - this.lastWrite < this.intervalMs) return;
    this.lastWrite = now;
    this.shown = true;
    const body = typeof text === 'function' ? text() : text;
    this.stream.write(`${CLEAR}${this.label}: ${body}, ${Math.round(elapsed / 1000)} s elapsed`);
  }

  /** Clears the line, if it was ever written. */
  finish(): void {
    if (this.shown) this.stream.write(CLEAR);
    this.shown = false;
  }
}

/** A progress line when `stream` is a terminal and the output is not --json; otherwise none. */
export function progressLine(
  stream: ProgressStream,
  label: string,
  json: boolean,
  options: ProgressOptions = {},
): ProgressLine | undefined {
  return !json && stream.isTTY ? new ProgressLine(stream, label, options) : undefined;
}
