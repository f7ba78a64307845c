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
  /** agent-queue mode: does the caller press 1? Default: acceptShare ≥ 1. */
  accepts?: boolean;
}

export interface RandomSource {
  seed: number;
  callsPerHour: number;
  arrivalProfile?: readonly number[] | undefined;
  handle: DurationSpec;
  patience: DurationSpec | null;
  returnShare: number;
  /** In seconds. */
  returnDelay?: DurationSpec | undefined;
}

export interface ModelOptions {
  policy: PolicySpec;
  agents: AgentPlan[];
  warmupSeconds: number;
  measureSeconds: number;
  serviceLevelSeconds: number;
  batches: number;
  random?: RandomSource;
  script?: ScriptedCall[];
  /** Collects every answer, hang-up, expiry and move (tests and debugging). */
  trace?: TraceEntry[];
  /** Called every 65,536 events with the simulated time (progress display); never changes the run. */
  progress?: (simulatedSeconds: number) => void;
}

export type TraceEntry =
  | { t: number; type: 'answer'; call: number; agent: number; waited: number; ahead: boolean }
  | { t: number; type: 'abandon' | 'expire' | 'move'; call: number }
  | { t: number; type: 'decide'; call: number; availability: string; preferred: boolean };

export type Availability = 'AVAILABLE' | 'BUSY' | 'NOT_ROUTABLE' | 'OFFLINE' | 'NOT_IN_QUEUE';
