import * as z from 'zod/mini';
import { Channel } from '../decision/channel';
import { parseHandleModel } from '../decision/handle-model';
import { DEFAULT_WHISPER_TEMPLATES, whisperTemplate } from '../decision/whisper';

/** Connect gives a Lambda at most 8 s; our budget must leave room for the flow itself. */
export const MAX_DEADLINE_MS = 7000;

/** A whole decimal number as written in an environment variable: no spaces, hex, exponents or fractions. */
const decimal = (fallback: number, min: number, max: number, what = 'a whole number') =>
  z.pipe(
    z.pipe(
      z.optional(z.string().check(z.regex(/^\d+$/, `${what} written in decimal digits`))),
      z.transform((v: string | undefined) => (v === undefined ? fallback : Number(v))),
    ),
    z.int().check(z.gte(min), z.lte(max)),
  );

const number = (fallback: number, min: number, max: number) =>
  z.pipe(
    z.pipe(
      z.optional(z.string().check(z.regex(/^\d+(\.\d+)?$/, 'a decimal number such as 3 or 3.5'))),
      z.transform((v: string | undefined) => (v === undefined ? fallback : Number(v))),
    ),
    z.number().check(z.gte(min), z.lte(max)),
  );

const bool = (fallback: boolean) =>
  z.pipe(
    z.optional(z.enum(['true', 'false', '1', '0', 'yes', 'no'])),
    z.transform((v: 'true' | 'false' | '1' | '0' | 'yes' | 'no' | undefined): boolean =>
      v === undefined ? fallback : ['true', '1', 'yes'].includes(v),
    ),
  );

const list = (fallback: string) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((v: string | undefined) =>
      (v ?? fallback)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  );

const pattern = (re: RegExp, message: string) => z.string().check(z.regex(re, message));

/**
 * The pipeline configuration. Each key is read from the environment variable named after it
 * (`attributeKey` ← LAST_AGENT_ATTRIBUTE_KEY, see `envName`), so the schema is the single list
 * of settings: the Config type, the variable names, the CDK context keys and the README table
 * all derive from it.
 */
const ConfigSchema = z.object({
  // Connect's model: SearchableContactAttributeKey @length(1, 100); the admin website accepts
  // letters, digits, "-" and "_" in a searchable key.
  attributeKey: z._default(
    pattern(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, "_" or "-", at most 100 characters'),
    'CustomerPhoneNumber',
  ),
  lookbackDays: decimal(7, 1, 365),
  channels: z.pipe(list('VOICE'), z.array(Channel).check(z.minLength(1))),
  searchMode: z._default(z.enum(['connected', 'initiated']), 'connected'),
  pageSize: decimal(25, 1, 100),
  maxPages: decimal(3, 1, 20),
  minTalkSeconds: decimal(0, 0, 86_400),
  sameQueue: bool(false),
  /** Overrides only: routability comes from each status's type (ListAgentStatuses). */
  routableStatuses: list(''),
  offlineStatuses: list(''),
  /** How long a Lambda container keeps agent status types and routing-profile queues. */
  referenceTtlSeconds: decimal(300, 10, 3600),
  /** Still prefer a last agent who is busy (the flow bounds the wait). */
  preferBusy: bool(true),
  lastQueueFallback: bool(false),
  csatAttribute: z.optional(
    pattern(/^[A-Za-z0-9_.-]{1,128}$/, 'letters, digits, ".", "_" or "-", at most 128 characters'),
  ),
  minCsat: number(3, 0, 100),
  csatMissing: z._default(z.enum(['pass', 'fail']), 'pass'),
  deadlineMs: decimal(3000, 200, MAX_DEADLINE_MS),
  // Checked against libphonenumber's supported countries by `checkEntryConfig`
  // (steps/lib/decision/caller.ts), so the steps that never parse a number do not load its metadata.
  defaultCountry: z._default(
    pattern(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US or GB'),
    'US',
  ),
  keyMode: z._default(z.enum(['e164', 'hmac-sha256']), 'e164'),
  keySecret: z.optional(z.string().check(z.minLength(16, 'at least 16 characters'))),
  /** SSM SecureString parameter holding the key secret (read once at cold start by the entry Lambda). */
  keySecretParameter: z.optional(
    pattern(/^\/?[A-Za-z0-9_.\-/]{1,1011}$/, 'an SSM parameter name such as /last-agent/key-secret'),
  ),
  /** Secrets Manager secret holding the key secret (what the CDK stack creates by default). */
  keySecretArn: z.optional(
    pattern(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
      'a Secrets Manager secret ARN',
    ),
  ),
  /**
   * Where the search and availability steps read routing state: `search` (SearchContacts and
   * GetCurrentUserData per call), `index` (the event-fed DynamoDB table only) or
   * `index-then-search` (the table first, SearchContacts when it has nothing for the caller).
   */
  source: z._default(z.enum(['search', 'index', 'index-then-search']), 'search'),
  /** The routing-state table (steps/lib/routing-state/table.ts); required unless the source is `search`. */
  tableName: z.optional(
    pattern(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name: 3-255 letters, digits, "_", "-" or "."'),
  ),
  /**
   * Agent state older than this is stale and read from GetCurrentUserData instead. The agent
   * event stream publishes a HEART_BEAT every 120 s when nothing else happens.
   */
  agentStateMaxAgeSeconds: decimal(300, 130, 3600),
  /**
   * The preference window the decision assumes, in seconds: how long the flow lets the call wait
   * for the last agent (preferred-agent expiry, or agent-queue wait). The stack sets it from the
   * same setting the flow uses, so the two cannot disagree; 30 for the local tools.
   */
  preferredSeconds: decimal(30, 5, 600),
  /**
   * How many agents who know the caller the decision prefers, in rank (issue 27): the last agent
   * first, then the other agents of the caller's recent contacts, newest first. 1 (default): the
   * last agent only, exactly as before; 2-5 adds up to 4 more (the flow's second routing step).
   */
  maxPreferred: decimal(1, 1, 5),
  /**
   * How long the flow offers the call to the other known agents (its second routing step), in
   * seconds. The stack sets it from the `knownAgentsSeconds` context, as it sets preferredSeconds:
   * the decision computes a busy known agent's chance to be free by the end of that step.
   */
  knownAgentsSeconds: decimal(30, 5, 600),
  /**
   * The center's talk and after-contact-work distributions, JSON {"talkSeconds": DIST,
   * "acwSeconds": DIST} (steps/lib/decision/handle-model.ts; `analyze` writes it as handleModel).
   */
  handleModel: z.optional(
    z.pipe(
      z.string(),
      z.transform((v: string, ctx) => {
        try {
          return parseHandleModel(v);
        } catch (err) {
          ctx.issues.push({ code: 'custom', message: (err as Error).message, input: v });
          return z.NEVER;
        }
      }),
    ),
  ),
  /**
   * Adaptive preference: a busy last agent is preferred only when the chance they are free within
   * the window is at least this (0-1). Unset: off, busy agents are preferred as LAST_AGENT_PREFER_BUSY says.
   */
  minFreeProbability: z.optional(
    z.pipe(
      z.string().check(z.regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'a probability from 0 to 1, such as 0.5')),
      z.transform((v: string) => Number(v)),
    ),
  ),
  /**
   * The agent-whisper text for a returning caller, the same whoever answers: `{agent}` = the last
   * agent's first name ("an agent" when unknown), `{ago}` = "2 days ago" (steps/lib/decision/whisper.ts).
   * Replaces LAST_AGENT_WHISPER_SAME / _OTHER (issue 25), which are no longer read.
   */
  whisper: whisperTemplate(DEFAULT_WHISPER_TEMPLATES.whisper),
});

export type Config = z.infer<typeof ConfigSchema>;
type ConfigKey = keyof Config;

/** The environment variable of a setting: `attributeKey` → `LAST_AGENT_ATTRIBUTE_KEY`. */
export function envName(key: string): string {
  return `LAST_AGENT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The environment variable names, for the CDK stack and the README table. */
export const CONFIG_VARIABLES = (Object.keys(ConfigSchema.shape) as ConfigKey[]).map(envName);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates configuration once. An invalid value fails fast, naming the variable,
 * so a misconfigured deployment fails at cold start rather than on a live call.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((k) => {
      const v = env[envName(k)];
      return [k, v === '' ? undefined : v];
    }),
  );
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${envName(String(i.path[0]))}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  if (parsed.data.minFreeProbability !== undefined && !parsed.data.handleModel) {
    throw new ConfigError(
      'Invalid configuration: LAST_AGENT_HANDLE_MODEL: required when LAST_AGENT_MIN_FREE_PROBABILITY is set (the probability is computed from it)',
    );
  }
  if (parsed.data.source !== 'search' && !parsed.data.tableName) {
    throw new ConfigError(
      `Invalid configuration: LAST_AGENT_TABLE_NAME: required when LAST_AGENT_SOURCE is ${parsed.data.source}`,
    );
  }
  return parsed.data;
}

/**
 * What only the entry Lambda (and the local tools acting as it) needs on top: a source for the
 * HMAC secret in hashed-key mode. The steps never see the caller's number, so they do not.
 */
export function checkKeySecretSource(config: Config): Config {
  if (
    config.keyMode === 'hmac-sha256' &&
    !config.keySecret &&
    !config.keySecretParameter &&
    !config.keySecretArn
  ) {
    throw new ConfigError(
      'Invalid configuration: LAST_AGENT_KEY_SECRET, LAST_AGENT_KEY_SECRET_PARAMETER or LAST_AGENT_KEY_SECRET_ARN: required when LAST_AGENT_KEY_MODE is hmac-sha256',
    );
  }
  return config;
}

/**
 * The rest of the environment a Lambda reads, in one place with the pipeline settings:
 * the state machine to start, the log level (Lambda's advanced logging control sets
 * AWS_LAMBDA_LOG_LEVEL; LOG_LEVEL works locally), the service name.
 */
export function runtimeEnv(env: Record<string, string | undefined> = process.env) {
  const level = (env.AWS_LAMBDA_LOG_LEVEL ?? env.LOG_LEVEL ?? 'INFO').toUpperCase();
  return {
    stateMachineArn: env.STATE_MACHINE_ARN,
    logLevel: ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'].includes(level) ? level : 'INFO',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'last-agent-routing',
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
  };
}
