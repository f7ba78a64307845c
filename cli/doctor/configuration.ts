import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { checkEntryConfig } from '../../steps/lib/decision/caller';
import { CONFIG_VARIABLES, type Config, ConfigError, loadConfig } from '../../steps/lib/runtime/config';
import { type Ctx, type DoctorCheck, callFailed } from './context';

/**
 * `configuration`: the LAST_AGENT_* settings, validated by the very code the Lambdas run at cold
 * start (`loadConfig`, then `checkEntryConfig` as the entry function does), so the doctor passes
 * exactly what the Lambdas accept. Whose settings: the deployed entry function's environment
 * when it is known (GetFunctionConfiguration, `Environment.Variables`; AWS: "The function's
 * environment variables", EnvironmentResponse in @aws-sdk/client-lambda), otherwise the
 * environment the doctor runs in (what `--local` and the local tools load).
 */

export type Env = Record<string, string | undefined>;

export interface ConfigurationResult {
  check: DoctorCheck;
  /** The settings, when valid. */
  config?: Config;
}

const base = { id: 'configuration', title: 'Configuration (LAST_AGENT_* settings)' } as const;

/** The LAST_AGENT_* variables of an environment, empty ones left out (as `loadConfig` treats them). */
function settingsOf(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[0].startsWith('LAST_AGENT_') && typeof e[1] === 'string' && e[1] !== '',
    ),
  );
}

/** The deployed function's environment, or the failed check. */
async function functionSettings(
  ctx: Ctx,
  functionName: string,
): Promise<{ vars: Record<string, string> } | { check: DoctorCheck }> {
  if (!ctx.lambda) return { check: { ...base, status: 'skip', detail: 'No Lambda client.' } };
  try {
    const out = await ctx.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName }),
      ctx.call(),
    );
    const error = out.Environment?.Error;
    if (error)
      return {
        check: {
          ...base,
          status: 'fail',
          detail: `Lambda could not read the environment of ${functionName} (${error.ErrorCode ?? 'error'}: ${error.Message ?? ''}).`,
          hint: 'The environment is encrypted with a KMS key the doctor (or the function) may not use: grant kms:Decrypt on it.',
        },
      };
    return { vars: settingsOf(out.Environment?.Variables ?? {}) };
  } catch (err) {
    return {
      check: callFailed(
        base,
        err,
        `GetFunctionConfiguration of ${functionName}`,
        'lambda:GetFunctionConfiguration on the entry function',
        ctx.timeoutMs,
        'Check --stack-name / --function-arn and --region: the entry function must exist in that Region.',
      ),
    };
  }
}

/** What the settings amount to, without any secret. */
function summary(config: Config) {
  return {
    source: config.source,
    keyMode: config.keyMode,
    attributeKey: config.attributeKey,
    deadlineMs: config.deadlineMs,
    lookbackDays: config.lookbackDays,
    defaultCountry: config.defaultCountry,
    ...(config.tableName ? { tableName: config.tableName } : {}),
  };
}

export async function checkConfiguration(
  ctx: Ctx,
  entryFunction: string | undefined,
  env: Env,
  /** The local run: its function loads this shell's settings, so the fix is here, not a deployment. */
  local = false,
): Promise<ConfigurationResult> {
  let vars: Record<string, string>;
  if (entryFunction) {
    const found = await functionSettings(ctx, entryFunction);
    if ('check' in found) return { check: found.check };
    vars = found.vars;
  } else vars = settingsOf(env);
  const whose = entryFunction
    ? `the environment of the entry function ${entryFunction}`
    : 'the environment the doctor runs in (no entry function given)';
  const names = Object.keys(vars).sort();
  const data = { from: entryFunction ? 'function' : 'environment', variables: names };
  let config: Config;
  try {
    config = checkEntryConfig(loadConfig(vars));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      check: {
        ...base,
        status: 'fail',
        detail: `${err.message.replace(/^Invalid configuration: /, 'Rejected: ')}. Read from ${whose}; the Lambdas reject these settings at cold start and answer every call DEFAULT with reason CONFIG_ERROR.`,
        hint: local
          ? 'Fix the named LAST_AGENT_* variable in this shell (docs/configuration.md lists every setting and its range).'
          : entryFunction
            ? 'Fix the named setting in the deployment (cdk deploy -c LAST_AGENT_…=value) and deploy again; docs/configuration.md lists every setting and its range.'
            : 'Fix the named variable (docs/configuration.md lists every setting and its range); pass --stack-name or --function-arn to check the deployed settings instead.',
        data,
      },
    };
  }
  const unknown = names.filter((n) => !CONFIG_VARIABLES.includes(n));
  const set = names.length
    ? `${names.length} LAST_AGENT_* setting${names.length === 1 ? '' : 's'}`
    : 'no LAST_AGENT_* setting (the defaults)';
  const what = `source ${config.source}, ${config.keyMode} keys on "${config.attributeKey}", deadline ${config.deadlineMs} ms, lookback ${config.lookbackDays} days`;
  if (unknown.length)
    return {
      check: {
        ...base,
        status: 'warn',
        detail: `Valid (${what}), but ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a setting of the product and ${unknown.length === 1 ? 'is' : 'are'} ignored. Read from ${whose}.`,
        hint: 'A misspelt variable leaves its setting at the default: docs/configuration.md lists the names.',
        data: { ...data, unknown, settings: summary(config) },
      },
      config,
    };
  return {
    check: {
      ...base,
      status: 'pass',
      detail: `${set} from ${whose}, accepted as the Lambdas accept them: ${what}.`,
      data: { ...data, settings: summary(config) },
    },
    config,
  };
}
