import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSession } from '../../local/session';
import { startLocalSession } from '../../local/session';
import { FLOW_RESPONSE_KEYS, Reason, Route } from '../../steps/lib/decision/decision';
import { DEMO, demoScenario } from '../helpers';

/**
 * Property-based: whatever Connect (or an attacker controlling caller-id and attributes) sends,
 * the entry Lambda answers a valid flat string map with a reason, inside the budget.
 * Fixed seed in CI; FC_SEED / FC_RUNS to explore further (see README).
 */
const SEED = Number(process.env.FC_SEED ?? 20261124);
const RUNS = Number(process.env.FC_RUNS ?? 150);
/** Long exploratory runs (FC_RUNS=100000) get the time they need: ~5 ms a run, with room. */
const TIMEOUT_MS = Math.max(20_000, RUNS * 10);
const BUDGET_MS = 800;

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);
const lookAlikeDigits = fc
  .array(fc.constantFrom('٠', '١', '٣', '۴', '０', '１', '５', '𝟓', '߁', '৭', '1', '5', ' ', '-', '+'), {
    minLength: 5,
    maxLength: 20,
  })
  .map((cs) => cs.join(''));
const callerIds = fc.oneof(
  fc.constantFrom(
    '+14155550123',
    '(415) 555-0123',
    'anonymous',
    'Restricted',
    'UNAVAILABLE',
    '+0',
    '+',
    '',
    'sip:+14155550123@carrier.example;user=phone',
    'sip:anonymous@anonymous.invalid',
    'tel:+14155550123;ext=12',
    '+1415555012300000000000000',
    '+14155550123" OR "1"="1',
    '+14155550123\u0000',
    '\u202e+14155550123',
    '*',
  ),
  lookAlikeDigits,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1000, maxLength: 5000 }),
  junk,
);
const attributes = fc.dictionary(
  fc.oneof(fc.constant('CustomerPhoneNumber'), fc.string({ maxLength: 20 })),
  fc.oneof(fc.string({ maxLength: 50 }), fc.constant('*'), fc.constant('+14155550123'), junk),
  { maxKeys: 4 },
);

describe('hostile input', () => {
  let session: LocalSession;
  beforeAll(async () => {
    // No latency: the properties are about correctness; the budget is checked all the same.
    session = await startLocalSession({
      scenario: demoScenario({ faults: { seed: 1, inject: [] } }),
      env: { LAST_AGENT_DEADLINE_MS: String(BUDGET_MS) },
    });
  });
  afterAll(() => session.close());

  const expectValidAnswer = (answer: Record<string, unknown>, elapsed: number) => {
    expect(Object.keys(answer).sort()).toEqual([...FLOW_RESPONSE_KEYS].sort());
    for (const value of Object.values(answer)) expect(typeof value).toBe('string');
    expect(Route.options).toContain(answer.route);
    expect(Reason.options).toContain(answer.reason);
    // The searchable key is the normalised number or nothing: raw input never reaches the search.
    expect(answer.customerKey).toMatch(/^(\+[1-9]\d{6,14})?$/);
    expect(elapsed).toBeLessThan(BUDGET_MS + 250);
  };

  it(
    'any caller-id and attributes on an otherwise valid event',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          callerIds,
          attributes,
          fc.option(fc.string({ maxLength: 80 })),
          async (address, attrs, queue) => {
            const event = {
              Name: 'ContactFlowEvent',
              Details: {
                ContactData: {
                  ContactId: 'c-prop',
                  InitialContactId: 'c-prop',
                  Channel: 'VOICE',
                  InstanceARN: session.instanceArn,
                  CustomerEndpoint: { Address: address, Type: 'TELEPHONE_NUMBER' },
                  Queue: queue === null ? null : { ARN: queue },
                  Attributes: attrs,
                },
                Parameters: attrs,
              },
            };
            const started = performance.now();
            const { decision } = await session.decide(event);
            expectValidAnswer(decision, performance.now() - started);
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'events with missing, wrongly typed or extra fields anywhere',
    async () => {
      const contactData = fc.record(
        {
          ContactId: fc.oneof(fc.string({ maxLength: 300 }), junk),
          InitialContactId: fc.oneof(fc.string(), junk),
          InstanceARN: fc.oneof(fc.constant(session.instanceArn), fc.string(), junk),
          Channel: fc.oneof(fc.constantFrom('VOICE', 'CHAT', 'TASK', 'EMAIL', 'FAX'), junk),
          CustomerEndpoint: fc.oneof(fc.record({ Address: callerIds }), junk),
          Queue: fc.oneof(fc.record({ ARN: fc.string(), Id: fc.string() }), junk),
        },
        { requiredKeys: [] },
      );
      const events = fc.oneof(
        junk,
        fc.record({
          Details: fc.oneof(junk, fc.record({ ContactData: fc.oneof(contactData, junk), Parameters: junk })),
        }),
      );
      await fc.assert(
        fc.asyncProperty(events, async (event) => {
          const started = performance.now();
          const { decision } = await session.decide(event);
          expectValidAnswer(decision, performance.now() - started);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it('a known caller behind hostile formatting is still found', async () => {
    const alice = DEMO.agents.find((a) => a.username === 'alice')?.id;
    for (const address of [
      '+1 (415) 555-0123',
      'tel:+14155550123',
      '＋１４１５５５５０１２３',
      '4155550123',
    ]) {
      const { decision } = await session.decide({
        Details: {
          ContactData: {
            ContactId: 'c',
            InstanceARN: session.instanceArn,
            CustomerEndpoint: { Address: address },
          },
        },
      });
      expect(decision, address).toMatchObject({ reason: 'LAST_AGENT_AVAILABLE', agentId: alice });
    }
  });
});
