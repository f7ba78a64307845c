/**
 * `last-agent decide` and `last-agent serve`: one decision against the local Connect, and the
 * local Connect on its own. Apart from main.ts, which loads them only for these commands (they
 * load the local Connect and the SDK, about 70 MB a command such as `analyze` does not need).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseLatency } from '../local/args';
import { parseFault, parseQuotas } from '../local/connect/faults';
import { type Scenario, loadScenarioFile } from '../local/connect/scenario';
import { startLocalConnect } from '../local/connect/server';
import { DEMO_SCENARIO } from '../local/scenarios';
import { connectEventFor, startLocalSession } from '../local/session';
import { maskPhone } from '../steps/lib/decision/privacy';
import { formatDecision } from './decision-view';
import { agentName, sourceLine } from './demo';
import { UsageError } from './usage';

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

export async function runDecide(args: string[]): Promise<number> {
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

export async function runServe(args: string[]): Promise<number> {
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
