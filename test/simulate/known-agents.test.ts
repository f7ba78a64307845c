/**
 * Ranked preferred agents (issue 27): the caller's last k distinct agents. Scripted cases worked
 * out by hand for the rings, then seeded runs for the figures: maxPreferred 1 is today's policy
 * exactly, knownAgentShare equals continuity then, and with several agents it is at least
 * continuity and rises with k on a center where callers see several agents.
 */
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../simulate/agents';
import { type Call, NO_AGENTS, othersAfter } from '../../simulate/calls';
import { SimulationConfigError, parseSimulationConfig } from '../../simulate/config';
import { type AgentPlan, type ScriptedCall, type TraceEntry, runModel } from '../../simulate/model';
import { type PolicySpec, expandPolicies, policyLabel } from '../../simulate/policies';
import { formatTable, reportJson } from '../../simulate/report';
import { type PolicyRow, runSimulation } from '../../simulate/run';

const ranked = (maxPreferred: number, knownAgentsSeconds?: number): PolicySpec => ({
  name: 'preferred-agent',
  expirySeconds: 10,
  maxPreferred,
  ...(knownAgentsSeconds === undefined ? {} : { knownAgentsSeconds }),
});

function run(policy: PolicySpec, script: ScriptedCall[], agents: AgentPlan[]) {
  const trace: TraceEntry[] = [];
  const stats = runModel({
    policy,
    agents,
    warmupSeconds: 0,
    measureSeconds: 86_400,
    serviceLevelSeconds: 20,
    batches: 1,
    knownAgentDepth: 3,
    script,
    trace,
  });
  const answerOf = (call: number) => trace.find((e) => e.type === 'answer' && e.call === call);
  return { stats, trace, answerOf };
}

const FOUR: AgentPlan[] = [{}, {}, {}, {}];

/**
 * Agents 0–3 take calls 0–3 at 0 (agent 0 until 100, agent 1 until `agent1Free`, agent 2 until
 * 100, agent 3 until 5, then idle). Call 4 at 1: last agent 0, earlier agents 1 then 2.
 */
const script = (agent1Free: number): ScriptedCall[] => [
  { at: 0, handle: 100 },
  { at: 0, handle: agent1Free },
  { at: 0, handle: 100 },
  { at: 0, handle: 5 },
  { at: 1, handle: 30, lastAgent: 0, knownAgents: [1, 2] },
];

describe('the second ring', () => {
  it('waits for the other known agents after the last agent’s expiry: an idle stranger does not take the call', () => {
    // Ring 1: agent 0 alone, 1–11. Ring 2: agents 1 and 2, 11–41; agent 3 idle since 5 is not in it.
    const { answerOf, trace, stats } = run(ranked(3, 30), script(14), FOUR);
    expect(trace.find((e) => e.type === 'ring2')).toMatchObject({ t: 11, call: 4 });
    expect(answerOf(4)).toMatchObject({ t: 14, agent: 1, waited: 13 });
    expect(stats.continuity).toBe(0);
    expect(stats.known.share).toBe(1);
    expect(stats.known.secondRing).toBe(1);
  });

  it('is not there with maxPreferred 1: at the expiry the idle stranger takes the call', () => {
    const { answerOf, trace, stats } = run(ranked(1), script(14), FOUR);
    expect(trace.some((e) => e.type === 'ring2')).toBe(false);
    expect(answerOf(4)).toMatchObject({ t: 11, agent: 3, waited: 10 });
    expect(stats.known.share).toBe(0);
  });

  it('goes to anyone, in its original place, when the second ring expires too', () => {
    // Ring 2 is 11–16; agent 1 is busy until 20: at 16 the idle agent 3 takes it.
    const { answerOf, trace, stats } = run(ranked(3, 5), script(20), FOUR);
    expect(trace.filter((e) => e.type === 'expire' && e.call === 4).map((e) => e.t)).toEqual([16]);
    expect(answerOf(4)).toMatchObject({ t: 16, agent: 3 });
    expect(stats.returning.expired).toBe(1);
  });

  it('offers the call at once to a known agent already idle when the second ring starts', () => {
    // Agent 1 is free from 4, so idle at 11 (not in ring 1, it took nothing).
    const { answerOf } = run(ranked(2, 30), script(4), FOUR);
    expect(answerOf(4)).toMatchObject({ t: 11, agent: 1, waited: 10 });
  });

  it('keeps the last maxPreferred agents only: with k = 2 the third (agent 2) is not in the second ring', () => {
    // Agent 1 stays busy until 60, agent 2 frees at 20: with k = 3 agent 2 takes it, with k = 2 agent 1.
    const calls: ScriptedCall[] = [
      { at: 0, handle: 100 },
      { at: 0, handle: 60 },
      { at: 0, handle: 20 },
      { at: 0, handle: 100 },
      { at: 1, handle: 30, lastAgent: 0, knownAgents: [1, 2] },
    ];
    expect(run(ranked(3, 120), calls, FOUR).answerOf(4)).toMatchObject({ t: 20, agent: 2 });
    expect(run(ranked(2, 120), calls, FOUR).answerOf(4)).toMatchObject({ t: 60, agent: 1 });
  });
});

describe('the last agent ruled out', () => {
  // Agent 0 on a break all along; agent 1 busy until 8; agents 2 and 3 idle.
  const agents: AgentPlan[] = [{ away: [{ from: 0, to: 1000, status: 'Break' }] }, {}, {}, {}];
  const calls: ScriptedCall[] = [
    { at: 0, handle: 8 },
    { at: 1, handle: 30, lastAgent: 0, knownAgents: [1] },
  ];

  it('prefers the other known agents in the first ring, for the expiry', () => {
    const { answerOf, stats, trace } = run(ranked(2, 30), calls, agents);
    expect(answerOf(0)).toMatchObject({ agent: 1 });
    expect(trace.find((e) => e.type === 'decide')).toMatchObject({ availability: 'NOT_ROUTABLE' });
    expect(answerOf(1)).toMatchObject({ t: 8, agent: 1, waited: 7 });
    expect(stats.known.othersFirst).toBe(1);
    expect(stats.returning.preferred).toBe(1);
  });

  it('routes normally with maxPreferred 1, as today', () => {
    const { answerOf, stats } = run(ranked(1), calls, agents);
    expect(answerOf(1)).toMatchObject({ t: 1, waited: 0 });
    expect(stats.returning.preferred).toBe(0);
  });

  it('routes normally when every known agent is ruled out', () => {
    const bothAway: AgentPlan[] = [
      { away: [{ from: 0, to: 1000, status: 'Break' }] },
      { away: [{ from: 0, to: 1000, status: 'Offline' }] },
      {},
    ];
    const { answerOf, stats } = run(
      ranked(2, 30),
      [{ at: 1, handle: 30, lastAgent: 0, knownAgents: [1] }],
      bothAway,
    );
    expect(answerOf(0)).toMatchObject({ t: 1, agent: 2, waited: 0 });
    expect(stats.known.othersFirst).toBe(0);
  });
});

describe("a caller's known agents", () => {
  const agent = (index: number) => ({ index }) as Agent;
  const [a, b, c, d, e] = [0, 1, 2, 3, 4].map(agent) as [Agent, Agent, Agent, Agent, Agent];
  const call = (lastAgent: Agent | null, others: readonly Agent[]) => ({ lastAgent, others }) as Call;

  it('are the distinct agents before the new last one, newest first, at most depth − 1', () => {
    expect(othersAfter(a, null, call(b, [c, d]), 5)).toEqual([b, c, d]);
    expect(othersAfter(a, null, call(b, [c, d]), 3)).toEqual([b, c]);
    expect(othersAfter(b, null, call(b, [c, b]), 5)).toEqual([c]);
    expect(othersAfter(a, null, call(null, NO_AGENTS), 3)).toBe(NO_AGENTS);
  });

  it('put a transfer’s first agent right after the leg’s agent', () => {
    expect(othersAfter(e, a, call(b, [c]), 5)).toEqual([a, b, c]);
    expect(othersAfter(a, a, call(b, []), 5)).toEqual([b]);
  });

  it('are not kept at all with a depth of 1 (today’s simulator)', () => {
    expect(othersAfter(a, e, call(b, [c]), 1)).toBe(NO_AGENTS);
  });
});

const CENTER = {
  seed: 5,
  hours: 150,
  warmupHours: 2,
  agents: 12,
  callsPerHour: 60,
  handleSeconds: { dist: 'exponential', mean: 300 },
  patienceSeconds: { dist: 'exponential', mean: 240 },
  returnShare: 0.3,
  returnDelayMinutes: { dist: 'exponential', mean: 120 },
  batches: 10,
};

type Json = { policies: Array<Record<string, unknown>> };
const json = (raw: unknown) => reportJson(runSimulation(parseSimulationConfig(raw))) as Json;
const figures = (row: Record<string, unknown>) => {
  const { label: _l, maxPreferred: _m, knownAgentShare: _k, ci95, returning, ...rest } = row;
  const { knownAgentShare: _c, ...ci } = ci95 as Record<string, unknown>;
  const { knownAgents: _r, ...ret } = returning as Record<string, unknown>;
  return { ...rest, ci95: ci, returning: ret };
};

describe('maxPreferred 1', () => {
  it('gives the figures of the policy without it, and a knownAgentShare equal to continuity', () => {
    const policies = [
      { name: 'none' },
      { name: 'preferred-agent', expirySeconds: [10, 30] },
      { name: 'agent-queue', acceptShare: 0.8, maxWaitSeconds: 30 },
    ];
    const before = json({ ...CENTER, policies });
    const withOne = json({
      ...CENTER,
      policies: policies.map((p) => (p.name === 'preferred-agent' ? { ...p, maxPreferred: 1 } : p)),
    });
    expect(withOne.policies.map(figures)).toEqual(before.policies.map(figures));
    for (const row of withOne.policies) {
      expect(row.knownAgentShare).toBe(row.continuity);
      expect((row.ci95 as Record<string, unknown>).knownAgentShare).toBe(
        (row.ci95 as Record<string, unknown>).continuity,
      );
      expect(row).not.toHaveProperty('knownAgentShareByK');
    }
    expect(withOne.policies[1]).toMatchObject({ maxPreferred: 1, label: 'preferred-agent 10s k=1' });
    for (const row of before.policies) {
      expect(row).not.toHaveProperty('knownAgentShare');
      expect(row).not.toHaveProperty('maxPreferred');
    }
  });
});

describe('several preferred agents', () => {
  // Callers who come back often (60% of answered calls call back) have spoken to several agents.
  const config = parseSimulationConfig({
    ...CENTER,
    returnShare: 0.6,
    policies: [
      { name: 'none' },
      { name: 'preferred-agent', expirySeconds: 10, maxPreferred: [1, 2, 3], knownAgentsSeconds: 10 },
    ],
  });
  const report = runSimulation(config);
  const row = (k: number) => report.policies.find((p) => p.maxPreferred === k) as PolicyRow;

  it('name their own values, one row per maxPreferred (k = 1 has no second ring)', () => {
    expect(report.policies.map((p) => p.label)).toEqual([
      'none',
      'preferred-agent 10s k=1',
      'preferred-agent 10s+10s k=2',
      'preferred-agent 10s+10s k=3',
    ]);
    expect(row(1)).not.toHaveProperty('knownAgentsSeconds');
    expect(row(3)).toMatchObject({ maxPreferred: 3, knownAgentsSeconds: 10, expirySeconds: 10 });
  });

  it('reach a known agent at least as often as the last one, more often as k rises', () => {
    for (const p of report.policies) {
      expect(p.knownAgentShare as number).toBeGreaterThanOrEqual(p.continuity as number);
      const byK = Object.values(p.knownAgentShareByK ?? {}) as number[];
      expect(byK).toHaveLength(3);
      expect(byK[0]).toBe(p.continuity);
      for (let j = 1; j < byK.length; j++) expect(byK[j]).toBeGreaterThanOrEqual(byK[j - 1] as number);
    }
    expect(row(1).knownAgentShare).toBe(row(1).continuity);
    expect(row(2).knownAgentShare as number).toBeGreaterThan((row(1).knownAgentShare as number) + 0.02);
    expect(row(3).knownAgentShare as number).toBeGreaterThan(row(2).knownAgentShare as number);
    // none counts the largest k: its known-agent share is chance, far below the second ring's.
    const none = report.policies[0] as PolicyRow;
    expect(none.knownAgentShare).toBe(none.knownAgentShareByK?.['3']);
    expect(row(3).knownAgentShare as number).toBeGreaterThan(none.knownAgentShare as number);
  });

  it('owe the gain to the second ring, not to counting more agents', () => {
    // The k = 1 policy, its answers counted over the same three agents, reaches fewer of them.
    expect(row(3).knownAgentShare as number).toBeGreaterThan(
      (row(1).knownAgentShareByK?.['3'] as number) + 0.02,
    );
    expect(row(3).returning.knownAgents?.secondRing).toBeGreaterThan(0);
    expect(row(1).returning.knownAgents?.secondRing).toBe(0);
  });

  it('show the known-agent column in the table and the share in the JSON', () => {
    const table = formatTable(report);
    expect(table.split('\n')[2]).toMatch(/continuity\s+known\s+ASA ret/);
    expect(table).toContain('preferred-agent 10s+10s k=3');
    const rows = (reportJson(report) as Json).policies;
    expect(rows[3]).toMatchObject({ maxPreferred: 3, knownAgentsSeconds: 10 });
    expect(typeof rows[3]?.knownAgentShare).toBe('number');
    expect(Object.keys(rows[3]?.knownAgentShareByK as object)).toEqual(['1', '2', '3']);
  });
});

describe('the sweep', () => {
  it('crosses maxPreferred above 1 with every knownAgentsSeconds, and k = 1 once', () => {
    const config = parseSimulationConfig({
      ...CENTER,
      policies: [
        {
          name: 'preferred-agent',
          expirySeconds: [10, 15],
          maxPreferred: [1, 3],
          knownAgentsSeconds: [5, 30],
        },
      ],
    });
    expect(expandPolicies(config.policies).map(policyLabel)).toEqual([
      'preferred-agent 10s k=1',
      'preferred-agent 10s+5s k=3',
      'preferred-agent 10s+30s k=3',
      'preferred-agent 15s k=1',
      'preferred-agent 15s+5s k=3',
      'preferred-agent 15s+30s k=3',
    ]);
  });
});

describe('the configuration', () => {
  const base = { hours: 10, agents: 2, callsPerHour: 10, handleSeconds: { dist: 'fixed', value: 60 } };
  const errorOf = (policy: Record<string, unknown>): string => {
    try {
      parseSimulationConfig({ ...base, patienceSeconds: null, policies: [{ name: 'none' }, policy] });
    } catch (err) {
      expect(err).toBeInstanceOf(SimulationConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a configuration error');
  };
  const preferred = { name: 'preferred-agent', expirySeconds: 10 };

  it.each([
    [{ ...preferred, maxPreferred: 0, knownAgentsSeconds: 10 }, 'policies[1].maxPreferred: Too small'],
    [{ ...preferred, maxPreferred: 6, knownAgentsSeconds: 10 }, 'policies[1].maxPreferred: Too big'],
    [
      { ...preferred, maxPreferred: 2.5, knownAgentsSeconds: 10 },
      'policies[1].maxPreferred: Invalid input: expected int',
    ],
    [{ ...preferred, maxPreferred: [1, 7], knownAgentsSeconds: 10 }, 'policies[1].maxPreferred[1]: Too big'],
    [{ ...preferred, maxPreferred: 3, knownAgentsSeconds: 2 }, 'policies[1].knownAgentsSeconds: Too small'],
    [
      { ...preferred, maxPreferred: [1, 3] },
      "policies[1].knownAgentsSeconds: required when maxPreferred is above 1 (the wait for the caller's other known agents)",
    ],
    [
      { ...preferred, knownAgentsSeconds: 10 },
      'policies[1].knownAgentsSeconds: needs a maxPreferred above 1 (with one preferred agent there is no second ring)',
    ],
    [
      { ...preferred, maxPreferred: 1, knownAgentsSeconds: 10 },
      'policies[1].knownAgentsSeconds: needs a maxPreferred above 1',
    ],
    [
      { name: 'agent-queue', acceptShare: 1, maxWaitSeconds: 30, maxPreferred: 2 },
      'policies[1]: unknown key "maxPreferred"',
    ],
  ])('refuses %j on one line, naming the field', (policy, message) => {
    const error = errorOf(policy);
    expect(error).toContain(message);
    expect(error).not.toContain('\n');
  });

  it('accepts maxPreferred 1–5 with a second ring, and maxPreferred 1 alone', () => {
    const ok = (policy: Record<string, unknown>) =>
      parseSimulationConfig({ ...base, patienceSeconds: null, policies: [policy] }).policies[0];
    expect(ok({ ...preferred, maxPreferred: [1, 5], knownAgentsSeconds: [5, 600] })).toMatchObject({
      maxPreferred: [1, 5],
      knownAgentsSeconds: [5, 600],
    });
    expect(ok({ ...preferred, maxPreferred: 1 })).toMatchObject({ maxPreferred: [1] });
  });
});
