/**
 * Issue 27: the inbound flow the CDK app writes with LAST_AGENT_MAX_PREFERRED > 1, walked action
 * by action (following Transitions, the entry Lambda's answer as $.External) up to the transfer,
 * to see the routing criteria Connect would receive. Every AgentIds entry must resolve to a real,
 * distinct user ID: the run-time behaviour of an empty one is undocumented (docs/aws-evidence.md).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type ContactFlow, FLOW_IDS } from '../../infra/contact-flow';
import { checkFlow, edgesOf } from '../../infra/flow-actions';
import { type Decision, type FlowResponse, toFlowResponse } from '../../steps/lib/decision/decision';
import { INSTANCE_ARN, buildStack } from './helpers';

const PREFERRED = 40;
const KNOWN = 20;

/** The inbound flow's content as synthesized: tokens (ARNs of other resources) become placeholders. */
function inboundFlowOf(context: Record<string, string>): ContactFlow {
  const template = Template.fromStack(buildStack(context).stack);
  const flows = Object.values(template.findResources('AWS::Connect::ContactFlow')).filter(
    (r) => r.Properties.Type === 'CONTACT_FLOW',
  );
  expect(flows).toHaveLength(1);
  const content = flows[0]?.Properties.Content as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof content === 'string'
      ? content
      : content['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(content['Fn::Join'][0]);
  return JSON.parse(text) as ContactFlow;
}

interface Walk {
  actions: string[];
  attributes: Record<string, string>;
  /** The routing criteria of the last UpdateContactRoutingCriteria, with $.External resolved. */
  criteria?: { agentIds: string[]; seconds: number }[];
  transferred: boolean;
}

/** Follows the flow from its start with `answer` as $.External until a queue transfer or the end. */
function walk(flow: ContactFlow, answer: FlowResponse): Walk {
  const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  const external = (v: unknown) => {
    if (typeof v !== 'string' || !v.startsWith('$.External.')) return v;
    const value = answer[v.slice('$.External.'.length) as keyof FlowResponse];
    if (value === undefined) throw new Error(`the answer has no ${v}`);
    return value;
  };
  const out: Walk = { actions: [], attributes: {}, transferred: false };
  let id: string | undefined = flow.StartAction;
  for (let steps = 0; id; steps++) {
    if (steps > 60) throw new Error('the flow does not end');
    const a = byId.get(id);
    if (!a) throw new Error(`no action ${id}`);
    out.actions.push(a.Identifier);
    if (a.Type === 'TransferContactToQueue') {
      out.transferred = true;
      break;
    }
    if (a.Type === 'Compare') {
      const value = external(a.Parameters.ComparisonValue);
      const hit = a.Transitions.Conditions?.find((c) => c.Condition.Operands[0] === value);
      id =
        hit?.NextAction ??
        a.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingCondition')?.NextAction;
      continue;
    }
    if (a.Type === 'UpdateContactAttributes')
      for (const [k, v] of Object.entries(a.Parameters.Attributes as Record<string, string>))
        out.attributes[k] = String(external(v));
    if (a.Type === 'UpdateContactRoutingCriteria') {
      const steps = (a.Parameters.RoutingCriteria as { Steps: unknown[] }).Steps as {
        Expression: { AttributeCondition: { MatchCriteria: { AgentsCriteria: { AgentIds: string[] } } } };
        Expiry: { DurationInSeconds: number };
      }[];
      out.criteria = steps.map((s) => ({
        agentIds: s.Expression.AttributeCondition.MatchCriteria.AgentsCriteria.AgentIds.map((p) =>
          String(external(p)),
        ),
        seconds: s.Expiry.DurationInSeconds,
      }));
    }
    id = a.Transitions.NextAction;
  }
  return out;
}

const base: Decision = {
  route: 'LAST_AGENT',
  reason: 'LAST_AGENT_AVAILABLE',
  agentId: 'a-last',
  queueId: 'q',
  lastContactId: 'c-1',
  lastContactAt: '2026-11-19T10:00:00.000Z',
  agentFirstName: 'Maria',
};
const answer = (decision: Decision): FlowResponse =>
  toFlowResponse({
    decision,
    customerKey: '+14155550123',
    instanceArn: INSTANCE_ARN,
    decisionMs: 3,
    now: new Date('2026-11-20T10:00:00Z'),
    maxPreferred: 5,
  });

/** No AgentIds entry is empty, and none repeats across the steps. */
function expectRealDistinct(criteria: Walk['criteria']) {
  const all = (criteria ?? []).flatMap((s) => s.agentIds);
  expect(all.length).toBeGreaterThan(0);
  for (const s of criteria ?? []) expect(s.agentIds.length).toBeGreaterThan(0);
  for (const agent of all) expect(agent).toMatch(/^a-/);
  expect(new Set(all).size).toBe(all.length);
}

describe('the ranked preferred-agent flow the CDK app writes (LAST_AGENT_MAX_PREFERRED=5)', () => {
  const flow = inboundFlowOf({
    LAST_AGENT_MAX_PREFERRED: '5',
    knownAgentsSeconds: String(KNOWN),
    preferredAgentSeconds: String(PREFERRED),
  });

  it('passes the flow action table check, and has no loops', () => {
    expect(checkFlow(flow, 'CONTACT_FLOW')).toEqual([]);
    const byId = new Map(flow.Actions.map((a) => [a.Identifier, a]));
    const reaches = (from: string, target: string, seen = new Set<string>()): boolean => {
      if (from === target) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      const a = byId.get(from);
      return a ? edgesOf(a).some((e) => reaches(e.to, target, seen)) : false;
    };
    for (const a of flow.Actions) for (const e of edgesOf(a)) expect(reaches(e.to, a.Identifier)).toBe(false);
  });

  it.each([0, 1, 3, 4])(
    'LAST_AGENT with %i known agents: step 1 the last agent for the window, step 2 the others for theirs',
    (n) => {
      const others = ['a-2', 'a-3', 'a-4', 'a-5'].slice(0, n);
      const w = walk(flow, answer({ ...base, knownAgentIds: others }));
      expect(w.transferred).toBe(true);
      const expected = [
        { agentIds: ['a-last'], seconds: PREFERRED },
        ...(n ? [{ agentIds: others, seconds: KNOWN }] : []),
      ];
      expect(w.criteria).toEqual(expected);
      expectRealDistinct(w.criteria);
      // The others are stored for analyze and the outcome function.
      expect(w.attributes.lastAgentKnownIds).toBe(others.join(','));
      expect(w.attributes.lastAgentArn).toBe(`${INSTANCE_ARN}/agent/a-last`);
    },
  );

  it.each([1, 3])('KNOWN_AGENT with %i known agents: step 1 the others for the window, then anyone', (n) => {
    const others = ['a-2', 'a-3', 'a-4'].slice(0, n);
    const w = walk(
      flow,
      answer({
        ...base,
        route: 'KNOWN_AGENT',
        reason: 'KNOWN_AGENT_BUSY',
        agentId: others[0] as string,
        knownAgentIds: others,
        lastAgentRuledOut: 'AGENT_OFFLINE',
      }),
    );
    expect(w.transferred).toBe(true);
    expect(w.criteria).toEqual([{ agentIds: others, seconds: PREFERRED }]);
    expectRealDistinct(w.criteria);
    expect(w.actions).toContain(FLOW_IDS.setKnownQueue);
    expect(w.attributes).toMatchObject({
      lastAgentRoute: 'KNOWN_AGENT',
      lastAgentReason: 'KNOWN_AGENT_BUSY',
      lastAgentKnownIds: others.join(','),
    });
  });

  it('DEFAULT sets no routing criteria and takes the normal queue', () => {
    const w = walk(flow, answer({ ...base, route: 'DEFAULT', reason: 'AGENT_OFFLINE' }));
    expect(w.criteria).toBeUndefined();
    expect(w.actions).toContain(FLOW_IDS.setDefaultQueue);
    expect(w.attributes.lastAgentKnownIds).toBe('');
  });

  it('KNOWN_AGENT without a count the flow knows goes to the normal queue, never to empty criteria', () => {
    const broken = {
      ...answer({ ...base, route: 'KNOWN_AGENT', reason: 'KNOWN_AGENT_AVAILABLE' }),
      knownAgentCount: '7',
    };
    const w = walk(flow, broken);
    expect(w.criteria).toBeUndefined();
    expect(w.actions.at(-1)).toBe(FLOW_IDS.transferDefault);
  });
});

describe('LAST_AGENT_MAX_PREFERRED=3 and the default', () => {
  it('with 3 there are branches for 1 and 2 others only', () => {
    const flow = inboundFlowOf({ LAST_AGENT_MAX_PREFERRED: '3' });
    const criteria = flow.Actions.filter((a) => a.Type === 'UpdateContactRoutingCriteria').map(
      (a) => a.Identifier,
    );
    expect(criteria.sort()).toEqual(
      [
        'prefer-known-1',
        'prefer-known-2',
        'prefer-last-agent',
        'prefer-last-then-known-1',
        'prefer-last-then-known-2',
      ].sort(),
    );
    // knownAgentsSeconds defaults to 30.
    const w = walk(
      flow,
      toFlowResponse({
        decision: { ...base, knownAgentIds: ['a-2', 'a-3'] },
        customerKey: '+14155550123',
        instanceArn: INSTANCE_ARN,
        decisionMs: 1,
        maxPreferred: 3,
      }),
    );
    expect(w.criteria).toEqual([
      { agentIds: ['a-last'], seconds: 30 },
      { agentIds: ['a-2', 'a-3'], seconds: 30 },
    ]);
  });

  it('by default the flow reads no ranked key and has its one routing step', () => {
    const flow = inboundFlowOf({});
    const text = JSON.stringify(flow);
    expect(text).not.toMatch(/knownAgent|KNOWN_AGENT|lastAgentKnownIds/);
    expect(flow.Actions.filter((a) => a.Type === 'UpdateContactRoutingCriteria')).toHaveLength(1);
    const w = walk(
      flow,
      toFlowResponse({ decision: base, customerKey: '+1', instanceArn: INSTANCE_ARN, decisionMs: 1 }),
    );
    expect(w.criteria).toEqual([{ agentIds: ['a-last'], seconds: 30 }]);
  });

  it('copies knownAgentsSeconds into LAST_AGENT_KNOWN_AGENTS_SECONDS only for a ranked deployment', () => {
    const envOf = (context: Record<string, string>) => {
      const template = Template.fromStack(buildStack(context).stack);
      return Object.values(template.findResources('AWS::Lambda::Function')).map(
        (f) => (f.Properties.Environment?.Variables ?? {}) as Record<string, unknown>,
      );
    };
    for (const vars of envOf({ knownAgentsSeconds: '25' }))
      expect(vars).not.toHaveProperty('LAST_AGENT_KNOWN_AGENTS_SECONDS');
    const ranked = envOf({ LAST_AGENT_MAX_PREFERRED: '2', knownAgentsSeconds: '25' }).filter(
      (v) => v.LAST_AGENT_MAX_PREFERRED === '2',
    );
    expect(ranked.length).toBeGreaterThan(0);
    for (const vars of ranked) expect(vars.LAST_AGENT_KNOWN_AGENTS_SECONDS).toBe('25');
    expect(() => buildStack({ LAST_AGENT_KNOWN_AGENTS_SECONDS: '25' })).toThrow(/knownAgentsSeconds/);
  });
});
