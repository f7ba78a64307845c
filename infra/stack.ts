import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DEFINITION_PATH, TASK_FUNCTIONS, type TaskPlaceholder } from '../statemachine/definition';
import { loadConfig } from '../steps/lib/config';
import { METRICS_NAMESPACE } from '../steps/lib/metrics';
import { buildContactFlow } from './contact-flow';
import type { DeployContext } from './context';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LastAgentRoutingStackProps extends StackProps {
  settings: DeployContext;
}

/** Connect actions each step calls, and on which resources under the instance. */
const CONNECT_ACCESS: Partial<
  Record<TaskPlaceholder, { actions: string[]; resources: (i: string) => string[] }>
> = {
  SearchContactsFunctionArn: { actions: ['connect:SearchContacts'], resources: (i) => [i, `${i}/contact/*`] },
  CheckAgentAvailabilityFunctionArn: {
    actions: ['connect:GetCurrentUserData'],
    resources: (i) => [i, `${i}/agent/*`],
  },
  CheckLastContactCsatFunctionArn: {
    actions: ['connect:GetContactAttributes'],
    resources: (i) => [i, `${i}/contact/*`],
  },
};

export class LastAgentRoutingStack extends Stack {
  readonly entryFunction: NodejsFunction;
  readonly stepFunctions: Record<TaskPlaceholder, NodejsFunction>;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: LastAgentRoutingStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const config = loadConfig(settings.pipelineEnv);
    const { instanceArn } = settings;
    const retention = settings.logRetentionDays as logs.RetentionDays;

    const makeFunction = (
      name: string,
      entry: string,
      timeout: Duration,
      environment: Record<string, string>,
    ) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
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

    for (const [placeholder, access] of Object.entries(CONNECT_ACCESS)) {
      this.stepFunctions[placeholder as TaskPlaceholder].addToRolePolicy(
        new iam.PolicyStatement({ actions: access.actions, resources: access.resources(instanceArn) }),
      );
    }

    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      // The /aws/vendedlogs/ prefix keeps the resource policy small; ALL + execution data is
      // what draws each express execution as a graph with inputs/outputs in the console.
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-decisions`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'DecisionStateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromFile(DEFINITION_PATH),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(this.stepFunctions).map(([placeholder, fn]) => [placeholder, fn.functionArn]),
      ),
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
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
      sourceAccount: instanceArn.split(':')[4],
    });
    new connect.CfnIntegrationAssociation(this, 'LambdaIntegration', {
      instanceId: instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: this.entryFunction.functionArn,
    });

    const flow = buildContactFlow({
      lambdaArn: this.entryFunction.functionArn,
      defaultQueueArn: settings.defaultQueueArn,
      mode: settings.routingMode,
      preferredAgentSeconds: settings.preferredAgentSeconds,
      attributeKey: config.attributeKey,
      lambdaTimeoutSeconds: 8,
    });
    new connect.CfnContactFlow(this, 'ContactFlow', {
      instanceArn,
      name: settings.flowName,
      type: 'CONTACT_FLOW',
      description: `Returning-caller routing (${settings.routingMode})`,
      content: this.toJsonString(flow),
    });

    this.addOperability(config.deadlineMs);
    this.addNagSuppressions(instanceArn);
  }

  private addOperability(deadlineMs: number): void {
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
    ];
    const decisions = (route: string) =>
      new cloudwatch.MathExpression({
        label: route,
        expression: `SUM(SEARCH('{${METRICS_NAMESPACE},Route,Reason} Route="${route}" MetricName="Decisions"', 'Sum', 300))`,
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
                expression: `SEARCH('{${METRICS_NAMESPACE},Route,Reason} MetricName="Decisions"', 'Sum', 300)`,
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
    for (const [placeholder, access] of Object.entries(CONNECT_ACCESS)) {
      for (const resource of access.resources(instanceArn).filter((r) => r.endsWith('*'))) {
        ack(
          this.stepFunctions[placeholder as TaskPlaceholder],
          `AwsSolutions-IAM5[Resource::${resource}]`,
          perCall,
        );
      }
    }
    ack(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      `CloudWatch Logs delivery APIs (CreateLogDelivery, …) and X-Ray take no resource. ${xray}`,
    );
  }
}
