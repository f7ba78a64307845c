/**
 * The sample flows, in Amazon Connect flow language (Version 2019-10-30), built from code so the
 * CDK stack deploys them (CfnContactFlow) and `npm run flows` writes importable copies.
 *
 * - `buildContactFlow`: the inbound flow (type CONTACT_FLOW). It asks the entry Lambda for a
 *   decision, stores the searchable customer key, and routes in one of two modes.
 * - `buildAgentWaitQueueFlow`: the customer-queue flow (type CUSTOMER_QUEUE) that bounds the wait
 *   in the agent's queue in agent-queue mode.
 * - the agent-whisper flow (type AGENT_WHISPER) and the agent-context attributes: ./whisper.ts.
 *
 * Every action follows THE TABLE in ./flow-actions.ts, whose entries cite the real exports and
 * the reference page for each shape; tests run `checkFlow` on every generated flow. Comments here
 * give the evidence for choices the table does not cover.
 */
import { KNOWN_AGENTS_ATTRIBUTE, MAX_KNOWN_AGENTS } from '../steps/lib/decision/decision';
import type { FlowAction, KeyPathExemption } from './flow-actions';
import {
  CONTEXT_ATTRIBUTES,
  type ContextAttributeNames,
  type ReturningCallerPriority,
  contextAttributeNames,
  routingBehaviorParameters,
} from './whisper';

export type RoutingMode = 'agent-queue' | 'preferred-agent';
/** How the entry Lambda derives the customer key (LAST_AGENT_KEY_MODE). */
export type KeyMode = 'e164' | 'hmac-sha256';

export interface ContactFlowOptions {
  lambdaArn: string;
  /** Queue for normal routing (full queue ARN, as Connect reports it in $.Queue.ARN). */
  defaultQueueArn: string;
  mode: RoutingMode;
  /** preferred-agent mode: how long only the last agent is offered the call (5-600 s). */
  preferredAgentSeconds: number;
  /** Contact attribute holding the customer key (configured as searchable in the instance). */
  attributeKey: string;
  /** Seconds Connect waits for the entry Lambda (1-8). */
  lambdaTimeoutSeconds: number;
  /** Decides what the flow can store when the entry Lambda fails (see the Lambda error branch). */
  keyMode: KeyMode;
  /** agent-queue mode (required there): ARN of the flow built by `buildAgentWaitQueueFlow`. */
  agentWaitQueueFlowArn?: string;
  /**
   * ARN of the agent-whisper flow (`buildAgentWhisperFlow`), set for returning callers before
   * any transfer. Omitted: the flow sets no whisper (the instance's whispers apply).
   */
  agentWhisperFlowArn?: string;
  /** Names of the agent-context contact attributes (defaults: CONTEXT_ATTRIBUTE_DEFAULTS). */
  contextAttributes?: Partial<ContextAttributeNames>;
  /** Queue priority or age for returning callers; off by default (docs/agent-context.md). */
  returningCallerPriority?: ReturningCallerPriority;
  /**
   * LAST_AGENT_MAX_PREFERRED (1-5, default 1). Above 1, preferred-agent mode prefers the other
   * agents who know the caller too (issue 27, `rankedActions`); 1 builds exactly the one-agent flow.
   */
  maxPreferred?: number;
  /** Above 1: how long the second routing step offers the call to the other known agents (5-600 s). */
  knownAgentsSeconds?: number;
}

export interface ContactFlow {
  Version: '2019-10-30';
  StartAction: string;
  Actions: FlowAction[];
}

/** Identifiers of the inbound flow (≤ 50 characters, none of % : ( \ / ) = $ , ; [ ] { }). */
export const FLOW_IDS = {
  decide: 'decide-route',
  checkKey: 'check-customer-key',
  storeKey: 'store-customer-key',
  storeRouteOnly: 'store-route-only',
  storeAfterLambdaError: 'store-after-lambda-error',
  storeContext: 'store-agent-context',
  checkReturning: 'check-returning-caller',
  setWhisper: 'set-agent-whisper',
  raisePriority: 'raise-returning-caller-priority',
  branch: 'branch-on-route',
  setPreferredQueue: 'set-preferred-queue',
  preferAgent: 'prefer-last-agent',
  // LAST_AGENT_MAX_PREFERRED > 1 (issue 27): the branches on knownAgentCount and their criteria
  // (`prefer-last-then-known-N`, `prefer-known-N`, N = 1 … maxPreferred - 1).
  countKnownAfterLast: 'count-known-after-last',
  setKnownQueue: 'set-known-agent-queue',
  countKnown: 'count-known-agents',
  setAgentQueue: 'set-agent-queue',
  checkStaffed: 'check-agent-staffed',
  offer: 'offer-last-agent',
  setWaitFlow: 'set-agent-wait-queue-flow',
  setLastQueue: 'set-last-queue',
  transferRouted: 'transfer-routed',
  setDefaultQueue: 'set-default-queue',
  transferDefault: 'transfer-default',
  sorry: 'sorry',
  disconnect: 'disconnect',
} as const;

/** Identifiers of the agent-wait customer-queue flow. */
export const QUEUE_FLOW_IDS = {
  checkQueue: 'check-current-queue',
  holdInDefault: 'hold-in-default-queue',
  holdPlain: 'hold-plain-text',
  waitForAgent: 'wait-for-last-agent',
  moveToDefault: 'move-to-default-queue',
  moveAfterLoopError: 'move-after-loop-error',
  end: 'end-queue-flow',
} as const;

/** Agent-context attributes written after the key (route and reason are written with the key). */
const CONTEXT_KEYS = CONTEXT_ATTRIBUTES.filter((k) => k !== 'route' && k !== 'reason');

/** Written to the reason attribute (lastAgentReason) when the entry Lambda fails (not one of the Lambda's reason codes). */
export const LAMBDA_ERROR_REASON = 'LAMBDA_ERROR';

/** The criteria of the LAST_AGENT route with N other known agents (N ≥ 1). */
export const lastThenKnownId = (n: number) => `prefer-last-then-known-${n}`;
/** The criteria of the KNOWN_AGENT route with N other known agents (N ≥ 1). */
export const knownOnlyId = (n: number) => `prefer-known-${n}`;

/** Default bound of the wait in the agent's queue (agent-queue mode). */
export const AGENT_WAIT_SECONDS = 60;

const I = FLOW_IDS;
const Q = QUEUE_FLOW_IDS;

const onError = (next: string, ...types: string[]) =>
  (types.length ? types : ['NoMatchingError']).map((ErrorType) => ({ NextAction: next, ErrorType }));
const when = (operator: string, value: string, next: string) => ({
  NextAction: next,
  Condition: { Operator: operator, Operands: [value] },
});
const equals = (value: string, next: string) => when('Equals', value, next);

const integerIn = (name: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer ${min}-${max}, got ${value}`);
};

/**
 * The inbound flow: ask the entry Lambda, store what it answered, set up returning callers,
 * branch on the route, then the mode's way to the last agent and the shared ways to a queue.
 */
export function buildContactFlow(o: ContactFlowOptions): ContactFlow {
  checkContactFlowLimits(o);
  const ranked = rankedOf(o);
  const names = contextAttributeNames(o.contextAttributes, [
    o.attributeKey,
    ...(ranked ? [KNOWN_AGENTS_ATTRIBUTE] : []),
  ]);
  const returning = returningCallerPlan(o);
  if (o.mode === 'agent-queue' && !o.agentWaitQueueFlowArn)
    throw new Error(
      'agent-queue mode needs agentWaitQueueFlowArn (the flow built by buildAgentWaitQueueFlow)',
    );

  const actions: FlowAction[] = [
    decideRouteAction(o),
    ...storeDecisionActions(o, names, returning.afterContext, ranked),
    storeAfterLambdaErrorAction(o, names),
    ...returningCallerActions(o, returning),
    branchOnRouteAction(o.mode, ranked),
    ...(o.mode === 'agent-queue' ? agentQueueActions(o) : preferredAgentActions(o, ranked)),
    ...(ranked ? rankedActions(o, ranked) : []),
    ...transferActions(o.defaultQueueArn),
  ];
  return { Version: '2019-10-30', StartAction: I.decide, Actions: actions };
}

function checkContactFlowLimits(o: ContactFlowOptions): void {
  // REF interactions-invokelambdafunction: "greater than 0, no larger than 8, and an integer".
  integerIn('lambdaTimeoutSeconds', o.lambdaTimeoutSeconds, 1, 8);
  integerIn('preferredAgentSeconds', o.preferredAgentSeconds, 5, 600);
  if (o.maxPreferred !== undefined) integerIn('maxPreferred', o.maxPreferred, 1, MAX_KNOWN_AGENTS + 1);
  if (o.knownAgentsSeconds !== undefined) integerIn('knownAgentsSeconds', o.knownAgentsSeconds, 5, 600);
  // UpdateContactAttributes API: keys hold only letters, digits, "-" and "_".
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(o.attributeKey))
    throw new Error(`invalid attributeKey ${o.attributeKey}`);
}

/** The steps only returning callers take, in order, between the agent context and the branch. */
interface ReturningCallerPlan {
  steps: string[];
  /** UpdateContactRoutingBehavior parameters, when returningCallerPriority is on. */
  priority: Record<string, string> | undefined;
  /** Where the flow goes after storing the agent context. */
  afterContext: string;
  /** The step after `id`, or the branch on the route after the last one. */
  next: (id: string) => string;
}

function returningCallerPlan(o: ContactFlowOptions): ReturningCallerPlan {
  const priority = o.returningCallerPriority
    ? routingBehaviorParameters(o.returningCallerPriority)
    : undefined;
  // For returning callers only, before any transfer: the whisper hook, then the priority.
  const steps: string[] = [
    ...(o.agentWhisperFlowArn ? [I.setWhisper] : []),
    ...(priority ? [I.raisePriority] : []),
  ];
  return {
    steps,
    priority,
    afterContext: steps.length ? I.checkReturning : I.branch,
    next: (id) => steps[steps.indexOf(id) + 1] ?? I.branch,
  };
}

function decideRouteAction(o: ContactFlowOptions): FlowAction {
  return {
    Identifier: I.decide,
    Type: 'InvokeLambdaFunction',
    Parameters: {
      LambdaFunctionARN: o.lambdaArn,
      InvocationTimeLimitSeconds: String(o.lambdaTimeoutSeconds),
      InvocationType: 'SYNCHRONOUS',
      ResponseValidation: { ResponseType: 'STRING_MAP' },
      // Static values reach the Lambda as Details.Parameters (steps/lib/decision/connect-event.ts:
      // currentQueueId reads queueArn, routingModeOf reads routingMode). Static
      // LambdaInvocationAttributes: SCV-aws AWS_Sample_SCV_Inbound.json, GM _0x_gm_outbound.json.
      LambdaInvocationAttributes: { queueArn: o.defaultQueueArn, routingMode: o.mode },
    },
    Transitions: { NextAction: I.checkKey, Errors: onError(I.storeAfterLambdaError) },
  };
}

/** What the Lambda answered: the searchable key (when there is one), the route, the agent context. */
function storeDecisionActions(
  o: ContactFlowOptions,
  names: ContextAttributeNames,
  afterContext: string,
  ranked: Ranked | undefined,
): FlowAction[] {
  return [
    {
      // The Lambda answers hasCustomerKey 'false' for withheld, missing or invalid numbers (and
      // errors before the key is known): then there is nothing to store, and an empty key must
      // never be written (it would match every other keyless contact's empty value).
      Identifier: I.checkKey,
      Type: 'Compare',
      Parameters: { ComparisonValue: '$.External.hasCustomerKey' },
      Transitions: {
        NextAction: I.storeRouteOnly,
        Conditions: [equals('true', I.storeKey)],
        Errors: onError(I.storeRouteOnly, 'NoMatchingCondition'),
      },
    },
    {
      // The searchable attribute is what the next call's lookup finds; the route and reason
      // land in the contact record for reporting. A failed write still routes the caller.
      Identifier: I.storeKey,
      Type: 'UpdateContactAttributes',
      Parameters: {
        Attributes: {
          [o.attributeKey]: '$.External.customerKey',
          [names.route]: '$.External.route',
          [names.reason]: '$.External.reason',
        },
        TargetContact: 'Current',
      },
      Transitions: { NextAction: I.storeContext, Errors: onError(I.storeContext) },
    },
    {
      // No key means no lookup (withheld or invalid number, invalid event): nothing to tell the agent.
      Identifier: I.storeRouteOnly,
      Type: 'UpdateContactAttributes',
      Parameters: {
        Attributes: { [names.route]: '$.External.route', [names.reason]: '$.External.reason' },
        TargetContact: 'Current',
      },
      Transitions: { NextAction: I.branch, Errors: onError(I.branch) },
    },
    {
      // The agent context (docs/agent-context.md): shown with the contact and read by the
      // agent-whisper flow. A separate action from the key, because attributes are written all
      // or none: a failure here must never cost the searchable key. Values the Lambda does not
      // know are '' (AWS's documented way to clear an attribute, UpdateContactAttributes API).
      Identifier: I.storeContext,
      Type: 'UpdateContactAttributes',
      Parameters: {
        Attributes: {
          ...Object.fromEntries(CONTEXT_KEYS.map((key) => [names[key], `$.External.${key}`])),
          // Issue 27: who else was preferred, so `analyze` and the outcome function see it.
          ...(ranked ? { [KNOWN_AGENTS_ATTRIBUTE]: '$.External.knownAgentIds' } : {}),
        },
        TargetContact: 'Current',
      },
      Transitions: { NextAction: afterContext, Errors: onError(afterContext) },
    },
  ];
}

function storeAfterLambdaErrorAction(o: ContactFlowOptions, names: ContextAttributeNames): FlowAction {
  return {
    // The entry Lambda failed, so $.External is empty. With E.164 keys the key IS the caller's
    // number, which Connect gives as the system attribute $.CustomerEndpoint.Address (same
    // spelling in VMX3 "Set remaining required attributes for VMX3" and SCV-doc
    // Sample_SCV_Voicemail_Subflow_For_Omni_Routing). With hashed keys the flow cannot compute
    // the HMAC: it stores only the reason, and that contact cannot be found by a later lookup
    // (a documented exemption; entry-Lambda errors are alarmed).
    Identifier: I.storeAfterLambdaError,
    Type: 'UpdateContactAttributes',
    Parameters: {
      Attributes:
        o.keyMode === 'e164'
          ? { [o.attributeKey]: '$.CustomerEndpoint.Address', [names.reason]: LAMBDA_ERROR_REASON }
          : { [names.reason]: LAMBDA_ERROR_REASON },
      TargetContact: 'Current',
    },
    Transitions: { NextAction: I.setDefaultQueue, Errors: onError(I.setDefaultQueue) },
  };
}

/** Returning callers only: the check, the agent-whisper hook, the queue priority (each optional). */
function returningCallerActions(o: ContactFlowOptions, plan: ReturningCallerPlan): FlowAction[] {
  const actions: FlowAction[] = [];
  if (plan.steps.length)
    actions.push({
      Identifier: I.checkReturning,
      Type: 'Compare',
      Parameters: { ComparisonValue: '$.External.returningCaller' },
      Transitions: {
        NextAction: I.branch,
        Conditions: [equals('true', plan.steps[0] as string)],
        Errors: onError(I.branch, 'NoMatchingCondition'),
      },
    });
  if (o.agentWhisperFlowArn)
    actions.push({
      // "Set whisper flow" as real exports spell it: GM _00_routing_flow.json
      // {"EventHooks":{"AgentWhisper":"arn:…:contact-flow/…"}}. Only returning callers get it, so
      // everyone else keeps the instance's default agent whisper. A failure goes on to routing.
      Identifier: I.setWhisper,
      Type: 'UpdateContactEventHooks',
      Parameters: { EventHooks: { AgentWhisper: o.agentWhisperFlowArn } },
      Transitions: {
        NextAction: plan.next(I.setWhisper),
        Errors: onError(plan.next(I.setWhisper)),
      },
    });
  if (plan.priority)
    actions.push({
      // Before the transfer, so it applies at once (admin guide change-routing-priority: "set the
      // priority before putting the contact in queue"). Shape: the AWS "Sample queue
      // configurations" flow (GM sample_queue_configurations_flow.json). No error branch exists.
      Identifier: I.raisePriority,
      Type: 'UpdateContactRoutingBehavior',
      Parameters: plan.priority,
      Transitions: { NextAction: plan.next(I.raisePriority) },
    });
  return actions;
}

function branchOnRouteAction(mode: RoutingMode, ranked: Ranked | undefined): FlowAction {
  return {
    Identifier: I.branch,
    Type: 'Compare',
    Parameters: { ComparisonValue: '$.External.route' },
    Transitions: {
      NextAction: I.setDefaultQueue,
      Conditions: [
        equals('LAST_AGENT', mode === 'agent-queue' ? I.setAgentQueue : I.setPreferredQueue),
        ...(ranked ? [equals('KNOWN_AGENT', I.setKnownQueue)] : []),
        equals('LAST_QUEUE', I.setLastQueue),
      ],
      Errors: onError(I.setDefaultQueue, 'NoMatchingCondition'),
    },
  };
}

/** agent-queue mode: the agent's own queue, if staffed and the caller agrees, with a bounded wait. */
function agentQueueActions(o: ContactFlowOptions): FlowAction[] {
  return [
    {
      // AgentId with an agent ARN sets the working queue to the agent's own queue (SCV-doc
      // Sample SCV Direct to Rep Subflow.json: {"AgentId":"$.Attributes.agentArn"}).
      Identifier: I.setAgentQueue,
      Type: 'UpdateContactTargetQueue',
      Parameters: { AgentId: '$.External.agentArn' },
      Transitions: { NextAction: I.checkStaffed, Errors: onError(I.setDefaultQueue) },
    },
    {
      // Staffed = logged in to the agent's queue (whatever the status). AgentId names the agent
      // queue (GM _0x_dial_extension.json; REF: "An agent ID or agent ARN, representing an agent
      // queue"). Both NoMatchingCondition and NoMatchingError, as in every export, although the
      // reference allows NoMatchingCondition only for OldestContactInQueueAgeSeconds and
      // NumberOfContactsInQueue: we follow the exports.
      Identifier: I.checkStaffed,
      Type: 'CheckMetricData',
      Parameters: { MetricType: 'NumberOfAgentsStaffed', AgentId: '$.External.agentArn' },
      Transitions: {
        NextAction: I.setDefaultQueue,
        Conditions: [when('NumberGreaterThan', '0', I.offer)],
        Errors: onError(I.setDefaultQueue, 'NoMatchingCondition', 'NoMatchingError'),
      },
    },
    {
      Identifier: I.offer,
      Type: 'GetParticipantInput',
      Parameters: {
        Text: 'Welcome back. To continue with the agent you spoke to last time, press 1. To speak to the next available agent, press 2.',
        StoreInput: 'False',
        InputTimeLimitSeconds: '5',
      },
      Transitions: {
        NextAction: I.setDefaultQueue,
        Conditions: [equals('1', I.setWaitFlow), equals('2', I.setDefaultQueue)],
        Errors: onError(
          I.setDefaultQueue,
          'InputTimeLimitExceeded',
          'NoMatchingCondition',
          'NoMatchingError',
        ),
      },
    },
    {
      // Bounds the wait: the customer-queue flow moves the contact to the default queue after
      // maxWaitSeconds. Without it the caller could wait for the agent forever, so a failure
      // here means the normal queue, never an unbounded wait.
      Identifier: I.setWaitFlow,
      Type: 'UpdateContactEventHooks',
      Parameters: { EventHooks: { CustomerQueue: o.agentWaitQueueFlowArn as string } },
      Transitions: { NextAction: I.transferRouted, Errors: onError(I.setDefaultQueue) },
    },
  ];
}

/** preferred-agent mode: the normal queue, offered to the last agent first for a while. */
function preferredAgentActions(o: ContactFlowOptions, ranked: Ranked | undefined): FlowAction[] {
  return [
    {
      Identifier: I.setPreferredQueue,
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: o.defaultQueueArn },
      Transitions: {
        NextAction: ranked ? I.countKnownAfterLast : I.preferAgent,
        Errors: onError(I.setDefaultQueue),
      },
    },
    {
      // Fair preference: the call waits in the normal queue, offered first to the last agent
      // until the step expires, then to anyone ("When all steps are exhausted, the contact will
      // be offered to any agent in the queue", REF flow-control-actions-updateroutingcriteria).
      // Type name and Match/AgentsCriteria shape from the exports (VMX3 VMXExampleTaskFlow "Set
      // preferred agent"); the reference page is titled UpdateRoutingCriteria, a name no export
      // uses. Expiry is from the reference only (no export has one); a number, as in the API.
      Identifier: I.preferAgent,
      Type: 'UpdateContactRoutingCriteria',
      Parameters: {
        RoutingCriteria: { Steps: [agentsStep(['$.External.agentId'], o.preferredAgentSeconds)] },
      },
      Transitions: { NextAction: I.transferRouted, Errors: onError(I.setDefaultQueue) },
    },
  ];
}

/** One routing step: the contact is offered only to these agents (user IDs) until it expires. */
function agentsStep(agentIds: string[], seconds: number) {
  return {
    Expression: {
      AttributeCondition: {
        ComparisonOperator: 'Match',
        MatchCriteria: { AgentsCriteria: { AgentIds: agentIds } },
      },
    },
    Expiry: { DurationInSeconds: seconds },
  };
}

/** What the ranked flow needs (issue 27): preferred-agent mode with LAST_AGENT_MAX_PREFERRED > 1. */
interface Ranked {
  /** The most other known agents an answer names: maxPreferred - 1. */
  slots: number;
  knownAgentsSeconds: number;
}

function rankedOf(o: ContactFlowOptions): Ranked | undefined {
  const max = o.maxPreferred ?? 1;
  if (o.mode !== 'preferred-agent' || max <= 1) return undefined;
  return { slots: max - 1, knownAgentsSeconds: o.knownAgentsSeconds ?? DEFAULT_KNOWN_AGENTS_SECONDS };
}

/** Default of the second step (LAST_AGENT_KNOWN_AGENTS_SECONDS, the `knownAgentsSeconds` context). */
export const DEFAULT_KNOWN_AGENTS_SECONDS = 30;

/**
 * Issue 27, ranked preference. An expiry can only be static and a list of agent ids has no
 * documented way to be one JSONPath (docs/aws-evidence.md, "Ranked preferred agents"), so the
 * flow branches on the answer's knownAgentCount to fixed criteria whose every AgentIds entry is
 * an answer key that holds an id: no slot is ever empty, none repeats.
 * - LAST_AGENT with N others: step 1 the last agent for the preference window, step 2 the N others
 *   for knownAgentsSeconds, then anyone; with none (or a count no branch knows), today's one step.
 * - KNOWN_AGENT with N others: step 1 the N others for the preference window, then anyone; with
 *   none (not answered by the Lambda), the normal queue.
 */
function rankedActions(o: ContactFlowOptions, ranked: Ranked): FlowAction[] {
  const counts = Array.from({ length: ranked.slots }, (_, i) => i + 1);
  const known = (n: number) => counts.slice(0, n).map((i) => `$.External.knownAgent${i}`);
  const criteria = (id: string, steps: ReturnType<typeof agentsStep>[]): FlowAction => ({
    Identifier: id,
    Type: 'UpdateContactRoutingCriteria',
    Parameters: { RoutingCriteria: { Steps: steps } },
    Transitions: { NextAction: I.transferRouted, Errors: onError(I.setDefaultQueue) },
  });
  const count = (id: string, to: (n: number) => string, otherwise: string): FlowAction => ({
    Identifier: id,
    Type: 'Compare',
    Parameters: { ComparisonValue: '$.External.knownAgentCount' },
    Transitions: {
      NextAction: otherwise,
      Conditions: counts.map((n) => equals(String(n), to(n))),
      Errors: onError(otherwise, 'NoMatchingCondition'),
    },
  });
  return [
    count(I.countKnownAfterLast, lastThenKnownId, I.preferAgent),
    ...counts.map((n) =>
      criteria(lastThenKnownId(n), [
        agentsStep(['$.External.agentId'], o.preferredAgentSeconds),
        agentsStep(known(n), ranked.knownAgentsSeconds),
      ]),
    ),
    {
      Identifier: I.setKnownQueue,
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: o.defaultQueueArn },
      Transitions: { NextAction: I.countKnown, Errors: onError(I.setDefaultQueue) },
    },
    count(I.countKnown, knownOnlyId, I.setDefaultQueue),
    ...counts.map((n) => criteria(knownOnlyId(n), [agentsStep(known(n), o.preferredAgentSeconds)])),
  ];
}

/** The last queue, the routed and default transfers, and the apology when no queue takes the call. */
function transferActions(defaultQueueArn: string): FlowAction[] {
  return [
    {
      Identifier: I.setLastQueue,
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: '$.External.queueArn' },
      Transitions: { NextAction: I.transferRouted, Errors: onError(I.setDefaultQueue) },
    },
    {
      // A successful transfer ends the flow; NextAction is only the "flow continues" fallback
      // that every export fills in.
      Identifier: I.transferRouted,
      Type: 'TransferContactToQueue',
      Parameters: {},
      Transitions: {
        NextAction: I.setDefaultQueue,
        Errors: onError(I.setDefaultQueue, 'QueueAtCapacity', 'NoMatchingError'),
      },
    },
    {
      Identifier: I.setDefaultQueue,
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: defaultQueueArn },
      Transitions: { NextAction: I.transferDefault, Errors: onError(I.sorry) },
    },
    {
      Identifier: I.transferDefault,
      Type: 'TransferContactToQueue',
      Parameters: {},
      Transitions: { NextAction: I.sorry, Errors: onError(I.sorry, 'QueueAtCapacity', 'NoMatchingError') },
    },
    {
      Identifier: I.sorry,
      Type: 'MessageParticipant',
      Parameters: { Text: 'We are sorry, we cannot take your call right now. Please call again later.' },
      Transitions: { NextAction: I.disconnect, Errors: onError(I.disconnect) },
    },
    { Identifier: I.disconnect, Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ];
}

/**
 * Transitions after which the inbound flow is excused from storing the searchable key before a
 * queue (`checkKeyStoredOnEveryQueuePath`), with the reason for each.
 */
export function keyPathExemptions(o: Pick<ContactFlowOptions, 'keyMode'>): KeyPathExemption[] {
  const noKey =
    'hasCustomerKey is not "true" (withheld, missing or invalid caller number, or an error before the key was known): there is no key, and an empty one is never written';
  const writeFailed =
    'Connect rejected the attribute write (all or none are set; documented cause: the 32 KB attribute limit). The caller is still routed; this contact cannot be found by a later lookup';
  const exemptions: KeyPathExemption[] = [
    { from: I.checkKey, via: 'NextAction', why: noKey },
    { from: I.checkKey, via: 'Error:NoMatchingCondition', why: noKey },
    { from: I.storeKey, via: 'Error:NoMatchingError', why: writeFailed },
  ];
  if (o.keyMode === 'e164') {
    exemptions.push({
      from: I.storeAfterLambdaError,
      via: 'Error:NoMatchingError',
      why: `${writeFailed} (for example no caller address on the contact)`,
    });
  } else {
    exemptions.push({
      from: I.decide,
      via: 'Error:NoMatchingError',
      why: 'hashed keys: when the entry Lambda fails the flow cannot compute the HMAC, so it stores only lastAgentReason LAMBDA_ERROR. That contact cannot be found by a later lookup; entry-Lambda errors are alarmed',
    });
  }
  return exemptions;
}

export interface AgentWaitQueueFlowOptions {
  /** The normal queue (full queue ARN, compared with $.Queue.ARN). */
  defaultQueueArn: string;
  /** How long the caller waits in the agent's queue before moving to the default queue (20-600 s). */
  maxWaitSeconds: number;
  /** Optional music prompt (prompt ARN) between the messages, like the default customer queue flow. */
  holdPromptArn?: string;
}

/**
 * Customer-queue flow (type CUSTOMER_QUEUE) set by the inbound flow in agent-queue mode before it
 * transfers to the agent's queue. In the agent's queue it plays hold messages, and after
 * maxWaitSeconds moves the contact to the default queue; in the default queue (a contact already
 * moved, or a failed transfer to the agent's queue) it only plays hold messages, so a contact is
 * never moved twice. Pattern: admin guide queue-to-queue-transfer (Loop prompts interrupted →
 * Transfer to queue in a customer queue flow → End flow / Resume on Success).
 */
export function buildAgentWaitQueueFlow(o: AgentWaitQueueFlowOptions): ContactFlow {
  // Admin guide loop-prompts: "Always use an interruption period that's greater than 20 seconds"
  // (a contact inside the 20 s join window cannot be dequeued; a 19 s interrupt took the Error
  // branch in a published experiment). 600 s caps the wait the caller agreed to.
  integerIn('maxWaitSeconds', o.maxWaitSeconds, 20, 600);
  const welcome =
    'Thank you for calling. Your call is very important to us and will be answered in the order it was received.';
  const agentWait = 'Thank you for waiting. We are connecting you to the agent you spoke to last time.';
  // Text then music, as in the AWS default customer queue flow (GM default_customer_queue.json:
  // Messages [{Text}, {PromptId}]); without a prompt, a 10 s pause in SSML, as in the AWS default
  // agent hold flow (GM default_agent_hold.json: <speak>… <break time="10s"/></speak>).
  const pause = o.holdPromptArn
    ? { PromptId: o.holdPromptArn }
    : { SSML: '<speak>Please stay on the line.<break time="10s"/></speak>' };

  const actions: FlowAction[] = [
    {
      // $.Queue.ARN is the queue the contact waits in (VMX3 VMXAWSTestFlow stores it as
      // vmx3_queue_arn; the Lambda event's Queue.ARN is a full queue ARN). Anything other than
      // the default queue is the agent's queue: wait there, bounded.
      Identifier: Q.checkQueue,
      Type: 'Compare',
      Parameters: { ComparisonValue: '$.Queue.ARN' },
      Transitions: {
        NextAction: Q.waitForAgent,
        Conditions: [equals(o.defaultQueueArn, Q.holdInDefault)],
        Errors: onError(Q.waitForAgent, 'NoMatchingCondition'),
      },
    },
    {
      // Already in the default queue: a plain hold loop, no interrupt, no transfer. Shape of the
      // AWS default customer queue flow, with NextAction and NoMatchingError as in GL
      // acme_customer_queue_AUTO.json and CDK customer-queue-flow.json.
      Identifier: Q.holdInDefault,
      Type: 'MessageParticipantIteratively',
      Parameters: { Messages: [{ Text: welcome }, pause] },
      Transitions: { NextAction: Q.holdPlain, Errors: onError(Q.holdPlain) },
    },
    {
      // If the first loop cannot play (e.g. a bad prompt ARN), a text-only loop keeps the caller
      // from silence. Per the reference only chat makes a loop fail for sure; then the flow ends
      // and the contact stays queued (REF: "the contact is routed to next available agent").
      Identifier: Q.holdPlain,
      Type: 'MessageParticipantIteratively',
      Parameters: { Messages: [{ Text: welcome }] },
      Transitions: { NextAction: Q.end, Errors: onError(Q.end) },
    },
    {
      // The bound: MessagesInterrupted fires after InterruptFrequencySeconds (VMX3 VMXInQueueOption
      // "Hold prompts with interrupt after 1 min"; ContinueMessagingDuringInterrupt keeps the
      // prompts playing while the transfer runs). No NextAction, as in GM
      // _0x_good_measures_queue_flow.json. If the loop fails the contact moves at once, so the
      // wait stays bounded.
      Identifier: Q.waitForAgent,
      Type: 'MessageParticipantIteratively',
      Parameters: {
        Messages: [{ Text: agentWait }, pause],
        InterruptFrequencySeconds: String(o.maxWaitSeconds),
        ContinueMessagingDuringInterrupt: 'true',
      },
      Transitions: {
        Conditions: [equals('MessagesInterrupted', Q.moveToDefault)],
        Errors: onError(Q.moveAfterLoopError),
      },
    },
    {
      // GM _0x_good_measures_queue_flow.json: DequeueContactAndTransferToQueue with a static
      // QueueId ARN. Success → End flow / Resume (admin guide queue-to-queue-transfer). It fails
      // while the contact is being joined to an agent or the default queue is full: keep waiting
      // and try again after another interval.
      Identifier: Q.moveToDefault,
      Type: 'DequeueContactAndTransferToQueue',
      Parameters: { QueueId: o.defaultQueueArn },
      Transitions: {
        NextAction: Q.end,
        Errors: onError(Q.waitForAgent, 'QueueAtCapacity', 'NoMatchingError'),
      },
    },
    {
      // Same move after a failed wait loop; if it fails too, hold with text only (no cycle
      // without a timed wait in it).
      Identifier: Q.moveAfterLoopError,
      Type: 'DequeueContactAndTransferToQueue',
      Parameters: { QueueId: o.defaultQueueArn },
      Transitions: { NextAction: Q.end, Errors: onError(Q.holdPlain, 'QueueAtCapacity', 'NoMatchingError') },
    },
    { Identifier: Q.end, Type: 'EndFlowExecution', Parameters: {}, Transitions: {} },
  ];
  return { Version: '2019-10-30', StartAction: Q.checkQueue, Actions: actions };
}
