import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Nearest-rank percentile of a sample (ms). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A percentile of a sample, rounded for a report. */
export const roundedPercentile = (values: number[], p: number, digits = 1) =>
  round(percentile(values, p), digits);

/** Median and p99 of a sample, rounded for a report. */
export const p50p99 = (values: number[], digits = 1) => ({
  p50: roundedPercentile(values, 50, digits),
  p99: roundedPercentile(values, 99, digits),
});

/** The mean of `f` over `items`. */
export const mean = <T>(items: T[], f: (item: T) => number) =>
  items.reduce((a, x) => a + f(x), 0) / items.length;

/** Seconds since a `performance.now()` reading. */
export const secondsSince = (t0: number) => (performance.now() - t0) / 1000;

/** Runs `task` and measures it (ms). */
export async function timed<T>(task: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await task();
  return { value, ms: performance.now() - started };
}

/** Runs `task` over `items` with at most `concurrency` in flight, keeping input order in the results. */
export async function mapConcurrent<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T, i: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** A plain-text table with aligned columns. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A column (or a row) of a table: its header, and its cell for a row (or for an item). */
type Column<T> = readonly [header: string, cell: (row: T) => string | number];

/** A table given column by column. */
export function columns<T>(rows: T[], cols: Column<T>[]): string {
  const headers = cols.map(([header]) => header);
  const cells = rows.map((row) => cols.map(([, cell]) => cell(row)));
  return table(headers, cells);
}

/** A table with one column per item and one row per figure. */
export function figures<T>(corner: string, items: T[], head: (item: T) => string, rows: Column<T>[]): string {
  const cells = rows.map(([name, cell]) => [name, ...items.map(cell)]);
  return table([corner, ...items.map(head)], cells);
}

let collect: (() => void) | undefined;

/** Heap in use after a full garbage collection (MB), for memory comparisons that GC noise would hide. */
export function heapAfterGcMb(): number {
  if (!collect) {
    v8.setFlagsFromString('--expose_gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Runs `use` with a fresh temporary directory, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
