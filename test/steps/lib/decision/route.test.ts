import { describe, expect, it } from 'vitest';
import {
  type ChooseInput,
  PipelineOutput,
  chooseRoute,
  routeFrom,
} from '../../../../steps/lib/decision/route';
import type { AgentAvailability, CsatCheck } from '../../../../steps/lib/decision/schemas';
import { loadConfig } from '../../../../steps/lib/runtime/config';

const lastContact = {
  found: true as const,
  contactId: 'c1',
  initialContactId: 'c1',
  agentId: 'a1',
  queueId: 'q1',
  connectedAt: '2026-11-18T07:00:40.000Z',
};
const input = (status: AgentAvailability['status'], csat: CsatCheck['gate'] = 'SKIPPED'): ChooseInput => ({
  lastContact,
  checks: {
    availability: { status },
    csat: { gate: csat, detail: csat === 'FAIL' ? 'BELOW_THRESHOLD' : 'GATE_OFF' },
  },
});
const defaults = loadConfig({});

describe('Choose Route', () => {
  it.each([
    ['AVAILABLE', 'LAST_AGENT', 'LAST_AGENT_AVAILABLE'],
    ['BUSY', 'LAST_AGENT', 'AGENT_BUSY'],
    ['NOT_ROUTABLE', 'DEFAULT', 'AGENT_NOT_ROUTABLE'],
    ['OFFLINE', 'DEFAULT', 'AGENT_OFFLINE'],
  ] as const)('an agent %s gives %s / %s', (status, route, reason) => {
    expect(chooseRoute(input(status), defaults)).toMatchObject({
      route,
      reason,
      agentId: 'a1',
      lastContactId: 'c1',
    });
  });

  it.each(['AVAILABLE', 'OFFLINE'] as const)(
    "carries the last agent's first name to the decision, whatever the route (%s), through the state machine's output schema",
    (status) => {
      const named: ChooseInput = {
        ...input(status),
        checks: { ...input(status).checks, availability: { status, agentFirstName: 'Maria' } },
      };
      const decision = routeFrom(PipelineOutput.parse(JSON.parse(JSON.stringify(named))), defaults);
      expect(decision.agentFirstName).toBe('Maria');
      expect(chooseRoute(input(status), defaults)).not.toHaveProperty('agentFirstName');
    },
  );

  it('a failed CSAT gate wins over an available agent', () => {
    expect(chooseRoute(input('AVAILABLE', 'FAIL'), defaults)).toMatchObject({
      route: 'DEFAULT',
      reason: 'LOW_CSAT',
    });
  });

  it('falls back to the last queue when enabled', () => {
    const config = loadConfig({ LAST_AGENT_LAST_QUEUE_FALLBACK: 'true', LAST_AGENT_PREFER_BUSY: 'false' });
    expect(chooseRoute(input('BUSY'), config)).toMatchObject({
      route: 'LAST_QUEUE',
      reason: 'AGENT_BUSY',
      queueId: 'q1',
    });
  });

  it('cannot fall back to a queue it does not know', () => {
    const config = loadConfig({ LAST_AGENT_LAST_QUEUE_FALLBACK: 'true' });
    const noQueue = { ...input('OFFLINE'), lastContact: { ...lastContact, queueId: undefined } };
    expect(chooseRoute(noQueue, config).route).toBe('DEFAULT');
  });

  it('passes on the reason when no agent contact was found', () => {
    const none: ChooseInput = {
      ...input('OFFLINE'),
      lastContact: { found: false, reason: 'NO_AGENT_CONTACT' },
    };
    expect(chooseRoute(none, defaults)).toEqual({ route: 'DEFAULT', reason: 'NO_AGENT_CONTACT' });
  });

  it('routeFrom applies the choice to the inputs the state machine hands over', () => {
    expect(routeFrom(input('AVAILABLE'), defaults)).toEqual(chooseRoute(input('AVAILABLE'), defaults));
  });

  it('routeFrom passes on a decision the state machine already made', () => {
    expect(routeFrom({ route: 'DEFAULT', reason: 'LOOKUP_THROTTLED' }, defaults)).toEqual({
      route: 'DEFAULT',
      reason: 'LOOKUP_THROTTLED',
    });
  });
});
