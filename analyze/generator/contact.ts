/**
 * A contact as the model sees it: times in UTC epoch seconds (whole seconds throughout, so every
 * duration in a record equals the difference of its timestamps), the agent by index, the caller
 * by pool index. records.ts turns one into an AWS-shaped contact record.
 */

export type Channel = 'VOICE' | 'CHAT';
export type InitiationMethod = 'INBOUND' | 'OUTBOUND' | 'TRANSFER' | 'CALLBACK' | 'API';
export type DisconnectReason = 'CUSTOMER_DISCONNECT' | 'AGENT_DISCONNECT' | 'CONTACT_FLOW_DISCONNECT';

/** How the contact ended, for tests and calibration (not written to the record). */
export type Outcome =
  | 'handled'
  | 'abandoned'
  | 'closed'
  | 'callback-requested'
  | 'unanswered'
  | 'expired'
  | 'open';

/** Where the contact is in the model (routing state). */
export type ContactState = 'flow' | 'queued' | 'preferred' | 'connected' | 'done';

export interface SimContact {
  id: string;
  channel: Channel;
  method: InitiationMethod;
  /** Index in the caller pool; -1 for a chat (no phone number). */
  caller: number;
  initiated: number;
  connectedToSystem: number | null;
  enqueued: number | null;
  dequeued: number | null;
  /** Agent index; -1 when no agent connected. */
  agent: number;
  connectedToAgent: number | null;
  /** Seconds the agent interacted (excludes hold). */
  interaction: number;
  /** Each hold's length in seconds. */
  holds: number[];
  disconnected: number;
  afterWorkEnd: number | null;
  reason: DisconnectReason | null;
  previousId: string | null;
  nextId: string | null;
  initialId: string | null;
  attributes: Record<string, string>;
  outcome: Outcome;
  lastUpdate: number;
  // Routing state (not written).
  state: ContactState;
  preferred: number;
  exclude: number;
  transfer: boolean;
}

export function newContact(
  id: string,
  channel: Channel,
  method: InitiationMethod,
  caller: number,
  at: number,
): SimContact {
  return {
    id,
    channel,
    method,
    caller,
    initiated: at,
    connectedToSystem: null,
    enqueued: null,
    dequeued: null,
    agent: -1,
    connectedToAgent: null,
    interaction: 0,
    holds: [],
    disconnected: at,
    afterWorkEnd: null,
    reason: null,
    previousId: null,
    nextId: null,
    initialId: null,
    attributes: {},
    outcome: 'open',
    lastUpdate: at,
    state: 'flow',
    preferred: -1,
    exclude: -1,
    transfer: false,
  };
}
