import { redact } from './privacy';

type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogSink = (line: string) => void;

/**
 * One JSON object per line, CloudWatch-friendly. Every field goes through `redact`, so a
 * caller number cannot reach a log line in clear even when it hides in an error message.
 */
export class Logger {
  constructor(
    private readonly base: Record<string, unknown> = {},
    private level: Level = (process.env.LOG_LEVEL?.toLowerCase() as Level) ?? 'info',
    private readonly sink: LogSink = (line) => process.stdout.write(`${line}\n`),
  ) {
    if (!(this.level in ORDER)) this.level = 'info';
  }

  child(fields: Record<string, unknown>): Logger {
    return new Logger({ ...this.base, ...fields }, this.level, this.sink);
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  private write(level: Level, message: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const entry = redact({ level, time: new Date().toISOString(), message, ...this.base, ...fields });
    this.sink(JSON.stringify(entry));
  }
}

export const logger = new Logger();
