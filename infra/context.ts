import { z } from 'zod';
import { checkEntryConfig } from '../steps/lib/decision/caller';
import { CONFIG_VARIABLES, type Config, loadConfig } from '../steps/lib/runtime/config';
import { contextAttributeNames, parseContextAttributes, parseReturningCallerPriority } from './whisper';

const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;
/** Kinesis stream names: 1-128 of [a-zA-Z0-9_.-] (CreateStream, StreamName). */
const KINESIS_STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]{1,128}$/;

/**
 * What the functions' configuration is validated with at synth when the source reads the
 * routing-state table: the stack creates the table, so its real name is a CloudFormation
 * reference until deployment (as the key secret's ARN is).
 */
export const TABLE_NAME_STAND_IN = 'last-agent-routing-state';

/**
 * The values CloudWatch Logs accepts for a retention (PutRetentionPolicy, retentionInDays:
 * "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
 * 1827, 2192, 2557, 2922, 3288, and 3653"). Anything else fails the deployment, so it fails synth.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const DeployContext = z.object({
  instanceArn: z
    .string({ error: 'is required: pass -c instanceArn=arn:aws:connect:REGION:ACCOUNT:instance/ID' })
    .regex(INSTANCE_ARN, 'must look like arn:aws:connect:REGION:ACCOUNT:instance/INSTANCE_ID'),
  defaultQueueArn: z
    .string({
      error: 'is required: the queue for normal routing, arn:aws:connect:…:instance/ID/queue/QUEUE_ID',
    })
    .regex(
      /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}\/queue\/[0-9a-f-]{36}$/,
      'must be a queue ARN',
    ),
  routingMode: z.enum(['preferred-agent', 'agent-queue']).default('preferred-agent'),
  preferredAgentSeconds: z.coerce.number().int().min(5).max(600).default(30),
  /**
   * With LAST_AGENT_MAX_PREFERRED > 1 (issue 27): how long the flow's second routing step offers
   * the call to the other agents who know the caller, after the last agent's window. An expiry in
   * a flow is static, so the stack writes it into the flow and copies it into
   * LAST_AGENT_KNOWN_AGENTS_SECONDS for the decision.
   */
  knownAgentsSeconds: z.coerce.number().int().min(5).max(600).default(30),
  flowName: z.string().min(1).max(127).default('Returning-caller routing'),
  logRetentionDays: z.coerce
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be one of CloudWatch Logs' retention values: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(30),
  /** Customer-managed KMS key for every log group (its key policy must allow CloudWatch Logs). */
  logKmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'must be a KMS key ARN')
    .optional(),
  /**
   * LAST_AGENT_SOURCE index or index-then-search: the Kinesis data stream the instance already
   * publishes its agent events to (contact centres often have one, e.g. for workforce
   * management). An instance has a single agent event stream (the console offers one "Agent
   * Events" stream; the API associates a storage config "for the first time" and updates it
   * after), so when the instance has one, pass its ARN here: the stack then reads that stream
   * and leaves the instance's configuration alone. Without it, the stack creates an on-demand
   * stream encrypted with the AWS managed key (aws/kinesis) and registers it as the instance's
   * agent event stream, which fails if the instance already has one. The stream must be in the
   * instance's Region (the stack deploys there, and the event source mapping reads a stream of
   * its own Region). If it is encrypted with a customer managed KMS key, that key's policy must
   * also allow the agent indexer's role kms:Decrypt. Ignored when the source is `search`.
   */
  agentEventStreamArn: z
    .string()
    .regex(
      KINESIS_STREAM_ARN,
      'must be a Kinesis data stream ARN: arn:aws:kinesis:REGION:ACCOUNT:stream/NAME',
    )
    .optional(),
  /** SNS topic every alarm notifies. */
  alarmTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
    .optional(),
  /** Alarm when more than this share of decisions (%) fail with LOOKUP_ERROR or CONFIG_ERROR. */
  failureAlarmPercent: z.coerce.number().min(1).max(100).default(10),
  /** agent-queue mode: how long a caller waits for the last agent before the normal queue (20-600 s). */
  agentWaitSeconds: z.coerce.number().int().min(20).max(600).default(60),
  /**
   * Opt-in for quiet centers: keep N initialised environments of every function on the decision
   * path (the entry Lambda and the four steps), so a call after a quiet spell does not wait for
   * cold starts (docs/performance.md). Cost at the stack's 1,769 MB, Arm, US East (N. Virginia),
   * $0.0000033334 per GB-second provisioned: about $15.13 per function and unit of N a month,
   * $75.67 a month for N=1 on all five, plus a lower duration rate while serving. 0 (default): off.
   */
  provisionedConcurrency: z.coerce.number().int().min(0).max(100).default(0),
  /**
   * Powertools Tracer on the decision path: an X-Ray subsegment per AWS SDK call inside each
   * function's trace. Off by default, compiled out of the bundles (esbuild define): it adds its
   * X-Ray SDK to every bundle and its load to every cold start (docs/performance.md). Lambda's and
   * Step Functions' own X-Ray tracing is on either way.
   */
  powertoolsTracer: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Queue priority for returning callers: off, priority:N or age:SECONDS (docs/agent-context.md). */
  returningCallerPriority: z
    .string()
    .default('off')
    .transform((v, ctx) => {
      try {
        return parseReturningCallerPriority(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Agent-context attribute names, as key:name overrides (docs/agent-context.md). */
  contextAttributes: z
    .string()
    .default('')
    .transform((v, ctx) => {
      try {
        return parseContextAttributes(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
});
export type DeployContext = z.infer<typeof DeployContext> & {
  /** LAST_AGENT_* variables given as context, validated with the same rules as at runtime. */
  pipelineEnv: Record<string, string>;
  /**
   * The stack creates the HMAC key secret (Secrets Manager, generated at deploy time): customer
   * keys are hashed by default, so no raw caller number reaches contact attributes or the state
   * machine's execution logs. Opt out with -c LAST_AGENT_KEY_MODE=e164.
   */
  createKeySecret: boolean;
  /**
   * The pipeline configuration the functions will load (validated here, at synth). With a source
   * other than `search`, its tableName is TABLE_NAME_STAND_IN: the stack sets the real name.
   */
  config: Config;
};

export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/** Reads CDK context (-c key=value or cdk.json); fails synth with a message naming the key. */
export function parseDeployContext(get: (key: string) => unknown): DeployContext {
  const raw = Object.fromEntries(Object.keys(DeployContext.shape).map((k) => [k, get(k)]));
  const parsed = DeployContext.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`);
    throw new ContextError(`Invalid deployment context: ${problems.join('; ')}`);
  }
  const pipelineEnv: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const v = get(name);
    if (v !== undefined && v !== null && v !== '') pipelineEnv[name] = String(v);
  }
  if (pipelineEnv.LAST_AGENT_TABLE_NAME) {
    throw new ContextError(
      'LAST_AGENT_TABLE_NAME must not be passed as context: the stack creates the routing-state table and sets it',
    );
  }
  const streamRegion = parsed.data.agentEventStreamArn?.split(':')[3];
  const instanceRegion = parsed.data.instanceArn.split(':')[3];
  if (streamRegion && streamRegion !== instanceRegion) {
    throw new ContextError(
      `Invalid deployment context: agentEventStreamArn must be in the instance's Region (${instanceRegion}), not ${streamRegion}`,
    );
  }
  if (pipelineEnv.LAST_AGENT_KEY_SECRET) {
    throw new ContextError(
      'LAST_AGENT_KEY_SECRET must not be passed as context (it would land in the template)',
    );
  }
  if (pipelineEnv.LAST_AGENT_PREFERRED_SECONDS) {
    throw new ContextError(
      'LAST_AGENT_PREFERRED_SECONDS must not be passed as context: the stack sets it from preferredAgentSeconds (preferred-agent mode) or agentWaitSeconds (agent-queue mode), the wait the flow uses',
    );
  }
  if (pipelineEnv.LAST_AGENT_KNOWN_AGENTS_SECONDS) {
    throw new ContextError(
      'LAST_AGENT_KNOWN_AGENTS_SECONDS must not be passed as context: the stack sets it from knownAgentsSeconds, the second step the flow uses',
    );
  }
  // Only a ranked deployment gets it: a default one's functions keep exactly their environment.
  if (Number(pipelineEnv.LAST_AGENT_MAX_PREFERRED ?? 1) > 1)
    pipelineEnv.LAST_AGENT_KNOWN_AGENTS_SECONDS = String(parsed.data.knownAgentsSeconds);
  // The window the decision assumes is the flow's own wait, so the two cannot disagree.
  pipelineEnv.LAST_AGENT_PREFERRED_SECONDS = String(
    parsed.data.routingMode === 'preferred-agent'
      ? parsed.data.preferredAgentSeconds
      : parsed.data.agentWaitSeconds,
  );
  // Hashed keys unless the deployer explicitly chooses E.164 (privacy by default in AWS).
  pipelineEnv.LAST_AGENT_KEY_MODE ??= 'hmac-sha256';
  const createKeySecret =
    pipelineEnv.LAST_AGENT_KEY_MODE === 'hmac-sha256' &&
    !pipelineEnv.LAST_AGENT_KEY_SECRET_PARAMETER &&
    !pipelineEnv.LAST_AGENT_KEY_SECRET_ARN;
  let config: Config;
  try {
    // The secret and the table the stack creates have no ARN or name before deployment:
    // validate with stand-ins.
    const standIn = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:last-agent-key-000000';
    const readsTable = (pipelineEnv.LAST_AGENT_SOURCE ?? 'search') !== 'search';
    config = checkEntryConfig(
      loadConfig({
        ...pipelineEnv,
        ...(createKeySecret ? { LAST_AGENT_KEY_SECRET_ARN: standIn } : {}),
        ...(readsTable ? { LAST_AGENT_TABLE_NAME: TABLE_NAME_STAND_IN } : {}),
      }),
    );
  } catch (err) {
    throw new ContextError((err as Error).message);
  }
  try {
    // The agent-context attributes must not overwrite the searchable key, nor the CSAT attribute
    // the next call's gate reads from this contact.
    contextAttributeNames(parsed.data.contextAttributes, [
      config.attributeKey,
      ...(config.csatAttribute ? [config.csatAttribute] : []),
    ]);
  } catch (err) {
    throw new ContextError(`Invalid deployment context: contextAttributes ${(err as Error).message}`);
  }
  return { ...parsed.data, pipelineEnv, createKeySecret, config };
}
