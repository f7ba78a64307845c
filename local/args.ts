/**
 * Command-line helpers shared by the CLI (cli/main.ts) and the commands that live beside their
 * implementation (bench/command.ts). They sit in local/, which both may import, because bench/
 * does not import the CLI and local/ imports neither of them.
 */

/**
 * A command-line mistake: the CLI prints the message on one line, with a pointer to the command's
 * --help (cli/errors.ts), and exits 2.
 */
export class UsageError extends Error {}

/**
 * `--latency MEDIAN,P99` in milliseconds: null when `off` (`--no-latency`), `fallback` when the
 * flag is not given.
 */
export function parseLatency(value: string | undefined, off: boolean | undefined, fallback: string) {
  if (off) return null;
  const m = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(value ?? fallback);
  if (!m || Number(m[1]) > Number(m[2]))
    throw new UsageError('--latency must be MEDIAN,P99 in milliseconds with MEDIAN ≤ P99, e.g. 60,250');
  return { median: Number(m[1]), p99: Number(m[2]) };
}

/** `--latency` and `--no-latency` together: refused (bench would otherwise run a pass twice). */
export function checkLatencyFlags(latency: string | undefined, off: boolean | undefined): void {
  if (latency !== undefined && off)
    throw new UsageError('--latency and --no-latency cannot be used together: give one of them');
}

/** A whole number from `min` to `max` (`fallback` when not given), else a UsageError naming `flag`. */
export function wholeNumber(
  value: string | undefined,
  fallback: number,
  flag: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  const n = value === undefined ? fallback : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `${min}-${max}`;
    throw new UsageError(`${flag} must be a whole number ${range}, got "${value}"`);
  }
  return n;
}

/** The decision budget's range in milliseconds, as LAST_AGENT_DEADLINE_MS (steps/lib/runtime/config.ts). */
export const DEADLINE_MS_RANGE = { min: 200, max: 7000 } as const;
