import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The routing-state code, loaded on demand by the steps that read the table. A `search`
 * deployment's bundles are built with `process.env.LAST_AGENT_BUNDLE_INDEX` defined as "false"
 * (infra/constructs/step-function.ts `bundlingFor`): esbuild then drops these branches and, with
 * them, the DynamoDB client, so the search path's cold start is what it was before the index
 * existed. Unbundled (tests, the local tools) the flag is unset and both load.
 */
export function loadRoutingStore(): Promise<typeof import('./store')> {
  if (process.env.LAST_AGENT_BUNDLE_INDEX !== 'false') return import('./store');
  return Promise.reject(notBundled());
}

/** The routing-state table's client (one per container; see `lambdaHandler`). */
export function loadDynamoClient(): Promise<DynamoDBDocumentClient> {
  if (process.env.LAST_AGENT_BUNDLE_INDEX !== 'false') {
    return import('./dynamo-client').then((m) => m.createDynamoClient());
  }
  return Promise.reject(notBundled());
}

const notBundled = () =>
  new Error(
    'this function was bundled for LAST_AGENT_SOURCE=search: deploy with the index source to read the table',
  );
