import { z } from 'zod';

const Id = z.string().min(1).max(256);

/**
 * The part of Amazon Connect's Lambda event we use. Connect sends many more fields (and
 * nulls for absent ones); unknown keys are ignored, nulls accepted.
 */
export const ConnectEvent = z.object({
  Name: z.string().optional(),
  Details: z.object({
    ContactData: z.object({
      ContactId: Id,
      InitialContactId: Id.nullish(),
      PreviousContactId: Id.nullish(),
      Channel: z.string().nullish(),
      InstanceARN: z.string().min(1).max(512),
      CustomerEndpoint: z
        .object({ Address: z.unknown(), Type: z.string().nullish() })
        .passthrough()
        .nullish(),
      Queue: z.object({ ARN: z.string().nullish(), Id: z.string().nullish() }).passthrough().nullish(),
      Attributes: z.record(z.string(), z.unknown()).nullish(),
    }),
    Parameters: z.record(z.string(), z.unknown()).nullish(),
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
