import { type LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { maskPhonesIn } from '../decision/privacy';
import { runtimeEnv } from './config';

export type LogSink = (line: string) => void;

/**
 * Powertools for AWS Lambda's Logger (structured JSON, request id, cold start, X-Ray trace id,
 * AWS_LAMBDA_LOG_LEVEL), with one addition at the sink: every string is passed through
 * `maskPhonesIn` while the line is serialised, so a caller number cannot reach a log line in
 * clear, even hidden in an error message or stack. An optional sink replaces stdout (tests,
 * local tools).
 */
export class Logger extends PowertoolsLogger {
  readonly #sink: LogSink | undefined;

  constructor(options: ConstructorOptions = {}, sink?: LogSink) {
    super({
      ...options,
      jsonReplacerFn: (_key: string, value: unknown) =>
        typeof value === 'string' ? maskPhonesIn(value) : value,
    } as ConstructorOptions);
    this.#sink = sink;
  }

  /** A logger with extra keys on every line (e.g. the contactId of the call being decided). */
  child(keys: Record<string, unknown>): Logger {
    return this.createChild({ persistentKeys: keys } as ConstructorOptions) as Logger;
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new Logger(options, this.#sink);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    if (!this.#sink) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    this.#sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

export interface LoggerOptions {
  /** DEBUG, INFO, WARN, ERROR or SILENT; default from AWS_LAMBDA_LOG_LEVEL / LOG_LEVEL. */
  level?: string;
  keys?: Record<string, unknown>;
  sink?: LogSink;
}

/** The product's logger, configured from the environment (steps/lib/runtime/config.ts `runtimeEnv`). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = runtimeEnv();
  return new Logger(
    {
      serviceName: env.serviceName,
      logLevel: (options.level ?? env.logLevel).toUpperCase() as ConstructorOptions['logLevel'],
      ...(options.keys ? { persistentKeys: options.keys } : {}),
    } as ConstructorOptions,
    options.sink,
  );
}
