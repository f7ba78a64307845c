/** CloudWatch namespace of the decision metrics (the stack's dashboard reads it). */
export const METRICS_NAMESPACE = 'LastAgentRouting';

/**
 * CloudWatch Embedded Metric Format fields for one decision: the log line itself becomes a
 * `Decisions` count and a `DecisionTime` sample per route and reason, with no API call and no
 * extra dependency.
 */
export function decisionMetrics(route: string, reason: string, decisionMs: number, now = Date.now()) {
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['Route', 'Reason']],
          Metrics: [
            { Name: 'Decisions', Unit: 'Count' },
            { Name: 'DecisionTime', Unit: 'Milliseconds' },
          ],
        },
      ],
    },
    Route: route,
    Reason: reason,
    Decisions: 1,
    DecisionTime: decisionMs,
  };
}
