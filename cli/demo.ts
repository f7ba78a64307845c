/**
 * `last-agent demo` (what `npm start` runs): the scenario's demo callers through the local
 * pipeline, each in the compact view of decision-view.ts; --trace adds the states and timings.
 * Every configuration the calls use is loaded and checked before anything is printed.
 */
import { parseArgs } from 'node:util';
import { type Scenario, loadScenarioFile } from '../local/connect/scenario';
import { type DecidedCall, localOutcomes, outcomeLine } from '../local/outcomes';
import { DEMO_SCENARIO } from '../local/scenarios';
import { type LocalSession, connectEventFor, flowParameters, startLocalSession } from '../local/session';
import type { FlowResponse } from '../steps/lib/decision/decision';
import { maskPhone } from '../steps/lib/decision/privacy';
import { returningCallerWhisper } from '../steps/lib/decision/whisper';
import { formatDecision } from './decision-view';
import { UsageError } from './usage';

/**
 * What the agent-whisper flow (infra/whisper.ts) says to the agent who takes the call: one text,
 * the same whoever answers ("Returning caller, last spoke with Alice 2 days ago."). The queue name
 * comes first, as in Connect's default agent whisper: the last queue for a LAST_QUEUE call, else
 * the queue the shipped flow sends the call to (the scenario's first).
 */
export function demoWhisper(scenario: Scenario, decision: FlowResponse): string {
  const text = returningCallerWhisper(decision);
  if (text === undefined) return "only the instance's default whisper (not a returning caller)";
  const queueId = decision.route === 'LAST_QUEUE' ? decision.queueId : scenario.queues[0]?.id;
  const queue = scenario.queues.find((q) => q.id === queueId)?.name;
  return `"${queue ? `${queue}. ` : ''}${text}"`;
}

/** The agent's full name and username, when the scenario has the agent. */
export function agentName(scenario: Scenario, agentId: string): string | undefined {
  const agent = scenario.agents.find((a) => a.id === agentId);
  if (!agent) return undefined;
  const name = [agent.firstName, agent.lastName].filter(Boolean).join(' ');
  return name ? `${name} (${agent.username})` : agent.username;
}

/**
 * Where the steps read routing state, when it is not SearchContacts (LAST_AGENT_SOURCE): the
 * local DynamoDB table and what replaying the scenario put in it.
 */
export function sourceLine(session: LocalSession, scenario: Scenario): string | undefined {
  const { source } = session.config;
  if (source === 'search') return undefined;
  const replay = session.dynamo?.replay;
  const detail = replay
    ? `local DynamoDB on 127.0.0.1, ${scenario.contacts.length} contacts replayed as ${replay.contactEvents} contact events and ${replay.agentEvents} agent events`
    : 'local DynamoDB on 127.0.0.1';
  return `source: ${source} (${detail})`;
}

/** One session per distinct configuration (one local Connect, warm clients), all started up front. */
async function sessionsFor(scenario: Scenario): Promise<Map<string, LocalSession>> {
  const sessions = new Map<string, LocalSession>();
  try {
    for (const call of scenario.demo) {
      const key = JSON.stringify(call.env ?? {});
      if (!sessions.has(key))
        sessions.set(key, await startLocalSession({ scenario, env: { ...process.env, ...call.env } }));
    }
  } catch (err) {
    await Promise.all([...sessions.values()].map((s) => s.close()));
    throw err;
  }
  return sessions;
}

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { scenario: { type: 'string' }, trace: { type: 'boolean', default: false } },
    strict: true,
  });
  const scenario = loadScenarioFile(values.scenario ?? DEMO_SCENARIO);
  if (scenario.demo.length === 0) throw new UsageError('this scenario has no "demo" calls');
  const out = process.stdout;
  const tally = new Map<string, number>();
  const decided: DecidedCall[] = [];
  const sessions = await sessionsFor(scenario);
  const sessionFor = (env: Record<string, string> | undefined) =>
    sessions.get(JSON.stringify(env ?? {})) as LocalSession;
  try {
    const source = sourceLine(sessionFor(scenario.demo[0]?.env), scenario);
    out.write(
      `Returning-caller routing, local demo: scenario "${scenario.name ?? 'unnamed'}", now ${scenario.now}\n`,
    );
    out.write(
      `${scenario.agents.length} agents, ${scenario.contacts.length} past contacts, local Connect on 127.0.0.1\n${source ? `${source}\n` : ''}\n`,
    );
    for (const call of scenario.demo) {
      const session = sessionFor(call.env);
      // As the shipped flow does: the call is headed for the scenario's first queue.
      const queue = scenario.queues[0];
      const { decision, trace } = await session.decide(
        connectEventFor({
          ...call,
          instanceArn: session.instanceArn,
          ...(queue ? { parameters: flowParameters(session.instanceArn, queue.id) } : {}),
        }),
      );
      const view = formatDecision({
        title: call.title,
        caller: maskPhone(call.phone),
        decision,
        agentName: decision.agentId ? agentName(scenario, decision.agentId) : undefined,
        queueName: scenario.queues.find((q) => q.id === decision.queueId)?.name,
        agentHears: demoWhisper(scenario, decision),
        trace,
        showTrace: values.trace,
        csatGate: session.config.csatAttribute !== undefined,
      });
      out.write(`${view}\n\n`);
      tally.set(decision.route, (tally.get(decision.route) ?? 0) + 1);
      decided.push({ decision });
    }
  } finally {
    await Promise.all([...sessions.values()].map((s) => s.close()));
  }
  out.write(`Summary: ${[...tally].map(([r, n]) => `${r} ${n}`).join(', ')}\n`);
  // Issue 25: the dashboard's daily share, from the calls' CONNECTED_TO_AGENT events (local/outcomes.ts).
  const outcome = await localOutcomes(scenario, decided);
  out.write(
    `${outcomeLine(outcome)}: the dashboard's Reached / (Reached + Missed), over LAST_AGENT calls (who answers is a model: local/outcomes.ts)\n`,
  );
  if (!values.trace) out.write('Each state and its timing: npx last-agent demo --trace\n');
  out.write('Try: npx last-agent decide --phone +14155550123 --json\n');
  return 0;
}
