/**
 * The definitions of `analyze`'s figures (docs/analyze.md), in one place: the figures computed
 * from records (figures/) read them, and so will their SQL over the Connect data lake (issue 26),
 * so the two cannot drift.
 */
import { CONTEXT_ATTRIBUTE_DEFAULTS } from '../infra/whisper';

/**
 * A caller number: E.164's shape after trimming. Anonymous, withheld and missing numbers never
 * match, so they are never callers and never returning.
 */
export const CALLER_PATTERN = '^\\+[1-9][0-9]{7,14}$';

/** A contact: an inbound voice call. A transfer leg continues the call it names. */
export const CONTACT_CHANNEL = 'VOICE';
export const CONTACT_METHOD = 'INBOUND';
export const LEG_METHOD = 'TRANSFER';

/** The lookback of a previous contact: the Lambdas' LAST_AGENT_LOOKBACK_DAYS default, and its range. */
export const DEFAULT_LOOKBACK_DAYS = 7;
export const LOOKBACK_RANGE = { min: 1, max: 365 } as const;

/** "Working": connected to some contact within this many minutes before and after. */
export const WORKING_WINDOW_MINUTES = 60;

/** The quantiles reported, nearest-rank. */
export const QUANTILES = { p50: 0.5, p90: 0.9 } as const;

/** The product's attributes on each contact, by default the stack's names (contextAttributes). */
export const DEFAULT_ATTRIBUTE_NAMES = {
  route: CONTEXT_ATTRIBUTE_DEFAULTS.route,
  reason: CONTEXT_ATTRIBUTE_DEFAULTS.reason,
  agentArn: CONTEXT_ATTRIBUTE_DEFAULTS.agentArn,
} as const;

/** The route the product's flow stores when it sends a call to the last agent (outcome's routedLastAgent). */
export const LAST_AGENT_ROUTE = 'LAST_AGENT';

/** Hours and days come from the `--timezone` clock at the start of each quarter hour (clock.ts caches so). */
export const CLOCK_STEP_MINUTES = 15;

/**
 * The k of `knownAgentShare` and `knownAgentFreeShare` (issue 27): the caller's last k agents are
 * the distinct agents of their earlier agent-connected contacts in the lookback, newest first, the
 * first k of them (k = 1: the previous agent). Increasing; the figures' keys are these, as text.
 */
export const KNOWN_AGENT_RANKS = [1, 2, 3] as const;
