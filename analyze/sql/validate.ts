/**
 * What may reach the SQL text from the options, checked before any SQL is written: an instance
 * id of Connect's shape, database and table names of Glue's characters (then double-quoted), an
 * IANA time zone of plain characters, attribute names of UpdateContactAttributes' characters,
 * times that parse, a lookback in range. Anything else throws an Error saying which option and
 * why: no quote, semicolon or comment can get into a query.
 */
import { isTimeZone } from '../clock';
import { LOOKBACK_RANGE } from '../definitions';
import type { SqlOptions } from './queries';

const INSTANCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Glue catalog names: letters, digits, underscore; resource links often add hyphens. */
const IDENTIFIER = /^[A-Za-z0-9_-]{1,255}$/;
const ZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;
const ATTRIBUTE = /^[A-Za-z0-9_-]{1,100}$/;

/** The options as the SQL uses them: times in epoch ms, names checked. */
export interface CheckedOptions {
  instanceId: string;
  /** `"database"."table"`. */
  from: string;
  lookbackMs: number;
  since: number | undefined;
  until: number | undefined;
  timeZone: string;
  attributes: { route: string; reason: string; agentArn: string };
}

function time(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new Error(`${flag} must be an ISO 8601 date-time such as 2026-03-01T00:00:00Z, got "${value}"`);
  return ms;
}

function identifier(what: string, value: string): string {
  if (!IDENTIFIER.test(value))
    throw new Error(`${what} must be 1-255 letters, digits, _ or -, got "${value}"`);
  return `"${value}"`;
}

export function checkOptions(o: SqlOptions): CheckedOptions {
  if (!INSTANCE_ID.test(o.instanceId))
    throw new Error(
      `--instance-id must be the Connect instance's id (a lowercase UUID, the last part of its ARN), got "${o.instanceId}"`,
    );
  if (!ZONE.test(o.timeZone) || !isTimeZone(o.timeZone))
    throw new Error(`--timezone must be an IANA time zone such as Europe/Paris or UTC, got "${o.timeZone}"`);
  const days = o.lookbackDays;
  if (!Number.isFinite(days) || days < LOOKBACK_RANGE.min || days > LOOKBACK_RANGE.max)
    throw new Error(`--lookback-days must be ${LOOKBACK_RANGE.min}-${LOOKBACK_RANGE.max}, got ${days}`);
  for (const [key, name] of Object.entries(o.attributeNames))
    if (!ATTRIBUTE.test(name))
      throw new Error(`the ${key} attribute name must be 1-100 letters, digits, - or _, got "${name}"`);
  const since = time('--since', o.since);
  const until = time('--until', o.until);
  if (since !== undefined && until !== undefined && since >= until)
    throw new Error(`--since (${o.since}) must be before --until (${o.until})`);
  return {
    instanceId: o.instanceId,
    from: `${identifier('--database', o.database)}.${identifier('--table', o.table)}`,
    // The reader's test is connected >= initiation − lookbackDays·DAY; on whole milliseconds that
    // is connected >= initiation − floor(lookbackDays·DAY).
    lookbackMs: Math.floor(days * 86_400_000),
    since,
    until,
    timeZone: o.timeZone,
    attributes: { ...o.attributeNames },
  };
}

/** A string literal for a value already checked to hold no quote. */
export const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** An Athena timestamp literal (UTC, Athena's session zone) for epoch ms. */
export function timestampLiteral(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}
