import type { LocalDecision, LocalSession } from '../../local/session';
import { type Config, loadConfig } from '../../steps/lib/runtime/config';

/** Settings the replay into the table depends on: a session cannot change them after it started. */
const REPLAY_SETTINGS = ['LAST_AGENT_TABLE_NAME', 'LAST_AGENT_LOOKBACK_DAYS', 'LAST_AGENT_ATTRIBUTE_KEY'];

/**
 * Gives a running session another configuration, so one session (one dynalite, one replay)
 * serves scenarios that differ in decision-time settings only. The session's steps and its entry
 * path share the `config` object (local/session.ts), so replacing its contents reconfigures them;
 * a session that copied it would fail the scenarios whose setting changes the decision.
 */
export function reconfigure(session: LocalSession, env: Record<string, string>): Config {
  const fixed = REPLAY_SETTINGS.filter((k) => k in env);
  if (fixed.length) throw new Error(`cannot change ${fixed.join(', ')} in a running session`);
  const config = session.config as unknown as Record<string, unknown>;
  const fresh = loadConfig({
    LAST_AGENT_TABLE_NAME: session.config.tableName,
    LAST_AGENT_LOOKBACK_DAYS: String(session.config.lookbackDays),
    LAST_AGENT_ATTRIBUTE_KEY: session.config.attributeKey,
    LAST_AGENT_SOURCE: session.config.source,
    ...env,
  });
  for (const key of Object.keys(config)) delete config[key];
  Object.assign(config, fresh);
  return session.config;
}

/** The output of a state that succeeded in a decision's trace. */
export function outputOf<T = Record<string, unknown>>(result: LocalDecision, state: string): T | undefined {
  return result.trace.find((t) => t.state === state && t.status === 'SUCCEEDED')?.output as T | undefined;
}

/** Where the search step's candidates came from (SEARCH, INDEX, SEARCH_INDEX_EMPTY, SEARCH_INDEX_FAILED). */
export const searchSource = (result: LocalDecision) =>
  outputOf<{ search?: { source?: string } }>(result, 'Search Recent Contacts')?.search?.source;

/** Where the availability step read the agent's state (INDEX or API_INDEX_*; absent on `search`). */
export const availabilitySource = (result: LocalDecision) =>
  outputOf<{ source?: string }>(result, 'Check Agent Availability')?.source;
