import * as z from 'zod/mini';

/**
 * What the agent is told before a returning caller is connected (the agent-whisper flow,
 * infra/whisper.ts). The entry Lambda builds both texts; the flow stores them as contact
 * attributes and the whisper flow plays one: the "same agent" text when the agent who accepted
 * the call is the last agent ($.Agent.ARN equals the stored last-agent ARN), else the colleague
 * text. Texts come only from the configured templates and a relative time, never from the
 * caller's number or any other caller data.
 */

/** Default templates; `{ago}` becomes "2 days ago", "yesterday", "just now", ... */
export const DEFAULT_WHISPER_TEMPLATES = {
  whisperSame: 'Returning caller. You spoke with them {ago}.',
  whisperOther: 'Returning caller. Last handled by a colleague {ago}.',
} as const;
export type WhisperTemplates = { [K in keyof typeof DEFAULT_WHISPER_TEMPLATES]: string };

/** Longest template accepted: a whisper is heard before every returning call, keep it short. */
export const MAX_WHISPER_TEMPLATE_LENGTH = 200;

/**
 * A whisper template as an environment variable: at most 200 characters, the only placeholder
 * is `{ago}`, and no `$` (flows read `$.` as a JSONPath, so a template never looks like one).
 */
export const whisperTemplate = (fallback: string) =>
  z.pipe(
    z.optional(
      z.string().check(
        z.maxLength(MAX_WHISPER_TEMPLATE_LENGTH, `at most ${MAX_WHISPER_TEMPLATE_LENGTH} characters`),
        z.refine((t: string) => t.trim() !== '', 'must not be blank'),
        z.refine((t: string) => !t.includes('$'), 'must not contain "$"'),
        z.refine((t: string) => (t.match(/\{[^}]*\}?/g) ?? []).every((p) => p === '{ago}'), {
          message: 'the only placeholder is {ago}',
        }),
      ),
    ),
    z.transform((t: string | undefined) => t ?? fallback),
  );

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;

/**
 * How long ago the last contact was, short and human: "just now" (under a minute), "5 minutes
 * ago", "3 hours ago", "yesterday" (24 to 48 hours), "2 days ago", "3 weeks ago" (from 14 days),
 * "2 months ago" (from 60 days, 30-day months). Elapsed time, not calendar days: the Lambda does
 * not know the agent's time zone. A time in the future (clock skew) is "just now"; an unknown or
 * unreadable time is ''.
 */
export function timeAgo(at: string | undefined, now: Date): string {
  const then = at ? Date.parse(at) : Number.NaN;
  if (Number.isNaN(then)) return '';
  const minutes = Math.floor(Math.max(0, now.getTime() - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return plural(hours, 'hour');
  const days = Math.floor(hours / 24);
  if (days < 2) return 'yesterday';
  if (days < 14) return plural(days, 'day');
  if (days < 60) return plural(Math.floor(days / 7), 'week');
  return plural(Math.floor(days / 30), 'month');
}

export function renderWhisper(template: string, ago: string): string {
  return template.replaceAll('{ago}', ago);
}

/** The whisper-related part of the entry Lambda's answer (the flow contract, steps/lib/decision/decision.ts). */
export interface WhisperAnswer {
  /** 'true' when the caller has a recent contact that reached an agent. */
  returningCaller: string;
  agentArn: string;
  whisperSameAgent: string;
  whisperOtherAgent: string;
}

/**
 * What the agent-whisper flow says after the queue name, for the agent who accepted the call:
 * undefined for a caller who is not returning. This is the logic the whisper flow implements
 * with Compare actions (infra/whisper.ts); a test runs the generated flow against it.
 */
export function returningCallerWhisper(
  answer: WhisperAnswer,
  acceptingAgentArn: string | undefined,
): string | undefined {
  if (answer.returningCaller !== 'true') return undefined;
  return acceptingAgentArn && acceptingAgentArn === answer.agentArn
    ? answer.whisperSameAgent
    : answer.whisperOtherAgent;
}
