import * as z from 'zod/mini';
import type { Config } from '../runtime/config';
import { customerKeyFor, normaliseCaller } from './caller';
import { Channel } from './channel';
import type { Reason } from './decision';
import { maskPhone } from './privacy';
import type { PipelineInput } from './schemas';

const Id = z.string().check(z.minLength(1), z.maxLength(256));

/**
 * The part of Amazon Connect's Lambda event we use. Connect sends many more fields (and
 * nulls for absent ones); unknown keys are ignored, nulls accepted.
 */
export const ConnectEvent = z.object({
  Name: z.optional(z.string()),
  Details: z.object({
    ContactData: z.object({
      ContactId: Id,
      InitialContactId: z.nullish(Id),
      PreviousContactId: z.nullish(Id),
      Channel: z.nullish(z.string()),
      InstanceARN: z.string().check(z.minLength(1), z.maxLength(512)),
      CustomerEndpoint: z.nullish(z.looseObject({ Address: z.unknown(), Type: z.nullish(z.string()) })),
      Queue: z.nullish(z.looseObject({ ARN: z.nullish(z.string()), Id: z.nullish(z.string()) })),
      Attributes: z.nullish(z.record(z.string(), z.unknown())),
    }),
    Parameters: z.nullish(z.record(z.string(), z.unknown())),
  }),
});
export type ConnectEvent = z.infer<typeof ConnectEvent>;

/** The queue the call is headed to, from the event's queue or a `queueArn`/`queueId` parameter. */
export function currentQueueId(event: ConnectEvent): string | undefined {
  const params = event.Details.Parameters ?? {};
  const queue = event.Details.ContactData.Queue;
  const candidates = [params.queueId, queue?.Id, params.queueArn, queue?.ARN];
  for (const c of candidates) {
    if (typeof c !== 'string' || c === '') continue;
    const id = c.includes('/queue/') ? c.slice(c.lastIndexOf('/') + 1) : c;
    if (/^[A-Za-z0-9-]{1,256}$/.test(id)) return id;
  }
  return undefined;
}

/** The flow's routing mode, passed as the `routingMode` Lambda parameter by the sample flows. */
export function routingModeOf(event: ConnectEvent): string | undefined {
  const mode = event.Details.Parameters?.routingMode;
  return typeof mode === 'string' ? mode : undefined;
}

/** Instance id from an instance ARN (arn:aws:connect:region:account:instance/ID). */
export function instanceIdFromArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/([0-9a-f-]{36})$/.exec(arn)?.[1];
}

/** Either the pipeline runs for this call, or the call is answered at once with a reason. */
export type Admission =
  | {
      kind: 'pipeline';
      /** The state machine input, but for the deadline the entry Lambda adds. */
      input: Omit<PipelineInput, 'deadlineAt'>;
      instanceArn: string;
      /** The caller masked for logs (+*********23). */
      maskedCaller: string;
      /** Agent-queue routing: the flow asks the caller about one agent, so only one is preferred (issue 27). */
      agentQueue: boolean;
    }
  | {
      kind: 'answer';
      reason: Extract<
        Reason,
        'INVALID_EVENT' | 'ANONYMOUS_CALLER' | 'NO_CALLER_NUMBER' | 'INVALID_CALLER_NUMBER'
      >;
      instanceArn?: string;
      contactId?: string;
      /**
       * For INVALID_EVENT: which field, what is wrong (logged, never the caller number). The
       * key is not `message`, which Powertools Logger reserves and would drop with a warning.
       */
      problem?: { path: string; problem: string };
    };

/**
 * The rules that turn a Connect event into either a pipeline input or a reason, in one place
 * (pure: no I/O, no clock but `now`):
 * - not a contact flow event, or no instance ARN → INVALID_EVENT;
 * - withheld caller id → ANONYMOUS_CALLER; none → NO_CALLER_NUMBER; not a phone number →
 *   INVALID_CALLER_NUMBER (no lookup in any of these cases);
 * - otherwise the caller's E.164 number becomes the customer key (or its HMAC), and the queue the
 *   call is headed for scopes the search (LAST_AGENT_SAME_QUEUE) and, except in agent-queue
 *   routing (where the agent's own queue reaches them whatever their profile), the agent's
 *   queue membership check.
 */
export function admitCall(
  event: unknown,
  config: Pick<Config, 'defaultCountry' | 'keyMode' | 'keySecret' | 'csatAttribute'>,
  now: Date,
): Admission {
  const parsed = ConnectEvent.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'answer',
      reason: 'INVALID_EVENT',
      // The event itself when the issue is at the root (Powertools drops an empty path).
      problem: { path: issue?.path.join('.') || '(event)', problem: issue?.message ?? 'invalid' },
    };
  }
  const data = parsed.data.Details.ContactData;
  const instanceId = instanceIdFromArn(data.InstanceARN);
  if (!instanceId) {
    return {
      kind: 'answer',
      reason: 'INVALID_EVENT',
      contactId: data.ContactId,
      problem: { path: 'Details.ContactData.InstanceARN', problem: 'not an instance ARN' },
    };
  }
  const known = { instanceArn: data.InstanceARN, contactId: data.ContactId };
  const caller = normaliseCaller(data.CustomerEndpoint?.Address, config.defaultCountry);
  if (caller.kind === 'anonymous') return { kind: 'answer', reason: 'ANONYMOUS_CALLER', ...known };
  if (caller.kind === 'missing') return { kind: 'answer', reason: 'NO_CALLER_NUMBER', ...known };
  if (caller.kind === 'invalid') return { kind: 'answer', reason: 'INVALID_CALLER_NUMBER', ...known };

  const channel = Channel.safeParse(data.Channel).data ?? 'VOICE';
  const queueId = currentQueueId(parsed.data);
  const agentQueue = routingModeOf(parsed.data) === 'agent-queue';
  return {
    kind: 'pipeline',
    instanceArn: data.InstanceARN,
    maskedCaller: maskPhone(caller.e164),
    agentQueue,
    input: {
      instanceId,
      customerKey: customerKeyFor(caller.e164, config),
      contactId: data.ContactId,
      ...(data.InitialContactId ? { initialContactId: data.InitialContactId } : {}),
      ...(data.PreviousContactId ? { previousContactId: data.PreviousContactId } : {}),
      ...(queueId ? { currentQueueId: queueId } : {}),
      membershipQueueId: queueId && !agentQueue ? queueId : '',
      channel,
      now: now.toISOString(),
      csatGate: Boolean(config.csatAttribute),
    },
  };
}
