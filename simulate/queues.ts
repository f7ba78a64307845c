/**
 * Where waiting callers are: the normal queue (calls that entered at arrival or were moved from
 * an agent queue, in entry order), the expired preferences (in their original order), and per
 * agent the calls preferred to them (a call preferred to several known agents is in each one's
 * list), the second-ring calls they are one of the known agents of, and their agent-queue callers. All are first-in first-out
 * lists with lazy deletion: a call's `where` says which list it really is in. Transfer legs
 * wait in a list of their own, ahead of the normal queue; they never hang up.
 */
import type { Agent } from './agents';
import {
  type Call,
  W_ABANDONED,
  W_AGENT_QUEUE,
  W_ANSWERED,
  W_EXPIRED,
  W_KNOWN,
  W_LEG_QUEUE,
  W_NONE,
  W_OPEN,
  W_RESTRICTED,
  before,
  isExpired,
  isInAgentQueue,
  isKnown,
  isOpen,
  isRestricted,
  isWaiting,
} from './calls';
import { Fifo } from './event-queue';
import { E_ABANDON, type Timeline } from './timeline';

export class ContactQueues {
  private readonly open = new Fifo<Call>();
  private readonly expired = new Fifo<Call>();
  /**
   * The preferences released after a second ring: a list apart, since they expire later than the
   * others of the same arrival time (each list is in arrival order: its calls expire a fixed time
   * after arriving).
   */
  private readonly expiredLate = new Fifo<Call>();
  /** Every caller who had to wait, in arrival order: the oldest still waiting is the front. */
  private readonly waitingByArrival = new Fifo<Call>();
  /** Transfer legs waiting for an agent, oldest first (few: they go ahead of every new call). */
  private readonly legs: Call[] = [];
  /** Callers waiting now, in any list. */
  waitingCount = 0;

  constructor(private readonly timeline: Timeline) {}

  /** The call joins the back of the normal queue (`key`: its place), open to any agent. */
  joinOpen(call: Call, key: number): void {
    const waiting = call.where !== W_NONE;
    call.where = W_OPEN;
    call.key = key;
    this.open.push(call);
    if (!waiting) this.startWaiting(call);
  }

  /** The call waits in the normal queue at its arrival place, for its last agent only. */
  holdFor(agent: Agent, call: Call): void {
    call.where = W_RESTRICTED;
    agent.restricted.push(call);
  }

  /** The call waits in the normal queue at its arrival place, for the caller's other known agents (the second ring). */
  holdForKnown(agents: readonly Agent[], call: Call): void {
    call.where = W_KNOWN;
    for (const agent of agents) agent.known.push(call);
  }

  /** The call waits in the agent's own queue. */
  joinAgentQueue(agent: Agent, call: Call): void {
    call.where = W_AGENT_QUEUE;
    agent.agentQueue.push(call);
  }

  /** A held call is open to any agent, at its original place (`late`: after a second ring). */
  release(call: Call, late = false): void {
    call.where = W_EXPIRED;
    (late ? this.expiredLate : this.expired).push(call);
  }

  /** A caller starts waiting: counted, and the hang-up scheduled. */
  startWaiting(call: Call): void {
    this.waitingCount++;
    this.waitingByArrival.push(call);
    if (call.abandonAt !== Number.POSITIVE_INFINITY) this.timeline.push(call.abandonAt, E_ABANDON, call);
  }

  /** The call is answered: it leaves whatever list it was waiting in. */
  answered(call: Call): void {
    if (call.where !== W_NONE) this.waitingCount--;
    call.where = W_ANSWERED;
  }

  /** The caller hangs up; false if no longer waiting (answered already). */
  abandoned(call: Call): boolean {
    if (!isWaiting(call)) return false;
    call.where = W_ABANDONED;
    this.waitingCount--;
    return true;
  }

  /** Transfer legs waiting now. */
  get legsWaiting(): number {
    return this.legs.length;
  }

  /** A transfer leg waits for an agent other than its first. */
  joinLegs(leg: Call): void {
    leg.where = W_LEG_QUEUE;
    this.legs.push(leg);
  }

  /** A waiting transfer leg is answered: it leaves the list. */
  legAnswered(leg: Call): void {
    this.legs.splice(this.legs.indexOf(leg), 1);
    leg.where = W_ANSWERED;
  }

  /** The caller waiting the longest (from arrival), if any. */
  oldestWaiting(): Call | undefined {
    return this.waitingByArrival.front(isWaiting);
  }

  /**
   * The agent's own queue's oldest contact, else the oldest transfer leg it may take (one not
   * from it), else the oldest normal-queue contact it may take.
   */
  nextFor(agent: Agent): Call | undefined {
    const own = agent.agentQueue.front(isInAgentQueue);
    if (own) return own;
    if (this.legs.length > 0) {
      const leg = this.legs.find((l) => l.from !== agent);
      if (leg) return leg;
    }
    let best = this.open.front(isOpen);
    const expired = this.expired.front(isExpired);
    if (expired && (!best || before(expired, best))) best = expired;
    const late = this.expiredLate.front(isExpired);
    if (late && (!best || before(late, best))) best = late;
    const mine = agent.restricted.front(isRestricted);
    if (mine && (!best || before(mine, best))) best = mine;
    const known = agent.known.front(isKnown);
    if (known && (!best || before(known, best))) best = known;
    return best;
  }
}
