import * as z from 'zod/mini';

/**
 * What the agent is told before a returning caller is connected (the agent-whisper flow,
 * infra/whisper.ts). One text, true for whichever agent answers: "Returning caller, last spoke
 * with Maria 2 days ago." The entry Lambda builds it at decision time from the template, the last
 * agent's first name and a relative time, and the inbound flow stores it as a contact attribute
 * the whisper flow plays. It never holds the caller's number or any other caller data.
 *
 * Why one text (issue 25): telling "you" from "a colleague" in the flow would need a Compare of
 * $.Agent.ARN against the stored last-agent ARN, a Compare whose operand is a JSONPath. No flow
 * exported from a real instance shows that working (docs/aws-evidence.md), so no flow of this
 * product depends on it; `checkFlow` (infra/flow-actions.ts) rejects it.
 */

/** Default template; `{agent}` becomes the last agent's first name, `{ago}` "2 days ago", "yesterday", ... */
export const DEFAULT_WHISPER_TEMPLATES = {
  whisper: 'Returning caller, last spoke with {agent} {ago}.',
} as const;
export type WhisperTemplates = { [K in keyof typeof DEFAULT_WHISPER_TEMPLATES]: string };

/**
 * What `{agent}` becomes when the last agent's first name cannot be read (no name on the user
 * account, DescribeUser failed, an agent-state snapshot without one): "Returning caller, last
 * spoke with an agent 2 days ago". Chosen over "a colleague" because it stays true when the
 * agent who answers is the last agent.
 */
export const UNNAMED_AGENT = 'an agent';

/** Placeholders a whisper template may hold. */
export const WHISPER_PLACEHOLDERS = ['{agent}', '{ago}'] as const;

/** Longest template accepted: a whisper is heard before every returning call, keep it short. */
export const MAX_WHISPER_TEMPLATE_LENGTH = 200;

/**
 * A whisper template as an environment variable: at most 200 characters, the only placeholders
 * are `{agent}` and `{ago}`, and no `$` (flows read `$.` as a JSONPath, so a template never looks
 * like one).
 */
export const whisperTemplate = (fallback: string) =>
  z.pipe(
    z.optional(
      z.string().check(
        z.maxLength(MAX_WHISPER_TEMPLATE_LENGTH, `at most ${MAX_WHISPER_TEMPLATE_LENGTH} characters`),
        z.refine((t: string) => t.trim() !== '', 'must not be blank'),
        z.refine((t: string) => !t.includes('$'), 'must not contain "$"'),
        z.refine(
          (t: string) =>
            (t.match(/\{[^}]*\}?/g) ?? []).every((p) =>
              (WHISPER_PLACEHOLDERS as readonly string[]).includes(p),
            ),
          { message: 'the only placeholders are {agent} and {ago}' },
        ),
      ),
    ),
    z.transform((t: string | undefined) => t ?? fallback),
  );

/** Connect's limit on a user's first name (agent event stream data model, Configuration.FirstName: "Length: 1-100"). */
export const MAX_FIRST_NAME_LENGTH = 100;

/**
 * A first name as the whisper speaks it: control characters dropped, whitespace collapsed, at
 * most 100 characters; undefined when nothing is left (or nothing was given).
 */
export function speakableFirstName(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  const clean = name
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean ? [...clean].slice(0, MAX_FIRST_NAME_LENGTH).join('').trim() : undefined;
}

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

/**
 * The whisper text: the template with `{agent}` (the first name, or UNNAMED_AGENT) and `{ago}`
 * filled in. Both are replaced in one pass, so a name that reads "{ago}" stays a name.
 */
export function renderWhisper(template: string, values: { agent?: string | undefined; ago: string }): string {
  const agent = speakableFirstName(values.agent) ?? UNNAMED_AGENT;
  return template.replace(/\{agent\}|\{ago\}/g, (p) => (p === '{agent}' ? agent : values.ago));
}

/** The whisper-related part of the entry Lambda's answer (the flow contract, steps/lib/decision/decision.ts). */
export interface WhisperAnswer {
  /** 'true' when the caller has a recent contact that reached an agent. */
  returningCaller: string;
  /** The one whisper text ('' unless returningCaller). */
  whisper: string;
}

/**
 * What the agent-whisper flow says after the queue name: undefined for a caller who is not
 * returning, else the one text, whoever answers. This is the logic the whisper flow implements
 * (infra/whisper.ts: a Compare of the returningCaller attribute with the literal "true", then the
 * stored text); a test runs the generated flow against it.
 */
export function returningCallerWhisper(answer: WhisperAnswer): string | undefined {
  return answer.returningCaller === 'true' ? answer.whisper : undefined;
}
