import { describe, expect, it } from 'vitest';
import type { ContactSummary } from '../../steps/lib/decision/schemas';
import { pickLastAgentContact } from '../../steps/pick-last-agent-contact';
import { stepDeps } from './fixtures';

const contact = (id: string, connectedAt: number, extra: Partial<ContactSummary> = {}): ContactSummary => ({
  id,
  initialContactId: id,
  agentId: `agent-${id}`,
  connectedAt,
  disconnectedAt: connectedAt + 300,
  queueId: 'claims',
  ...extra,
});
const pick = (candidates: ContactSummary[], env: Record<string, string> = {}, current: object = {}) =>
  pickLastAgentContact(
    {
      contactId: 'now',
      initialContactId: 'now',
      ...current,
      search: { seen: candidates.length + 1, pages: 1, candidates },
    },
    stepDeps(env),
  );

describe('Pick Last Agent Contact', () => {
  it('picks the first (newest) eligible candidate', () => {
    expect(pick([contact('b', 200), contact('a', 100)])).toMatchObject({
      found: true,
      contactId: 'b',
      agentId: 'agent-b',
    });
  });

  it('reports NO_RECENT_CONTACT when the search saw nothing', () => {
    const result = pickLastAgentContact(
      { contactId: 'now', search: { seen: 0, pages: 1, candidates: [] } },
      stepDeps(),
    );
    expect(result).toEqual({ found: false, reason: 'NO_RECENT_CONTACT' });
  });

  it('reports NO_AGENT_CONTACT when contacts were seen but none reached an agent', () => {
    expect(pick([])).toEqual({ found: false, reason: 'NO_AGENT_CONTACT' });
  });

  it('ignores an offer the agent never answered (no connected time)', () => {
    expect(pick([contact('missed', 0, { connectedAt: undefined }), contact('a', 100)])).toMatchObject({
      contactId: 'a',
    });
  });

  it('skips contacts of the current transfer chain', () => {
    const result = pick(
      [contact('leg2', 300, { initialContactId: 'first' }), contact('old', 100)],
      {},
      {
        contactId: 'leg3',
        initialContactId: 'first',
      },
    );
    expect(result).toMatchObject({ contactId: 'old' });
  });

  it('skips talks shorter than LAST_AGENT_MIN_TALK_SECONDS', () => {
    const short = contact('short', 300, { disconnectedAt: 310 });
    expect(pick([short, contact('long', 100)], { LAST_AGENT_MIN_TALK_SECONDS: '30' })).toMatchObject({
      contactId: 'long',
    });
  });

  it('scopes to the current queue when LAST_AGENT_SAME_QUEUE is on', () => {
    const result = pick(
      [contact('billing', 300, { queueId: 'billing' }), contact('claims', 100)],
      { LAST_AGENT_SAME_QUEUE: 'true' },
      { currentQueueId: 'claims' },
    );
    expect(result).toMatchObject({ contactId: 'claims' });
  });

  it('returns the connected time as ISO 8601 and the chain id for attributes', () => {
    expect(pick([contact('b', 1_795_000_000, { initialContactId: 'root' })])).toMatchObject({
      connectedAt: '2026-11-18T11:06:40.000Z',
      initialContactId: 'root',
    });
  });
});
