import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../local/connect/scenario';
import { DEMO, DEMO_NO_LATENCY, callFrom, demoPhone, withSession } from '../helpers';

const id = (username: string) => DEMO.agents.find((a) => a.username === username)?.id;
const contactIdOf = (name: string, phone: string) =>
  DEMO.contacts.filter((c) => c.attributes.CustomerPhoneNumber === phone && c.agentId === id(name)).at(-1)
    ?.id;

// Without the demo's latency model: these are about which contact is found, not when.
describe('cases a naive implementation gets wrong', () => {
  for (const mode of ['connected', 'initiated'] as const) {
    it(`finds an agent contact older than 12 newer IVR-only and abandoned contacts (${mode} search)`, async () => {
      const phone = demoPhone('hidden behind');
      await withSession(
        { scenario: DEMO_NO_LATENCY, env: { LAST_AGENT_SEARCH_MODE: mode, LAST_AGENT_PAGE_SIZE: '5' } },
        async (session) => {
          const { decision, trace } = await session.decide(callFrom(session, phone));

          expect(decision.agentId).toBe(id('alice'));
          expect(decision.reason).toBe('LAST_AGENT_AVAILABLE');
          const search = trace.find((t) => t.state === 'Search Recent Contacts')?.output as {
            search: { pages: number };
          };
          // Connected-time search skips IVR-only contacts on the server; initiation-time search pages past them.
          expect(search.search.pages).toBe(mode === 'connected' ? 1 : 3);
        },
      );
    });
  }

  it('takes the agent after a transfer, not the first agent of the call', async () => {
    const phone = demoPhone('Transferred');
    await withSession({ scenario: DEMO_NO_LATENCY }, async (session) => {
      const { decision } = await session.decide(callFrom(session, phone));

      expect(decision.agentId).toBe(id('alice'));
      expect(decision.lastContactId).toBe(contactIdOf('alice', phone));
    });
  });

  it('excludes the current call and its own transfer chain', async () => {
    const phone = demoPhone('Transferred');
    const firstLeg = DEMO.contacts.find(
      (c) => c.attributes.CustomerPhoneNumber === phone && !c.initialContactId,
    );
    await withSession({ scenario: DEMO_NO_LATENCY }, async (session) => {
      // The call being routed is the transfer chain itself (e.g. a transfer back into the flow).
      const event = callFrom(session, phone, { contactId: 'new-leg' });
      event.Details.ContactData.InitialContactId = firstLeg?.id as string;

      const { decision } = await session.decide(event);

      expect(decision.reason).toBe('NO_AGENT_CONTACT');
    });
  });

  describe('the lookback window boundary', () => {
    const now = '2026-11-20T10:00:00Z';
    const scenarioWith = (daysAgoSeconds: number) =>
      parseScenario({
        ...DEMO_NO_LATENCY,
        contacts: [
          {
            id: 'edge',
            initiationTimestamp: new Date(Date.parse(now) - daysAgoSeconds * 1000 - 40_000).toISOString(),
            connectedToAgentTimestamp: new Date(Date.parse(now) - daysAgoSeconds * 1000).toISOString(),
            agentId: id('alice'),
            attributes: { CustomerPhoneNumber: '+14155550150' },
          },
        ],
      });
    const sevenDays = 7 * 86_400;

    it('ignores a contact one minute outside the 7-day window', async () => {
      await withSession({ scenario: scenarioWith(sevenDays + 60) }, async (session) => {
        const { decision } = await session.decide(callFrom(session, '+14155550150'));
        expect(decision.reason).toBe('NO_RECENT_CONTACT');
      });
    });

    it('uses a contact one minute inside the 7-day window', async () => {
      await withSession({ scenario: scenarioWith(sevenDays - 60) }, async (session) => {
        const { decision } = await session.decide(callFrom(session, '+14155550150'));
        expect(decision.reason).toBe('LAST_AGENT_AVAILABLE');
      });
    });

    it('finds a contact 70 days ago with a 90-day lookback, searching in windows of at most 8 weeks', async () => {
      const calls: { TimeRange?: { StartTime?: Date; EndTime?: Date } }[] = [];
      const { startLocalSession } = await import('../../local/session');
      const session = await startLocalSession({
        scenario: scenarioWith(70 * 86_400),
        env: { LAST_AGENT_LOOKBACK_DAYS: '90' },
        onConnectCall: (call) => {
          if (call.operation === 'SearchContacts') calls.push(call.input as never);
        },
      });
      try {
        const { decision } = await session.decide(callFrom(session, '+14155550150'));
        expect(decision.reason).toBe('LAST_AGENT_AVAILABLE');
      } finally {
        await session.close();
      }
      const spans = calls.map(
        (c) =>
          ((c.TimeRange?.EndTime?.getTime() ?? 0) - (c.TimeRange?.StartTime?.getTime() ?? 0)) / 86_400_000,
      );
      expect(spans).toEqual([56, 34]);
    });
  });
});
