/** CloudWatch namespace of the decision metrics (the stack's dashboard and alarms read it). */
export const METRICS_NAMESPACE = 'LastAgentRouting';

/** Reasons that mean the product itself failed (not a caller or agent situation): alarmed on their share. */
export const FAILURE_REASONS: readonly string[] = ['LOOKUP_ERROR', 'CONFIG_ERROR'];

/**
 * CloudWatch Embedded Metric Format fields for one decision: the log line itself becomes a
 * `Decisions` count, a `DecisionTime` sample and a `FailedDecisions` count (LOOKUP_ERROR or
 * CONFIG_ERROR), per route and reason and also without dimensions (the totals the failure-share
 * alarm divides; alarms cannot use SEARCH expressions). No API call, no extra dependency.
 */
export function decisionMetrics(route: string, reason: string, decisionMs: number, now = Date.now()) {
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['Route', 'Reason'], []],
          Metrics: [
            { Name: 'Decisions', Unit: 'Count' },
            { Name: 'FailedDecisions', Unit: 'Count' },
            { Name: 'DecisionTime', Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    Route: route,
    Reason: reason,
    Decisions: 1,
    FailedDecisions: FAILURE_REASONS.includes(reason) ? 1 : 0,
    DecisionTime: decisionMs,
  };
}
