/**
 * What `load` and `bench` show while they run: local/progress.ts's line on a terminal, naming the
 * phase running and how far it is ("bench: pass 1/2, latency model on: calls 120/300, 42 s
 * elapsed"; "load: search: calls 1,234/10,000, 312/s, 8 s elapsed"), and the notes that stay (a
 * warning, a figure the report does not carry). The runs report to a `Progress`; the command
 * decides what is shown: the line only when stderr is a terminal and the output is not --json,
 * the notes unless the output is --json.
 */
import {
  type ProgressLine,
  type ProgressOptions,
  type ProgressStream,
  progressLine,
} from '../local/progress';

/** Where a run reports how far it is. */
export interface Progress {
  /** A new phase ("pass 1/2, latency model on", "cold start: bundling after"); its count starts over. */
  phase(name: string): void;
  /** `done` of `total` `unit` (calls, samples, sizes) of the phase; with a rate per second if asked. */
  count(done: number, total: number, unit: string, perSecond?: boolean): void;
  /** A line kept on stderr: a warning, a figure the report does not carry. */
  note(line: string): void;
}

/** Reports nothing: the runs' default (tests, a caller that wants no output). */
export const QUIET: Progress = {
  phase: () => undefined,
  count: () => undefined,
  note: () => undefined,
};

const num = (n: number) => n.toLocaleString('en-US');

/** The progress of a command on its stderr: a line on a terminal, the notes; nothing with --json. */
export class CommandProgress implements Progress {
  private readonly line: ProgressLine | undefined;
  private readonly clock: () => number;
  private name = '';
  private counted: { done: number; total: number; unit: string; perSecond: boolean } | undefined;
  private phaseStarted: number;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly stream: ProgressStream,
    /** The command: the line starts with it. */
    label: string,
    private readonly json: boolean,
    options: ProgressOptions & { tickMs?: number } = {},
  ) {
    this.clock = options.clock ?? performance.now.bind(performance);
    this.line = progressLine(stream, label, json, { ...options, clock: this.clock });
    this.phaseStarted = this.clock();
    if (this.line) {
      // Redrawn even when the run reports nothing for a while (a bundle, a slow request): the
      // elapsed time keeps moving. unref: the timer never holds the process open.
      this.timer = setInterval(() => this.draw(), options.tickMs ?? 1000);
      this.timer.unref();
    }
  }

  phase(name: string): void {
    this.name = name;
    this.counted = undefined;
    this.phaseStarted = this.clock();
    this.draw();
  }

  count(done: number, total: number, unit: string, perSecond = false): void {
    this.counted = { done, total, unit, perSecond };
    this.draw();
  }

  note(line: string): void {
    if (this.json) return;
    // Off the line first, so the note does not end up behind it; the next draw puts it back.
    this.line?.finish();
    this.stream.write(`${line}\n`);
  }

  /** Clears the line and stops redrawing it. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.line?.finish();
  }

  private draw(): void {
    if (!this.line || !this.name) return;
    this.line.update(() => {
      const c = this.counted;
      if (!c) return this.name;
      let text = `${this.name}: ${c.unit} ${num(c.done)}/${num(c.total)}`;
      if (c.perSecond) {
        const seconds = (this.clock() - this.phaseStarted) / 1000;
        const rate = seconds > 0 ? c.done / seconds : 0;
        text += `, ${rate >= 10 ? num(Math.round(rate)) : rate.toFixed(1)}/s`;
      }
      return text;
    });
  }
}
