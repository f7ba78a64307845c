import '../local/polyfills';
import { readFileSync } from 'node:fs';
import { helpHint, unknownCommand, usageLine } from './errors';
import {
  type CommandName,
  UsageError,
  commandHelp,
  generalUsage,
  isCommand,
  parseArgsOptions,
} from './usage';

/** The version of package.json. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** `-h` or `--help` among a command's arguments (before a `--` that ends the options). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '-h' || a === '--help');
}

async function run(command: CommandName, rest: string[]): Promise<number> {
  switch (command) {
    case 'decide':
      return await (await import('./decide')).runDecide(rest);
    case 'demo':
      return await (await import('./demo')).runDemo(rest);
    case 'serve':
      return await (await import('./decide')).runServe(rest);
    case 'load':
      return await (await import('../bench/command')).runLoadCommand(rest);
    case 'bench':
      return await (await import('../bench/command')).runBenchCommand(rest);
    case 'doctor':
      return await (await import('./doctor')).runDoctorCommand(rest);
    case 'backfill':
      return await (await import('./backfill/command')).runBackfillCommand(rest);
    case 'simulate':
      return await (await import('../simulate/command')).runSimulateCommand(rest);
    case 'analyze':
      return await (await import('../analyze/command')).runAnalyzeCommand(rest);
    case 'sample-records':
      return await (await import('../analyze/sample-command')).runSampleCommand(rest);
    case 'help': {
      const [topic, ...more] = rest;
      if (topic === undefined || topic === '-h' || topic === '--help') {
        process.stdout.write(`${generalUsage()}\n`);
        return 0;
      }
      if (!isCommand(topic)) return usageFailure(unknownCommand(topic));
      if (more.length > 0) return usageFailure(`unexpected argument '${more[0]}' for help ${helpHint()}`);
      process.stdout.write(`${commandHelp(topic)}\n`);
      return 0;
    }
  }
}

function usageFailure(line: string): number {
  process.stderr.write(`last-agent: ${line}\n`);
  return 2;
}

/**
 * The CLI: `last-agent <command> [options]`. Exit codes: 0 success; 2 a usage, scenario or
 * configuration mistake (one line on stderr naming it, with a pointer to the command's --help);
 * 1 anything else. Plain `last-agent` prints the general usage on stderr and exits 2;
 * `last-agent help`, `--help` and `-h` print it on stdout and exit 0.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(`${generalUsage()}\n`);
    return 2;
  }
  if (command === '--help' || command === '-h') return await run('help', []);
  if (command === '--version' || command === '-V') {
    process.stdout.write(`last-agent ${version()}\n`);
    return 0;
  }
  if (!isCommand(command)) return usageFailure(unknownCommand(command));
  if (command !== 'help' && asksForHelp(rest)) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  try {
    return await run(command, rest);
  } catch (err) {
    const line = usageLine(err, command);
    if (line !== undefined) return usageFailure(line);
    process.stderr.write(`last-agent: ${(err as Error).message}\n`);
    return 1;
  }
}
