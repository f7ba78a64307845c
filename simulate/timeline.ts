/**
 * The simulation's clock and future-event list: the event queue (event-queue.ts) with the time
 * of the event being handled, and the kinds of event the model schedules.
 */
import type { Agent } from './agents';
import type { Call } from './calls';
import { EventQueue } from './event-queue';

/** A new call arrives (the next one is drawn when it does). */
export const E_NEW_CALL = 0;
/** A given call arrives: a callback or a scripted call. */
export const E_CALL = 1;
/** An agent finishes a contact. */
export const E_END = 2;
/** A caller's patience runs out. */
export const E_ABANDON = 3;
/** preferred-agent: the preference step expires. */
export const E_EXPIRE = 4;
/** agent-queue: the wait in the agent's queue runs out. */
export const E_MOVE = 5;
/** A break is due (argument: the duty epoch). */
export const E_BREAK = 6;
/** An agent comes back from a break or a shift's end (argument: the away sequence). */
export const E_BACK = 7;
/** A shift ends (argument: the duty epoch). */
export const E_SHIFT_END = 8;
/** A scripted away period starts (argument: its index in the plan). */
export const E_AWAY = 9;
/** A two-phase contact's talk ends: the caller is released, the agent starts after-contact work. */
export const E_TALK_END = 10;
/** An idle agent's outbound call is due (argument: the agent's idle sequence when it was drawn). */
export const E_OUTBOUND = 11;

/** What an event refers to. */
export type Ref = Call | Agent;

export class Timeline extends EventQueue<Ref> {
  /** The time of the event being handled. */
  now = 0;
}
