/**
 * How a function receives this instance's Amazon Connect contact events, the same way for every
 * function that does (the contact indexer, the preferred-agent outcome): an EventBridge rule on
 * the default bus matching the instance and the event types, and the delivery settings both need.
 * An event fails in one of two places, and both land in one queue: EventBridge cannot deliver it
 * (the target's dead-letter queue, after its retries), or the function fails on it (Lambda's
 * asynchronous retries, then the on-failure destination)
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface ContactEventDelivery {
  /** The rule's construct id in `scope`. */
  id: string;
  description: string;
  instanceArn: string;
  /** Connect's contact events on the default bus: their detail-type and the event types wanted. */
  events: { detailType: string; eventTypes: readonly string[] };
  fn: NodejsFunction;
  deadLetterQueue: sqs.IQueue;
}

/** The rule, and the function's asynchronous-invocation settings; returns the rule. */
export function deliverContactEvents(scope: Construct, d: ContactEventDelivery): events.Rule {
  d.fn.configureAsyncInvoke({
    // Lambda's default and maximum (0-2,
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html), written down.
    retryAttempts: 2,
    // The maximum: a late contact event is still worth handling.
    maxEventAge: Duration.hours(6),
    onFailure: new destinations.SqsDestination(d.deadLetterQueue),
  });
  // Only this instance's events (the account may have several instances) of the types asked for.
  const rule = new events.Rule(scope, d.id, {
    description: d.description,
    eventPattern: {
      source: ['aws.connect'],
      detailType: [d.events.detailType],
      detail: { instanceArn: [d.instanceArn], eventType: [...d.events.eventTypes] },
    },
  });
  rule.addTarget(
    new targets.LambdaFunction(d.fn, {
      deadLetterQueue: d.deadLetterQueue,
      // Defaults are 185 attempts over 24 h; delivery to a Lambda in the same account fails only
      // on throttling or misconfiguration, which either clears up within hours or goes to the DLQ.
      retryAttempts: 20,
      maxEventAge: Duration.hours(6),
    }),
  );
  return rule;
}
