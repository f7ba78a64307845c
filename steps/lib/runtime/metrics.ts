import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { runtimeEnv } from './config';

/** CloudWatch namespace of the decision metrics (the stack's dashboard and alarms read it). */
export const METRICS_NAMESPACE = 'LastAgentRouting';
/** The `service` dimension Powertools puts on every metric; the alarms' totals carry only it. */
export const METRICS_SERVICE = runtimeEnv({}).serviceName;

/** Reasons that mean the product itself failed (not a caller or agent situation): alarmed on their share. */
export const FAILURE_REASONS: readonly string[] = ['LOOKUP_ERROR', 'CONFIG_ERROR'];

/**
 * The Embedded Metric Format fields of one decision, built with Powertools for AWS Lambda's
 * Metrics: a `Decisions` count, a `FailedDecisions` count (LOOKUP_ERROR or CONFIG_ERROR) and a
 * `DecisionTime` sample, in two dimension sets: by service, route and reason (dashboards), and
 * by service alone (the totals the failure-share alarm divides; alarms cannot use SEARCH).
 * The fields are merged into the decision's log line rather than printed separately, so the
 * same masking sink writes them and tests read them from the logger; the logger adds the
 * `service` field itself (POWERTOOLS_SERVICE_NAME, default last-agent-routing).
 */
export function decisionMetrics(route: string, reason: string, decisionMs: number) {
  const service = runtimeEnv().serviceName;
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, defaultDimensions: { service } });
  metrics.addDimensions({ Route: route, Reason: reason });
  metrics.addDimensions({});
  metrics.addMetric('Decisions', MetricUnit.Count, 1);
  metrics.addMetric('FailedDecisions', MetricUnit.Count, FAILURE_REASONS.includes(reason) ? 1 : 0);
  metrics.addMetric('DecisionTime', MetricUnit.Milliseconds, decisionMs);
  // The logger writes `service` on every line (the same value), and reserves the key.
  const { service: _written, ...fields } = metrics.serializeMetrics() as Record<string, unknown>;
  return fields;
}

/** The outcome metrics (issue 25): whether a contact routed to its last agent reached that agent. */
export const OUTCOME_METRICS = { reached: 'PreferredAgentReached', missed: 'PreferredAgentMissed' } as const;

/**
 * The EMF fields of one preferred-agent outcome (steps/record-outcome.ts), in the decision
 * metrics' namespace and dimension sets (service, Route, Reason; and service alone, which the
 * dashboard's daily share divides). Both counts are written, 1 and 0, so a day with no miss still
 * has a Missed datapoint and the share Reached / (Reached + Missed) is defined. With several
 * preferred agents (issue 27) a third set, service, Route and Rank, says which of them answered.
 */
export function outcomeMetrics(reached: boolean, route: string, reason: string, rank?: string) {
  const service = runtimeEnv().serviceName;
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, defaultDimensions: { service } });
  metrics.addDimensions({ Route: route, Reason: reason });
  metrics.addDimensions({});
  // Issue 27: which preferred agent answered (1 = the first offered), by route; 'none' = Missed.
  if (rank !== undefined) metrics.addDimensions({ Route: route, Rank: rank });
  metrics.addMetric(OUTCOME_METRICS.reached, MetricUnit.Count, reached ? 1 : 0);
  metrics.addMetric(OUTCOME_METRICS.missed, MetricUnit.Count, reached ? 0 : 1);
  const { service: _written, ...fields } = metrics.serializeMetrics() as Record<string, unknown>;
  return fields;
}
