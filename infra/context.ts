import { z } from 'zod';
import { CONFIG_VARIABLES, loadConfig } from '../steps/lib/config';

const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;

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
  flowName: z.string().min(1).max(127).default('Returning-caller routing'),
  logRetentionDays: z.coerce.number().int().positive().default(30),
});
export type DeployContext = z.infer<typeof DeployContext> & {
  /** LAST_AGENT_* variables given as context, validated with the same rules as at runtime. */
  pipelineEnv: Record<string, string>;
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
  if (pipelineEnv.LAST_AGENT_KEY_SECRET) {
    throw new ContextError(
      'LAST_AGENT_KEY_SECRET must not be passed as context (it would land in the template)',
    );
  }
  try {
    loadConfig(pipelineEnv);
  } catch (err) {
    throw new ContextError((err as Error).message);
  }
  return { ...parsed.data, pipelineEnv };
}
