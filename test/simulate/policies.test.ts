/**
 * Each flow mode on small scripted cases whose outcome is worked out by hand: two agents, calls
 * with fixed arrival and handle times, no randomness. Agent 0 is idle the longest at the start.
 */
import { describe, expect, it } from 'vitest';
import { type AgentPlan, type ScriptedCall, type TraceEntry, runModel } from '../../simulate/model';
import {
  type AgentView,
  DecisionMemo,
  type PolicySpec,
  decideReturning,
  routingConfigOf,
} from '../../simulate/policies';

const NONE: PolicySpec = { name: 'none' };
const PREFERRED_60: PolicySpec = { name: 'preferred-agent', expirySeconds: 60 };
const AGENT_QUEUE_60: PolicySpec = { name: 'agent-queue', acceptShare: 1, maxWaitSeconds: 60 };

function run(policy: PolicySpec, script: ScriptedCall[], agents: AgentPlan[] = [{}, {}]) {
  const trace: TraceEntry[] = [];
  const stats = runModel({
    policy,
    agents,
    warmupSeconds: 0,
    measureSeconds: 86_400,
    serviceLevelSeconds: 20,
    batches: 1,
    script,
    trace,
  });
  const answers = trace.filter((e) => e.type === 'answer');
  const answerOf = (call: number) => answers.find((e) => e.call === call);
  return { stats, trace, answers, answerOf };
}

describe('none', () => {
  it('gives a returning call to the agent idle the longest, not to its last agent', () => {
    // Agent 0 takes call 0 and is idle again from 10; agent 1 has been idle since 0.
    const { answerOf, stats } = run(NONE, [
      { at: 0, handle: 10 },
      { at: 20, handle: 10, lastAgent: 0 },
    ]);
    expect(answerOf(1)).toMatchObject({ t: 20, agent: 1, waited: 0 });
    expect(stats.continuity).toBe(0);
    expect(stats.returning.lastAgentStatus.AVAILABLE).toBe(1);
  });
});

describe('preferred-agent', () => {
  it('offers a returning call to its idle last agent at once', () => {
    const { answerOf, stats } = run(PREFERRED_60, [
      { at: 0, handle: 10 },
      { at: 20, handle: 10, lastAgent: 0 },
    ]);
    expect(answerOf(1)).toMatchObject({ t: 20, agent: 0, waited: 0 });
    expect(stats.continuity).toBe(1);
  });

  it('skips the preferred call for other agents during the expiry, then lets anyone take it in its original place', () => {
    // 0 → agent 0 until 100; 1 → agent 1 until 51. Call 2 (last agent 0, busy) waits for agent 0
    // only until 70. Call 3 (t=20) is taken by agent 1 at 51 ahead of call 2, which called at 10.
    // Agent 1 is idle from 61 and takes call 2 when its preference expires at 70.
    const { trace, answerOf, stats } = run(PREFERRED_60, [
      { at: 0, handle: 100 },
      { at: 1, handle: 50 },
      { at: 10, handle: 10, lastAgent: 0 },
      { at: 20, handle: 10 },
    ]);
    expect(trace.find((e) => e.type === 'decide')).toMatchObject({ availability: 'BUSY', preferred: true });
    expect(answerOf(3)).toMatchObject({ t: 51, agent: 1, waited: 31, ahead: true });
    expect(trace).toContainEqual({ t: 70, type: 'expire', call: 2 });
    expect(answerOf(2)).toMatchObject({ t: 70, agent: 1, waited: 60, ahead: false });
    expect(stats).toMatchObject({ answeredAhead: 1, preferredAnsweredAhead: 0, continuity: 0 });
    expect(stats.returning.expired).toBe(1);
  });

  it('lets the last agent take the preferred call when it frees up before the expiry', () => {
    const { answerOf, stats } = run(PREFERRED_60, [
      { at: 0, handle: 40 },
      { at: 1, handle: 50 },
      { at: 10, handle: 10, lastAgent: 0 },
      { at: 20, handle: 10 },
    ]);
    expect(answerOf(2)).toMatchObject({ t: 40, agent: 0, waited: 30, ahead: false });
    // Agent 0 is free again at 50, before agent 1 (51): it takes call 3 too.
    expect(answerOf(3)).toMatchObject({ t: 50, agent: 0, waited: 30 });
    expect(stats.continuity).toBe(1);
    expect(stats.answeredAhead).toBe(0);
  });

  it('does not jump the queue: the freed last agent first takes a caller who called earlier', () => {
    // Call 2 (t=5, anyone) is older than the preferred call 3 (t=10): agent 0 takes call 2 at 40.
    const { answerOf } = run(PREFERRED_60, [
      { at: 0, handle: 40 },
      { at: 1, handle: 200 },
      { at: 5, handle: 10 },
      { at: 10, handle: 10, lastAgent: 0 },
    ]);
    expect(answerOf(2)).toMatchObject({ t: 40, agent: 0, ahead: false });
    expect(answerOf(3)).toMatchObject({ t: 50, agent: 0, waited: 40 });
  });

  it('routes normally when the last agent is on a break: nobody waits for them', () => {
    const { trace, answerOf, stats } = run(
      PREFERRED_60,
      [{ at: 10, handle: 10, lastAgent: 0 }],
      [{ away: [{ from: 0, to: 1000, status: 'Break' }] }, {}],
    );
    expect(trace.find((e) => e.type === 'decide')).toMatchObject({
      availability: 'NOT_ROUTABLE',
      preferred: false,
    });
    expect(answerOf(0)).toMatchObject({ t: 10, agent: 1, waited: 0 });
    expect(stats.returning.lastAgentStatus.NOT_ROUTABLE).toBe(1);
  });

  it("sees a break chosen for after the current contact (Connect's next status) and routes normally", () => {
    // Agent 0 is on call 0 until 100 and has a break due at 50: at 60 its next status is Break.
    const { trace, answerOf } = run(
      PREFERRED_60,
      [
        { at: 0, handle: 100 },
        { at: 60, handle: 10, lastAgent: 0 },
        { at: 150, handle: 10 },
      ],
      [{ away: [{ from: 50, to: 300, status: 'Break' }] }, {}],
    );
    expect(trace.find((e) => e.type === 'decide')).toMatchObject({ availability: 'NOT_ROUTABLE' });
    expect(answerOf(1)).toMatchObject({ t: 60, agent: 1 });
    // Agent 0 went on its break at 100, so call 2 (t=150) goes to agent 1, idle since 70.
    expect(answerOf(2)).toMatchObject({ t: 150, agent: 1 });
  });

  it('routes normally when the last agent is off shift', () => {
    // Agent 0 works 08:00–16:00; at 00:01:40 it is logged out.
    const { trace, answerOf } = run(
      PREFERRED_60,
      [{ at: 100, handle: 10, lastAgent: 0 }],
      [{ shift: { start: 8 * 3600, end: 16 * 3600 } }, {}],
    );
    expect(trace.find((e) => e.type === 'decide')).toMatchObject({
      availability: 'OFFLINE',
      preferred: false,
    });
    expect(answerOf(0)).toMatchObject({ agent: 1, waited: 0 });
  });

  it('waits for a busy last agent only when LAST_AGENT_PREFER_BUSY is on', () => {
    const script = [
      { at: 0, handle: 100 },
      { at: 10, handle: 10, lastAgent: 0 },
    ];
    expect(run({ ...PREFERRED_60, preferBusyAgent: false }, script).answerOf(1)).toMatchObject({
      t: 10,
      agent: 1,
    });
    expect(run(PREFERRED_60, script).answerOf(1)).toMatchObject({ t: 70, agent: 1, waited: 60 });
  });
});

describe('agent-queue', () => {
  it('moves the caller to the normal queue after maxWaitSeconds, as a new entry at the back', () => {
    // Call 2 (last agent 0, busy until 200) accepts and waits in agent 0's queue until 70.
    // Call 3 (t=20) goes to agent 1 at 31; call 4 (t=65) queues; call 2 joins behind it at 70.
    // Agent 1 frees at 131: call 4 first (queued at 65), then call 2 at 141.
    const { trace, answerOf, stats } = run(AGENT_QUEUE_60, [
      { at: 0, handle: 200 },
      { at: 1, handle: 30 },
      { at: 10, handle: 10, lastAgent: 0 },
      { at: 20, handle: 100 },
      { at: 65, handle: 10 },
    ]);
    expect(answerOf(3)).toMatchObject({ t: 31, agent: 1, ahead: true });
    expect(trace).toContainEqual({ t: 70, type: 'move', call: 2 });
    expect(answerOf(4)).toMatchObject({ t: 131, agent: 1, ahead: true });
    expect(answerOf(2)).toMatchObject({ t: 141, agent: 1, waited: 131 });
    expect(stats.continuity).toBe(0);
    expect(stats.returning).toMatchObject({ preferred: 1, expired: 1 });
  });

  it("serves the agent's own queue before older normal-queue callers (agent queues have the highest priority)", () => {
    const { answerOf, stats } = run(AGENT_QUEUE_60, [
      { at: 0, handle: 50 },
      { at: 1, handle: 300 },
      { at: 5, handle: 10 },
      { at: 10, handle: 10, lastAgent: 0 },
    ]);
    expect(answerOf(3)).toMatchObject({ t: 50, agent: 0, waited: 40, ahead: true });
    expect(answerOf(2)).toMatchObject({ t: 60, agent: 0, waited: 55 });
    expect(stats).toMatchObject({ answeredAhead: 1, preferredAnsweredAhead: 1, continuity: 1 });
  });

  it('sends a caller who declines to the normal queue', () => {
    const { answerOf, stats } = run(AGENT_QUEUE_60, [
      { at: 0, handle: 100 },
      { at: 10, handle: 10, lastAgent: 0, accepts: false },
    ]);
    expect(answerOf(1)).toMatchObject({ t: 10, agent: 1 });
    expect(stats.returning).toMatchObject({ preferred: 0, declined: 1 });
  });

  it('does not ask when the last agent is on a break', () => {
    const { answerOf, stats } = run(
      AGENT_QUEUE_60,
      [{ at: 10, handle: 10, lastAgent: 0 }],
      [{ away: [{ from: 0, to: 1000, status: 'Break' }] }, {}],
    );
    expect(answerOf(0)).toMatchObject({ t: 10, agent: 1 });
    expect(stats.returning).toMatchObject({ preferred: 0, declined: 0 });
  });
});

describe('callers who hang up', () => {
  it('leave the queue at the end of their patience and are not answered later', () => {
    const { trace, stats } = run(NONE, [
      { at: 0, handle: 100 },
      { at: 1, handle: 100 },
      { at: 10, handle: 10, patience: 30 },
    ]);
    expect(trace).toContainEqual({ t: 40, type: 'abandon', call: 2 });
    expect(stats).toMatchObject({ offered: 3, answered: 2, abandoned: 1 });
  });
});

describe("the product's decision code", () => {
  const states: AgentView[] = [];
  for (const loggedIn of [true, false])
    for (const status of ['Available', 'Break', 'Offline'] as const)
      for (const onContact of [true, false])
        for (const nextStatus of [undefined, 'Break', 'Offline'] as const)
          states.push({ id: 'agent-7', loggedIn, status, onContact, nextStatus });

  it('classifies the simulated agent states as the Lambdas would', () => {
    const routing = routingConfigOf(PREFERRED_60);
    const idle = {
      id: 'a',
      loggedIn: true,
      status: 'Available',
      onContact: false,
      nextStatus: undefined,
    } as const;
    expect(decideReturning(idle, 0, routing)).toEqual({ availability: 'AVAILABLE', preferLastAgent: true });
    expect(decideReturning({ ...idle, onContact: true }, 0, routing)).toEqual({
      availability: 'BUSY',
      preferLastAgent: true,
    });
    expect(decideReturning({ ...idle, status: 'Break' }, 0, routing).availability).toBe('NOT_ROUTABLE');
    expect(
      decideReturning({ ...idle, nextStatus: 'Offline', onContact: true }, 0, routing).availability,
    ).toBe('OFFLINE');
    expect(decideReturning({ ...idle, loggedIn: false }, 0, routing).availability).toBe('OFFLINE');
    expect(
      decideReturning(
        { ...idle, onContact: true },
        0,
        routingConfigOf({ ...PREFERRED_60, preferBusyAgent: false }),
      ),
    ).toEqual({ availability: 'BUSY', preferLastAgent: false });
  });

  it('memoises exactly what a fresh call to classifyAgent and chooseRoute answers, for every state', () => {
    for (const policy of [PREFERRED_60, { ...PREFERRED_60, preferBusyAgent: false }]) {
      const memo = new DecisionMemo(routingConfigOf(policy));
      for (const state of states) {
        const fresh = decideReturning(state, Date.UTC(2026, 10, 20), routingConfigOf(policy));
        expect(memo.decide(state)).toEqual(fresh);
        expect(memo.decide(state)).toEqual(fresh);
      }
    }
  });
});
