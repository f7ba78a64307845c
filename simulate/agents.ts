/**
 * The agents: each one's state (on a contact, idle, away, a next status pending), the idle ones
 * in the order they became idle (Connect offers a contact to the agent idle the longest), and
 * the count on a contact. Shifts and breaks are in agent-schedule.ts.
 */
import { type Call, K_OUTBOUND, K_TRANSFER } from './calls';
import { Fifo } from './event-queue';
import type { AgentPlan, ShiftPlan } from './model-options';
import type { AgentView } from './policies';

export const DAY = 86_400;

/** Shift instances: the k-th starts at k·DAY + start. */
export function shiftLength(s: ShiftPlan): number {
  return (((s.end - s.start) % DAY) + DAY) % DAY || DAY;
}

export interface Away {
  status: 'Break' | 'Offline';
  kind: 'break' | 'shift' | 'script';
  /** Absolute end, or -1 to use `duration` from the actual start. */
  until: number;
  duration: number;
}

export interface Agent {
  index: number;
  id: string;
  plan: AgentPlan;
  loggedIn: boolean;
  away: Away | null;
  pending: Away | null;
  call: Call | null;
  /** When the agent took the current contact, and when its talk ended (-1: still talking). */
  callSince: number;
  talkEndedAt: number;
  idle: boolean;
  prevIdle: Agent | null;
  nextIdle: Agent | null;
  restricted: Fifo<Call>;
  /** Calls in their second ring that this agent is one of the known agents of. */
  known: Fifo<Call>;
  /** When the agent last became idle, as a count of agents becoming idle (smaller: idle longer). */
  idleOrder: number;
  agentQueue: Fifo<Call>;
  awaySeq: number;
  /** Counts the agent's idle periods: a timer drawn in an earlier one is stale. */
  idleSeq: number;
  dutyEpoch: number;
  /** Nominal start of the current (or next) shift. */
  shiftStart: number;
}

/** The agent as the product's decision sees it (GetCurrentUserData, see policies.ts). */
export function viewOf(agent: Agent): AgentView {
  return {
    id: agent.id,
    loggedIn: agent.loggedIn,
    status: agent.away ? agent.away.status : 'Available',
    onContact: agent.call !== null,
    nextStatus: agent.pending?.status,
  };
}

function newAgent(plan: AgentPlan, index: number): Agent {
  return {
    index,
    id: `agent-${index + 1}`,
    plan,
    loggedIn: true,
    away: null,
    pending: null,
    call: null,
    callSince: 0,
    talkEndedAt: -1,
    idle: false,
    prevIdle: null,
    nextIdle: null,
    restricted: new Fifo<Call>(),
    known: new Fifo<Call>(),
    idleOrder: 0,
    agentQueue: new Fifo<Call>(),
    awaySeq: 0,
    idleSeq: 0,
    dutyEpoch: 0,
    shiftStart: 0,
  };
}

/**
 * All agents; the idle ones as a doubly linked list, oldest first, so removal is O(1). Counts the
 * agents on a contact, and of them those on outbound work and on transfer legs.
 */
export class Staff {
  readonly agents: Agent[];
  private idleHead: Agent | null = null;
  private idleTail: Agent | null = null;
  idleCount = 0;
  private idleTicks = 0;
  busyCount = 0;
  outboundCount = 0;
  legCount = 0;
  /** Called when an agent becomes idle (outbound work draws its next call then); null: nothing to do. */
  onIdle: ((agent: Agent) => void) | null = null;

  constructor(plans: AgentPlan[]) {
    this.agents = plans.map(newAgent);
  }

  /** The agent idle the longest, if any. */
  get longestIdle(): Agent | null {
    return this.idleHead;
  }

  /** The agent idle the longest other than `not`, if any. */
  longestIdleExcept(not: Agent | null): Agent | null {
    let agent = this.idleHead;
    while (agent && agent === not) agent = agent.nextIdle;
    return agent;
  }

  /** Of `agents`, the one idle the longest (Connect offers a contact to it), if any is idle. */
  longestIdleOf(agents: readonly Agent[]): Agent | null {
    let best: Agent | null = null;
    for (const a of agents) if (a.idle && (!best || a.idleOrder < best.idleOrder)) best = a;
    return best;
  }

  makeIdle(agent: Agent): void {
    agent.idle = true;
    agent.prevIdle = this.idleTail;
    agent.nextIdle = null;
    if (this.idleTail) this.idleTail.nextIdle = agent;
    else this.idleHead = agent;
    this.idleTail = agent;
    this.idleCount++;
    agent.idleSeq++;
    agent.idleOrder = this.idleTicks++;
    if (this.onIdle) this.onIdle(agent);
  }

  removeIdle(agent: Agent): void {
    if (agent.prevIdle) agent.prevIdle.nextIdle = agent.nextIdle;
    else this.idleHead = agent.nextIdle;
    if (agent.nextIdle) agent.nextIdle.prevIdle = agent.prevIdle;
    else this.idleTail = agent.prevIdle;
    agent.prevIdle = null;
    agent.nextIdle = null;
    agent.idle = false;
    this.idleCount--;
  }

  /** The agent takes the call at time `now`. */
  seize(agent: Agent, call: Call, now: number): void {
    if (agent.idle) this.removeIdle(agent);
    agent.call = call;
    agent.callSince = now;
    agent.talkEndedAt = -1;
    this.busyCount++;
    if (call.kind === K_OUTBOUND) this.outboundCount++;
    else if (call.kind === K_TRANSFER) this.legCount++;
  }

  /** The agent finishes its call, which is returned. */
  release(agent: Agent): Call {
    const call = agent.call as Call;
    agent.call = null;
    this.busyCount--;
    if (call.kind === K_OUTBOUND) this.outboundCount--;
    else if (call.kind === K_TRANSFER) this.legCount--;
    return call;
  }
}
