import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../../steps/lib/routing-state/table';
import { deliverContactEvents } from './contact-event-delivery';
import { StepFunction } from './step-function';

/**
 * The contact events the rule passes to the contact indexer: the values of
 * CONTACT_EVENT_DETAIL_TYPE and INDEXED_EVENT_TYPES in steps/index-contact-events.ts, written
 * again here because importing that module at synth loads the DynamoDB SDK (over a second);
 * test/infra/index-source.test.ts checks that they agree.
 */
export const CONTACT_EVENTS = {
  detailType: 'Amazon Connect Contact Event',
  eventTypes: ['CONNECTED_TO_AGENT', 'DISCONNECTED', 'COMPLETED'],
} as const;

/** The variable the table's name reaches every function in (steps/lib/runtime/config.ts, `tableName`). */
export const TABLE_NAME_VARIABLE = 'LAST_AGENT_TABLE_NAME';

/**
 * The DynamoDB actions each function gets, on the table's ARN only (no index: the table has
 * none). From what each one sends (steps/lib/routing-state/store.ts) and the Service Authorization
 * Reference (every one of these actions takes the `table` resource type).
 */
export const TABLE_ACCESS = {
  /** Query the customer's contacts newest first; UpdateItem its half of the contact join. */
  search: ['dynamodb:Query', 'dynamodb:UpdateItem'],
  /** GetItem the agent's state. */
  availability: ['dynamodb:GetItem'],
  /** UpdateItem the join and the customer contact; GetItem the contact a transfer came from. */
  contactIndexer: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
  /** PutItem the agent's state (conditional on the stored event being older). */
  agentIndexer: ['dynamodb:PutItem'],
  /**
   * With LAST_AGENT_MAX_PREFERRED > 1 (issue 27), the availability step also reads the states of
   * the other agents who know the caller with the last agent's, in one BatchGetItem.
   */
  availabilityRanked: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
} as const;

/**
 * Agent-event records older than this are dropped (to the dead-letter queue) instead of retried:
 * the availability step treats agent state older than agentStateMaxAgeSeconds (at most 3,600 s)
 * as stale anyway, and a HEART_BEAT rewrites every logged-in agent every 120 s.
 */
export const AGENT_RECORD_MAX_AGE = Duration.hours(1);

export interface RoutingStateProps {
  /** The Connect instance whose contact and agent events feed the table. */
  instanceArn: string;
  /** The pipeline configuration (LAST_AGENT_*), which the indexers load like the steps. */
  environment: Record<string, string>;
  /** Retention, removal policy and optional KMS key of the indexers' log groups. */
  logGroup: logs.LogGroupProps;
  /** The search step: reads the customer's contacts and writes the contact join. */
  searchFunction: lambda.IFunction;
  /** The availability step: reads the agent's state. */
  availabilityFunction: lambda.IFunction;
  /** LAST_AGENT_MAX_PREFERRED > 1: the availability step reads several agents' states at once (BatchGetItem). */
  rankedAgents?: boolean;
  /**
   * The Kinesis data stream the instance already publishes its agent events to (an instance has
   * one agent event stream, infra/context.ts `agentEventStreamArn`).
   * @default - a stream is created (on demand, aws/kinesis encryption) and registered as the instance's agent event stream
   */
  agentEventStreamArn?: string;
  /**
   * SNS topic the alarms notify.
   * @default - no notification
   */
  alarmTopicArn?: string;
  /**
   * Memory of the two indexers. They are off the call path (a cold start delays indexing, not a
   * caller) and wait on DynamoDB, not the CPU.
   * @default 512
   */
  indexerMemorySize?: number;
}

/** What the two indexers share: the pipeline configuration with the table name, logs, memory. */
interface IndexerSettings {
  environment: Record<string, string>;
  logGroup: logs.LogGroupProps;
  memorySize: number;
}

/**
 * The event-fed routing state (LAST_AGENT_SOURCE index or index-then-search): the DynamoDB table
 * (steps/lib/routing-state/table.ts), the contact indexer fed by Amazon Connect contact events through
 * EventBridge, the agent indexer fed by the instance's agent event stream through a Kinesis
 * event source mapping, the table access of the two steps that read it, dead-letter queues for
 * every event that could not be indexed, and their alarms. Each choice names its AWS source.
 */
export class RoutingState extends Construct {
  readonly table: dynamodb.Table;
  readonly contactIndexer: NodejsFunction;
  readonly agentIndexer: NodejsFunction;
  /** The agent event stream read: the one given, or the one created. */
  readonly agentEventStream: kinesis.IStream;
  /** Whether the stack created the stream (and registered it with the instance). */
  readonly createdStream: boolean;
  /** Contact events not indexed: EventBridge delivery failures and failed asynchronous invocations. */
  readonly contactEventsDlq: sqs.Queue;
  /** Positions (shard, sequence numbers) of agent-event batches not indexed. */
  readonly agentEventsDlq: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: RoutingStateProps) {
    super(scope, id);
    this.table = this.createTable();
    const indexer: IndexerSettings = {
      environment: { ...props.environment, [TABLE_NAME_VARIABLE]: this.table.tableName },
      logGroup: props.logGroup,
      memorySize: props.indexerMemorySize ?? 512,
    };

    this.contactEventsDlq = this.deadLetterQueue('ContactEventsDlq');
    this.contactIndexer = this.createContactIndexer(indexer);
    this.routeContactEvents(props.instanceArn);

    this.createdStream = !props.agentEventStreamArn;
    this.agentEventStream = this.agentEventSource(props.instanceArn, props.agentEventStreamArn);
    this.agentEventsDlq = this.deadLetterQueue('AgentEventsDlq');
    this.agentIndexer = this.createAgentIndexer(indexer);

    this.grantTableAccess(props);
    this.alarms = createIndexingAlarms(this, props.alarmTopicArn);
    this.outputs();
    this.acknowledgeDeadLetterQueues();
  }

  private createTable(): dynamodb.Table {
    // Encryption: the AWS owned key (DynamoDB's default; SSEEnabled false in the template), "at no
    // additional cost", where with the AWS managed key aws/dynamodb "AWS KMS charges apply"
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.tutorial.html).
    // The managed key would add those charges and CloudTrail entries for no control we use: only
    // this stack's roles read the table, and the customer keys in it are HMACs by default.
    // Point-in-time recovery on: the customer contacts are the routing history, which only the
    // events rebuild, and only going forward. Retained when the stack is deleted, for the same
    // reason: a redeployed stack finds the history where it was (delete the table by hand to drop it).
    return new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEY.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEY.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Epoch seconds; expired items are deleted "typically within two days" and still returned
      // until then, so the readers check expiresAt themselves
      // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html).
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.DEFAULT,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private deadLetterQueue(id: string): sqs.Queue {
    return new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS keeps a message: two weeks to look at a failure and replay it.
      retentionPeriod: Duration.days(14),
    });
  }

  // Contact indexer: EventBridge (default bus) → Lambda, asynchronously. EventBridge's retry
  // policy and target DLQ only cover handing the event to Lambda (throttled Invoke, missing
  // permission, deleted function: "no retry attempts will happen … EventBridge sends these
  // events directly to the target DLQ",
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html). Once Lambda
  // accepted the event, a function error is retried by Lambda's asynchronous invocation, then
  // goes to the function's on-failure destination
  // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). Both failures land in ONE
  // queue: both are "this contact event was not indexed", each message carries the event (the
  // target DLQ the event itself, the destination record it as requestPayload with the error in
  // requestContext), and one queue means one alarm and one place to replay from.
  // (The rule and those delivery settings: contact-event-delivery.ts.)
  private createContactIndexer(indexer: IndexerSettings): NodejsFunction {
    return new StepFunction(this, 'ContactIndexer', {
      entry: 'index-contact-events',
      environment: indexer.environment,
      logGroup: indexer.logGroup,
      timeout: Duration.seconds(10),
      memorySize: indexer.memorySize,
      bundle: { routingState: true },
    }).function;
  }

  private routeContactEvents(instanceArn: string): void {
    // Connect sends "Amazon Connect Contact Event" to the default bus, best effort and unordered
    // (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html); only the three
    // event types the indexer uses.
    deliverContactEvents(this, {
      id: 'ContactEventsRule',
      description: 'Amazon Connect contact events of this instance that the routing-state table indexes',
      instanceArn,
      events: CONTACT_EVENTS,
      fn: this.contactIndexer,
      deadLetterQueue: this.contactEventsDlq,
    });
  }

  // Agent state: the instance's agent event stream (one per instance) → Lambda through a
  // Kinesis event source mapping.
  private agentEventSource(instanceArn: string, agentEventStreamArn: string | undefined): kinesis.IStream {
    if (agentEventStreamArn) {
      return kinesis.Stream.fromStreamArn(this, 'AgentEventStream', agentEventStreamArn);
    }
    // Encryption with the AWS managed key aws/kinesis: Connect cannot publish agent events to a
    // stream encrypted with a key it has no grant on
    // (https://docs.aws.amazon.com/connect/latest/adminguide/agent-event-streams-enable.html);
    // the AWS managed key "works with no additional setup" (said of contact analysis segment
    // streams, https://docs.aws.amazon.com/connect/latest/adminguide/enable-contact-analysis-segment-streams.html;
    // for agent events an inference, not verified by a deployment).
    // On demand: no shard count to size for the number of agents. Deleted with the stack: it
    // holds 24 h of events and bills by the hour.
    const stream = new kinesis.Stream(this, 'AgentEventStream', {
      streamMode: kinesis.StreamMode.ON_DEMAND,
      encryption: kinesis.StreamEncryption.MANAGED,
      retentionPeriod: Duration.hours(24),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Connect publishes with its service-linked role
    // (https://docs.aws.amazon.com/connect/latest/adminguide/restrict-access-examples.html). The
    // instance has one agent event stream (AssociateInstanceStorageConfig "associates a storage
    // resource type for the first time"): if it already has one, this fails; pass
    // agentEventStreamArn instead.
    new connect.CfnInstanceStorageConfig(this, 'AgentEventsStorageConfig', {
      instanceArn,
      resourceType: 'AGENT_EVENTS',
      storageType: 'KINESIS_STREAM',
      kinesisStreamConfig: { streamArn: stream.streamArn },
    });
    return stream;
  }

  private createAgentIndexer(indexer: IndexerSettings): NodejsFunction {
    const fn = new StepFunction(this, 'AgentIndexer', {
      entry: 'index-agent-events',
      environment: indexer.environment,
      logGroup: indexer.logGroup,
      // A batch of 100 conditional PutItems, one after another, with the SDK's retries.
      timeout: Duration.seconds(30),
      memorySize: indexer.memorySize,
      bundle: { routingState: true },
    }).function;
    // Parameters: https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-parameters.html.
    // Without bounded retries and record age, a failing record blocks its shard until it expires
    // (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
    fn.addEventSource(
      new eventSources.KinesisEventSource(this.agentEventStream, {
        // Agent state is a snapshot: only new events matter; HEART_BEAT refreshes every agent in 120 s.
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: AGENT_RECORD_MAX_AGE,
        // The handler reports the failed sequence numbers
        // (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html).
        reportBatchItemFailures: true,
        // One batch per shard at a time: "the partition key used is the agent ARN"
        // (agent-event-streams-enable.html above), so an agent's events stay in order.
        parallelizationFactor: 1,
        // The on-failure record is metadata (shard, sequence numbers), not the data: replay from the
        // stream within its retention.
        onFailure: new eventSources.SqsDlq(this.agentEventsDlq),
      }),
    );
    return fn;
  }

  /** TABLE_ACCESS, on the table's ARN only. */
  private grantTableAccess(props: RoutingStateProps): void {
    const grant = (fn: lambda.IFunction, actions: readonly string[]) =>
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: [...actions], resources: [this.table.tableArn] }),
      );
    grant(props.searchFunction, TABLE_ACCESS.search);
    grant(
      props.availabilityFunction,
      props.rankedAgents ? TABLE_ACCESS.availabilityRanked : TABLE_ACCESS.availability,
    );
    grant(this.contactIndexer, TABLE_ACCESS.contactIndexer);
    grant(this.agentIndexer, TABLE_ACCESS.agentIndexer);
  }

  private outputs(): void {
    new CfnOutput(this, 'TableName', {
      description: 'The routing-state table (LAST_AGENT_TABLE_NAME)',
      value: this.table.tableName,
    });
    new CfnOutput(this, 'AgentEventStreamArn', {
      description: this.createdStream
        ? 'The agent event stream the stack created and registered with the instance'
        : 'The agent event stream the agent indexer reads (given as agentEventStreamArn)',
      value: this.agentEventStream.streamArn,
    });
  }

  private acknowledgeDeadLetterQueues(): void {
    for (const queue of [this.contactEventsDlq, this.agentEventsDlq]) {
      // cdk-nag recognises a queue as a DLQ only through a redrive policy or a function's
      // DeadLetterConfig, not as an EventBridge target DLQ or a Lambda on-failure destination.
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter queue (EventBridge target DLQ / Lambda on-failure destination).',
      });
    }
  }
}

/** Alarms on what was not indexed (dead letters, errors) and on the agent indexer falling behind. */
function createIndexingAlarms(scope: RoutingState, alarmTopicArn: string | undefined): cloudwatch.Alarm[] {
  const fiveMinutes = Duration.minutes(5);
  const alarm = (
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    comparisonOperator: cloudwatch.ComparisonOperator,
    description: string,
  ) =>
    new cloudwatch.Alarm(scope, id, {
      metric,
      threshold,
      comparisonOperator,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  const atLeast = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
  const alarms = [
    alarm(
      'ContactEventsDlqMessages',
      scope.contactEventsDlq.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: fiveMinutes,
      }),
      1,
      atLeast,
      'Contact events were not indexed (see the dead-letter queue): their contacts are missing from the routing-state table.',
    ),
    alarm(
      'AgentEventsDlqMessages',
      scope.agentEventsDlq.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: fiveMinutes,
      }),
      1,
      atLeast,
      'Agent events were not indexed (see the dead-letter queue): agent state may be stale until the next event.',
    ),
    alarm(
      'AgentIndexerIteratorAge',
      scope.agentIndexer.metric('IteratorAge', { statistic: 'Maximum', period: fiveMinutes }),
      60_000,
      above,
      'The agent indexer is more than 60 s behind the agent event stream: the availability step falls back to GetCurrentUserData more often.',
    ),
    alarm(
      'ContactIndexerErrors',
      scope.contactIndexer.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
      1,
      atLeast,
      'The contact indexer failed (Lambda retries twice, then the dead-letter queue).',
    ),
    alarm(
      'AgentIndexerErrors',
      scope.agentIndexer.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
      1,
      atLeast,
      'The agent indexer failed a whole batch (the event source mapping retries, then the dead-letter queue).',
    ),
  ];
  if (alarmTopicArn) {
    const topic = sns.Topic.fromTopicArn(scope, 'AlarmTopic', alarmTopicArn);
    for (const a of alarms) a.addAlarmAction(new cloudwatchActions.SnsAction(topic));
  }
  return alarms;
}
