/**
 * Command-line mistakes as one line on stderr: what is wrong, a close match when there is one,
 * and where to look (`see: last-agent <command> --help`). Never the whole usage, never a stack.
 */
import { ScenarioError } from '../local/connect/names';
import { SimulationConfigError } from '../simulate/config';
import { ConfigError } from '../steps/lib/runtime/config';
import { COMMANDS, type CommandName, USAGE, UsageError } from './usage';

/** The hint that ends every usage message. */
export function helpHint(command?: CommandName): string {
  return `(see: last-agent ${command && command !== 'help' ? `${command} ` : ''}--help)`;
}

/** `unknown command 'decid'; did you mean 'decide'? (see: last-agent --help)` */
export function unknownCommand(name: string): string {
  if (name.startsWith('-'))
    return `unknown option '${name}'${didYouMean(name, ['--help', '--version'])} ${helpHint()}`;
  return `unknown command '${name}'${didYouMean(name, COMMANDS)} ${helpHint()}`;
}

/**
 * The one line for an error a command threw, or undefined when it is not a usage mistake (exit 1).
 * node:util parseArgs reports unknown or malformed options with codes ERR_PARSE_ARGS_*; its
 * messages are rewritten to name the command and the option, with a close match.
 */
export function usageLine(err: unknown, command: CommandName): string | undefined {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const message = oneLine((err as Error | null)?.message ?? String(err));
  if (code.startsWith('ERR_PARSE_ARGS_'))
    return `${parseArgsMessage(code, message, command)} ${helpHint(command)}`;
  if (
    err instanceof UsageError ||
    err instanceof ScenarioError ||
    err instanceof ConfigError ||
    err instanceof SimulationConfigError
  )
    return `${message} ${helpHint(command)}`;
  return undefined;
}

function parseArgsMessage(code: string, message: string, command: CommandName): string {
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  // '--calls <value>', '-c, --calls <value>': the long flag.
  const option =
    quoted
      .split(/[\s,]+/)
      .filter((t) => t.startsWith('-'))
      .at(-1) ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const flags = [...USAGE[command].options.map((o) => o.flag), '--help'];
      return `unknown option '${option}' for ${command}${didYouMean(option, flags)}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}' for ${command}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const spec = USAGE[command].options.find((o) => o.flag === option);
      if (/does not take an argument/.test(message))
        return `option '${option}' for ${command} takes no value`;
      return `option '${option}' for ${command} needs a value${spec?.value ? ` (${option} ${spec.value})` : ''}`;
    }
    default:
      return `${message.charAt(0).toLowerCase()}${message.slice(1)} (${command})`;
  }
}

/** Messages from parsers and validators may span lines (zod issues, node's hints): one line. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** `; did you mean 'x'?` for the closest candidate within a small edit distance, else ''. */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const bare = (s: string) => s.replace(/^-+/, '');
  const word = bare(given);
  if (!word) return '';
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, bare(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  if (best && best.distance <= limit) return `; did you mean '${best.candidate}'?`;
  // A start of a name: `--conc` for `--concurrency`.
  const started = word.length >= 3 ? candidates.find((c) => bare(c).startsWith(word)) : undefined;
  return started ? `; did you mean '${started}'?` : '';
}

/** Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}
