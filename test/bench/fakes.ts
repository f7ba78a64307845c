/** Stand-ins for the progress tests (bench, load, backfill, simulate): a stderr that records, a clock that races. */

/** A stderr stand-in that records what is written to it; a terminal or not. */
export function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    stream: {
      isTTY,
      write(chunk: string) {
        chunks.push(chunk);
        return true;
      },
    },
  };
}

/** A clock that moves a second on every reading: every run looks long, every update is drawn. */
export function slowClock() {
  let t = 0;
  return () => {
    t += 1000;
    return t;
  };
}

/** A Progress that records what a run reported: its phases in order, and its counts. */
export function recordingProgress() {
  const phases: string[] = [];
  const counts: string[] = [];
  const notes: string[] = [];
  return {
    phases,
    counts,
    notes,
    progress: {
      phase: (name: string) => {
        phases.push(name);
      },
      count: (done: number, total: number, unit: string) => {
        counts.push(`${phases.at(-1)}: ${unit} ${done}/${total}`);
      },
      note: (line: string) => {
        notes.push(line);
      },
    },
  };
}
