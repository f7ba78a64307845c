/**
 * When agents are away: shifts (logged out between them; a shift with weekdays starts only on
 * those days), periodic breaks and scripted away periods. An agent on a contact takes an away
 * status only after it (Connect's next status). Stale break and shift events are recognised by
 * a duty epoch, stale returns by a sequence.
 */
import { type Agent, type Away, DAY, type Staff, shiftLength } from './agents';
import type { AgentPlan, ShiftPlan } from './model-options';
import { E_AWAY, E_BACK, E_BREAK, E_SHIFT_END, type Timeline } from './timeline';

/** The weekday (0 = Monday) of simulated time `t`, when time 0 falls on `startWeekday`. */
export function weekdayOf(t: number, startWeekday: number): number {
  return (((startWeekday + Math.floor(t / DAY)) % 7) + 7) % 7;
}

export class AgentSchedule {
  constructor(
    private readonly timeline: Timeline,
    private readonly staff: Staff,
    private readonly startWeekday = 0,
  ) {}

  /** At time 0: on duty (idle) or logged out until the shift starts; scripted away periods scheduled. */
  start(agent: Agent): void {
    const { shift, away } = agent.plan;
    for (const [i, a] of (away ?? []).entries()) this.timeline.push(a.from, E_AWAY, agent, i);
    if (!shift) {
      this.staff.makeIdle(agent);
      this.startDuty(agent, 0, Number.POSITIVE_INFINITY, 0);
      return;
    }
    const length = shiftLength(shift);
    // The shift instance covering t = 0, if any (it may have started the day before).
    const start = shift.start === 0 ? 0 : shift.start - DAY;
    if (start + length > 0 && this.runs(shift, start)) {
      this.staff.makeIdle(agent);
      this.startDuty(agent, start, start + length, 0);
    } else {
      const next = shift.weekdays ? this.nextRun(shift, start + DAY) : shift.start;
      agent.loggedIn = false;
      this.startAway(agent, { status: 'Offline', kind: 'shift', until: next, duration: 0 });
      agent.shiftStart = next;
    }
  }

  /** Does the shift's instance starting at `at` run (it starts on one of its weekdays)? */
  private runs(shift: ShiftPlan, at: number): boolean {
    return !shift.weekdays || shift.weekdays.includes(weekdayOf(at, this.startWeekday));
  }

  /** The first instance starting at `from` or whole days later that runs (within a week). */
  private nextRun(shift: ShiftPlan, from: number): number {
    let at = from;
    for (let day = 0; day < 7 && !this.runs(shift, at); day++) at += DAY;
    return at;
  }

  breakDue(agent: Agent, epoch: number): void {
    if (epoch !== agent.dutyEpoch) return;
    const breaks = agent.plan.breaks as NonNullable<AgentPlan['breaks']>;
    const next = this.timeline.now + breaks.every;
    const shift = agent.plan.shift;
    if (!shift || next < agent.shiftStart + shiftLength(shift)) {
      this.timeline.push(next, E_BREAK, agent, epoch);
    }
    this.requestAway(agent, { status: 'Break', kind: 'break', until: -1, duration: breaks.duration });
  }

  shiftEnd(agent: Agent, epoch: number): void {
    if (epoch !== agent.dutyEpoch) return;
    agent.dutyEpoch++; // no more breaks of this shift
    const nextStart = this.nextRun(agent.plan.shift as ShiftPlan, agent.shiftStart + DAY);
    this.requestAway(agent, { status: 'Offline', kind: 'shift', until: nextStart, duration: 0 });
  }

  scriptedAway(agent: Agent, index: number): void {
    const a = (agent.plan.away ?? [])[index];
    if (a) this.requestAway(agent, { status: a.status, kind: 'script', until: a.to, duration: 0 });
  }

  /** The agent is back from an away period; true: free to take a contact. */
  back(agent: Agent, seq: number): boolean {
    if (seq !== agent.awaySeq) return false;
    const away = agent.away as Away;
    agent.away = null;
    const shift = agent.plan.shift;
    if (away.kind === 'shift' && shift) {
      const start = away.until;
      this.startDuty(agent, start, start + shiftLength(shift), this.timeline.now);
    }
    return !this.startPending(agent);
  }

  /** Starts the agent's next status, if one is pending; false: none was. */
  startPending(agent: Agent): boolean {
    if (!agent.pending) return false;
    const away = agent.pending;
    agent.pending = null;
    this.startAway(agent, away);
    return true;
  }

  /** On duty from `start` to `end` (nominal): schedules the end of the shift and the breaks. */
  private startDuty(agent: Agent, start: number, end: number, now: number): void {
    agent.dutyEpoch++;
    agent.loggedIn = true;
    agent.shiftStart = start;
    if (end !== Number.POSITIVE_INFINITY) this.timeline.push(end, E_SHIFT_END, agent, agent.dutyEpoch);
    const breaks = agent.plan.breaks;
    if (breaks) {
      let first = start + breaks.phase;
      if (first < now) first += Math.ceil((now - first) / breaks.every) * breaks.every;
      if (first < end) this.timeline.push(first, E_BREAK, agent, agent.dutyEpoch);
    }
  }

  /** Away now if free; after the current contact if on one (Connect's next status). */
  private requestAway(agent: Agent, away: Away): void {
    if (agent.away || agent.call) {
      // The end of a shift overrides a pending break; a break during an absence is skipped.
      if (away.kind === 'shift' || !agent.pending) {
        if (agent.away && away.kind !== 'shift') return;
        agent.pending = away;
      }
      return;
    }
    this.startAway(agent, away);
  }

  private startAway(agent: Agent, away: Away): void {
    const t = this.timeline.now;
    const end = away.until >= 0 ? Math.max(t, away.until) : t + away.duration;
    if (agent.idle) this.staff.removeIdle(agent);
    agent.away = away;
    if (away.kind === 'shift') agent.loggedIn = false;
    agent.awaySeq++;
    this.timeline.push(end, E_BACK, agent, agent.awaySeq);
  }
}
