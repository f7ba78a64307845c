/**
 * Agents' work besides answering the queue's calls, from the calibration window:
 * - transfer legs: the share of answered calls that continued as a transfer leg to another agent,
 *   and the leg's agent time (connection to the end of its after-contact work);
 * - other work: every other agent-connected contact (outbound calls, queued callbacks an agent
 *   dials, chats and tasks, inbound calls that skipped the queue), as the simulator's outbound
 *   work: started by idle agents, at the rate seen per idle agent-hour (staffing.ts), each for its
 *   agent time. Other channels share the agents' time with the calls, and only that matters here.
 */
import type { Contact } from '../contact';
import { type ContactList, contactMarks, numbersOf, select } from '../contact-list';
import { busyUntil } from '../figures/agents';
import { floatsOf, kept } from '../typed';
import type { QueuedCalls } from './calls';
import { type DurationFit, fitDuration } from './durations';
import type { CalibrationWindow } from './window';

export interface OtherWork {
  transfer: { share: number; legs: number; of: number; handle: DurationFit | null };
  other: {
    perIdleAgentHour: number;
    jobs: number;
    byKind: Record<string, number>;
    handle: DurationFit | null;
  };
}

const agentSeconds = (c: Contact & { connected: number }) => (busyUntil(c) - c.connected) / 1000;

/** The other work before the staffing says how many idle agent-hours it fell in. */
export type WorkWithoutRate = {
  transfer: OtherWork['transfer'];
  other: Omit<OtherWork['other'], 'perIdleAgentHour'>;
};

/** The rate of other work per idle agent-hour (staffing.ts), to four decimals. */
export function withIdleHours(work: WorkWithoutRate, idleHours: number): OtherWork {
  const { jobs, byKind, handle } = work.other;
  const perIdleAgentHour = idleHours > 0 ? Math.round((jobs / idleHours) * 1e4) / 1e4 : 0;
  return { transfer: work.transfer, other: { perIdleAgentHour, jobs, byKind, handle } };
}

/** `answered`: the answered calls that arrived in the window (indices into `calls`). */
export function otherWorkOf(
  all: ContactList,
  calls: QueuedCalls,
  answered: Int32Array,
  w: CalibrationWindow,
): WorkWithoutRate {
  const inside = (t: number) => t >= w.from && t < w.to;
  const transferred = kept(answered, (i) => calls.legsOf(i).length > 0);
  const legTimes = floatsOf(transferred, (i) =>
    calls.legsOf(i).reduce((s, l) => s + agentSeconds(l as Contact & { connected: number }), 0),
  );
  const queueWork = contactMarks(all);
  for (let i = 0; i < calls.length; i++) {
    queueWork.add(calls.contacts.at(i) as Contact);
    for (const l of calls.legsOf(i)) queueWork.add(l);
  }
  const other = select(
    all,
    (c): c is Contact & { connected: number } =>
      c.connected !== undefined && c.agentArn !== undefined && inside(c.connected) && !queueWork.has(c),
  );
  const byKind: Record<string, number> = {};
  for (const c of other) {
    const kind = `${c.channel ?? 'UNKNOWN'} ${c.method ?? 'UNKNOWN'}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  return {
    transfer: {
      share: answered.length ? Math.round((transferred.length / answered.length) * 1e4) / 1e4 : 0,
      legs: transferred.length,
      of: answered.length,
      handle: fitDuration(legTimes),
    },
    other: {
      jobs: other.length,
      byKind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => a.localeCompare(b))),
      handle: fitDuration(numbersOf(other, agentSeconds)),
    },
  };
}
