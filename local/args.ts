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
