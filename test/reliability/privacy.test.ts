import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { type LocalSession, startLocalSession } from '../../local/session';
import { createLogger } from '../../steps/lib/runtime/logger';
import { DEMO, DEMO_NO_LATENCY, callFrom, demoPhone, demoScenario } from '../helpers';

const SECRET = 'a-long-enough-test-secret';
// Any run of the demo numbers' digits, formatted or not: "+14155550123", "(415) 555-0123", "415.555.0123".
const CLEAR_NUMBER = /4\D{0,3}1\D{0,3}5\D{0,3}5\D{0,3}5\D{0,3}5\D{0,3}0\D{0,3}1\D{0,3}\d\D{0,3}\d/;

async function capture(env: Record<string, string>, faults = false) {
  const lines: string[] = [];
  const session: LocalSession = await startLocalSession({
    scenario: faults
      ? demoScenario({
          faults: {
            seed: 2,
            inject: [{ operation: 'GetCurrentUserData', kind: 'error500', rate: 1, delayMs: 0 }],
          },
        })
      : DEMO_NO_LATENCY,
    env,
    logger: createLogger({ level: 'debug', sink: (l) => lines.push(l) }),
  });
  const results = [];
  try {
    for (const call of DEMO.demo) results.push(await session.decide(callFrom(session, call.phone)));
  } finally {
    await session.close();
  }
  return { lines, results };
}

describe('privacy', () => {
  it.each([
    ['E.164 keys', {}],
    ['hashed keys', { LAST_AGENT_KEY_MODE: 'hmac-sha256', LAST_AGENT_KEY_SECRET: SECRET }],
    // The index sources: the replay's indexers and the table reads log through the same sink.
    ['E.164 keys, index source', { LAST_AGENT_SOURCE: 'index' }],
    [
      'hashed keys, index-then-search source',
      {
        LAST_AGENT_SOURCE: 'index-then-search',
        LAST_AGENT_KEY_MODE: 'hmac-sha256',
        LAST_AGENT_KEY_SECRET: SECRET,
      },
    ],
  ])('no caller number in clear in any log line or trace (%s), failures included', async (_label, env) => {
    for (const faults of [false, true]) {
      const { lines, results } = await capture(env, faults);
      expect(lines.length).toBeGreaterThan(DEMO.demo.length);
      for (const line of lines) expect(line).not.toMatch(CLEAR_NUMBER);
      for (const { trace } of results) expect(JSON.stringify(trace)).not.toMatch(CLEAR_NUMBER);
    }
  });

  it('in hashed mode the routing-state table holds no caller number, only HMAC keys', async () => {
    const session = await startLocalSession({
      scenario: DEMO_NO_LATENCY,
      env: { LAST_AGENT_SOURCE: 'index', LAST_AGENT_KEY_MODE: 'hmac-sha256', LAST_AGENT_KEY_SECRET: SECRET },
    });
    try {
      for (const call of DEMO.demo) await session.decide(callFrom(session, call.phone));
      const { Items = [] } = await (session.dynamo?.server.client as DynamoDBClient).send(
        new ScanCommand({ TableName: session.config.tableName }),
      );
      const customers = Items.filter((i) => i.pk?.S?.startsWith('C#'));
      expect(customers.length).toBeGreaterThan(5);
      for (const item of Items) expect(JSON.stringify(item)).not.toMatch(CLEAR_NUMBER);
    } finally {
      await session.close();
    }
  });

  it('logs keep the last two digits so support can correlate a complaint', async () => {
    const { lines } = await capture({});
    expect(lines.some((l) => l.includes('+*********23'))).toBe(true);
  });

  it('in hashed mode the flow gets an HMAC as customer key and the lookup still finds the last agent', async () => {
    const { results } = await capture({ LAST_AGENT_KEY_MODE: 'hmac-sha256', LAST_AGENT_KEY_SECRET: SECRET });
    const first = results[0]?.decision;
    expect(first?.customerKey).toMatch(/^[0-9a-f]{64}$/);
    expect(first).toMatchObject({ route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE' });
    expect(JSON.stringify(results.map((r) => r.decision))).not.toMatch(CLEAR_NUMBER);
  });

  it('the key depends on the secret: after a rotation, contacts stored with the old secret are not found', async () => {
    const hashed = (secret: string) => ({
      LAST_AGENT_KEY_MODE: 'hmac-sha256',
      LAST_AGENT_KEY_SECRET: secret,
    });
    const { customerKeyFor } = await import('../../steps/lib/decision/caller');
    const { loadConfig } = await import('../../steps/lib/runtime/config');
    const oldConfig = loadConfig(hashed(SECRET));
    // The local Connect holds keys made with SECRET; this session decides with a rotated secret.
    const rotated = await startLocalSession({
      scenario: DEMO_NO_LATENCY,
      env: hashed(`${SECRET}-rotated`),
      storedKeyOf: (phone) => customerKeyFor(phone, oldConfig),
    });
    const current = await startLocalSession({ scenario: DEMO_NO_LATENCY, env: hashed(SECRET) });
    try {
      const before = await current.decide(callFrom(current, demoPhone('Alice) is free')));
      const after = await rotated.decide(callFrom(rotated, demoPhone('Alice) is free')));
      expect(before.decision.reason).toBe('LAST_AGENT_AVAILABLE');
      expect(after.decision.customerKey).not.toBe(before.decision.customerKey);
      expect(after.decision.reason).toBe('NO_RECENT_CONTACT');
    } finally {
      await rotated.close();
      await current.close();
    }
  });

  it('masks digits of every digit system alike (Unicode Nd), in a bare number and in free text', async () => {
    const { maskPhone, maskPhonesIn } = await import('../../steps/lib/decision/privacy');
    expect(maskPhone('+14155550123')).toBe('+*********23');
    expect(maskPhone('＋１４１５５５５０１２３')).toBe('＋*********２３');
    expect(maskPhone('٤١٥٥٥٥٠١٢٣')).toBe('********٢٣');
    expect(maskPhone('۴۱۵ ۵۵۵ ۰۱۲۳')).toBe('*** *** **۲۳');
    expect(maskPhonesIn('caller ＋１４１５５５５０１２３ failed')).toBe('caller ＋*********２３ failed');
    expect(maskPhonesIn('caller ٤١٥٥٥٥٠١٢٣ failed')).toBe('caller ********٢٣ failed');
    // Identifiers stay as they are.
    expect(maskPhonesIn('arn:aws:connect:us-east-1:123456789012:instance/x')).toContain('123456789012');
  });

  it('the clear-number pattern catches the formats a number hides in', () => {
    for (const text of ['+14155550123', '(415) 555-0123', '415.555.0123', '1 415 555 0123']) {
      expect(text).toMatch(CLEAR_NUMBER);
    }
    expect('+*********23').not.toMatch(CLEAR_NUMBER);
  });
});

describe('no state leaks between callers', () => {
  it('a decision for one caller carries nothing of the previous one', async () => {
    const session = await startLocalSession({ scenario: DEMO_NO_LATENCY, env: {} });
    try {
      const first = await session.decide(callFrom(session, demoPhone('Alice) is free')));
      const second = await session.decide(callFrom(session, 'anonymous'));
      const third = await session.decide(callFrom(session, demoPhone('First-time')));
      expect(first.decision.agentId).not.toBe('');
      expect(second.decision).toMatchObject({ agentId: '', customerKey: '', lastContactId: '' });
      expect(third.decision).toMatchObject({ agentId: '', reason: 'NO_RECENT_CONTACT' });
      expect(third.trace.some((t) => JSON.stringify(t).includes(first.decision.agentId))).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('concurrent callers each get their own answer', async () => {
    // With the demo's latency model, so that the concurrent calls' requests interleave.
    const session = await startLocalSession({ scenario: DEMO, env: {} });
    try {
      const calls = DEMO.demo.slice(0, 6);
      const results = await Promise.all(calls.map((c) => session.decide(callFrom(session, c.phone))));
      const sequential = [];
      for (const c of calls) sequential.push((await session.decide(callFrom(session, c.phone))).decision);
      expect(results.map((r) => [r.decision.reason, r.decision.agentId])).toEqual(
        sequential.map((d) => [d.reason, d.agentId]),
      );
    } finally {
      await session.close();
    }
  });
});
