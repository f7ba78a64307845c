import './polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import { readDefinitionText, substitute, TASK_FUNCTIONS } from '../statemachine/definition';
import { checkAgentAvailabilityStep } from '../steps/check-agent-availability';
import { checkLastContactCsatStep } from '../steps/check-last-contact-csat';
import { chooseRouteStep } from '../steps/choose-route';
import type { Executor } from '../steps/decide';
import { Decision } from '../steps/lib/decision';
import { redact } from '../steps/lib/privacy';
import type { Step, StepDeps } from '../steps/lib/runtime';
import { pickLastAgentContactStep } from '../steps/pick-last-agent-contact';
import { searchContactsStep } from '../steps/search-contacts';

export const STEPS: Step[] = [
  searchContactsStep,
  pickLastAgentContactStep,
  checkAgentAvailabilityStep,
  checkLastContactCsatStep,
  chooseRouteStep,
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
  decision: Decision;
  trace: TraceEntry[];
}

/** The ASL file with local Lambda ARNs in place of the CDK substitutions. */
export function localDefinition(): object {
  const arns = Object.fromEntries(
    Object.entries(TASK_FUNCTIONS).map(([k, fn]) => [
      k,
      `arn:aws:lambda:us-east-1:123456789012:function:${fn}`,
    ]),
  );
  return JSON.parse(substitute(readDefinitionText(), arns));
}

interface EventLog {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; output?: unknown };
  Error?: string;
  Cause?: string;
}

/** Turns the runtime's event log into a supervisor-readable trace (no inputs: they hold the customer key). */
export function toTrace(events: EventLog[]): TraceEntry[] {
  const start = events[0]?.timestamp ?? 0;
  const open = new Map<string, number>();
  const trace: TraceEntry[] = [];
  for (const e of events) {
    if (!e.state) continue;
    const { name, type } = e.state;
    const base = { state: name, type, startMs: (open.get(name) ?? e.timestamp) - start };
    const durationMs = e.timestamp - (open.get(name) ?? e.timestamp);
    switch (e.type) {
      case 'StateEntered':
        open.set(name, e.timestamp);
        break;
      case 'StateExited':
        trace.push({ ...base, durationMs, status: 'SUCCEEDED', output: redact(e.state.output) });
        break;
      case 'StateFailed':
        trace.push({ ...base, durationMs, status: 'FAILED', error: `${e.Error}: ${redact(e.Cause ?? '')}` });
        break;
      case 'StateRetried':
        open.set(name, e.timestamp);
        break;
      case 'StateCaught':
        trace.push({ ...base, durationMs: 0, status: 'CAUGHT', error: e.Error });
        break;
    }
  }
  return trace;
}

/**
 * Runs statemachine/*.asl.json in-process with aws-local-stepfunctions, each Task state mapped
 * to the same step code the Lambdas run.
 */
export function createLocalRunner(deps: StepDeps) {
  const machine = new StateMachine(localDefinition() as never, { validationOptions: { checkArn: true } });
  const handlers = Object.fromEntries(STEPS.map((s) => [s.state, (input: unknown) => s.run(input, deps)]));
  const run = async (input: unknown): Promise<LocalExecution> => {
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
    });
    const events: EventLog[] = [];
    const collecting = (async () => {
      for await (const e of execution.eventLogs as AsyncIterable<EventLog>) events.push(e);
    })();
    const output = await execution.result.finally(() => collecting.catch(() => undefined));
    await collecting;
    return { decision: Decision.parse(output), trace: toTrace(events) };
  };
  const execute: Executor = async (input) => (await run(input)).decision;
  return { run, execute, machine };
}
