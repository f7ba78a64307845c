/**
 * THE TABLE of Amazon Connect flow actions this product generates, and a checker that holds
 * every generated flow to it.
 *
 * Evidence rule: each entry cites real exported flows (repository :: path) and the AWS
 * flow-language reference page. Where the exports and the reference disagree, the table follows
 * the exports (flows exported from real instances import; the reference has known errors) and
 * says so in `disagreements`.
 *
 * Short names used in the citations:
 * - VMX3: amazon-connect/voicemail-express-amazon-connect :: CloudFormation/vmx3-contactflows.yaml
 *   (AWS-owned, 2025; resources VMXInQueueOption = CUSTOMER_QUEUE, VMXExampleTaskFlow and
 *   VMXAWSTestFlow = CONTACT_FLOW)
 * - SCV-doc: service-cloud-voice/examples-from-doc :: ContactFlows/<name>
 * - SCV-aws: amazon-connect/amazon-connect-salesforce-scv ::
 *   Examples/AWSSCV-SampleContactFlows/Code/awsscv_samples/<name>.json
 * - GM: GoodMeasuresLLC/connect :: environments/production/contact_flows/<name>.json (Terraform
 *   dumps of a live instance, including the AWS default flows; the flow type is in the sibling .tf)
 * - GL: aws-samples/amazon-connect-gitlab-cicd-terraform :: imports/resources/flows/<name>.json
 * - CDK: aws-samples/sample-cdk-constructs-for-amazon-connect :: test/contact-flows/<name>.json
 * - AICC-export: aws-samples/sample-aicc-builder-for-amazon-connect-ai-agent ::
 *   knowledge-base-docs/contact-flow/_reference-console-export-all-blocks.json (console export)
 * - SBS: aws-samples/amazon-connect-step-by-step-guides-module-library :: <path>
 * - REF(page): https://docs.aws.amazon.com/connect/latest/APIReference/<page>.html (current);
 *   REF-2023(page): awsdocs/amazon-connect-admin-guide @0165805 :: doc_source/<page>.md
 */

/**
 * The flow types this product deploys (AWS::Connect::ContactFlow Type): the inbound flow, the
 * agent-wait customer-queue flow and the agent-whisper flow.
 */
export type FlowType = 'CONTACT_FLOW' | 'CUSTOMER_QUEUE' | 'AGENT_WHISPER';

export interface FlowCondition {
  NextAction: string;
  Condition: { Operator: string; Operands: string[] };
}
export interface FlowError {
  NextAction: string;
  ErrorType: string;
}
export interface FlowAction {
  Identifier: string;
  Type: string;
  Parameters: Record<string, unknown>;
  Transitions: { NextAction?: string; Conditions?: FlowCondition[]; Errors?: FlowError[] };
}
export interface Flow {
  Version: string;
  StartAction: string;
  Metadata?: Record<string, unknown>;
  Actions: FlowAction[];
}

export interface ActionSpec {
  /** Flow types (of those this product deploys) the action may appear in. */
  flowTypes: readonly FlowType[];
  parameters: {
    /** Every key the product may emit. */
    allowed: readonly string[];
    required?: readonly string[];
    /** Exactly one of these keys must be present. */
    exactlyOne?: readonly string[];
    /** Static values allowed for a key. */
    values?: Readonly<Record<string, readonly string[]>>;
    /**
     * Leaf paths whose values may be numbers (dotted, `[]` for array items). Everything else must
     * be a string: every real export writes numbers and booleans as strings ("8", "False").
     */
    nonStringLeaves?: readonly string[];
  };
  errors: { required: readonly string[]; allowed: readonly string[] };
  /** Absent: the action takes no Conditions. */
  conditions?: {
    operators: readonly string[];
    /** Allowed operand values; absent means any string. */
    operands?: readonly string[];
    /** At least one condition must be present. */
    required: boolean;
  };
  /** Terminal actions have `"Transitions": {}`. */
  terminal: boolean;
  /** Ends a path to a queue (the contact is queued when it succeeds). */
  queueTransfer?: boolean;
  /** Why this non-terminal action may have neither NextAction nor Conditions. */
  mayHaveNoNext?: string;
  /** Extra checks on the parameter values; returns problems. */
  validate?: (parameters: Record<string, unknown>, conditions: readonly FlowCondition[]) => string[];
  sources: { exports: readonly string[]; reference: string; disagreements?: readonly string[] };
}

/** Condition operators of the flow language (REF flow-language-actions; REF-2023 flow-language-concepts). */
export const CONDITION_OPERATORS = [
  'Equals',
  'TextStartsWith',
  'TextEndsWith',
  'TextContains',
  'NumberGreaterThan',
  'NumberGreaterOrEqualTo',
  'NumberLessThan',
  'NumberLessOrEqualTo',
] as const;

/** Event hooks (REF contact-actions-updatecontacteventhooks). */
export const EVENT_HOOKS = [
  'AgentHold',
  'AgentWhisper',
  'CustomerHold',
  'CustomerQueue',
  'CustomerRemaining',
  'CustomerWhisper',
  'DefaultAgentUI',
  'DisconnectAgentUI',
  'PauseContact',
  'ResumeContact',
] as const;

/** The AgentIds of a routing step's agents condition, or undefined when it has none. */
const agentIdsOf = (step: unknown): unknown =>
  (
    step as
      | {
          Expression?: {
            AttributeCondition?: { MatchCriteria?: { AgentsCriteria?: { AgentIds?: unknown } } };
          };
        }
      | undefined
  )?.Expression?.AttributeCondition?.MatchCriteria?.AgentsCriteria?.AgentIds;

const isInt = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;

const isDynamic = (v: unknown) => typeof v === 'string' && v.startsWith('$.');

/** A value the flow would read as a JSONPath: `$.x`, `$['x']`, with or without leading spaces. */
const looksLikeJsonPath = (v: unknown) => typeof v === 'string' && /^\s*\$[.[]/.test(v);

/**
 * Issue 25: no flow may depend on a Compare whose operand is a JSONPath. Every real export compares
 * its JSONPath ComparisonValue with literals; a JSONPath on both sides (e.g. $.Agent.ARN Equals
 * "$.Attributes.lastAgentArn") is shown working by no flow exported from a real instance, and if
 * Connect took the operand literally the branch would silently never match.
 */
export function comparesTwoJsonPaths(
  parameters: Record<string, unknown>,
  conditions: readonly FlowCondition[],
): string[] {
  if (!looksLikeJsonPath(parameters.ComparisonValue)) return [];
  return conditions
    .flatMap((c) => c.Condition?.Operands ?? [])
    .filter(looksLikeJsonPath)
    .map(
      (operand) =>
        `compares two JSONPaths (${String(parameters.ComparisonValue)} with "${operand}"): operands must be literals, as in every real export`,
    );
}

const MESSAGE_KEYS = ['Text', 'PromptId', 'SSML', 'Media'];

export const FLOW_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  InvokeLambdaFunction: {
    // Whisper: SCV-doc Sample SCV Agent Whisper Flow for Amazon Transcribe (REF: all flow types).
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', 'AGENT_WHISPER'],
    parameters: {
      allowed: [
        'LambdaFunctionARN',
        'InvocationTimeLimitSeconds',
        'InvocationType',
        'ResponseValidation',
        'LambdaInvocationAttributes',
      ],
      required: ['LambdaFunctionARN', 'InvocationTimeLimitSeconds'],
      values: { InvocationType: ['SYNCHRONOUS', 'ASYNCHRONOUS'] },
    },
    errors: { required: ['NoMatchingError'], allowed: ['NoMatchingError'] },
    terminal: false,
    validate: (p) => {
      const problems: string[] = [];
      // REF: "Must be greater than 0, no larger than 8, and an integer. Must be set statically."
      if (!isInt(p.InvocationTimeLimitSeconds, 1, 8))
        problems.push('InvocationTimeLimitSeconds must be a static integer string 1-8');
      const rv = p.ResponseValidation as { ResponseType?: unknown } | undefined;
      if (rv !== undefined && !['STRING_MAP', 'JSON'].includes(String(rv?.ResponseType)))
        problems.push('ResponseValidation.ResponseType must be STRING_MAP or JSON');
      const lia = p.LambdaInvocationAttributes;
      if (lia !== undefined && (typeof lia !== 'object' || lia === null || Array.isArray(lia)))
        problems.push('LambdaInvocationAttributes must be a map');
      return problems;
    },
    sources: {
      exports: [
        'VMX3 VMXInQueueOption "Set recording timestamp" (InvocationType SYNCHRONOUS, ResponseValidation STRING_MAP, Errors [NoMatchingError])',
        'SCV-aws AWS_Sample_SCV_Inbound.json (LambdaInvocationAttributes {"methodName":"createVoiceCall"}, timeout "8")',
        'GM _0x_gm_outbound.json (static LambdaInvocationAttributes)',
        'SCV-doc Sample_SCV_Voicemail_Subflow_For_Omni_Routing (STRING_MAP, timeout "8")',
      ],
      reference:
        'REF interactions-invokelambdafunction: timeout integer 1-8, static; NoMatchingError; all flow types; the answer is under $.External. The attributes reach the Lambda as Details.Parameters (Lambda developer guide, services-connect: "Parameters": {"sentAttributeKey": "sentAttributeValue"})',
    },
  },

  UpdateContactAttributes: {
    // Whisper: VMX3 VMXInQueueAgentWhisper ({"vmx3_flag":"0"}, TargetContact Current).
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', 'AGENT_WHISPER'],
    parameters: {
      allowed: ['Attributes', 'TargetContact'],
      required: ['Attributes'],
      values: { TargetContact: ['Current', 'Related'] },
    },
    errors: { required: ['NoMatchingError'], allowed: ['NoMatchingError'] },
    terminal: false,
    validate: (p) => {
      const a = p.Attributes;
      if (typeof a !== 'object' || a === null || Array.isArray(a) || Object.keys(a).length === 0)
        return ['Attributes must be a non-empty map'];
      // UpdateContactAttributes API: keys are alphanumerics, "-" and "_".
      return Object.keys(a)
        .filter((k) => !/^[A-Za-z0-9_-]+$/.test(k))
        .map((k) => `attribute key "${k}" may hold only letters, digits, "-" and "_"`);
    },
    sources: {
      exports: [
        'VMX3 VMXInQueueOption "Set the vmx3_flag attribute for processing" ($.External value, TargetContact Current, Errors [NoMatchingError])',
        'VMX3 VMXAWSTestFlow "Set remaining required attributes for VMX3" ({"vmx3_from":"$.CustomerEndpoint.Address","vmx3_queue_arn":"$.Queue.ARN"})',
        'SCV-doc Sample_SCV_Voicemail_Subflow_For_Omni_Routing ({"vm_from":"$.CustomerEndpoint.Address"})',
      ],
      reference:
        'REF contact-actions-updatecontactattributes: Attributes map, TargetContact Current|Related (static); all or none are set; NoMatchingError; every flow type',
      disagreements: [
        'Older exports (GM, SCV-aws) omit TargetContact; the current reference and newer exports include it. We emit "Current".',
      ],
    },
  },

  Compare: {
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', 'AGENT_WHISPER'],
    parameters: { allowed: ['ComparisonValue'], required: ['ComparisonValue'] },
    conditions: { operators: CONDITION_OPERATORS, required: true },
    errors: { required: ['NoMatchingCondition'], allowed: ['NoMatchingCondition'] },
    terminal: false,
    validate: (p, conditions) => [
      ...(isDynamic(p.ComparisonValue) ? [] : ['ComparisonValue must be a single JSONPath ($.…)']),
      ...comparesTwoJsonPaths(p, conditions),
    ],
    sources: {
      exports: [
        'VMX3 VMXInQueueOption "Check VMX offer status" (Compare inside a CUSTOMER_QUEUE flow, Errors [NoMatchingCondition])',
        'SCV-aws AWSSCVAgentWhisper.json (AGENT_WHISPER: {"ComparisonValue":"$.Attributes.sfdc-RTT_flag__c"}, Equals ["1"])',
        'GM _0x_gm_outbound.json (ComparisonValue "$.Queue.Name")',
        'VMX3 VMXInQueueAgentWhisper "Check for the vmx3_flag" ({"ComparisonValue":"$.Attributes.vmx3_flag"}, Equals ["1"]) and GM _0x_whisper_flow.json ($.Attributes.QueueName Equals ["AHEAD"]): AGENT_WHISPER, an attribute against a literal',
        'all 102 Compare actions in the exports carry exactly [NoMatchingCondition]',
        'operands are literals: of the 67 Compare actions in the newest snapshots of VMX3 (4), GM (39), SCV-doc (4), SCV-aws (6) and SBS (14), 66 compare with a literal; the one exception is SBS examples/Travel/contactFlow.json ($.Attributes.pickuplocation Equals ["$.Attributes.dropofflocation"]), a sample that shows nothing of how Connect evaluates it (issue 25)',
      ],
      reference:
        'REF flow-control-actions-compare: NoMatchingCondition only; every flow type. Admin guide check-contact-attributes: "Conditions to check can be dynamic", e.g. $.Attributes.verificationCode',
      disagreements: [
        'The admin guide says a condition "can be dynamic" and one sample (SBS Travel) writes a JSONPath operand; the flow-language reference is silent on operands and no flow exported from a real instance shows a JSONPath operand working. No generated flow depends on one: `comparesTwoJsonPaths` rejects a Compare with a JSONPath on both sides (issue 25).',
      ],
    },
  },

  UpdateContactTargetQueue: {
    flowTypes: ['CONTACT_FLOW'],
    parameters: { allowed: ['QueueId', 'AgentId'], exactlyOne: ['QueueId', 'AgentId'] },
    errors: { required: ['NoMatchingError'], allowed: ['NoMatchingError'] },
    terminal: false,
    sources: {
      exports: [
        'VMX3 VMXAWSTestFlow "Set standard queue" (QueueId)',
        'SCV-doc Sample SCV Direct to Rep Subflow.json ({"AgentId":"$.Attributes.agentArn"}: an agent ARN sets the agent\'s queue)',
        'SCV-doc Sample SCV Transfer Flow For Omni-Channel Transfers ({"AgentId":"$.Attributes.agentARN"})',
        '102/102 exports carry Errors [NoMatchingError]',
      ],
      reference:
        'REF contact-actions-updatecontacttargetqueue: QueueId or AgentId ("An agent ID or agent ARN, representing an agent queue"); NoMatchingError; not in whisper, hold or customer-queue flows',
      disagreements: [
        'REF-2023 set-working-queue said "specify the Agent ID and not the full agent (ARN)"; the flow reference says ID or ARN and SCV-doc uses ARNs. We pass the agent ARN.',
      ],
    },
  },

  UpdateContactRoutingCriteria: {
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE'],
    parameters: {
      allowed: ['RoutingCriteria'],
      required: ['RoutingCriteria'],
      nonStringLeaves: [
        // REF: "The number of seconds to wait before expiring the routing step. Can be set only
        // statically"; the API (RoutingCriteriaInputStepExpiry) has an integer. No export has it.
        'RoutingCriteria.Steps[].Expiry.DurationInSeconds',
        // SCV-doc emits the number 1 ("ProficiencyLevel":1); REF: a float 1.0-5.0.
        'RoutingCriteria.Steps[].Expression.AttributeCondition.ProficiencyLevel',
      ],
    },
    errors: { required: ['NoMatchingError'], allowed: ['NoMatchingError'] },
    terminal: false,
    validate: (p) => {
      const steps = (p.RoutingCriteria as { Steps?: unknown } | undefined)?.Steps;
      if (!Array.isArray(steps) || steps.length === 0)
        return ['RoutingCriteria.Steps must be a non-empty list'];
      const problems: string[] = [];
      const seen = new Set<string>();
      steps.forEach((step: { Expression?: unknown; Expiry?: { DurationInSeconds?: unknown } }, i) => {
        if (typeof step?.Expression !== 'object')
          problems.push(`RoutingCriteria.Steps[${i}] needs an Expression`);
        const d = step?.Expiry?.DurationInSeconds;
        if (step?.Expiry !== undefined && !(Number.isInteger(d) && (d as number) > 0))
          problems.push(`RoutingCriteria.Steps[${i}].Expiry.DurationInSeconds must be a positive integer`);
        // Issue 27: an empty AgentIds entry or list has no documented run-time behaviour
        // (docs/aws-evidence.md), and an agent twice says nothing the first step did not.
        const ids = agentIdsOf(step);
        if (ids === undefined) return;
        if (!Array.isArray(ids) || ids.length === 0)
          problems.push(`RoutingCriteria.Steps[${i}] AgentIds must be a non-empty list`);
        for (const id of Array.isArray(ids) ? ids : []) {
          if (typeof id !== 'string' || id.trim() === '')
            problems.push(`RoutingCriteria.Steps[${i}] AgentIds holds an empty entry`);
          else if (seen.has(id)) problems.push(`RoutingCriteria.Steps[${i}] AgentIds repeats ${id}`);
          else seen.add(id);
        }
      });
      return problems;
    },
    sources: {
      exports: [
        'VMX3 VMXExampleTaskFlow "Set preferred agent" ({"ComparisonOperator":"Match","MatchCriteria":{"AgentsCriteria":{"AgentIds":["$.Attributes.vmx3_preferred_agent_id"]}}})',
        'SCV-doc Sample SCV Omni-Channel Subflow - Omni Routing for Skills.json (proficiency shape)',
        'SCV-doc Sample SCV Transfer Flow For Omni Routing Transfers.json',
        'AICC-export',
      ],
      reference:
        'REF flow-control-actions-updateroutingcriteria (titled "UpdateRoutingCriteria"): Steps[{Expression, Expiry{DurationInSeconds}}]; NoMatchingError; Inbound, Customer Queue, Transfer flows',
      disagreements: [
        'The reference page is titled UpdateRoutingCriteria; every export (VMX3, SCV-doc, AICC-export) uses the Type "UpdateContactRoutingCriteria" and none uses "UpdateRoutingCriteria". We follow the exports.',
        'The reference lists only NumberGreaterOrEqualTo; VMX3 uses ComparisonOperator "Match" with MatchCriteria.AgentsCriteria.AgentIds (as in the UpdateContactRoutingData API). We follow VMX3.',
        'Expiry comes from the reference only: no export carries it. Its value type (number) follows the reference and the API, not the all-strings convention; unverified against an import.',
        'Issue 27: several JSONPaths in one AgentIds list, and two agent steps in one action, follow the API shape (AgentsCriteria.AgentIds is a list; UpdateContactRoutingData examples have several steps); no export shows either. No AgentIds entry may be empty: its run-time behaviour is undocumented (docs/aws-evidence.md).',
      ],
    },
  },

  CheckMetricData: {
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE'],
    parameters: {
      allowed: ['MetricType', 'QueueId', 'AgentId'],
      required: ['MetricType'],
      values: {
        MetricType: [
          'NumberOfAgentsAvailable',
          'NumberOfAgentsStaffed',
          'NumberOfAgentsOnline',
          'OldestContactInQueueAgeSeconds',
          'NumberOfContactsInQueue',
        ],
      },
    },
    conditions: {
      operators: [
        'Equals',
        'NumberGreaterThan',
        'NumberGreaterOrEqualTo',
        'NumberLessThan',
        'NumberLessOrEqualTo',
      ],
      required: true,
    },
    errors: {
      required: ['NoMatchingCondition', 'NoMatchingError'],
      allowed: ['NoMatchingCondition', 'NoMatchingError'],
    },
    terminal: false,
    validate: (p, conditions) => {
      const problems: string[] = [];
      if (p.QueueId !== undefined && p.AgentId !== undefined)
        problems.push('QueueId and AgentId are exclusive');
      // REF: for NumberOfAgents* "the only supported condition is NumberGreaterThan 0".
      if (String(p.MetricType).startsWith('NumberOfAgents')) {
        for (const c of conditions)
          if (c.Condition.Operator !== 'NumberGreaterThan' || c.Condition.Operands[0] !== '0')
            problems.push(`${String(p.MetricType)} supports only the condition NumberGreaterThan 0`);
      }
      return problems;
    },
    sources: {
      exports: [
        'SCV-doc Sample SCV Transfer Flow For Queue Transfers ({"MetricType":"NumberOfAgentsStaffed"}, NumberGreaterThan "0", Errors [NoMatchingCondition, NoMatchingError])',
        'SCV-aws AWS_Sample_SCV_Queue_Transfer.json (NumberOfAgentsStaffed, both errors)',
        'GM default_queue_transfer.json (the AWS default queue-transfer flow: NumberOfAgentsStaffed, both errors)',
        'GM _0x_dial_extension.json ({"MetricType":"NumberOfAgentsAvailable","AgentId":"$.External.ConnectUser"}, both errors)',
        'all 12 CheckMetricData actions in the exports carry both NoMatchingCondition and NoMatchingError',
      ],
      reference:
        'REF flow-control-actions-checkmetricdata: MetricType static; QueueId or AgentId (agent queue), else the target queue; NumberOfAgents* only "NumberGreaterThan 0"; contact flows and customer-queue flows',
      disagreements: [
        'The reference says NoMatchingCondition is "only supported if the MetricType is OldestContactInQueueAgeSeconds or NumberOfContactsInQueue"; every export (12/12, including NumberOfAgentsStaffed/Available/Online) carries NoMatchingCondition and NoMatchingError. We follow the exports and require both.',
      ],
    },
  },

  GetParticipantInput: {
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE'],
    parameters: {
      // Menu mode only (the product never stores input).
      allowed: ['Text', 'PromptId', 'SSML', 'StoreInput', 'InputTimeLimitSeconds', 'DTMFConfiguration'],
      required: ['StoreInput', 'InputTimeLimitSeconds'],
      exactlyOne: ['Text', 'PromptId', 'SSML'],
      values: { StoreInput: ['False'] },
    },
    conditions: {
      operators: ['Equals'],
      operands: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'],
      required: true,
    },
    errors: {
      required: ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'],
      allowed: ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'],
    },
    terminal: false,
    validate: (p) =>
      isInt(p.InputTimeLimitSeconds, 1, Number.MAX_SAFE_INTEGER)
        ? []
        : ['InputTimeLimitSeconds must be a static integer string > 0'],
    sources: {
      exports: [
        'VMX3 VMXInQueueOption "Offer voicemail" and VMXAWSTestFlow "Set the destination type" (StoreInput "False", InputTimeLimitSeconds "5", Equals "1"/"2", Errors [InputTimeLimitExceeded, NoMatchingCondition, NoMatchingError])',
        'GM _0x_good_measures_queue_flow.json',
        'SCV-doc Sample_SCV_Voicemail_Subflow_For_Omni_Routing',
        'all 43 menu-mode exports carry exactly these three errors',
      ],
      reference:
        'REF-2023 participant-actions-getparticipantinput: StoreInput False → NoMatchingCondition; NoMatchingError always; conditions Equals with one DTMF character; voice; contact, transfer and customer-queue flows',
      disagreements: [
        'The reference does not list InputTimeLimitExceeded; every menu-mode export carries it. We follow the exports.',
      ],
    },
  },

  UpdateContactEventHooks: {
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE'],
    parameters: { allowed: ['EventHooks'], required: ['EventHooks'] },
    errors: { required: ['NoMatchingError'], allowed: ['NoMatchingError'] },
    terminal: false,
    validate: (p) => {
      const hooks = p.EventHooks;
      if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks))
        return ['EventHooks must be a map'];
      const entries = Object.entries(hooks);
      const problems: string[] = [];
      // REF: "Only one entry may be present in this map"; every export has one.
      if (entries.length !== 1) problems.push('EventHooks must hold exactly one hook');
      for (const [k, v] of entries) {
        if (!(EVENT_HOOKS as readonly string[]).includes(k)) problems.push(`unknown event hook ${k}`);
        if (typeof v !== 'string' || v === '') problems.push(`event hook ${k} needs a flow ARN or JSONPath`);
      }
      return problems;
    },
    sources: {
      exports: [
        'GM _00_routing_flow.json ({"EventHooks":{"CustomerQueue":"arn:aws:connect:…:instance/…/contact-flow/…"}}, Errors [NoMatchingError])',
        'VMX3 VMXAWSTestFlow "Set the queue flow experience" ({"CustomerQueue":"$.FlowAttributes.vmx3_queue_flow"})',
        'CDK inbound-contact-flow.json ({"CustomerQueue":"%CustomerQueueFlowArn%"})',
        'GL acme_main_AUTO.json',
        'GM _00_routing_flow.json and holiday_routing_test.json ({"EventHooks":{"AgentWhisper":"arn:aws:connect:…:instance/…/contact-flow/…"}}, Errors [NoMatchingError]: "Set whisper flow" with a static whisper-flow ARN)',
        'SCV-doc Sample SCV Outbound Flow With Transcription Using Amazon Transcribe (AgentWhisper, static ARN)',
      ],
      reference:
        'REF contact-actions-updatecontacteventhooks: one hook per action, value a flow ID or ARN; NoMatchingError; all flow types. Admin guide set-customer-queue-flow and REF-2023 set-whisper-flow: Inbound, customer-queue and transfer flows; the agent whisper runs after the agent accepts, before the customer leaves the queue, at most 2 minutes',
      disagreements: [
        'Newer console exports add EventHooksConfiguration {"AgentWhisper":{"DisableExecution":"false"}} to whisper hooks (VMX3, GL acme_queue_transfer_AUTO.json, CDK inbound-contact-flow.json); the reference does not document it and the GM and SCV-doc exports have none. We emit the documented EventHooks only.',
      ],
    },
  },

  UpdateContactRoutingBehavior: {
    flowTypes: ['CONTACT_FLOW'],
    parameters: {
      allowed: ['QueuePriority', 'QueueTimeAdjustmentSeconds'],
      exactlyOne: ['QueuePriority', 'QueueTimeAdjustmentSeconds'],
    },
    // No errors at all: GM writes "Errors": [], AICC-export only a NextAction; REF "Errors: None".
    errors: { required: [], allowed: [] },
    terminal: false,
    validate: (p) => {
      const problems: string[] = [];
      // REF: QueuePriority "Must be statically defined, must be larger than zero"; the admin
      // page: 1 (highest) to 9223372036854775807, new contacts get 5.
      if (p.QueuePriority !== undefined && !isInt(p.QueuePriority, 1, Number.MAX_SAFE_INTEGER))
        problems.push('QueuePriority must be a static integer string > 0');
      // REF: "Must be statically defined and a valid integer value" (this product only adds time).
      if (
        p.QueueTimeAdjustmentSeconds !== undefined &&
        !isInt(p.QueueTimeAdjustmentSeconds, 1, Number.MAX_SAFE_INTEGER)
      )
        problems.push('QueueTimeAdjustmentSeconds must be a static positive integer string');
      return problems;
    },
    sources: {
      exports: [
        'GM environments/staging/contact_flows/sample_queue_configurations_flow.json (the AWS "Sample queue configurations" flow: {"QueuePriority":"1"} and {"QueueTimeAdjustmentSeconds":"600"}, NextAction with "Errors": [])',
        'AICC-export ({"QueuePriority":"5"}, Transitions {"NextAction"} only)',
      ],
      reference:
        'REF-2023 contact-actions-updatecontactroutingbehavior: QueuePriority (lower is routed first, > 0) or QueueTimeAdjustmentSeconds (larger is routed first), static, exclusive; Errors None; inbound flows. Admin guide change-routing-priority: default priority 5; set it before Transfer to queue to take effect at once',
      disagreements: [
        'The reference allows it only in inbound flows; the admin block page also lists customer-queue and transfer flows. We use it in the inbound flow only.',
      ],
    },
  },

  TransferContactToQueue: {
    flowTypes: ['CONTACT_FLOW'],
    parameters: { allowed: [] },
    errors: {
      required: ['QueueAtCapacity', 'NoMatchingError'],
      allowed: ['QueueAtCapacity', 'NoMatchingError'],
    },
    terminal: false,
    queueTransfer: true,
    sources: {
      exports: [
        'VMX3 VMXAWSTestFlow (Parameters {}, NextAction + Errors [QueueAtCapacity, NoMatchingError])',
        'SCV-aws AWS_Sample_SCV_Inbound.json',
        '94/94 exports carry both errors; 99/99 carry a NextAction',
      ],
      reference:
        'REF contact-actions-transfercontacttoqueue: no parameters (queue from UpdateContactTargetQueue); QueueAtCapacity, NoMatchingError; inbound and transfer flows, not customer-queue flows',
    },
  },

  DequeueContactAndTransferToQueue: {
    flowTypes: ['CUSTOMER_QUEUE'],
    parameters: { allowed: ['QueueId', 'AgentId'], exactlyOne: ['QueueId', 'AgentId'] },
    errors: {
      required: ['QueueAtCapacity', 'NoMatchingError'],
      allowed: ['QueueAtCapacity', 'NoMatchingError'],
    },
    terminal: false,
    queueTransfer: true,
    sources: {
      exports: [
        'GM _0x_good_measures_queue_flow.json (CUSTOMER_QUEUE per its .tf.for_later: {"QueueId":"arn:aws:connect:…/queue/…"}, Errors [NoMatchingError, QueueAtCapacity]); the only repository with a real export of this action',
        'GM _0x_receptionist_queue_flow.json (identical)',
      ],
      reference:
        'REF-2023 contact-actions-dequeuecontactandtransfertoqueue: QueueId or AgentId; QueueAtCapacity, NoMatchingError; "only supported in the customer queue flow"; fails while the contact is being joined to an agent. Admin guide queue-to-queue-transfer: connect Success to End flow / Resume',
    },
  },

  MessageParticipant: {
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE', 'AGENT_WHISPER'],
    parameters: { allowed: MESSAGE_KEYS, exactlyOne: MESSAGE_KEYS },
    // Older exports write "Errors": [] (GM, SCV-aws), newer ones [NoMatchingError]; both import.
    errors: { required: [], allowed: ['NoMatchingError'] },
    terminal: false,
    sources: {
      exports: [
        'VMX3 VMXInQueueOption "Error messaging." (Text, Errors [NoMatchingError])',
        'GM _0x_good_measures_queue_flow.json (Text, "Errors": [])',
        'GM default_agent_whisper.json (the AWS default agent whisper: {"Text":"$.Queue.Name"}) and _0x_whisper_flow.json ({"Text":"$.Attributes.DisplayQueueName"})',
      ],
      reference:
        'REF participant-actions-messageparticipant: one of PromptId/Text/SSML/Media; NoMatchingError; contact, transfer, whisper and customer-queue flows',
    },
  },

  MessageParticipantIteratively: {
    flowTypes: ['CUSTOMER_QUEUE'],
    parameters: {
      allowed: ['Messages', 'InterruptFrequencySeconds', 'ContinueMessagingDuringInterrupt'],
      required: ['Messages'],
      values: { ContinueMessagingDuringInterrupt: ['true', 'false'] },
    },
    conditions: { operators: ['Equals'], operands: ['MessagesInterrupted'], required: false },
    errors: { required: [], allowed: ['NoMatchingError'] },
    terminal: false,
    mayHaveNoNext:
      'without InterruptFrequencySeconds it loops until the contact leaves the queue (GM default_customer_queue.json: "Transitions": {"Errors": [], "Conditions": []})',
    validate: (p, conditions) => {
      const problems: string[] = [];
      const messages = p.Messages;
      if (!Array.isArray(messages) || messages.length === 0)
        problems.push('Messages must be a non-empty list');
      else
        messages.forEach((m, i) => {
          const keys = typeof m === 'object' && m !== null ? Object.keys(m) : [];
          if (keys.length !== 1 || !MESSAGE_KEYS.includes(keys[0] ?? ''))
            problems.push(`Messages[${i}] must hold exactly one of ${MESSAGE_KEYS.join(', ')}`);
        });
      const interrupt = p.InterruptFrequencySeconds;
      // Admin guide loop-prompts: "Always use an interruption period that's greater than 20
      // seconds": a contact inside the 20 s join window cannot be dequeued (Error branch).
      if (interrupt !== undefined && !isInt(interrupt, 20, Number.MAX_SAFE_INTEGER))
        problems.push('InterruptFrequencySeconds must be an integer string of at least 20');
      if (conditions.length > 0 && interrupt === undefined)
        problems.push('a MessagesInterrupted condition needs InterruptFrequencySeconds');
      return problems;
    },
    sources: {
      exports: [
        'VMX3 VMXInQueueOption "Hold prompts with interrupt after 1 min" ({"Messages":[{"Text":…}],"InterruptFrequencySeconds":"30","ContinueMessagingDuringInterrupt":"true"}, Conditions Equals MessagesInterrupted, Errors [NoMatchingError])',
        'GM _0x_good_measures_queue_flow.json and _0x_receptionist_queue_flow.json (InterruptFrequencySeconds, Conditions MessagesInterrupted, no NextAction)',
        'GM default_customer_queue.json (the AWS default customer queue flow: Messages [{Text}, {PromptId}], no interrupt, no transitions)',
        'GM default_agent_hold.json ({"SSML":"<speak>You are on hold <break time=\\"10s\\"/></speak>"})',
        'SCV-doc Sample_SCV_Voicemail_Subflow_For_Omni_Routing (InterruptFrequencySeconds "120")',
        'GL acme_customer_queue_AUTO.json, CDK customer-queue-flow.json (NextAction + Errors [NoMatchingError] without interrupt)',
      ],
      reference:
        'REF-2023 participant-actions-messageparticipantiteratively: Messages, InterruptFrequencySeconds; only Equals MessagesInterrupted; NoMatchingError; customer queue and hold flows; chat takes the error branch',
      disagreements: [
        'ContinueMessagingDuringInterrupt is not in the reference page; VMX3 (2025) emits it and the current loop-prompts admin page describes it. We follow VMX3.',
        '"Timeout" is only the console label of the MessagesInterrupted branch, not an ErrorType.',
      ],
    },
  },

  DisconnectParticipant: {
    flowTypes: ['CONTACT_FLOW', 'CUSTOMER_QUEUE'],
    parameters: { allowed: [] },
    errors: { required: [], allowed: [] },
    terminal: true,
    sources: {
      exports: [
        'VMX3 "***End Call***" ({"Parameters":{},"Transitions":{}}); 243/243 exports have this shape',
      ],
      reference: 'REF participant-actions-disconnectparticipant: no parameters, no errors, every flow type',
    },
  },

  EndFlowExecution: {
    flowTypes: ['CUSTOMER_QUEUE', 'AGENT_WHISPER'],
    parameters: { allowed: [] },
    errors: { required: [], allowed: [] },
    terminal: true,
    sources: {
      exports: [
        'VMX3 VMXInQueueOption (after "Set VMX Offer Rejected" and "Error messaging." — "We are placing you in queue.")',
        'GM _0x_good_measures_queue_flow.json ({"Parameters":{},"Transitions":{}}; 38/38 exports)',
        'every AGENT_WHISPER export ends so, never with DisconnectParticipant: VMX3 VMXInQueueAgentWhisper, GM default_agent_whisper.json and _0x_whisper_flow.json, GL acme_agent_whisper_AUTO.json, SCV-aws AWSSCVAgentWhisper.json',
      ],
      reference:
        'REF-2023 flow-control-actions-endflowexecution: whisper and customer-queue flows only; admin guide end-flow-resume: "often used for the Success branch of the Transfer to queue block", "when a Loop prompts block is interrupted"',
    },
  },
};

/** Reference (flow-language-actions, current): characters an Identifier may not contain. */
const FORBIDDEN_IDENTIFIER_CHARS = /[%:()\\/=$,;[\]{}]/;
const RESERVED_IDENTIFIERS = new Set([
  '__proto__',
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'valueOf',
]);
/** Reference (flow-language-example): "A single Flow may have no more than 250 Actions defined". */
export const MAX_ACTIONS = 250;

export function identifierProblems(id: string): string[] {
  const problems: string[] = [];
  if (id.length === 0 || [...id].length > 50) problems.push(`identifier "${id}" must be 1-50 characters`);
  if (FORBIDDEN_IDENTIFIER_CHARS.test(id))
    problems.push(`identifier "${id}" contains one of % : ( \\ / ) = $ , ; [ ] { }`);
  if (RESERVED_IDENTIFIERS.has(id)) problems.push(`identifier "${id}" is reserved`);
  return problems;
}

/** Leaves of a parameter tree that are not strings, as dotted paths with `[]` for array items. */
function nonStringLeaves(value: unknown, path: string): string[] {
  if (typeof value === 'string') return [];
  if (Array.isArray(value)) return value.flatMap((v) => nonStringLeaves(v, `${path}[]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => nonStringLeaves(v, path ? `${path}.${k}` : k));
  return [path];
}

/** A transition out of an action, labelled the way exemptions name it. */
export interface Edge {
  from: string;
  to: string;
  /** `NextAction`, `Condition:<Operator>:<operand>` or `Error:<ErrorType>`. */
  via: string;
}

export function edgesOf(action: FlowAction): Edge[] {
  const t = action.Transitions ?? {};
  const edges: Edge[] = [];
  if (t.NextAction) edges.push({ from: action.Identifier, to: t.NextAction, via: 'NextAction' });
  for (const c of t.Conditions ?? [])
    edges.push({
      from: action.Identifier,
      to: c.NextAction,
      via: `Condition:${c.Condition?.Operator}:${(c.Condition?.Operands ?? []).join(',')}`,
    });
  for (const e of t.Errors ?? [])
    edges.push({ from: action.Identifier, to: e.NextAction, via: `Error:${e.ErrorType}` });
  return edges;
}

/**
 * Checks a flow against the table and the flow-language rules; returns the problems found
 * (empty when the flow is fine).
 */
export function checkFlow(flow: Flow, flowType: FlowType): string[] {
  const problems: string[] = [];
  // REF flow-language-example: "Currently the only supported version is 2019-10-30".
  if (flow.Version !== '2019-10-30') problems.push(`Version must be 2019-10-30, not ${flow.Version}`);
  const actions = Array.isArray(flow.Actions) ? flow.Actions : [];
  if (actions.length === 0) problems.push('the flow has no actions');
  if (actions.length > MAX_ACTIONS)
    problems.push(`${actions.length} actions, at most ${MAX_ACTIONS} allowed`);

  const byId = new Map<string, FlowAction>();
  for (const a of actions) {
    if (byId.has(a.Identifier)) problems.push(`identifier "${a.Identifier}" is used twice`);
    byId.set(a.Identifier, a);
    problems.push(...identifierProblems(a.Identifier));
  }
  if (!flow.StartAction) problems.push('StartAction is missing');
  else if (!byId.has(flow.StartAction)) problems.push(`StartAction "${flow.StartAction}" is not an action`);

  for (const a of actions) {
    const at = (p: string) => `${a.Identifier} (${a.Type}): ${p}`;
    const spec = FLOW_ACTIONS[a.Type];
    if (!spec) {
      problems.push(at('unknown action type'));
      continue;
    }
    if (!spec.flowTypes.includes(flowType)) problems.push(at(`not allowed in a ${flowType} flow`));

    const params = a.Parameters;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      problems.push(at('Parameters must be an object'));
      continue;
    }
    const keys = Object.keys(params);
    for (const k of keys)
      if (!spec.parameters.allowed.includes(k)) problems.push(at(`parameter ${k} is not allowed`));
    for (const k of spec.parameters.required ?? [])
      if (params[k] === undefined) problems.push(at(`parameter ${k} is required`));
    const one = spec.parameters.exactlyOne;
    if (one && keys.filter((k) => one.includes(k)).length !== 1)
      problems.push(at(`exactly one of ${one.join(', ')} is required`));
    for (const [k, allowed] of Object.entries(spec.parameters.values ?? {}))
      if (params[k] !== undefined && !allowed.includes(params[k] as string))
        problems.push(at(`parameter ${k} must be one of ${allowed.join(', ')}`));
    const numeric = spec.parameters.nonStringLeaves ?? [];
    for (const leaf of nonStringLeaves(params, ''))
      if (!numeric.includes(leaf)) problems.push(at(`parameter value ${leaf} must be a string`));

    const t = a.Transitions;
    if (typeof t !== 'object' || t === null) {
      problems.push(at('Transitions must be an object'));
      continue;
    }
    const conditions = t.Conditions ?? [];
    const errors = t.Errors ?? [];
    if (spec.terminal) {
      // REF flow-language-actions: terminal actions have "Transitions": {}.
      if (t.NextAction || conditions.length || errors.length)
        problems.push(at('a terminal action has no transitions'));
    } else if (!t.NextAction && conditions.length === 0 && !spec.mayHaveNoNext) {
      problems.push(at('needs a NextAction or conditions'));
    }

    const errorTypes = errors.map((e) => e.ErrorType);
    for (const e of spec.errors.required)
      if (!errorTypes.includes(e)) problems.push(at(`error ${e} is required`));
    for (const e of errorTypes)
      if (!spec.errors.allowed.includes(e)) problems.push(at(`error ${e} is not allowed`));
    if (new Set(errorTypes).size !== errorTypes.length) problems.push(at('an error type is listed twice'));

    if (!spec.conditions) {
      if (conditions.length) problems.push(at('takes no conditions'));
    } else {
      if (spec.conditions.required && conditions.length === 0)
        problems.push(at('needs at least one condition'));
      for (const c of conditions) {
        const { Operator, Operands } = c.Condition ?? {};
        if (!spec.conditions.operators.includes(Operator))
          problems.push(at(`operator ${Operator} is not allowed`));
        // Every export writes a single-element string array.
        if (!Array.isArray(Operands) || Operands.length !== 1 || typeof Operands[0] !== 'string')
          problems.push(at('a condition needs exactly one string operand'));
        else if (spec.conditions.operands && !spec.conditions.operands.includes(Operands[0]))
          problems.push(at(`operand "${Operands[0]}" is not allowed`));
      }
    }
    for (const p of spec.validate?.(params, conditions) ?? []) problems.push(at(p));

    for (const e of edgesOf(a))
      if (!byId.has(e.to)) problems.push(at(`${e.via} leads to "${e.to}", which is not an action`));
  }

  const reached = new Set<string>();
  const stack = byId.has(flow.StartAction) ? [flow.StartAction] : [];
  while (stack.length) {
    const id = stack.pop() as string;
    if (reached.has(id)) continue;
    reached.add(id);
    const a = byId.get(id);
    if (a) for (const e of edgesOf(a)) if (byId.has(e.to)) stack.push(e.to);
  }
  for (const a of actions) if (!reached.has(a.Identifier)) problems.push(`${a.Identifier}: unreachable`);
  return problems;
}

/** A route from StartAction to an action that queues the contact. */
export interface QueuePath {
  edges: Edge[];
  /** The queue-transfer action the path ends at. */
  queueAction: string;
}

const isQueueTransfer = (a: FlowAction | undefined) => Boolean(a && FLOW_ACTIONS[a.Type]?.queueTransfer);

/**
 * Every simple path (no action twice) from StartAction to a queue transfer
 * (TransferContactToQueue, DequeueContactAndTransferToQueue). A path continues past a transfer
 * through its error branches, since a failed transfer usually leads to another one.
 */
export function pathsToQueue(flow: Flow, limit = 100_000): QueuePath[] {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const paths: QueuePath[] = [];
  const visit = (id: string, edges: Edge[], onPath: Set<string>) => {
    if (paths.length >= limit) throw new Error(`more than ${limit} paths to a queue`);
    const action = byId.get(id);
    if (!action) return;
    if (isQueueTransfer(action)) paths.push({ edges, queueAction: id });
    onPath.add(id);
    for (const e of edgesOf(action)) if (!onPath.has(e.to)) visit(e.to, [...edges, e], onPath);
    onPath.delete(id);
  };
  visit(flow.StartAction, [], new Set());
  return paths;
}

/** A transition after which the flow is excused from storing the key, and why. */
export interface KeyPathExemption {
  from: string;
  via: string;
  why: string;
}

export const describePath = (p: QueuePath) =>
  [...p.edges.map((e) => `${e.from} -[${e.via}]->`), p.queueAction].join(' ');

/**
 * Checks that every path to a queue stores the searchable key first: it passes an
 * UpdateContactAttributes that writes `attributeKey` and leaves it by NextAction (its error
 * branch means nothing was stored: "either all attributes are set or none are set"). Paths that
 * take an exempted transition are excused. Also: no UpdateContactAttributes writes the key as a
 * literal empty string, and every exemption names a transition that exists.
 */
export function checkKeyStoredOnEveryQueuePath(
  flow: Flow,
  attributeKey: string,
  exemptions: readonly KeyPathExemption[],
): string[] {
  const problems: string[] = [];
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const storedValue = (id: string): unknown => {
    const a = byId.get(id);
    if (a?.Type !== 'UpdateContactAttributes') return undefined;
    return (a.Parameters.Attributes as Record<string, unknown> | undefined)?.[attributeKey];
  };
  for (const a of flow.Actions) {
    const v = storedValue(a.Identifier);
    if (typeof v === 'string' && v.trim() === '')
      problems.push(`${a.Identifier}: writes ${attributeKey} as an empty string`);
  }
  const allEdges = flow.Actions.flatMap(edgesOf);
  for (const x of exemptions)
    if (!allEdges.some((e) => e.from === x.from && e.via === x.via))
      problems.push(`exemption ${x.from} ${x.via} matches no transition`);

  const paths = pathsToQueue(flow);
  if (paths.length === 0) problems.push('no path reaches a queue');
  for (const p of paths) {
    const exempt = p.edges.some((e) => exemptions.some((x) => x.from === e.from && x.via === e.via));
    const stores = p.edges.some((e) => {
      const v = storedValue(e.from);
      return e.via === 'NextAction' && typeof v === 'string' && v.trim() !== '';
    });
    if (!exempt && !stores)
      problems.push(`reaches a queue without storing ${attributeKey}: ${describePath(p)}`);
  }
  return problems;
}
