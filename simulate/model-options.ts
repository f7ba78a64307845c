/**
 * What one run of the model is given (the contact center, the policy, the random source or a
 * script) and what it can record as it goes (the trace).
 */
import type { DurationSpec } from './distributions';
import type { PolicySpec } from './policies';

/** A shift, as seconds of the day; end < start crosses midnight. */
export interface ShiftPlan {
  start: number;
  end: number;
  /** The weekdays (0 = Monday) an instance starts on; absent: every day. */
  weekdays?: readonly number[] | undefined;
}

export interface AgentPlan {
  /** Absent: on duty around the clock. */
  shift?: ShiftPlan;
  /** Periodic breaks from the start of duty: at phase, phase + every, … (each `duration` long, taken when free). */
  breaks?: { every: number; duration: number; phase: number };
  /** Scripted away periods (tests): from `from` (or when free, if on a contact) until `to`. */
  away?: Array<{ from: number; to: number; status: 'Break' | 'Offline' }>;
}

/** A call given explicitly (tests); times in seconds. Scripted runs have no random callbacks. */
export interface ScriptedCall {
  at: number;
  handle: number;
  /** Seconds until the caller hangs up; null or absent: never. */
  patience?: number | null;
  /** A returning call: the index of the agent who answered the previous call. */
  lastAgent?: number;
  /** With lastAgent: the caller's other known agents (indices), newest first. */
  knownAgents?: number[];
  /** agent-queue mode: does the caller press 1? Default: acceptShare ≥ 1. */
  accepts?: boolean;
}

export interface RandomSource {
  seed: number;
  callsPerHour: number;
  arrivalProfile?: readonly number[] | undefined;
  /** 7 × 24 new calls per hour by weekday (Monday first) and hour; replaces callsPerHour and arrivalProfile. */
  weeklyArrivals?: readonly (readonly number[])[] | undefined;
  /** The caller's time with the agent (talk), or the whole handle time when there is no `acw`. */
  handle: DurationSpec;
  /** After-contact work: the agent stays busy after the caller is released. */
  acw?: DurationSpec | undefined;
  patience: DurationSpec | null;
  returnShare: number;
  /** In seconds. */
  returnDelay?: DurationSpec | undefined;
  /** Idle agents make outbound calls at this rate (per idle hour), each busy for `handle`. */
  outbound?: { perIdleAgentHour: number; handle: DurationSpec } | undefined;
  /** This share of answered calls continues, after its talk, as a leg to another agent. */
  transfer?: { share: number; handle: DurationSpec } | undefined;
  /** Callbacks and re-dials arrive only in hours with new calls (a delay landing in a closed hour is redrawn). */
  openHoursOnly?: boolean | undefined;
  /** This share of callers who hang up dial again after `delay` (seconds). */
  redial?: { share: number; delay: DurationSpec } | undefined;
}

export interface ModelOptions {
  policy: PolicySpec;
  agents: AgentPlan[];
  warmupSeconds: number;
  measureSeconds: number;
  /** The weekday (0 = Monday) of simulated time 0; default 0. */
  startWeekday?: number;
  serviceLevelSeconds: number;
  batches: number;
  /**
   * The known agents a caller's history keeps: the largest maxPreferred of the run (every policy
   * of a run gets the same, so `none` and agent-queue count known agents as deep); default 1.
   */
  knownAgentDepth?: number;
  random?: RandomSource;
  script?: ScriptedCall[];
  /** Collects every answer, hang-up, expiry and move (tests and debugging). */
  trace?: TraceEntry[];
  /** Called every 65,536 events with the simulated time (progress display); never changes the run. */
  progress?: (simulatedSeconds: number) => void;
}

export type TraceEntry =
  | { t: number; type: 'answer'; call: number; agent: number; waited: number; ahead: boolean }
  /** A customer's call arrives; `after`: the call it follows (callback or re-dial), `lastAgent` its agent. */
  | {
      t: number;
      type: 'arrive';
      call: number;
      lastAgent: number | null;
      after: number | null;
      redial: boolean;
    }
  /** An agent takes other work: an outbound call, or the transfer leg of `call` (from agent `from`). */
  | { t: number; type: 'outbound'; agent: number }
  | { t: number; type: 'leg'; call: number; agent: number; from: number; waited: number }
  /** `ring2`: the last agent's ring expired and the call now waits for the caller's other known agents. */
  | { t: number; type: 'abandon' | 'expire' | 'move' | 'ring2'; call: number }
  | { t: number; type: 'decide'; call: number; availability: string; preferred: boolean };

export type Availability = 'AVAILABLE' | 'BUSY' | 'NOT_ROUTABLE' | 'OFFLINE' | 'NOT_IN_QUEUE';
