import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias:
 * infra/constructs/step-function.ts `BUNDLE_ALIAS`), so every SDK client's default credentials
 * come from the environment alone.
 *
 * Why it is the same credentials: Lambda sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN to "the access keys obtained from the function's execution role" (Lambda
 * developer guide, "Defined runtime environment variables"), and the SDK's default chain tries
 * the environment first (`defaultProvider` in @aws-sdk/credential-provider-node: `fromEnv` before
 * SSO, ini files, process, web identity and the container/instance metadata providers), so in
 * Lambda it always answers with these. What the alias removes is the rest of the chain: about
 * 90 KB of every bundle (the SSO/STS clients of @aws-sdk/nested-clients among it) that a Lambda
 * function never runs. Unbundled (tests, the local tools) the SDK's own chain is used.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
