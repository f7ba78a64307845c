import './polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import { TASK_FUNCTIONS, definitionTextFor, substitute } from '../statemachine/definition';
import { checkAgentAvailabilityStep } from '../steps/check-agent-availability';
import { checkLastContactCsatStep } from '../steps/check-last-contact-csat';
import type { Deadline } from '../steps/lib/connect/deadline';
import { LookupTimeoutError } from '../steps/lib/connect/errors';
import { redact } from '../steps/lib/decision/privacy';
import { PipelineOutput } from '../steps/lib/decision/route';
import type { Step, StepDeps } from '../steps/lib/runtime/step';
import { pickLastAgentContactStep } from '../steps/pick-last-agent-contact';
import { searchContactsStep } from '../steps/search-contacts';

export const STEPS: Step[] = [
  searchContactsStep,
  pickLastAgentContactStep,
  checkAgentAvailabilityStep,
  checkLastContactCsatStep,
];

export interface TraceEntry {
  state: string;
  type: string;
  /** Milliseconds from the start of the execution. */
  startMs: number;
  durationMs: number;
  status: 'SUCCEEDED' | 'FAILED' | 'RETRIED' | 'CAUGHT';
  output?: unknown;
  error?: string;
}

export interface LocalExecution {
  /** A decision made in the machine, or the inputs of the route choice the entry function applies. */
  output: PipelineOutput;
  trace: TraceEntry[];
}

/**
 * The ASL file with local Lambda ARNs in place of the CDK substitutions, for a configuration's
 * LAST_AGENT_MAX_PREFERRED (statemachine/definition.ts `definitionTextFor`), as the stack deploys it.
 */
export function localDefinition(maxPreferred = 1): object {
  const arns = Object.fromEntries(
    Object.entries(TASK_FUNCTIONS).map(([k, fn]) => [
      k,
      `arn:aws:lambda:us-east-1:123456789012:function:${fn}`,
    ]),
  );
  return JSON.parse(substitute(definitionTextFor({ maxPreferred }), arns));
}

interface EventLog {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; output?: unknown };
  Error?: string;
  Cause?: unknown;
}

/**
 * Turns the runtime's event log into a supervisor-readable trace: one entry per state run,
 * its duration and outcome. Outputs (which carry the state, customer key included) are redacted,
 * so a caller number never appears in clear.
 */
export function toTrace(events: EventLog[]): TraceEntry[] {
  const start = events[0]?.timestamp ?? 0;
  const entered = new Map<string, number>();
  const failed = new Map<string, TraceEntry>();
  const trace: TraceEntry[] = [];
  for (const e of events) {
    if (!e.state) continue;
    const { name, type } = e.state;
    const since = entered.get(name) ?? e.timestamp;
    const base = { state: name, type, startMs: since - start, durationMs: e.timestamp - since };
    switch (e.type) {
      case 'StateEntered':
        entered.set(name, e.timestamp);
        failed.delete(name);
        break;
      case 'StateExited':
        // After a Catch the runtime also reports an exit; the failure entry already tells it.
        if (!failed.has(name)) trace.push({ ...base, status: 'SUCCEEDED', output: redact(e.state.output) });
        break;
      case 'StateFailed': {
        const cause = typeof e.Cause === 'string' ? e.Cause : ((e.Cause as Error | undefined)?.message ?? '');
        const entry: TraceEntry = { ...base, status: 'FAILED', error: `${e.Error}: ${redact(cause)}` };
        failed.set(name, entry);
        trace.push(entry);
        break;
      }
      case 'StateRetried': {
        const entry = failed.get(name);
        if (entry) entry.status = 'RETRIED';
        entered.set(name, e.timestamp);
        failed.delete(name);
        break;
      }
      case 'StateCaught': {
        const entry = failed.get(name);
        if (entry) entry.status = 'CAUGHT';
        break;
      }
    }
  }
  return trace;
}

/** One Connect API call made by a step: which Task state, which operation, with what input. */
export interface ConnectCall {
  state: string;
  operation: string;
  input: Record<string, unknown>;
}

/** The step's Connect client, reporting every command it sends (the IAM conformance test reads these). */
function recordingClient(deps: StepDeps, state: string, onCall: (call: ConnectCall) => void): StepDeps {
  const connect = new Proxy(deps.connect, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (
        command: { constructor: { name: string }; input: Record<string, unknown> },
        ...rest: unknown[]
      ) => {
        onCall({ state, operation: command.constructor.name.replace(/Command$/, ''), input: command.input });
        return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
      };
    },
  });
  return { ...deps, connect };
}

const machines = new Map<boolean, StateMachine>();

/**
 * The validated state machine, built once per process and variant (one preferred agent, or
 * ranked): building one compiles its schema validator (about 0.2 s of CPU), and an execution
 * keeps no state in it.
 */
function sharedMachine(ranked: boolean): StateMachine {
  let machine = machines.get(ranked);
  if (!machine) {
    machine = new StateMachine(localDefinition(ranked ? 2 : 1) as never, {
      validationOptions: { checkArn: true },
    });
    machines.set(ranked, machine);
  }
  return machine;
}

/**
 * Runs statemachine/*.asl.json in-process with aws-local-stepfunctions, each Task state mapped
 * to the same step code the Lambdas run.
 */
export function createLocalRunner(
  deps: StepDeps,
  options: { onConnectCall?: (call: ConnectCall) => void } = {},
) {
  const { onConnectCall } = options;
  const handlers = Object.fromEntries(
    STEPS.map((s) => {
      const stepDeps = onConnectCall ? recordingClient(deps, s.state, onConnectCall) : deps;
      return [s.state, (input: unknown) => s.run(input, stepDeps)];
    }),
  );
  /** Runs one execution; with a deadline, the execution is aborted when it passes (as Step Functions would be abandoned). */
  const run = async (input: unknown, deadline?: Deadline): Promise<LocalExecution> => {
    // Read at each run: a session's configuration may be replaced in place (test/index/helpers.ts).
    const machine = sharedMachine(deps.config.maxPreferred > 1);
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      noThrowOnAbort: true,
    });
    const timer = deadline
      ? setTimeout(() => execution.abort(), Math.max(0, deadline.remaining()))
      : undefined;
    const events: EventLog[] = [];
    const collecting = (async () => {
      for await (const e of execution.eventLogs as AsyncIterable<EventLog>) events.push(e);
    })();
    const output = await execution.result.finally(() => {
      clearTimeout(timer);
      return collecting.catch(() => undefined);
    });
    await collecting;
    if (output === null) throw new LookupTimeoutError('state machine execution abandoned at the deadline');
    return { output: PipelineOutput.parse(output), trace: toTrace(events) };
  };
  return { run };
}
