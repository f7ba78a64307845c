/**
 * Agent context for returning callers (docs/agent-context.md):
 *
 * - the contact attributes the inbound flow stores for the agent's contact panel and the whisper
 *   (names configurable, defaults below);
 * - `buildAgentWhisperFlow`: the agent-whisper flow (type AGENT_WHISPER) the inbound flow sets
 *   with "Set whisper flow" (UpdateContactEventHooks AgentWhisper) for returning callers;
 * - the optional queue priority for returning callers (UpdateContactRoutingBehavior).
 *
 * Every action follows the table in ./flow-actions.ts; tests run `checkFlow` on the whisper flow
 * and run it against `returningCallerWhisper` (steps/lib/decision/whisper.ts), the logic it implements.
 * The whisper text is one sentence true for whichever agent answers (issue 25), so the flow needs
 * no Compare of two JSONPaths.
 */
import type { FlowResponse } from '../steps/lib/decision/decision';
import type { ContactFlow } from './contact-flow';
import type { FlowAction } from './flow-actions';

/**
 * Contact attributes the inbound flow sets, keyed by the entry Lambda answer key each one copies
 * ($.External.<key>). `route` and `reason` are written with the customer key; the others in a
 * separate action, so a failure there never costs the searchable key.
 */
export const CONTEXT_ATTRIBUTE_DEFAULTS = {
  route: 'lastAgentRoute',
  reason: 'lastAgentReason',
  lastContactId: 'lastContactId',
  lastContactAt: 'lastContactAt',
  lastContactAgo: 'lastContactAgo',
  lastContactCsat: 'lastContactCsat',
  agentArn: 'lastAgentArn',
  freeWithinProbability: 'lastAgentFreeProbability',
  returningCaller: 'returningCaller',
  whisper: 'lastAgentWhisper',
  // Deprecated (issue 25): written as '' for one release so panels that read them find them, and
  // so `-c contextAttributes=whisperSameAgent:…` still synthesizes; no flow reads them.
  whisperSameAgent: 'lastAgentWhisperSame',
  whisperOtherAgent: 'lastAgentWhisperOther',
} as const satisfies Partial<Record<keyof FlowResponse, string>>;
export type ContextAttribute = keyof typeof CONTEXT_ATTRIBUTE_DEFAULTS;
export type ContextAttributeNames = Record<ContextAttribute, string>;
export const CONTEXT_ATTRIBUTES = Object.keys(CONTEXT_ATTRIBUTE_DEFAULTS) as ContextAttribute[];

/** UpdateContactAttributes API: keys hold only letters, digits, "-" and "_". */
const ATTRIBUTE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The attribute names with overrides applied; throws when a name is invalid or two attributes
 * (or an attribute and one of `reserved`, e.g. the searchable key) share a name.
 */
export function contextAttributeNames(
  overrides: Partial<ContextAttributeNames> = {},
  reserved: readonly string[] = [],
): ContextAttributeNames {
  const names: ContextAttributeNames = { ...CONTEXT_ATTRIBUTE_DEFAULTS, ...overrides };
  const seen = new Map<string, string>(reserved.map((r) => [r, 'reserved']));
  for (const key of CONTEXT_ATTRIBUTES) {
    const name = names[key];
    if (!ATTRIBUTE_NAME.test(name))
      throw new Error(
        `context attribute ${key}: "${name}" may hold only letters, digits, "-" and "_" (1-100)`,
      );
    const other = seen.get(name);
    if (other)
      throw new Error(
        `context attribute ${key}: "${name}" is already used${other === 'reserved' ? '' : ` by ${other}`}`,
      );
    seen.set(name, key);
  }
  return names;
}

/**
 * Parses the `contextAttributes` deploy context: comma-separated `key:name` overrides, e.g.
 * `lastContactCsat:prevCsat,route:routingDecision`. Keys are those of CONTEXT_ATTRIBUTE_DEFAULTS.
 */
export function parseContextAttributes(value: string): Partial<ContextAttributeNames> {
  const overrides: Partial<ContextAttributeNames> = {};
  for (const item of value.split(',').map((s) => s.trim())) {
    if (!item) continue;
    const [key, name, ...rest] = item.split(':').map((s) => s.trim());
    if (!key || !name || rest.length)
      throw new Error(`"${item}" must be key:attributeName (keys: ${CONTEXT_ATTRIBUTES.join(', ')})`);
    if (!(CONTEXT_ATTRIBUTES as string[]).includes(key))
      throw new Error(`unknown key "${key}" (keys: ${CONTEXT_ATTRIBUTES.join(', ')})`);
    if (key in overrides) throw new Error(`"${key}" is given twice`);
    overrides[key as ContextAttribute] = name;
  }
  return overrides;
}

/**
 * Queue priority for returning callers (`-c returningCallerPriority=…`), off by default:
 * - `priority:N` sets QueuePriority N (1-4): contacts get 5 unless a flow changes it, and lower
 *   numbers are routed first, so 1-4 puts returning callers ahead of every default contact;
 * - `age:SECONDS` adds 1-3600 s to their time in queue (QueueTimeAdjustmentSeconds): they are
 *   served as if they had called that much earlier.
 */
export type ReturningCallerPriority =
  | { kind: 'off' }
  | { kind: 'priority'; priority: number }
  | { kind: 'age'; seconds: number };

export const PRIORITY_RANGE = { min: 1, max: 4 } as const;
export const AGE_RANGE = { min: 1, max: 3600 } as const;

export function parseReturningCallerPriority(value: string): ReturningCallerPriority {
  const v = value.trim();
  if (v === 'off') return { kind: 'off' };
  const m = /^(priority|age):(\d+)$/.exec(v);
  const n = Number(m?.[2]);
  if (m?.[1] === 'priority' && n >= PRIORITY_RANGE.min && n <= PRIORITY_RANGE.max)
    return { kind: 'priority', priority: n };
  if (m?.[1] === 'age' && n >= AGE_RANGE.min && n <= AGE_RANGE.max) return { kind: 'age', seconds: n };
  throw new Error(
    `"${value}" must be off, priority:N with N ${PRIORITY_RANGE.min}-${PRIORITY_RANGE.max} (default contacts have 5; lower is served first), or age:SECONDS with SECONDS ${AGE_RANGE.min}-${AGE_RANGE.max}`,
  );
}

/** Parameters of the UpdateContactRoutingBehavior action, or undefined when off. */
export function routingBehaviorParameters(p: ReturningCallerPriority): Record<string, string> | undefined {
  if (p.kind === 'priority') return { QueuePriority: String(p.priority) };
  if (p.kind === 'age') return { QueueTimeAdjustmentSeconds: String(p.seconds) };
  return undefined;
}

/** Identifiers of the agent-whisper flow. */
export const WHISPER_FLOW_IDS = {
  queueName: 'say-queue-name',
  checkReturning: 'check-returning-caller',
  sayWhisper: 'say-returning-caller',
  end: 'end-whisper',
} as const;

export interface AgentWhisperFlowOptions {
  /** Attribute names, as given to buildContactFlow (defaults CONTEXT_ATTRIBUTE_DEFAULTS). */
  contextAttributes?: Partial<ContextAttributeNames>;
}

const W = WHISPER_FLOW_IDS;
const onError = (next: string, type = 'NoMatchingError') => [{ NextAction: next, ErrorType: type }];

/**
 * Agent-whisper flow (type AGENT_WHISPER). It runs for the agent who accepted the call, before
 * the caller leaves the queue (REF-2023 set-whisper-flow). It says the queue name, as Connect's
 * default agent whisper does (the hook replaces it), then, for a returning caller only, the one
 * whisper text the entry Lambda built ("Returning caller, last spoke with Maria 2 days ago."), and
 * ends with EndFlowExecution like every whisper export. Every error branch goes on, so a whisper
 * never holds up the call.
 *
 * It has one Compare, of an attribute with the literal "true": the form real whisper exports use
 * (VMX3 VMXInQueueAgentWhisper, GM _0x_whisper_flow.json, SCV-aws AWSSCVAgentWhisper.json). It
 * never compares two JSONPaths (issue 25: no real export shows that working; `checkFlow` rejects it).
 */
export function buildAgentWhisperFlow(o: AgentWhisperFlowOptions = {}): ContactFlow {
  const a = contextAttributeNames(o.contextAttributes);
  const attribute = (key: ContextAttribute) => `$.Attributes.${a[key]}`;
  const actions: FlowAction[] = [
    {
      // The AWS default agent whisper (GM default_agent_whisper.json): {"Text":"$.Queue.Name"}.
      Identifier: W.queueName,
      Type: 'MessageParticipant',
      Parameters: { Text: '$.Queue.Name' },
      Transitions: { NextAction: W.checkReturning, Errors: onError(W.checkReturning) },
    },
    {
      // An attribute against a literal, as VMX3 VMXInQueueAgentWhisper "Check for the vmx3_flag"
      // ({"ComparisonValue":"$.Attributes.vmx3_flag"}, Equals ["1"], NoMatchingCondition) and GM
      // _0x_whisper_flow.json ($.Attributes.QueueName Equals ["AHEAD"]), both AGENT_WHISPER. A
      // user-defined attribute that was never set is a valid path that matches nothing (REF
      // flow-language-actions-parameter-restrictions: "$.Attributes.stuff is okay"), so a contact
      // without the agent context, or a first-time caller ('false'), hears nothing more.
      Identifier: W.checkReturning,
      Type: 'Compare',
      Parameters: { ComparisonValue: attribute('returningCaller') },
      Transitions: {
        NextAction: W.end,
        Conditions: [{ NextAction: W.sayWhisper, Condition: { Operator: 'Equals', Operands: ['true'] } }],
        Errors: onError(W.end, 'NoMatchingCondition'),
      },
    },
    {
      // Text from an attribute, as GM _0x_whisper_flow.json ({"Text":"$.Attributes.DisplayQueueName"}
      // in an AGENT_WHISPER flow). The text is the same for whichever agent answers.
      Identifier: W.sayWhisper,
      Type: 'MessageParticipant',
      Parameters: { Text: attribute('whisper') },
      Transitions: { NextAction: W.end, Errors: onError(W.end) },
    },
    { Identifier: W.end, Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
  ];
  return { Version: '2019-10-30', StartAction: W.queueName, Actions: actions };
}
