/**
 * The progress line of a long `simulate` run on a terminal ("policies 3/11 done, policy 4 at 42%,
 * 12 s elapsed"): local/progress.ts's line with simulate's text. The caller decides whether to
 * show it at all (stderr a TTY, no --json).
 */
import { ProgressLine as Line, type ProgressOptions, type ProgressStream } from '../local/progress';

export type { ProgressStream } from '../local/progress';

export class ProgressLine {
  private readonly line: Line;

  constructor(stream: ProgressStream, options: ProgressOptions = {}) {
    this.line = new Line(stream, 'simulate', options);
  }

  /** `done` of `total` policies finished; `fraction` (0–1) of the one running. */
  update(done: number, total: number, fraction: number): void {
    this.line.update(() => {
      const running =
        done < total ? `, policy ${done + 1} at ${Math.floor(Math.min(1, fraction) * 100)}%` : '';
      return `policies ${done}/${total} done${running}`;
    });
  }

  /** Clears the line, if it was ever written. */
  finish(): void {
    this.line.finish();
  }
}
