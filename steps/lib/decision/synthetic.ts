/**
 * The mark of a synthetic decision: `last-agent doctor` invokes the deployed entry function once
 * with a Connect flow event carrying it, to show route, reason and decision time on the real
 * deployment. The entry function decides such an event like any other and answers the same, but
 * records no decision metrics (no Embedded Metric Format fields on its decision line, so the
 * dashboard and the failure-share alarm never count it), and the state machine input carries
 * `synthetic: true` so the search step writes no routing-state item for it (the contact join of
 * steps/lib/routing-state/table.ts, which would otherwise file a contact that never happened).
 *
 * Where the mark travels: a key of the Lambda event's `Details.Parameters`. AWS: the flow's
 * InvokeLambdaFunction action has "LambdaInvocationAttributes: A map of additional data to send
 * to the AWS Lambda function when invoking it" (Connect API reference, flow language,
 * InvokeLambdaFunction), and they arrive as `Details.Parameters` (Lambda developer guide, "Using
 * Lambda with Amazon Connect", example request event: `"Parameters": { "sentAttributeKey":
 * "sentAttributeValue" }`). Only the flow sets them (a caller cannot, unlike contact attributes),
 * and the product's flows pass `queueArn` and `routingMode` only (infra/contact-flow.ts
 * `decideRouteAction`), so a real call never carries the mark.
 */
export const SYNTHETIC_PARAMETER = 'lastAgentDoctor';
export const SYNTHETIC_VALUE = 'true';

/** What `doctor` says it touched, in one place with the mark. */
export const SYNTHETIC_MARK = `Details.Parameters.${SYNTHETIC_PARAMETER}="${SYNTHETIC_VALUE}"`;

/** Whether a Lambda event carries the mark (any other value, or none, is a real call). */
export function isSyntheticEvent(event: unknown): boolean {
  const details = (event as { Details?: { Parameters?: unknown } } | null | undefined)?.Details;
  const parameters = details?.Parameters;
  if (parameters === null || typeof parameters !== 'object') return false;
  return (parameters as Record<string, unknown>)[SYNTHETIC_PARAMETER] === SYNTHETIC_VALUE;
}

/** The Lambda parameters of a synthetic event: the flow's own, plus the mark. */
export function syntheticParameters(flowParameters: Record<string, string> = {}): Record<string, string> {
  return { ...flowParameters, [SYNTHETIC_PARAMETER]: SYNTHETIC_VALUE };
}
