import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../../steps/lib/routing-state/table';
import { deliverContactEvents } from './contact-event-delivery';
import { StepFunction } from './step-function';

/**
 * The event the rule passes to the outcome function (steps/record-outcome.ts): only
 * CONNECTED_TO_AGENT ("The contact is connected to an agent", contact-events.html).
 */
export const OUTCOME_EVENTS = {
  detailType: 'Amazon Connect Contact Event',
  eventTypes: ['CONNECTED_TO_AGENT'],
} as const;

/**
 * What the outcome function may do. GetContactAttributes: resource type contact
 * (`…/contact/${ContactId}`, Service Authorization Reference; the request names the initial
 * contact). PutItem: the conditional claim (steps/lib/routing-state/outcomes.ts), on the table only.
 */
export const OUTCOME_ACCESS = {
  connect: [{ actions: ['connect:GetContactAttributes'], resources: ['/contact/*'] }],
  table: ['dynamodb:PutItem'],
} as const;

/** The variables steps/record-outcome.ts reads (OUTCOME_ENV there; a test checks they agree). */
const ENV = {
  table: 'OUTCOME_TABLE_NAME',
  route: 'OUTCOME_ROUTE_ATTRIBUTE',
  reason: 'OUTCOME_REASON_ATTRIBUTE',
  agentArn: 'OUTCOME_AGENT_ARN_ATTRIBUTE',
} as const;

export interface PreferredAgentOutcomeProps {
  instanceArn: string;
  /** The contact attributes the inbound flow writes, as resolved (-c contextAttributes). */
  attributes: { route: string; reason: string; agentArn: string };
  /** Retention, removal policy and optional KMS key of the function's log group. */
  logGroup: logs.LogGroupProps;
  /**
   * The table that keeps the one-day outcome items: the routing-state table (index sources).
   * @default - a small on-demand table created for them alone (search deployments)
   */
  table?: dynamodb.ITable;
}

/**
 * Issue 25, "is it working?": an EventBridge rule for this instance's CONNECTED_TO_AGENT contact
 * events, the outcome function (PreferredAgentReached / PreferredAgentMissed, EMF), its one-day
 * dedup items, and a dead-letter queue for events it could not process. Delivery and retries as
 * the contact indexer's (infra/constructs/routing-state.ts has the AWS sources): EventBridge
 * target DLQ for delivery failures, Lambda's asynchronous retries then an on-failure destination
 * for function errors, both into one queue.
 */
export class PreferredAgentOutcome extends Construct {
  readonly function: NodejsFunction;
  readonly table: dynamodb.ITable;
  /** Created only when no table was given (search deployments). */
  readonly ownTable?: dynamodb.Table;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PreferredAgentOutcomeProps) {
    super(scope, id);
    if (!props.table) this.ownTable = this.createTable();
    this.table = props.table ?? (this.ownTable as dynamodb.Table);
    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.function = new StepFunction(this, 'Recorder', {
      entry: 'record-outcome',
      environment: {
        [ENV.table]: this.table.tableName,
        [ENV.route]: props.attributes.route,
        [ENV.reason]: props.attributes.reason,
        [ENV.agentArn]: props.attributes.agentArn,
      },
      logGroup: props.logGroup,
      timeout: Duration.seconds(10),
      // Off the call path: one GetContactAttributes and one PutItem per event.
      memorySize: 512,
    }).function;
    this.rule = deliverContactEvents(this, {
      id: 'ConnectedToAgentRule',
      description: 'CONNECTED_TO_AGENT contact events of this instance: the preferred-agent outcome',
      instanceArn: props.instanceArn,
      events: OUTCOME_EVENTS,
      fn: this.function,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.grantAccess(props.instanceArn);
    this.alarm = new cloudwatch.Alarm(this, 'DlqMessages', {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'CONNECTED_TO_AGENT events were not processed (see the dead-letter queue): the preferred-agent share misses them.',
    });
    this.acknowledge(props.instanceArn);
  }

  private createTable(): dynamodb.Table {
    // Items live a day and hold only a contact id and an outcome: no point-in-time recovery, and
    // deleted with the stack. Same key schema as the routing-state table, so the code is one.
    return new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEY.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEY.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.DEFAULT,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private grantAccess(instanceArn: string): void {
    for (const { actions, resources } of OUTCOME_ACCESS.connect) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...actions],
          resources: resources.map((r) => `${instanceArn}${r}`),
        }),
      );
    }
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...OUTCOME_ACCESS.table], resources: [this.table.tableArn] }),
    );
  }

  /** cdk-nag findings accepted on purpose. */
  private acknowledge(instanceArn: string): void {
    const ack = (scope: Construct, id: string, reason: string) =>
      Validations.of(scope).acknowledge({ id, reason });
    ack(
      this.function,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only grants writing the function’s own CloudWatch logs.',
    );
    ack(
      this.function,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource-level scoping.',
    );
    ack(
      this.function,
      'AwsSolutions-L1',
      'The product targets the Node.js 22 runtime on purpose (tested there).',
    );
    ack(
      this.function,
      `AwsSolutions-IAM5[Resource::${instanceArn}/contact/*]`,
      'Contact ids differ on every event; access stays scoped to this one instance.',
    );
    ack(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue (EventBridge target DLQ / Lambda on-failure destination).',
    );
    if (this.ownTable)
      ack(
        this.ownTable,
        'AwsSolutions-DDB3',
        'One-day dedup items of a metric: nothing to recover; they expire within a day anyway.',
      );
  }
}
