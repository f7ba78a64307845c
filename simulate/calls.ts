/**
 * Calls: where a call is (its `where` state), the order of the normal queue, and the making of
 * new calls with their place in the measured window.
 */
import type { Agent } from './agents';
import type { MeasureWindow } from './statistics';

// Where a call is.
export const W_NONE = 0;
export const W_OPEN = 1; // normal queue, any agent (entered at arrival or moved from an agent queue)
export const W_EXPIRED = 2; // normal queue, preference expired: any agent, at its original place
export const W_RESTRICTED = 3; // normal queue, only its last agent (preference running)
export const W_AGENT_QUEUE = 4; // the last agent's own queue
export const W_ANSWERED = 5;
export const W_ABANDONED = 6;

export interface Call {
  id: number;
  arrival: number;
  handle: number;
  abandonAt: number;
  /** Seconds after the end of this call when the customer calls back; < 0: never. */
  returnAfter: number;
  lastAgent: Agent | null;
  accepts: boolean | undefined;
  where: number;
  /** Place in the normal queue (time it entered it); ties broken by id. */
  key: number;
  preferred: boolean;
  measured: boolean;
  batch: number;
}

export const isRestricted = (c: Call) => c.where === W_RESTRICTED;
export const isInAgentQueue = (c: Call) => c.where === W_AGENT_QUEUE;
export const isOpen = (c: Call) => c.where === W_OPEN;
export const isExpired = (c: Call) => c.where === W_EXPIRED;
export const isWaiting = (c: Call) => c.where >= W_OPEN && c.where <= W_AGENT_QUEUE;

/** Normal-queue order: `a` entered before `b` (ties: the older call). */
export function before(a: Call, b: Call): boolean {
  return a.key < b.key || (a.key === b.key && a.id < b.id);
}

/** Makes calls with consecutive ids; a call is measured if it arrives in the measured window. */
export class CallFactory {
  private nextId = 0;

  constructor(private readonly window: MeasureWindow) {}

  create(at: number, handle: number, patience: number | null, returnAfter: number): Call {
    const measured = this.window.contains(at);
    return {
      id: this.nextId++,
      arrival: at,
      handle,
      abandonAt: patience === null ? Number.POSITIVE_INFINITY : at + patience,
      returnAfter,
      lastAgent: null,
      accepts: undefined,
      where: W_NONE,
      key: at,
      preferred: false,
      measured,
      batch: measured ? this.window.batchOf(at) : -1,
    };
  }

  /** Later calls get ids from `count` on (scripted calls keep ids 0 … count − 1). */
  reserve(count: number): void {
    this.nextId = Math.max(this.nextId, count);
  }
}
