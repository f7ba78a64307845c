import type { TraceEntry } from '../local/runner';
/**
 * How `decide` and `demo` print one decision for people: a compact view first (the caller,
 * masked; the route; the reason in words with its code; the agent by name; what the agent
 * hears), and with --trace the state machine's states with their timings, each parent state
 * before its children and indented under it. The CSAT gate's plumbing states are left out when
 * no gate is configured: they decide nothing then.
 */
import { readDefinitionText } from '../statemachine/definition';
import type { FlowResponse, Reason } from '../steps/lib/decision/decision';

/** Each reason code in words, as a contact-center engineer would say it. */
export const REASON_WORDS: Record<Reason, string> = {
  LAST_AGENT_AVAILABLE: 'the last agent is available',
  AGENT_BUSY: 'the last agent is busy on another contact',
  AGENT_BUSY_UNLIKELY_FREE:
    'the last agent is busy and unlikely to be free within the preference window (adaptive preference)',
  AGENT_NOT_ROUTABLE: 'the last agent is in a status that takes no calls (a break, lunch, training)',
  AGENT_OFFLINE: 'the last agent is offline',
  AGENT_NOT_IN_QUEUE: "the last agent's routing profile does not serve this call's queue",
  LOW_CSAT: 'the caller rated the last call below the minimum (the CSAT gate)',
  NO_CALLER_NUMBER: 'the call carries no caller number',
  INVALID_CALLER_NUMBER: 'the caller number is not a valid phone number',
  ANONYMOUS_CALLER: 'the caller withheld their number',
  INVALID_EVENT: 'the event from the flow is not a Connect contact event',
  NO_RECENT_CONTACT: 'no contact from this caller within the lookback window (a first-time caller)',
  NO_AGENT_CONTACT: "none of this caller's recent contacts reached an agent",
  LOOKUP_THROTTLED: 'Connect throttled the lookup, so the call goes to the queue',
  LOOKUP_TIMEOUT: 'the lookup ran out of its time budget, so the call goes to the queue',
  LOOKUP_ERROR: 'the lookup failed, so the call goes to the queue',
  CONFIG_ERROR: 'the configuration is invalid, so the call goes to the queue',
  KNOWN_AGENT_AVAILABLE:
    'the last agent cannot be preferred, and another agent who knows the caller is available (ranked preference)',
  KNOWN_AGENT_BUSY:
    'the last agent cannot be preferred; another agent who knows the caller is busy and still preferred (ranked preference)',
};

export interface DecisionView {
  /** The first line (after ▶): the call's title. */
  title: string;
  /** The caller, already masked (or "event FILE"). */
  caller: string;
  decision: FlowResponse;
  /** The last agent's name, when the scenario knows the agent. */
  agentName?: string | undefined;
  /** The queue's name, for LAST_QUEUE. */
  queueName?: string | undefined;
  /** What the agent hears, when known. */
  agentHears?: string | undefined;
  trace: TraceEntry[];
  /** Show the states and their timings. */
  showTrace: boolean;
  /** A CSAT gate is configured (LAST_AGENT_CSAT_ATTRIBUTE); without one its states are hidden. */
  csatGate: boolean;
}

function routeText(v: DecisionView): string {
  const d = v.decision;
  const agent = v.agentName ?? (d.agentId ? `agent ${d.agentId}` : 'the last agent');
  switch (d.route) {
    case 'LAST_AGENT':
      return `LAST_AGENT, to ${agent}`;
    case 'LAST_QUEUE':
      return `LAST_QUEUE, to the queue ${v.queueName ?? d.queueId}`;
    default:
      return d.agentId ? `DEFAULT (the flow's queue), last agent ${agent}` : "DEFAULT (the flow's queue)";
  }
}

/** Milliseconds for people: whole numbers, "<1" below one. */
export function ms(value: number): string {
  return value < 1 ? '<1' : String(Math.round(value));
}

let depths: Map<string, number> | undefined;

/** Each state's nesting depth in the state machine (0 top level, 1 inside a Parallel's branch). */
function stateDepths(): Map<string, number> {
  if (depths) return depths;
  const found = new Map<string, number>();
  type States = Record<string, { Branches?: { States: States }[] }>;
  const walk = (states: States, depth: number) => {
    for (const [name, state] of Object.entries(states)) {
      found.set(name, depth);
      for (const branch of state.Branches ?? []) walk(branch.States, depth + 1);
    }
  };
  walk((JSON.parse(readDefinitionText()) as { States: States }).States, 0);
  depths = found;
  return found;
}

/** The CSAT gate's own states: they only say "no gate" when none is configured. */
const CSAT_GATE_STATES = new Set(['Csat Gate On?', 'Csat Gate Off']);

/** The trace in the order states started, a parent before its children, indented by depth. */
export function traceLines(trace: TraceEntry[], csatGate: boolean): string[] {
  const depthOf = stateDepths();
  const shown = trace
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => csatGate || !CSAT_GATE_STATES.has(t.state))
    .map((e) => ({ ...e, depth: depthOf.get(e.t.state) ?? 0 }))
    // Started first comes first. A parent and its first child start in the same millisecond: the
    // shallower (the parent) first; otherwise the order the runtime reported them in.
    .sort((a, b) => a.t.startMs - b.t.startMs || a.depth - b.depth || a.i - b.i);
  return shown.map(({ t, depth }) => {
    const indent = '  '.repeat(depth);
    const detail = t.error ? `  ${t.error}` : '';
    return `    ${ms(t.durationMs).padStart(4)} ms  ${t.status.padEnd(9)} ${indent}${t.state}${detail}`;
  });
}

export function formatDecision(v: DecisionView): string {
  const d = v.decision;
  const lines = [`▶ ${v.title}`, `  caller ${v.caller} → ${routeText(v)}`];
  lines.push(`  because ${REASON_WORDS[d.reason as Reason] ?? d.reason} (${d.reason})`);
  if (v.agentHears !== undefined) lines.push(`  agent hears: ${v.agentHears}`);
  if (v.showTrace) {
    lines.push(
      `  decided in ${d.decisionMs} ms${d.lastContactId ? `, from contact ${d.lastContactId} at ${d.lastContactAt}` : ''}`,
    );
    lines.push(...traceLines(v.trace, v.csatGate));
  }
  return lines.join('\n');
}
