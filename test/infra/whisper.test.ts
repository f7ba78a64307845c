import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ContactFlow,
  FLOW_IDS,
  type KeyMode,
  type RoutingMode,
  buildContactFlow,
  keyPathExemptions,
} from '../../infra/contact-flow';
import { parseDeployContext } from '../../infra/context';
import {
  type FlowAction,
  checkFlow,
  checkKeyStoredOnEveryQueuePath,
  edgesOf,
  pathsToQueue,
} from '../../infra/flow-actions';
import {
  CONTEXT_ATTRIBUTE_DEFAULTS,
  type ContextAttributeNames,
  type ReturningCallerPriority,
  WHISPER_FLOW_IDS,
  buildAgentWhisperFlow,
  contextAttributeNames,
  parseContextAttributes,
  parseReturningCallerPriority,
} from '../../infra/whisper';
import { type Decision, type FlowResponse, toFlowResponse } from '../../steps/lib/decision/decision';
import { returningCallerWhisper } from '../../steps/lib/decision/whisper';
import { runCli } from '../cli/run-cli';
import { INSTANCE_ARN, QUEUE_ARN, WHISPER_FLOW_ARN, buildStack, flowOptions } from './helpers';

const KEY = 'CustomerPhoneNumber';
const WHISPER_ARN = WHISPER_FLOW_ARN;
const ALICE = `${INSTANCE_ARN}/agent/alice`;
const BOB = `${INSTANCE_ARN}/agent/bob`;
const NOW = new Date('2026-11-20T10:00:00Z');

const options = flowOptions;

const PRIORITIES: ReturningCallerPriority[] = [
  { kind: 'off' },
  { kind: 'priority', priority: 2 },
  { kind: 'age', seconds: 600 },
];
const CASES = (['preferred-agent', 'agent-queue'] as RoutingMode[]).flatMap((mode) =>
  (['e164', 'hmac-sha256'] as KeyMode[]).flatMap((keyMode) =>
    PRIORITIES.map((p) => [mode, keyMode, p.kind, p] as const),
  ),
);

const byId = (flow: ContactFlow) => {
  const map = new Map(flow.Actions.map((a) => [a.Identifier, a]));
  return (id: string | undefined): FlowAction => {
    const a = map.get(id ?? '');
    if (!a) throw new Error(`no action ${id}`);
    return a;
  };
};

/** Decisions the pipeline gives, flattened as the entry Lambda answers them. */
const answerFor = (decision: Decision, customerKey = '+14155550123'): FlowResponse =>
  toFlowResponse({ decision, customerKey, instanceArn: INSTANCE_ARN, decisionMs: 3, now: NOW });
const RETURNING: Decision = {
  route: 'LAST_AGENT',
  reason: 'LAST_AGENT_AVAILABLE',
  agentId: 'alice',
  queueId: 'claims',
  lastContactId: 'c-1',
  lastContactAt: '2026-11-18T07:00:00Z',
  csat: '5',
  agentFirstName: 'Alice',
};
const ANSWERS = {
  'returning caller': answerFor(RETURNING),
  'returning caller, last agent offline': answerFor({
    ...RETURNING,
    route: 'DEFAULT',
    reason: 'AGENT_OFFLINE',
  }),
  'returning caller, last agent unnamed': answerFor({ ...RETURNING, agentFirstName: undefined }),
  'first-time caller': answerFor({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT' }),
  'withheld number': answerFor({ route: 'DEFAULT', reason: 'ANONYMOUS_CALLER' }, ''),
};

/**
 * Runs the inbound flow from a successful Lambda call up to the route branch, the part that does
 * not depend on queues: which attributes it sets, which hooks and routing behaviour.
 */
function runInboundUntilBranch(flow: ContactFlow, answer: FlowResponse) {
  const get = byId(flow);
  const external = (v: string) =>
    v.startsWith('$.External.') ? answer[v.slice(11) as keyof FlowResponse] : v;
  const attributes: Record<string, string> = {};
  const hooks: Record<string, string> = {};
  let routing: Record<string, unknown> | undefined;
  let id = get(flow.StartAction).Transitions.NextAction;
  for (let steps = 0; id !== FLOW_IDS.branch; steps++) {
    if (steps > 50) throw new Error('no branch reached');
    const a = get(id);
    if (a.Type === 'Compare') {
      const value = external(a.Parameters.ComparisonValue as string);
      const hit = a.Transitions.Conditions?.find((c) => c.Condition.Operands[0] === value);
      id =
        hit?.NextAction ??
        a.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingCondition')?.NextAction;
    } else {
      if (a.Type === 'UpdateContactAttributes')
        for (const [k, v] of Object.entries(a.Parameters.Attributes as Record<string, string>))
          attributes[k] = external(v) ?? '';
      else if (a.Type === 'UpdateContactEventHooks') Object.assign(hooks, a.Parameters.EventHooks);
      else if (a.Type === 'UpdateContactRoutingBehavior') routing = a.Parameters;
      else throw new Error(`unexpected ${a.Type} before the branch`);
      id = a.Transitions.NextAction;
    }
  }
  return { attributes, hooks, routing };
}

/** Runs the agent-whisper flow for one agent; returns what the agent hears. */
function runWhisper(
  flow: ContactFlow,
  system: { attributes: Record<string, string>; agentArn: string | undefined; queueName: string },
) {
  const get = byId(flow);
  const resolve = (v: string): string | undefined => {
    if (v === '$.Queue.Name') return system.queueName;
    if (v === '$.Agent.ARN') return system.agentArn;
    if (v.startsWith('$.Attributes.')) return system.attributes[v.slice('$.Attributes.'.length)];
    if (v.startsWith('$.')) throw new Error(`unknown path ${v}`);
    return v;
  };
  const heard: string[] = [];
  let a = get(flow.StartAction);
  for (let steps = 0; a.Type !== 'EndFlowExecution'; steps++) {
    if (steps > 20) throw new Error('the whisper does not end');
    let next: string | undefined;
    if (a.Type === 'MessageParticipant') {
      heard.push(resolve(a.Parameters.Text as string) ?? '');
      next = a.Transitions.NextAction;
    } else if (a.Type === 'Compare') {
      const value = resolve(a.Parameters.ComparisonValue as string);
      const hit = a.Transitions.Conditions?.find(
        (c) =>
          value !== undefined &&
          c.Condition.Operator === 'Equals' &&
          resolve(c.Condition.Operands[0] ?? '') === value,
      );
      next =
        hit?.NextAction ??
        a.Transitions.Errors?.find((e) => e.ErrorType === 'NoMatchingCondition')?.NextAction;
    } else throw new Error(`unexpected ${a.Type} in the whisper`);
    a = get(next);
  }
  return heard;
}

describe('agent-whisper flow', () => {
  const flow = buildAgentWhisperFlow();

  it('passes the flow action table check as an AGENT_WHISPER flow', () => {
    expect(checkFlow(flow, 'AGENT_WHISPER')).toEqual([]);
  });

  it('ends every path with EndFlowExecution, never a disconnect, and has no loops', () => {
    const get = byId(flow);
    const ends = (id: string, seen: Set<string>): boolean => {
      const a = get(id);
      if (seen.has(id)) return false;
      if (a.Type === 'EndFlowExecution') return true;
      const edges = edgesOf(a);
      return edges.length > 0 && edges.every((e) => ends(e.to, new Set([...seen, id])));
    };
    expect(ends(flow.StartAction, new Set())).toBe(true);
    expect(flow.Actions.map((a) => a.Type)).not.toContain('DisconnectParticipant');
  });

  it('goes on after every error, so a whisper never holds up the call', () => {
    const get = byId(flow);
    for (const a of flow.Actions)
      for (const e of a.Transitions.Errors ?? [])
        expect([get(e.NextAction).Identifier], `${a.Identifier} ${e.ErrorType}`).not.toContain(a.Identifier);
  });

  it('has one Compare, of the returningCaller attribute with the literal "true" (issue 25)', () => {
    const compares = flow.Actions.filter((a) => a.Type === 'Compare');
    expect(compares.map((a) => a.Identifier)).toEqual([WHISPER_FLOW_IDS.checkReturning]);
    const check = compares[0] as FlowAction;
    expect(check.Parameters).toEqual({ ComparisonValue: '$.Attributes.returningCaller' });
    expect(check.Transitions.Conditions?.map((c) => c.Condition)).toEqual([
      { Operator: 'Equals', Operands: ['true'] },
    ]);
  });

  it('never compares with a JSONPath operand, and never reads who answered ($.Agent.*)', () => {
    for (const a of flow.Actions)
      for (const c of a.Transitions.Conditions ?? [])
        for (const operand of c.Condition.Operands) expect(operand, a.Identifier).not.toMatch(/^\s*\$/);
    expect(JSON.stringify(flow)).not.toContain('$.Agent.');
  });

  it('plays the one stored text, not the deprecated per-agent texts', () => {
    const texts = flow.Actions.filter((a) => a.Type === 'MessageParticipant').map((a) => a.Parameters.Text);
    expect(texts).toEqual(['$.Queue.Name', '$.Attributes.lastAgentWhisper']);
    expect(JSON.stringify(flow)).not.toMatch(/lastAgentWhisperSame|lastAgentWhisperOther/);
  });

  it('never reads the caller address', () => {
    expect(JSON.stringify(flow)).not.toContain('CustomerEndpoint');
  });
});

describe.each(CASES)(
  'inbound flow with the whisper (%s, %s keys, priority %s)',
  (mode, keyMode, _kind, p) => {
    const flow = buildContactFlow(options({ mode, keyMode, returningCallerPriority: p }));
    const get = byId(flow);

    it('passes the flow action table check and the key path check', () => {
      expect(checkFlow(flow, 'CONTACT_FLOW')).toEqual([]);
      expect(checkKeyStoredOnEveryQueuePath(flow, KEY, keyPathExemptions({ keyMode }))).toEqual([]);
    });

    it('sets the whisper (and the priority, when on) before every transfer of a returning caller', () => {
      const returningPaths = pathsToQueue(flow).filter((path) =>
        path.edges.some((e) => e.from === FLOW_IDS.checkReturning && e.via === 'Condition:Equals:true'),
      );
      expect(returningPaths.length).toBeGreaterThan(0);
      for (const path of returningPaths) {
        const passed = path.edges.map((e) => e.from);
        expect(passed).toContain(FLOW_IDS.setWhisper);
        if (p.kind !== 'off') expect(passed).toContain(FLOW_IDS.raisePriority);
      }
    });

    it('goes on to routing when setting the whisper fails', () => {
      const hook = get(FLOW_IDS.setWhisper);
      expect(hook.Parameters).toEqual({ EventHooks: { AgentWhisper: WHISPER_ARN } });
      expect(hook.Transitions.Errors?.map((e) => e.NextAction)).toEqual([hook.Transitions.NextAction]);
    });

    it('stores the agent context in its own action, so a failed write never costs the searchable key', () => {
      const store = get(FLOW_IDS.storeContext);
      expect(Object.keys(store.Parameters.Attributes as object)).not.toContain(KEY);
      expect(get(FLOW_IDS.storeKey).Transitions.NextAction).toBe(FLOW_IDS.storeContext);
      expect(store.Transitions.Errors?.map((e) => e.NextAction)).toEqual([store.Transitions.NextAction]);
    });

    it.each(Object.entries(ANSWERS))(
      'for a %s every agent hears what returningCallerWhisper says',
      (_name, answer) => {
        const { attributes, hooks, routing } = runInboundUntilBranch(flow, answer);
        const returning = answer.returningCaller === 'true';
        expect(hooks).toEqual(returning ? { AgentWhisper: WHISPER_ARN } : {});
        expect(routing).toEqual(
          returning
            ? {
                off: undefined,
                priority: { QueuePriority: '2' },
                age: { QueueTimeAdjustmentSeconds: '600' },
              }[p.kind]
            : undefined,
        );
        if (!returning) return;
        for (const agentArn of [ALICE, BOB, undefined]) {
          const heard = runWhisper(buildAgentWhisperFlow(), { attributes, agentArn, queueName: 'Claims' });
          expect(heard).toEqual(['Claims', returningCallerWhisper(answer)]);
          expect(heard[1]).toMatch(/^Returning caller, last spoke with (Alice|an agent) 2 days ago\.$/);
        }
      },
    );
  },
);

describe('agent-context attributes', () => {
  it('are stored under the documented default names', () => {
    const { attributes } = runInboundUntilBranch(buildContactFlow(options()), ANSWERS['returning caller']);
    expect(attributes).toEqual({
      [KEY]: '+14155550123',
      lastAgentRoute: 'LAST_AGENT',
      lastAgentReason: 'LAST_AGENT_AVAILABLE',
      lastContactId: 'c-1',
      lastContactAt: '2026-11-18T07:00:00Z',
      lastContactAgo: '2 days ago',
      lastContactCsat: '5',
      lastAgentArn: ALICE,
      lastAgentFreeProbability: '',
      returningCaller: 'true',
      lastAgentWhisper: 'Returning caller, last spoke with Alice 2 days ago.',
      // Deprecated for one release (issue 25): still written, always empty.
      lastAgentWhisperSame: '',
      lastAgentWhisperOther: '',
    });
  });

  it('can be renamed, and the whisper flow reads the renamed ones', () => {
    const renamed: Partial<ContextAttributeNames> = {
      returningCaller: 'isReturning',
      agentArn: 'previousAgent',
      whisper: 'whisperText',
      whisperOtherAgent: 'colleagueText',
      reason: 'routingReason',
    };
    const flow = buildContactFlow(options({ contextAttributes: renamed }));
    const { attributes } = runInboundUntilBranch(flow, ANSWERS['returning caller']);
    expect(attributes).toMatchObject({
      isReturning: 'true',
      previousAgent: ALICE,
      whisperText: 'Returning caller, last spoke with Alice 2 days ago.',
      colleagueText: '',
      routingReason: 'LAST_AGENT_AVAILABLE',
    });
    expect(attributes).not.toHaveProperty('returningCaller');
    const heard = runWhisper(buildAgentWhisperFlow({ contextAttributes: renamed }), {
      attributes,
      agentArn: BOB,
      queueName: 'Claims',
    });
    expect(heard).toEqual(['Claims', 'Returning caller, last spoke with Alice 2 days ago.']);
  });

  it('refuses a name that is invalid, used twice, or the searchable key', () => {
    expect(() => contextAttributeNames({ route: 'has space' })).toThrow(/route: "has space" may hold only/);
    expect(() => contextAttributeNames({ route: 'lastContactId' })).toThrow(/already used by route/);
    expect(() => buildContactFlow(options({ contextAttributes: { lastContactCsat: KEY } }))).toThrow(
      /lastContactCsat: "CustomerPhoneNumber" is already used/,
    );
  });

  it('parses key:name overrides from the deploy context, naming the problem', () => {
    expect(parseContextAttributes('lastContactCsat:prevCsat, route:routingDecision')).toEqual({
      lastContactCsat: 'prevCsat',
      route: 'routingDecision',
    });
    expect(parseContextAttributes('')).toEqual({});
    expect(() => parseContextAttributes('csat:x')).toThrow(/unknown key "csat"/);
    expect(() => parseContextAttributes('route')).toThrow(/must be key:attributeName/);
    expect(() => parseContextAttributes('route:a,route:b')).toThrow(/given twice/);
  });

  it('documents every attribute in docs/agent-context.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/agent-context.md', import.meta.url), 'utf8');
    for (const [key, name] of Object.entries(CONTEXT_ATTRIBUTE_DEFAULTS)) {
      expect(doc, key).toContain(`\`${key}\``);
      expect(doc, name).toContain(`\`${name}\``);
    }
  });
});

describe('returningCallerPriority', () => {
  it.each([
    ['off', { kind: 'off' }],
    ['priority:1', { kind: 'priority', priority: 1 }],
    ['priority:4', { kind: 'priority', priority: 4 }],
    ['age:600', { kind: 'age', seconds: 600 }],
  ])('accepts %s', (value, parsed) => {
    expect(parseReturningCallerPriority(value)).toEqual(parsed);
  });

  it.each(['on', 'priority:0', 'priority:5', 'priority:-1', 'age:0', 'age:3601', 'age:1.5', 'priority: 2'])(
    'refuses %s',
    (value) => {
      expect(() => parseReturningCallerPriority(value)).toThrow(/must be off, priority:N with N 1-4/);
    },
  );

  it('is off by default: no routing-behaviour action in the flow', () => {
    const types = buildContactFlow(options()).Actions.map((a) => a.Type);
    expect(types).not.toContain('UpdateContactRoutingBehavior');
  });
});

describe('deploy context', () => {
  const base: Record<string, string> = { instanceArn: INSTANCE_ARN, defaultQueueArn: QUEUE_ARN };
  const parse = (extra: Record<string, string>) => parseDeployContext((k) => ({ ...base, ...extra })[k]);

  it('defaults to no priority and the default attribute names', () => {
    expect(parse({})).toMatchObject({ returningCallerPriority: { kind: 'off' }, contextAttributes: {} });
  });

  it('fails synth with a clear message on a bad priority or attribute name', () => {
    expect(() => parse({ returningCallerPriority: 'priority:9' })).toThrow(
      /Invalid deployment context: returningCallerPriority "priority:9" must be off/,
    );
    expect(() => parse({ contextAttributes: 'nope:x' })).toThrow(/contextAttributes unknown key "nope"/);
  });

  it('refuses an attribute name that would overwrite the CSAT score the next call reads', () => {
    expect(() =>
      parse({ LAST_AGENT_CSAT_ATTRIBUTE: 'csat', contextAttributes: 'lastContactCsat:csat' }),
    ).toThrow(/contextAttributes context attribute lastContactCsat: "csat" is already used/);
  });
});

describe.each(['preferred-agent', 'agent-queue'])('stack (%s mode)', (routingMode) => {
  let flows: ReturnType<Template['findResources']>;
  beforeAll(() => {
    const { stack } = buildStack({
      routingMode,
      returningCallerPriority: 'age:300',
      contextAttributes: 'returningCaller:isReturning',
    });
    flows = Template.fromStack(stack).findResources('AWS::Connect::ContactFlow');
  });
  const ofType = (type: string) => Object.entries(flows).filter(([, f]) => f.Properties.Type === type);

  it('deploys the agent-whisper flow, reading the configured attribute names', () => {
    const whisper = ofType('AGENT_WHISPER');
    expect(whisper).toHaveLength(1);
    const content = JSON.parse(whisper[0]?.[1].Properties.Content as string);
    expect(checkFlow(content, 'AGENT_WHISPER')).toEqual([]);
    expect(JSON.stringify(content)).toContain('$.Attributes.isReturning');
  });

  it('has the main flow set that whisper flow by ARN, with the priority', () => {
    const [[whisperId] = []] = ofType('AGENT_WHISPER');
    const main = JSON.stringify(ofType('CONTACT_FLOW')[0]?.[1].Properties.Content);
    expect(main).toContain('\\"AgentWhisper\\":\\"');
    expect(main).toContain(`"Fn::GetAtt":["${whisperId}","ContactFlowArn"]`);
    expect(main).toContain('\\"QueueTimeAdjustmentSeconds\\":\\"300\\"');
    expect(main).toContain('\\"isReturning\\":\\"$.External.returningCaller\\"');
  });
});

describe('the demo (npm start)', () => {
  // In-process: the bin wrapper that `npm start` runs has its own child-process test (test/cli/main.test.ts).
  it('prints what the agent hears for every caller, and never a caller number', async () => {
    const { code, stdout } = await runCli(['demo']);
    expect(code).toBe(0);
    const callers = stdout.split('\n▶ ').slice(1);
    expect(callers.length).toBeGreaterThan(5);
    for (const block of callers) expect(block, block).toMatch(/\n {2}agent hears: /);
    const heard = (title: string) =>
      callers.find((b) => b.startsWith(title))?.match(/agent hears: (.*)/)?.[1];
    // One text, whoever answers, naming the last agent by first name only.
    expect(heard('Returning caller, last agent (Alice) is free')).toBe(
      '"Claims. Returning caller, last spoke with Alice 2 days ago."',
    );
    expect(heard('Last agent (Dave) is offline')).toBe(
      '"Claims. Returning caller, last spoke with Dave 2 days ago."',
    );
    expect(stdout).not.toMatch(/last spoke with \w+ \w+ (ago|yesterday)/);
    expect(heard('First-time caller')).toBe("only the instance's default whisper (not a returning caller)");
    expect(stdout.match(/agent hears: .*/g)?.join('\n')).not.toMatch(/\d\D?\d\D?\d\D?\d/);
  });
});
