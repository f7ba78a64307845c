/**
 * On a generated contact center (bench/generator.ts: returning callers, IVR-only and abandoned
 * calls, transfers, callbacks, offers never answered, history beyond the lookback window), the
 * index identifies the same last agent as SearchContacts for every caller: the same agent and the
 * same last contact, which is also the generator's ground truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedCenter, generateContactCenter } from '../../bench/generator';
import {
  type LocalDecision,
  type LocalSession,
  connectEventFor,
  startLocalSession,
} from '../../local/session';
import { searchSource } from './helpers';

const CENTER: GeneratedCenter = generateContactCenter({
  seed: 21,
  agents: 6,
  customers: 18,
  calls: 18,
  meanHistory: 3,
  historyDays: 14,
});

describe('search and index agree on a generated contact center', () => {
  let search: LocalSession;
  let index: LocalSession;
  beforeAll(async () => {
    [search, index] = await Promise.all([
      startLocalSession({ scenario: CENTER.scenario, env: { LAST_AGENT_SOURCE: 'search' } }),
      startLocalSession({ scenario: CENTER.scenario, env: { LAST_AGENT_SOURCE: 'index' } }),
    ]);
  });
  afterAll(() => Promise.all([search?.close(), index?.close()]));

  it('the generated data has what makes the comparison worth it', () => {
    const kinds = new Set(CENTER.scenario.contacts.map((c) => c.initiationMethod));
    expect(kinds).toEqual(new Set(['INBOUND', 'TRANSFER', 'CALLBACK', 'OUTBOUND']));
    const last = (t: (typeof CENTER.truth)[number]) =>
      CENTER.scenario.contacts.find((c) => c.id === t.lastContactId);
    // Callers with a last agent, first-time callers, and last contacts that are a transfer's second leg.
    expect(CENTER.truth.filter((t) => t.agentId).length).toBeGreaterThan(8);
    expect(CENTER.truth.some((t) => !t.agentId)).toBe(true);
    expect(CENTER.truth.some((t) => ['CALLBACK', 'OUTBOUND'].includes(last(t)?.initiationMethod ?? ''))).toBe(
      true,
    );
    expect(CENTER.truth.filter((t) => last(t)?.initiationMethod === 'TRANSFER').length).toBeGreaterThan(2);
    // History beyond the 7-day lookback, which neither source may return.
    const now = Date.parse(CENTER.scenario.now);
    expect(
      CENTER.scenario.contacts.some((c) => Date.parse(c.initiationTimestamp) < now - 8 * 86_400_000),
    ).toBe(true);
    expect(index.dynamo?.replay.indexed).toBeGreaterThan(20);
  });

  it('every caller gets the same last agent and last contact from both sources', async () => {
    const differences: unknown[] = [];
    const seen = ({ decision }: LocalDecision) => ({
      agentId: decision.agentId,
      lastContactId: decision.lastContactId,
      route: decision.route,
      reason: decision.reason,
    });
    for (const call of CENTER.truth) {
      const ask = (s: LocalSession) =>
        s.decide(connectEventFor({ phone: call.phone, instanceArn: s.instanceArn }));
      const [bySearch, byIndex] = await Promise.all([ask(search), ask(index)]);
      expect(searchSource(bySearch)).toBe('SEARCH');
      expect(searchSource(byIndex)).toBe('INDEX');
      const truth = { agentId: call.agentId ?? '', lastContactId: call.lastContactId ?? '' };
      const [a, b] = [seen(bySearch), seen(byIndex)];
      const same = (x: typeof a) => x.agentId === truth.agentId && x.lastContactId === truth.lastContactId;
      if (!same(a) || !same(b)) differences.push({ phone: call.phone, truth, search: a, index: b });
    }
    expect(differences).toEqual([]);
    expect(index.connect.stats.SearchContacts.requests).toBe(0);
    expect(index.connect.stats.GetCurrentUserData.requests).toBe(0);
  });
});
