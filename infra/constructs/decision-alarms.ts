import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, OUTCOME_METRICS } from '../../steps/lib/runtime/metrics';

/** The dashboard widget of issue 25's outcome metric. */
export const PREFERRED_AGENT_WIDGET_TITLE = 'Preferred agent reached (daily share)';

export interface DecisionAlarmsProps {
  stateMachine: sfn.StateMachine;
  entryFunction: lambda.Function;
  /** The decision budget; p99 within 10 % of it raises an alarm. */
  deadlineMs: number;
  /**
   * Alarm when more than this share (%) of decisions fail with LOOKUP_ERROR or CONFIG_ERROR.
   * @default 10
   */
  failureAlarmPercent?: number;
  /**
   * Alarms of other constructs shown on the dashboard's alarm widget (the outcome dead-letter queue).
   * @default []
   */
  extraAlarms?: cloudwatch.Alarm[];
  /**
   * SNS topic every alarm notifies.
   * @default - no notification
   */
  alarmTopicArn?: string;
}

/**
 * The alarms and the dashboard of the decisions: state-machine failures and timeouts, entry
 * Lambda errors, p99 near the deadline, and the share of failed decisions (every execution
 * succeeds even when every lookup is denied, so failures are counted from the decisions' own
 * EMF metrics, steps/lib/runtime/metrics.ts).
 */
export class DecisionAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DecisionAlarmsProps) {
    super(scope, id);
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
    const failurePercent = props.failureAlarmPercent ?? 10;
    const alarms = [
      alarm(
        'StateMachineFailures',
        props.stateMachine.metricFailed({ ...fiveMinutes, statistic: 'Sum' }),
        5,
        'Decisions failing in the state machine: callers are routed normally.',
      ),
      alarm(
        'StateMachineTimeouts',
        props.stateMachine.metricTimedOut({ ...fiveMinutes, statistic: 'Sum' }),
        1,
        'Decision executions timing out.',
      ),
      alarm(
        'EntryLambdaErrors',
        props.entryFunction.metricErrors({ ...fiveMinutes, statistic: 'Sum' }),
        1,
        'The entry Lambda threw: the contact flow took its error branch.',
      ),
      alarm(
        'EntryLambdaNearDeadline',
        props.entryFunction.metricDuration({ ...fiveMinutes, statistic: 'p99' }),
        Math.round(props.deadlineMs * 0.9),
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
        failurePercent,
        `More than ${failurePercent}% of decisions failed (LOOKUP_ERROR or CONFIG_ERROR): permissions, configuration or Connect errors; callers are routed normally.`,
        2,
      ),
    ];
    if (props.alarmTopicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
      for (const a of [...alarms, ...(props.extraAlarms ?? [])])
        a.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
    const decisions = (route: string) =>
      new cloudwatch.MathExpression({
        label: route,
        expression: `SUM(SEARCH('{${METRICS_NAMESPACE},service,Route,Reason} Route="${route}" MetricName="Decisions"', 'Sum', 300))`,
        period: Duration.minutes(5),
      });
    this.alarms = alarms;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-decisions`,
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
            left: ['p50', 'p99'].map((statistic) => props.entryFunction.metricDuration({ statistic })),
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: [...alarms, ...(props.extraAlarms ?? [])],
            width: 12,
          }),
        ],
        [preferredAgentReachedWidget()],
      ],
    });
  }
}

/**
 * Issue 25: of the contacts routed to their last agent that reached an agent, the daily share
 * that reached that agent (the figure `analyze` reports as outcome.reachedLastAgentShare), from
 * the service totals steps/record-outcome.ts emits.
 */
export function preferredAgentReachedWidget(): cloudwatch.GraphWidget {
  const daily = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: METRICS_SERVICE },
      statistic: 'Sum',
      period: Duration.days(1),
    });
  return new cloudwatch.GraphWidget({
    title: PREFERRED_AGENT_WIDGET_TITLE,
    left: [
      new cloudwatch.MathExpression({
        label: 'Reached / (Reached + Missed), %',
        // Every counted contact writes both metrics (1 and 0), so a day with data has reached + missed ≥ 1.
        expression: '100 * reached / (reached + missed)',
        usingMetrics: { reached: daily(OUTCOME_METRICS.reached), missed: daily(OUTCOME_METRICS.missed) },
        period: Duration.days(1),
      }),
    ],
    leftYAxis: { min: 0, max: 100 },
    period: Duration.days(1),
    width: 12,
  });
}
