/**
 * Hand-built contact records for the definition tests: AWS's field names and nesting (the
 * contact records data model), filled from a few readable numbers. Times are minutes after
 * 2026-03-02T00:00:00Z (a Monday).
 */
import { type AttributeNames, type Contact, toContact } from '../../analyze/contact';

export const T0 = Date.parse('2026-03-02T00:00:00Z');
export const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString().replace('.000Z', 'Z');
export const ARN = (agent: string) =>
  `arn:aws:connect:us-east-1:111111111111:instance/00000000-0000-4000-8000-000000000000/agent/${agent}`;
export const NAMES: AttributeNames = {
  route: 'lastAgentRoute',
  reason: 'lastAgentReason',
  agentArn: 'lastAgentArn',
};

export interface Call {
  id: string;
  /** Minutes after T0. */
  at: number;
  caller?: string | null;
  channel?: string;
  method?: string;
  /** Queued at `at` + queue offset, for `wait` seconds. */
  queued?: boolean;
  wait?: number;
  agent?: string;
  /** Talk, hold and after-contact work in seconds. */
  talk?: number;
  hold?: number;
  acw?: number;
  initialId?: string;
  attributes?: Record<string, string>;
  lastUpdate?: number;
}

export function ctr(c: Call): Record<string, unknown> {
  const start = T0 + c.at * 60_000;
  const wait = c.wait ?? 0;
  const queued = c.queued ?? c.agent !== undefined;
  const connected = start + 10_000 + wait * 1000;
  const talk = c.talk ?? 300;
  const hold = c.hold ?? 0;
  const acw = c.acw ?? 0;
  const end = c.agent ? connected + (talk + hold) * 1000 : start + 10_000 + wait * 1000;
  const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return {
    AWSContactTraceRecordFormatVersion: '2017-03-10',
    ContactId: c.id,
    Channel: c.channel ?? 'VOICE',
    InitiationMethod: c.method ?? 'INBOUND',
    InitiationTimestamp: at(start),
    DisconnectTimestamp: at(end),
    LastUpdateTimestamp: at(
      c.lastUpdate !== undefined ? T0 + c.lastUpdate * 60_000 : end + acw * 1000 + 60_000,
    ),
    ...(c.initialId ? { InitialContactId: c.initialId, PreviousContactId: c.initialId } : {}),
    CustomerEndpoint:
      c.caller === null ? null : { Address: c.caller ?? '+14155550100', Type: 'TELEPHONE_NUMBER' },
    Queue: queued
      ? {
          ARN: 'arn:aws:connect:us-east-1:111111111111:instance/x/queue/q',
          EnqueueTimestamp: at(start + 10_000),
          DequeueTimestamp: at(start + 10_000 + wait * 1000),
          Duration: wait,
        }
      : null,
    Agent: c.agent
      ? {
          ARN: ARN(c.agent),
          ConnectedToAgentTimestamp: at(connected),
          AgentInteractionDuration: talk,
          CustomerHoldDuration: hold,
          AfterContactWorkDuration: acw,
          AfterContactWorkStartTimestamp: at(end),
          AfterContactWorkEndTimestamp: at(end + acw * 1000),
        }
      : null,
    Attributes: c.attributes ?? {},
  };
}

export function contacts(calls: Call[]): Contact[] {
  return calls.map((c) => toContact(ctr(c), NAMES) as Contact);
}
