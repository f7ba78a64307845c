import type { Tracer } from '@aws-lambda-powertools/tracer';

let tracer: Tracer | undefined;

/**
 * Powertools Tracer on an AWS SDK client: an X-Ray subsegment per call (operation, duration,
 * throttles and errors) inside the function's own trace, so a slow decision in the Step Functions
 * console's X-Ray view shows which Connect call was slow.
 *
 * Compiled in only when the stack is deployed with `-c powertoolsTracer=true`: the stack then
 * defines `process.env.LAST_AGENT_BUNDLE_TRACER` as "true" for esbuild (infra/constructs/
 * step-function.ts `bundlingFor`); otherwise the branch, its dynamic import and the X-Ray SDK are
 * dropped from the bundle. Measured here (docs/performance.md), the Tracer and its X-Ray SDK add
 * about 124 KB to every bundle and their load to every function's cold start, on each of the four
 * functions a decision waits for; Lambda's active tracing and the state machine's X-Ray tracing
 * already show each hop. Unbundled (tests, the local tools), the variable decides at run time.
 */
export async function traced<T extends object>(client: T): Promise<T> {
  if (process.env.LAST_AGENT_BUNDLE_TRACER === 'true') {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    tracer ??= new Tracer();
    return tracer.captureAWSv3Client(client);
  }
  return client;
}
