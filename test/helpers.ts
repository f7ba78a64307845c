import '../local/polyfills';
import { type Scenario, loadScenarioFile, parseScenario } from '../local/connect/scenario';
import { DEMO_SCENARIO } from '../local/scenarios';
import {
  type LocalDecision,
  type LocalSession,
  connectEventFor,
  flowParameters,
  startLocalSession,
} from '../local/session';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The bundled demo scenario (the same file `npm start` uses), with optional overrides. */
export function demoScenario(overrides: Partial<Scenario> = {}): Scenario {
  return parseScenario({ ...loadScenarioFile(DEMO_SCENARIO), ...overrides });
}

export const DEMO = loadScenarioFile(DEMO_SCENARIO);

/**
 * The demo without its latency model (a median 25 ms per Connect call, for `npm start`), for tests
 * of what is decided and logged rather than when: the same callers, contacts and agents.
 */
export const DEMO_NO_LATENCY = demoScenario({ faults: { seed: DEMO.faults.seed, inject: [] } });

/** Phone number of the demo caller whose title contains `text`. */
export function demoPhone(text: string): string {
  const call = DEMO.demo.find((d) => d.title.includes(text));
  if (!call) throw new Error(`no demo call titled like "${text}"`);
  return call.phone;
}

export async function withSession<T>(
  options: { scenario?: Scenario; env?: Record<string, string> },
  fn: (session: LocalSession) => Promise<T>,
): Promise<T> {
  const session = await startLocalSession({ scenario: options.scenario ?? DEMO, env: options.env ?? {} });
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** A call as the shipped preferred-agent flow places it: headed for the scenario's first queue (Claims). */
export function callFrom(
  session: LocalSession,
  phone: string,
  extra: { contactId?: string; parameters?: Record<string, string> } = {},
) {
  const queue = session.connect.scenario.queues[0];
  return connectEventFor({
    phone,
    instanceArn: session.instanceArn,
    ...(queue ? { parameters: flowParameters(session.instanceArn, queue.id) } : {}),
    ...extra,
  });
}

/** The states a decision passed through, in order (the path a supervisor sees). */
export function path(result: LocalDecision): string[] {
  return result.trace.filter((t) => t.status !== 'RETRIED').map((t) => t.state);
}

const BRANCH_STATES = new Set([
  'Check Agent Availability',
  'Csat Gate On?',
  'Csat Gate Off',
  'Check Last Contact Csat',
]);

/**
 * The path as a comparable list: top-level states in execution order; states of the Parallel
 * branches (which run concurrently, so interleave freely) sorted by name after "Check Agent And Csat".
 */
export function normalisedPath(result: LocalDecision): string[] {
  const states = path(result);
  const branch = states.filter((s) => BRANCH_STATES.has(s)).sort();
  return states.flatMap((s) =>
    BRANCH_STATES.has(s) ? [] : s === 'Check Agent And Csat' ? [...branch, s] : [s],
  );
}
