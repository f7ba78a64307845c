/**
 * The command-line conventions of issue #21 (clig.dev): every command's own --help, --version,
 * plain `last-agent`, and one-line usage errors with a close match and a pointer to --help.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  type CommandName,
  USAGE,
  commandHelp,
  generalUsage,
  parseArgsOptions,
} from '../../cli/usage';
import { runCli } from './run-cli';

const COMMANDS_WITH_OPTIONS = COMMANDS.filter((c): c is Exclude<CommandName, 'help'> => c !== 'help');
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Exactly one line on stderr, no usage dump, no stack trace; the line. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n');
  expect(lines, stderr).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(stderr).not.toContain('Usage:');
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).toMatch(/^last-agent: /);
  return lines[0] as string;
}

describe('--help and -h', () => {
  it.each(COMMANDS_WITH_OPTIONS.flatMap((c) => [[c, '--help'] as const, [c, '-h'] as const]))(
    '%s %s prints its own usage on stdout and exits 0',
    async (command, flag) => {
      const { code, stdout, stderr } = await runCli([command, flag]);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toBe(`${commandHelp(command)}\n`);
      expect(stdout).toMatch(new RegExp(`^Usage:\\n {2}last-agent ${command} `));
      for (const option of USAGE[command].options) expect(stdout).toContain(`  ${option.flag}`);
      expect(stdout).toContain('-h, --help');
      // Its own usage, not the list of every command.
      for (const other of COMMANDS_WITH_OPTIONS.filter((c) => c !== command))
        expect(stdout).not.toContain(`last-agent ${other} `);
    },
  );

  it.each([
    ['decide', '--phone', '+14155550123', '--help'],
    ['load', '--calls', 'not-a-number', '-h'],
    ['bench', '--bogus', '--help'],
    ['simulate', '--config', '/no/such/file.json', '--help'],
    ['doctor', '-h', '--instance-id', 'x'],
  ])('%s … answers --help whatever else is given: %j', async (...args) => {
    const { code, stdout } = await runCli(args);
    expect(code).toBe(0);
    expect(stdout).toBe(`${commandHelp(args[0] as CommandName)}\n`);
  });

  it('help COMMAND prints the same as COMMAND --help', async () => {
    for (const command of COMMANDS_WITH_OPTIONS) {
      const { code, stdout } = await runCli(['help', command]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${commandHelp(command)}\n`);
    }
  });

  it.each([[['help']], [['--help']], [['-h']], [['help', '--help']]])(
    '%j prints the general usage on stdout and exits 0',
    async (args) => {
      const { code, stdout, stderr } = await runCli(args);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toBe(`${generalUsage()}\n`);
      for (const command of COMMANDS_WITH_OPTIONS) expect(stdout).toContain(`last-agent ${command} `);
    },
  );

  it('plain last-agent prints the general usage on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${generalUsage()}\n`);
  });

  it('every option states its range, allowed values or default, and is in its synopsis', () => {
    for (const command of COMMANDS_WITH_OPTIONS) {
      const { synopsis, options } = USAGE[command];
      for (const option of options) {
        expect(synopsis.join('\n'), `${command} ${option.flag}`).toContain(option.flag);
        if (option.value)
          expect(option.help, `${command} ${option.flag}`).toMatch(/default|required|instead of|\d/);
      }
    }
  });
});

describe('--version', () => {
  it.each(['--version', '-V'])('%s prints the version of package.json and exits 0', async (flag) => {
    const { code, stdout, stderr } = await runCli([flag]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`last-agent ${VERSION}\n`);
  });
});

describe('unknown commands', () => {
  it.each([
    ['decid', "unknown command 'decid'; did you mean 'decide'?"],
    ['simulat', "unknown command 'simulat'; did you mean 'simulate'?"],
    ['bnech', "unknown command 'bnech'; did you mean 'bench'?"],
    ['doctr', "unknown command 'doctr'; did you mean 'doctor'?"],
    ['frobnicate', "unknown command 'frobnicate'"],
    ['--bogus', "unknown option '--bogus'"],
    ['--verison', "unknown option '--verison'; did you mean '--version'?"],
  ])('%s: one line, exit 2, a close match when there is one', async (command, message) => {
    const { code, stdout, stderr } = await runCli([command, '--json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(oneLine(stderr)).toBe(`last-agent: ${message} (see: last-agent --help)`);
  });

  it('help with an unknown command says so on one line', async () => {
    const { code, stderr } = await runCli(['help', 'decid']);
    expect(code).toBe(2);
    expect(oneLine(stderr)).toBe(
      "last-agent: unknown command 'decid'; did you mean 'decide'? (see: last-agent --help)",
    );
  });
});

describe('unknown and malformed options', () => {
  it.each(COMMANDS_WITH_OPTIONS)(
    '%s --bogus: exit 2, one line naming the option and the command, with its --help',
    async (command) => {
      const { code, stdout, stderr } = await runCli([command, '--bogus']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(oneLine(stderr)).toBe(
        `last-agent: unknown option '--bogus' for ${command} (see: last-agent ${command} --help)`,
      );
    },
  );

  it.each([
    [['bench', '--sze', 'small'], "unknown option '--sze' for bench; did you mean '--size'?"],
    [['load', '--concurency', '4'], "unknown option '--concurency' for load; did you mean '--concurrency'?"],
    [['simulate', '--confg', 'x.json'], "unknown option '--confg' for simulate; did you mean '--config'?"],
    [['doctor', '--lcoal'], "unknown option '--lcoal' for doctor; did you mean '--local'?"],
    [['decide', '--phone', '+14155550123', '-x'], "unknown option '-x' for decide"],
    [['load', '--calls'], "option '--calls' for load needs a value (--calls N)"],
    [['bench', '--size'], "option '--size' for bench needs a value (--size small|default|large)"],
    [['simulate', '--config'], "option '--config' for simulate needs a value (--config FILE)"],
    [['load', '--calls', '--json'], "option '--calls' for load needs a value (--calls N)"],
    [['load', '--json=yes'], "option '--json' for load takes no value"],
    [['simulate', '--json=yes', '--config', 'x.json'], "option '--json' for simulate takes no value"],
    [['load', 'extra'], "unexpected argument 'extra' for load"],
    [['simulate', 'extra.json'], "unexpected argument 'extra.json' for simulate"],
    [['backfill', '--local', 'extra'], "unexpected argument 'extra' for backfill"],
  ])('%j: one line with the hint', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(oneLine(stderr)).toBe(`last-agent: ${message} (see: last-agent ${args[0]} --help)`);
  });

  it.each([
    [['decide'], 'decide needs exactly one of --phone or --event'],
    [['serve', '--port', '70000'], '--port must be 0-65535'],
    [['bench', '--size', 'huge', '--no-cold'], '--size must be one of small, default, large'],
    [['load', '--calls', '0'], '--calls must be a whole number 1-100000'],
    [
      ['load', '--source', 'bogus', '--calls', '1'],
      '--source must be one of search, index, index-then-search, all',
    ],
    [['simulate'], 'simulate needs --config FILE'],
    [['doctor'], 'doctor needs --instance-id'],
    [['decide', '--phone', '+1', '--scenario', '/no/such/file.json'], 'cannot read scenario'],
  ])('validation of %j: one line with the hint', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    const line = oneLine(stderr);
    expect(line).toContain(message);
    expect(line.endsWith(`(see: last-agent ${args[0]} --help)`)).toBe(true);
  });

  it('an invalid configuration is one line naming the variable', async () => {
    const { code, stderr } = await runCli(['decide', '--phone', '+14155550123'], {
      LAST_AGENT_LOOKBACK_DAYS: 'x',
    });
    expect(code).toBe(2);
    expect(oneLine(stderr)).toMatch(/LAST_AGENT_LOOKBACK_DAYS.*\(see: last-agent decide --help\)$/);
  });
});

describe('the usage table matches the parsers', () => {
  /**
   * The options of each parseArgs call in a source file (the first `options: { … }` after each
   * `parseArgs(`), name → type, with `[]` when repeatable.
   */
  function parsedOptions(file: string): Record<string, string>[] {
    const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    const calls: Record<string, string>[] = [];
    for (let at = source.indexOf('parseArgs('); at >= 0; at = source.indexOf('parseArgs(', at + 1)) {
      const open = source.indexOf('options: {', at) + 'options: '.length;
      if (open < 'options: '.length) break;
      let depth = 0;
      let close = open;
      for (; close < source.length; close++) {
        if (source[close] === '{') depth++;
        if (source[close] === '}' && --depth === 0) break;
      }
      const options: Record<string, string> = {};
      for (const m of source.slice(open + 1, close).matchAll(/'?([a-z][a-z-]*)'?:\s*\{([^}]*)\}/g)) {
        const type = /type:\s*'(\w+)'/.exec(m[2] as string)?.[1] ?? '?';
        options[m[1] as string] = `${type}${/multiple:\s*true/.test(m[2] as string) ? '[]' : ''}`;
      }
      calls.push(options);
    }
    return calls;
  }

  function tableOptions(command: CommandName): Record<string, string> {
    return Object.fromEntries(
      Object.entries(parseArgsOptions(command)).map(([name, o]) => [
        name,
        `${o.type}${o.multiple ? '[]' : ''}`,
      ]),
    );
  }

  it.each([
    ['decide', 'cli/decide.ts'],
    ['demo', 'cli/demo.ts'],
    ['serve', 'cli/decide.ts'],
    ['load', 'bench/command.ts'],
    ['bench', 'bench/command.ts'],
    ['doctor', 'cli/doctor.ts'],
    ['backfill', 'cli/backfill/command.ts'],
    ['simulate', 'simulate/command.ts'],
    ['analyze', 'analyze/command.ts'],
    ['sample-records', 'analyze/sample-command.ts'],
  ] as const)('%s: a parser in %s accepts exactly the options of the table', (command, file) => {
    const table = tableOptions(command);
    const parsers = parsedOptions(file);
    // The parser sharing the most option names with the table (a file may hold several).
    const overlap = (p: Record<string, string>) =>
      Object.keys(p).filter((k) => k in table).length - Object.keys(p).filter((k) => !(k in table)).length;
    const closest = [...parsers].sort((a, b) => overlap(b) - overlap(a))[0];
    expect(closest).toEqual(table);
  });

  it("simulate's own usage line and load's sources are the table's", async () => {
    const { SIMULATE_USAGE } = await import('../../simulate/command');
    expect(USAGE.simulate.synopsis.join('\n')).toContain(SIMULATE_USAGE);
    const { LOAD_SOURCES } = await import('../../bench/load');
    expect(USAGE.load.options.find((o) => o.flag === '--source')?.value).toBe(LOAD_SOURCES.join('|'));
  });
});
