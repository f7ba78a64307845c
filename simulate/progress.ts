/**
 * The progress line of a long `simulate` run on a terminal: one line on stderr, rewritten in
 * place ("policies 3/11 done, policy 4 at 42%, 12 s elapsed") and cleared at the end. Nothing is
 * written before `delayMs` (a short run shows nothing), nor more often than every `intervalMs`.
 * The caller decides whether to show it at all (stderr a TTY, no --json).
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
    options: ProgressOptions = {},
  ) {
    this.clock = options.clock ?? performance.now.bind(performance);
    this.delayMs = options.delayMs ?? 2000;
    this.intervalMs = options.intervalMs ?? 250;
    this.started = this.clock();
  }

  /** `done` of `total` policies finished; `fraction` (0–1) of the one running. */
  update(done: number, total: number, fraction: number): void {
    const now = this.clock();
    const elapsed = now - this.started;
    if (elapsed < this.delayMs || now - this.lastWrite < this.intervalMs) return;
    this.lastWrite = now;
    this.shown = true;
    const running = done < total ? `, policy ${done + 1} at ${Math.floor(Math.min(1, fraction) * 100)}%` : '';
    this.stream.write(
      `${CLEAR}simulate: policies ${done}/${total} done${running}, ${Math.round(elapsed / 1000)} s elapsed`,
    );
  }

  /** Clears the line, if it was ever written. */
  finish(): void {
    if (this.shown) this.stream.write(CLEAR);
    this.shown = false;
  }
}
