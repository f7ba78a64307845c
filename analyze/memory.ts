/**
 * The analysis's two memory settings, each measured at 1 M records (docs/performance.md, "Peak
 * memory: garbage, not data"):
 *
 * - **A full collection between phases** (`releasePhaseMemory`). The reading, the figures and the
 *   calibration's tables each leave large typed arrays behind, whose memory lives outside V8's
 *   heap. V8 frees it only at its next full collection, and starts one only once about 64 MB more
 *   of such memory is held than after the last: one phase's garbage then stays resident while the
 *   next builds its own. Collecting where a phase ends lowered the peak RSS of `analyze --json` by
 *   about 65 MB, for a few tenths of a second.
 * - **A young generation that does not grow** (`boundYoungGeneration`). The analysis makes many
 *   short-lived objects (a row's view, a boxed number), and V8 grows its young generation to
 *   32 MB, all of it resident, though under a megabyte of it is live at a time. Held at its
 *   starting size (4 MB), the peak fell by about 35 MB and the time did not change. V8 reads the
 *   setting when the young generation would grow and never shrinks it, so it is set before the
 *   modules load: bin/last-agent.mjs does it for `analyze`, and the bench's analysis passes too.
 *
 * `global.gc` is Node's when started with --expose-gc; otherwise the flag is set at run time and
 * the function taken from a fresh context, as bench/stats.ts and Jest's leak detector do. Node
 * warns that flags set at run time may do nothing: test/analyze/memory.test.ts checks, in a fresh
 * process, that both settings still take effect. Where they do not, the analysis is unchanged,
 * only its peak is higher.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this many contacts a phase's garbage is a few MB: no collection is worth its time. */
export const RELEASE_FROM_CONTACTS = 50_000;

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as () => void;
  try {
    setFlagsFromString('--expose_gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/**
 * A full collection now, when the phase worked on `contacts` contacts (RELEASE_FROM_CONTACTS at
 * least): what it just dropped is freed before the next phase allocates. True when it collected.
 */
export function releasePhaseMemory(contacts: number): boolean {
  if (contacts < RELEASE_FROM_CONTACTS) return false;
  if (collect === undefined) collect = collector();
  if (!collect) return false;
  collect();
  return true;
}

let bounded = false;

/** Keeps V8's young generation at its present size for the rest of the process: call it first. */
export function boundYoungGeneration(): void {
  if (bounded) return;
  bounded = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}
