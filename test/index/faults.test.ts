/**
 * Faults in the index path and the reasons docs/routing-state.md ("Faults and what they do")
 * documents for them: DynamoDB throttling, errors and slowness on the customer Query, an empty
 * index, agent state that is unreadable, stale or missing, and a failing join write. DynamoDB's
 * own error answers come from the fault proxy in front of dynalite (local/dynamodb/server.ts).
 */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoFaults } from '../../local/dynamodb/server';
import { type LocalSession, startLocalSession } from '../../local/session';
import { createDynamoClient } from '../../steps/lib/routing-state/dynamo-client';
import { SINGLETON_SK, agentPk } from '../../steps/lib/routing-state/table';
import { DEMO, callFrom, demoPhone, normalisedPath } from '../helpers';
import { FULL, agentId } from '../statemachine/scenario-table';
import { availabilitySource, reconfigure, searchSource } from './helpers';

/** The deadline of the timeout cases (the others keep the default 3 s: no timing in them). */
const BUDGET_MS = 500;
/** Scheduling slack on a shared CI machine; the answer must still come well inside Connect's 8 s. */
const SLACK_MS = 400;
const ALICE = agentId('alice') as string;
const ALICE_PHONE = demoPhone('Alice) is free');
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

const queryFault = (kind: 'throttle' | 'throttling' | 'error500' | 'slow'): DynamoFaults => ({
  inject: [{ operation: 'Query', kind, delayMs: 5_000 }],
});

describe('faults in the index path', () => {
  /** The demo replayed into the table. */
  let session: LocalSession;
  /** The same demo, nothing replayed: an index deployed today. */
  let empty: LocalSession;
  /** dynalite itself, past the fault proxy, to set up agent items. */
  let direct: DynamoDBDocumentClient;
  const table = () => session.config.tableName as string;
  const aliceKey = { pk: agentPk(ALICE), sk: SINGLETON_SK.agent };

  const decide = (s: LocalSession, source: 'index' | 'index-then-search', env = {}) => {
    reconfigure(s, { LAST_AGENT_SOURCE: source, ...env });
    s.connect.resetStats();
    s.dynamo?.server.resetStats();
    return s.decide(callFrom(s, ALICE_PHONE));
  };
  /** A decision under a short deadline, which must be answered within it. */
  const decideInBudget = async (source: 'index' | 'index-then-search') => {
    const started = performance.now();
    const result = await decide(session, source, { LAST_AGENT_DEADLINE_MS: String(BUDGET_MS) });
    expect(performance.now() - started).toBeLessThan(BUDGET_MS + SLACK_MS);
    expect(Number(result.decision.decisionMs)).toBeLessThanOrEqual(BUDGET_MS + SLACK_MS);
    return result;
  };
  const aliceAvailable = { route: 'LAST_AGENT', reason: 'LAST_AGENT_AVAILABLE', agentId: ALICE };

  beforeAll(async () => {
    [session, empty] = await Promise.all([
      startLocalSession({ scenario: DEMO, env: { LAST_AGENT_SOURCE: 'index' } }),
      startLocalSession({ scenario: DEMO, env: { LAST_AGENT_SOURCE: 'index' }, replay: false }),
    ]);
    direct = DynamoDBDocumentClient.from(
      createDynamoClient({ endpoint: session.dynamo?.server.directEndpoint as string, ...LOCAL }),
    );
  });
  afterAll(async () => {
    direct?.destroy();
    await Promise.all([session?.close(), empty?.close()]);
  });
  beforeEach(() => session.dynamo?.server.setFaults({}));

  describe('the customer Query', () => {
    it.each(['throttle', 'throttling'] as const)(
      'throttled (%s) in index mode → LOOKUP_THROTTLED, after retrying within the deadline',
      async (kind) => {
        session.dynamo?.server.setFaults(queryFault(kind));

        const result = await decide(session, 'index');

        expect(result.decision).toMatchObject({ route: 'DEFAULT', reason: 'LOOKUP_THROTTLED' });
        expect(normalisedPath(result)).toEqual(['Search Recent Contacts', 'Lookup Throttled']);
        expect(session.dynamo?.server.stats.Query.throttled).toBeGreaterThan(1);
        expect(session.connect.stats.SearchContacts.requests).toBe(0);
      },
    );

    it('failing (HTTP 500) in index mode → LOOKUP_ERROR', async () => {
      session.dynamo?.server.setFaults(queryFault('error500'));

      const result = await decide(session, 'index');

      expect(result.decision).toMatchObject({ route: 'DEFAULT', reason: 'LOOKUP_ERROR' });
      expect(normalisedPath(result)).toEqual(['Search Recent Contacts', 'Lookup Failed']);
      expect(session.dynamo?.server.stats.Query.faults).toBeGreaterThan(1);
    });

    it.each(['index', 'index-then-search'] as const)(
      'slower than the deadline (%s) → LOOKUP_TIMEOUT, answered within the budget',
      async (source) => {
        session.dynamo?.server.setFaults(queryFault('slow'));

        const result = await decideInBudget(source);

        expect(result.decision).toMatchObject({ route: 'DEFAULT', reason: 'LOOKUP_TIMEOUT' });
        expect(normalisedPath(result)).toEqual(['Search Recent Contacts', 'Lookup Timed Out']);
      },
    );

    it.each(['throttle', 'throttling', 'error500'] as const)(
      'failing (%s) in index-then-search → SearchContacts answers (SEARCH_INDEX_FAILED), same decision',
      async (kind) => {
        session.dynamo?.server.setFaults(queryFault(kind));

        const result = await decide(session, 'index-then-search');

        expect(result.decision).toMatchObject(aliceAvailable);
        expect(searchSource(result)).toBe('SEARCH_INDEX_FAILED');
        expect(session.connect.stats.SearchContacts.requests).toBe(1);
        expect(session.dynamo?.server.stats.Query.faults).toBeGreaterThan(0);
        // The agent's state still comes from the index: only the Query was failing.
        expect(availabilitySource(result)).toBe('INDEX');
      },
    );
  });

  describe('an empty index (nothing replayed: deployed today)', () => {
    it('index mode knows no contact → NO_RECENT_CONTACT, without asking Connect', async () => {
      const result = await decide(empty, 'index');

      expect(result.decision).toMatchObject({ route: 'DEFAULT', reason: 'NO_RECENT_CONTACT', agentId: '' });
      expect(normalisedPath(result)).toEqual([
        'Search Recent Contacts',
        'Pick Last Agent Contact',
        'Agent Contact Found?',
        'No Agent Contact',
      ]);
      expect(searchSource(result)).toBe('INDEX');
      expect(empty.connect.stats.SearchContacts.requests).toBe(0);
    });

    it('index-then-search asks SearchContacts (SEARCH_INDEX_EMPTY) and GetCurrentUserData (API_INDEX_MISSING): same decision', async () => {
      const result = await decide(empty, 'index-then-search');

      expect(result.decision).toMatchObject(aliceAvailable);
      expect(normalisedPath(result)).toEqual(FULL);
      expect(searchSource(result)).toBe('SEARCH_INDEX_EMPTY');
      expect(availabilitySource(result)).toBe('API_INDEX_MISSING');
      expect(empty.connect.stats.SearchContacts.requests).toBe(1);
      expect(empty.connect.stats.GetCurrentUserData.requests).toBe(1);
    });
  });

  describe("the agent's state", () => {
    /** Runs `fn` with Alice's stored state replaced (or deleted), then puts the replayed one back. */
    async function withAliceState<T>(
      change: (stored: Record<string, unknown>) => Record<string, unknown> | undefined,
      fn: () => Promise<T>,
    ): Promise<T> {
      const { Item } = await direct.send(new GetCommand({ TableName: table(), Key: aliceKey }));
      expect(Item).toMatchObject({ agentId: ALICE, statusName: 'Available', statusType: 'ROUTABLE' });
      const stored = Item as Record<string, unknown>;
      const changed = change(stored);
      if (changed) await direct.send(new PutCommand({ TableName: table(), Item: changed }));
      else await direct.send(new DeleteCommand({ TableName: table(), Key: aliceKey }));
      try {
        return await fn();
      } finally {
        await direct.send(new PutCommand({ TableName: table(), Item: stored }));
      }
    }
    /**
     * The stored snapshot says Alice went offline; GetCurrentUserData says she is available. The
     * decision shows which one was believed.
     */
    const offlineAt = (stored: Record<string, unknown>, eventAt: number) => ({
      ...stored,
      eventAt,
      statusName: 'Offline',
      statusType: 'OFFLINE',
      statusArn: String(stored.statusArn).replace(/[^/]+$/, 'offline'),
    });

    it.each(['error500', 'throttle'] as const)(
      'GetItem failing (%s) → GetCurrentUserData (API_INDEX_FAILED), same decision',
      async (kind) => {
        session.dynamo?.server.setFaults({ inject: [{ operation: 'GetItem', kind }] });

        const result = await decide(session, 'index');

        expect(result.decision).toMatchObject(aliceAvailable);
        expect(searchSource(result)).toBe('INDEX');
        expect(availabilitySource(result)).toBe('API_INDEX_FAILED');
        expect(session.connect.stats.GetCurrentUserData.requests).toBe(1);
        expect(session.dynamo?.server.stats.GetItem.faults).toBeGreaterThan(0);
      },
    );

    it('GetItem slower than the deadline → GetCurrentUserData still in time (API_INDEX_FAILED), same decision', async () => {
      session.dynamo?.server.setFaults({ inject: [{ operation: 'GetItem', kind: 'slow', delayMs: 5_000 }] });

      const result = await decideInBudget('index');

      expect(result.decision).toMatchObject(aliceAvailable);
      expect(availabilitySource(result)).toBe('API_INDEX_FAILED');
      expect(session.connect.stats.GetCurrentUserData.requests).toBe(1);
    });

    it('older than LAST_AGENT_AGENT_STATE_MAX_AGE_SECONDS → GetCurrentUserData (API_INDEX_STALE), which says available', async () => {
      const maxAge = 300;
      const result = await withAliceState(
        (stored) => offlineAt(stored, Date.now() - (maxAge + 5) * 1000),
        () => decide(session, 'index'),
      );

      expect(result.decision).toMatchObject(aliceAvailable);
      expect(availabilitySource(result)).toBe('API_INDEX_STALE');
      expect(session.connect.stats.GetCurrentUserData.requests).toBe(1);
    });

    it('the age limit is the configured one: 130 s (the minimum) makes a 140 s old state stale, 120 s old fresh', async () => {
      const env = { LAST_AGENT_AGENT_STATE_MAX_AGE_SECONDS: '130' };
      const stale = await withAliceState(
        (stored) => offlineAt(stored, Date.now() - 140_000),
        () => decide(session, 'index', env),
      );
      expect(availabilitySource(stale)).toBe('API_INDEX_STALE');
      expect(stale.decision).toMatchObject(aliceAvailable);

      const fresh = await withAliceState(
        (stored) => offlineAt(stored, Date.now() - 120_000),
        () => decide(session, 'index', env),
      );
      // Fresh enough: the snapshot is believed (Alice offline), and Connect is not asked.
      expect(availabilitySource(fresh)).toBe('INDEX');
      expect(fresh.decision).toMatchObject({ route: 'DEFAULT', reason: 'AGENT_OFFLINE', agentId: ALICE });
      expect(session.connect.stats.GetCurrentUserData.requests).toBe(0);
    });

    it('missing → GetCurrentUserData (API_INDEX_MISSING), same decision', async () => {
      const result = await withAliceState(
        () => undefined,
        () => decide(session, 'index'),
      );

      expect(result.decision).toMatchObject(aliceAvailable);
      expect(availabilitySource(result)).toBe('API_INDEX_MISSING');
      expect(session.connect.stats.GetCurrentUserData.requests).toBe(1);
    });
  });

  describe('the join write (this call → its customer key)', () => {
    it.each(['error500', 'throttle'] as const)(
      'UpdateItem failing (%s) does not fail the decision',
      async (kind) => {
        session.dynamo?.server.setFaults({ inject: [{ operation: 'UpdateItem', kind }] });

        const result = await decide(session, 'index');

        expect(result.decision).toMatchObject(aliceAvailable);
        expect(searchSource(result)).toBe('INDEX');
        expect(session.dynamo?.server.stats.UpdateItem.faults).toBeGreaterThan(0);
      },
    );

    it('UpdateItem slower than the deadline does not fail the decision', async () => {
      session.dynamo?.server.setFaults({
        inject: [{ operation: 'UpdateItem', kind: 'slow', delayMs: 5_000 }],
      });

      const result = await decideInBudget('index');

      expect(result.decision).toMatchObject(aliceAvailable);
      expect(session.dynamo?.server.stats.UpdateItem.faults).toBeGreaterThan(0);
    });

    it('without faults, the call is recorded: its join item holds the customer key', async () => {
      const result = await decide(session, 'index');
      const contactId = (result.trace[0]?.output as { contactId?: string } | undefined)?.contactId;

      const { Item } = await direct.send(
        new GetCommand({ TableName: table(), Key: { pk: `K#${contactId}`, sk: SINGLETON_SK.join } }),
      );
      expect(Item).toMatchObject({ id: contactId, customerKey: ALICE_PHONE });
    });
  });
});
