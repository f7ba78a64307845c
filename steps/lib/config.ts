import { z } from 'zod';

/** Connect gives a Lambda at most 8 s; our budget must leave room for the flow itself. */
export const MAX_DEADLINE_MS = 7000;

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(1)).min(1));

const optionalList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const Channel = z.enum(['VOICE', 'CHAT', 'TASK', 'EMAIL']);

/** Environment variables read by every function and by the local runtime (same names). */
const EnvSchema = z.object({
  // Connect's model: SearchableContactAttributeKey @length(1, 100); the admin website accepts
  // letters, digits, "-" and "_" in a searchable key.
  LAST_AGENT_ATTRIBUTE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, "_" or "-", at most 100 characters')
    .default('CustomerPhoneNumber'),
  LAST_AGENT_LOOKBACK_DAYS: int(7, 1, 365),
  LAST_AGENT_CHANNELS: list('VOICE').pipe(z.array(Channel)),
  LAST_AGENT_SEARCH_MODE: z.enum(['connected', 'initiated']).default('connected'),
  LAST_AGENT_PAGE_SIZE: int(25, 1, 100),
  LAST_AGENT_MAX_PAGES: int(3, 1, 20),
  LAST_AGENT_MIN_TALK_SECONDS: int(0, 0, 86_400),
  LAST_AGENT_SAME_QUEUE: bool(false),
  /** Overrides only: routability comes from each status's type (ListAgentStatuses). */
  LAST_AGENT_ROUTABLE_STATUSES: optionalList,
  LAST_AGENT_OFFLINE_STATUSES: optionalList,
  /** How long a Lambda container keeps agent status types and routing-profile queues. */
  LAST_AGENT_REFERENCE_TTL_SECONDS: int(300, 10, 3600),
  LAST_AGENT_PREFER_BUSY: bool(true),
  LAST_AGENT_LAST_QUEUE_FALLBACK: bool(false),
  LAST_AGENT_CSAT_ATTRIBUTE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/)
    .optional(),
  LAST_AGENT_MIN_CSAT: z.coerce.number().min(0).max(100).default(3),
  LAST_AGENT_CSAT_MISSING: z.enum(['pass', 'fail']).default('pass'),
  LAST_AGENT_DEADLINE_MS: int(3000, 200, MAX_DEADLINE_MS),
  LAST_AGENT_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US')
    .default('US'),
  LAST_AGENT_KEY_MODE: z.enum(['e164', 'hmac-sha256']).default('e164'),
  LAST_AGENT_KEY_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  /** SSM SecureString parameter holding the key secret (read once at cold start by the entry Lambda). */
  LAST_AGENT_KEY_SECRET_PARAMETER: z
    .string()
    .regex(/^\/?[A-Za-z0-9_.\-/]{1,1011}$/, 'an SSM parameter name such as /last-agent/key-secret')
    .optional(),
  /** Secrets Manager secret holding the key secret (what the CDK stack creates by default). */
  LAST_AGENT_KEY_SECRET_ARN: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
      'a Secrets Manager secret ARN',
    )
    .optional(),
});

export type Channel = z.infer<typeof Channel>;

export interface Config {
  attributeKey: string;
  lookbackDays: number;
  channels: Channel[];
  searchMode: 'connected' | 'initiated';
  pageSize: number;
  maxPages: number;
  minTalkSeconds: number;
  sameQueue: boolean;
  /** Status names always treated as routable / offline, whatever their type (override; usually empty). */
  routableStatuses: string[];
  offlineStatuses: string[];
  referenceTtlSeconds: number;
  preferBusyAgent: boolean;
  lastQueueFallback: boolean;
  csatAttribute: string | undefined;
  minCsat: number;
  csatMissing: 'pass' | 'fail';
  deadlineMs: number;
  defaultCountry: string;
  keyMode: 'e164' | 'hmac-sha256';
  keySecret: string | undefined;
  keySecretParameter: string | undefined;
  keySecretArn: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates configuration once. An invalid value fails fast, naming the variable,
 * so a misconfigured deployment fails at cold start rather than on a live call.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (
    e.LAST_AGENT_KEY_MODE === 'hmac-sha256' &&
    !e.LAST_AGENT_KEY_SECRET &&
    !e.LAST_AGENT_KEY_SECRET_PARAMETER &&
    !e.LAST_AGENT_KEY_SECRET_ARN
  ) {
    throw new ConfigError(
      'Invalid configuration: LAST_AGENT_KEY_SECRET, LAST_AGENT_KEY_SECRET_PARAMETER or LAST_AGENT_KEY_SECRET_ARN: required when LAST_AGENT_KEY_MODE is hmac-sha256',
    );
  }
  return {
    attributeKey: e.LAST_AGENT_ATTRIBUTE_KEY,
    lookbackDays: e.LAST_AGENT_LOOKBACK_DAYS,
    channels: e.LAST_AGENT_CHANNELS,
    searchMode: e.LAST_AGENT_SEARCH_MODE,
    pageSize: e.LAST_AGENT_PAGE_SIZE,
    maxPages: e.LAST_AGENT_MAX_PAGES,
    minTalkSeconds: e.LAST_AGENT_MIN_TALK_SECONDS,
    sameQueue: e.LAST_AGENT_SAME_QUEUE,
    routableStatuses: e.LAST_AGENT_ROUTABLE_STATUSES,
    offlineStatuses: e.LAST_AGENT_OFFLINE_STATUSES,
    referenceTtlSeconds: e.LAST_AGENT_REFERENCE_TTL_SECONDS,
    preferBusyAgent: e.LAST_AGENT_PREFER_BUSY,
    lastQueueFallback: e.LAST_AGENT_LAST_QUEUE_FALLBACK,
    csatAttribute: e.LAST_AGENT_CSAT_ATTRIBUTE,
    minCsat: e.LAST_AGENT_MIN_CSAT,
    csatMissing: e.LAST_AGENT_CSAT_MISSING,
    deadlineMs: e.LAST_AGENT_DEADLINE_MS,
    defaultCountry: e.LAST_AGENT_DEFAULT_COUNTRY,
    keyMode: e.LAST_AGENT_KEY_MODE,
    keySecret: e.LAST_AGENT_KEY_SECRET,
    keySecretParameter: e.LAST_AGENT_KEY_SECRET_PARAMETER,
    keySecretArn: e.LAST_AGENT_KEY_SECRET_ARN,
  };
}

/** The environment variable names, for the CDK stack and the README table. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);
