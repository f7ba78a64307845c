import '../local/polyfills';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseLatency } from '../local/args';
import { parseFault, parseQuotas } from '../local/connect/faults';
import { type Scenario, loadScenarioFile } from '../local/connect/scenario';
import { startLocalConnect } from '../local/connect/server';
import { DEMO_SCENARIO } from '../local/scenarios';
import { type LocalSession, connectEventFor, startLocalSession } from '../local/session';
import { maskPhone } from '../steps/lib/decision/privacy';
import { formatDecision } from './decision-view';
import { agentName, sourceLine } from './demo';
import { helpHint, unknownCommand, usageLine } from './errors';
import {
  type CommandName,
  UsageError,
  commandHelp,
  generalUsage,
  isCommand,
  parseArgsOptions,
} from './usage';

function scenarioFrom(path: string | undefined): Scenario {
  return loadScenarioFile(path ?? DEMO_SCENARIO);
}

/** Faults given on the command line, on top of the scenario's own. */
function withCliFaults(
  scenario: Scenario,
  o: { fault?: string[] | undefined; latency?: string | undefined; quotas?: string | undefined },
): Scenario {
  try {
    const faults = {
      ...scenario.faults,
      inject: [...scenario.faults.inject, ...(o.fault ?? []).map(parseFault)],
    };
    if (o.latency) faults.latencyMs = parseLatency(o.latency, false, o.latency) ?? undefined;
    if (o.quotas) faults.throttle = parseQuotas(o.quotas);
    return { ...scenario, faults };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--now`: an ISO 8601 date-time with a 4-digit year, e.g. 2026-03-01T12:00:00Z. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(d.getTime()))
    throw new UsageError(
      `--now must be an ISO 8601 time, a date and a time with a 4-digit year such as 2026-03-01T12:00:00Z (YYYY-MM-DDTHH:MM[:SS[.sss]][Z|±HH:MM]), got "${value}"`,
    );
  return d;
}

/** Amazon Connect's ContactId: 1-256 characters. */
const MAX_CONTACT_ID = 256;

/** The combinations and values of decide's --phone, --event and --contact-id. */
function checkDecideTarget(values: { phone?: string; event?: string; 'contact-id'?: string }): void {
  if (values.phone === '')
    throw new UsageError("--phone is empty: give the caller's number, e.g. +14155550123");
  if (values.event === '') throw new UsageError('--event is empty: give the event file (JSON)');
  if ((values.phone === undefined) === (values.event === undefined))
    throw new UsageError('decide needs exactly one of --phone or --event');
  const contactId = values['contact-id'];
  if (contactId === undefined) return;
  if (values.event !== undefined)
    throw new UsageError("--contact-id goes with --phone; with --event the event's own ContactId is used");
  if (contactId.length < 1 || contactId.length > MAX_CONTACT_ID)
    throw new UsageError(
      `--contact-id must be 1-${MAX_CONTACT_ID} characters (Amazon Connect's ContactId), got ${contactId.length}`,
    );
}

async function runDecide(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      phone: { type: 'string' },
      event: { type: 'string' },
      scenario: { type: 'string' },
      now: { type: 'string' },
      'contact-id': { type: 'string' },
      json: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false },
      fault: { type: 'string', multiple: true },
      latency: { type: 'string' },
      quotas: { type: 'string' },
    },
    strict: true,
    // Collected rather than rejected by parseArgs, whose message would echo the value: a caller
    // number typed without --phone must not be printed in clear.
    allowPositionals: true,
  });
  const [stray] = positionals;
  if (stray !== undefined) {
    const hint = /\p{Nd}/u.test(stray) ? ': a caller number goes after --phone' : '';
    throw new UsageError(`unexpected argument '${maskPhone(stray)}' for decide${hint}`);
  }
  checkDecideTarget(values);
  if (values.trace && values.json)
    throw new UsageError('--trace goes without --json: the JSON answer already holds the trace');
  const now = parseNow(values.now);
  const scenario = withCliFaults(scenarioFrom(values.scenario), values);
  let event: unknown;
  if (values.event) {
    try {
      // A byte order mark, as some editors write, is not part of the JSON.
      event = JSON.parse(readFileSync(values.event, 'utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new UsageError(`cannot read event ${values.event}: ${(err as Error).message}`);
    }
  }
  const session = await startLocalSession({ scenario, ...(now ? { now } : {}) });
  try {
    if (!values.event) {
      event = connectEventFor({
        phone: values.phone as string,
        instanceArn: session.instanceArn,
        ...(values['contact-id'] ? { contactId: values['contact-id'] } : {}),
      });
    }
    const result = await session.decide(event);
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const { decision, trace } = result;
      const view = formatDecision({
        title: `decide, scenario "${scenario.name ?? 'unnamed'}"`,
        caller: values.phone ? maskPhone(values.phone) : `of ${values.event}`,
        decision,
        agentName: decision.agentId ? agentName(scenario, decision.agentId) : undefined,
        queueName: scenario.queues.find((q) => q.id === decision.queueId)?.name,
        trace,
        showTrace: values.trace,
        csatGate: session.config.csatAttribute !== undefined,
      });
      const source = sourceLine(session, scenario);
      process.stdout.write(`${source ? `${source}\n` : ''}${view}\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}

async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { scenario: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0-65535');
  const connect = await startLocalConnect(scenarioFrom(values.scenario), { port });
  process.stdout.write(`local Amazon Connect listening on ${connect.endpoint}\n`);
  process.stdout.write(`use it with AWS_ENDPOINT_URL_CONNECT=${connect.endpoint}; Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await connect.close();
  return 0;
}

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
      return await runDecide(rest);
    case 'demo':
      return await (await import('./demo')).runDemo(rest);
    case 'serve':
      return await runServe(rest);
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
