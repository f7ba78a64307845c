import { describe, expect, it } from 'vitest';
import { type Scenario, ScenarioError, parseScenario } from '../../local/connect/scenario';
import { DEMO } from '../helpers';

/**
 * Every id in a scenario that names a member of another list must name one that exists: a
 * dangling one would silently change decisions (a contact handled by nobody the Connect knows,
 * a profile serving no queue), so loading fails with the field path and the missing id.
 */

const profiles = DEMO.routingProfiles as NonNullable<Scenario['routingProfiles']>;
/** The demo with the list `key` changed at `index` by `change`. */
const changed = <K extends 'agents' | 'contacts' | 'routingProfiles'>(
  key: K,
  index: number,
  change: (item: NonNullable<Scenario[K]>[number]) => object,
) => ({
  ...DEMO,
  [key]: (DEMO[key] as NonNullable<Scenario[K]>).map((item, i) =>
    i === index ? change(item as never) : item,
  ),
});

const load = (scenario: unknown) => () => parseScenario(scenario, 'test scenario');

describe('a scenario naming something it does not have fails to load, naming the field and the id', () => {
  it.each([
    [
      'a contact handled by an unknown agent',
      changed('contacts', 3, (c) => ({ ...c, agentId: 'a-x' })),
      'contacts[3].agentId "a-x" names no agent',
    ],
    [
      'a contact in an unknown queue',
      changed('contacts', 3, (c) => ({ ...c, queueId: 'q-x' })),
      'contacts[3].queueId "q-x" names no queue',
    ],
    [
      'a contact whose initial contact is unknown',
      changed('contacts', 2, (c) => ({ ...c, initialContactId: 'c-x' })),
      'contacts[2].initialContactId "c-x" names no contact',
    ],
    [
      'a contact whose previous contact is unknown',
      changed('contacts', 2, (c) => ({ ...c, previousContactId: 'c-y' })),
      'contacts[2].previousContactId "c-y" names no contact',
    ],
    [
      'a routing profile serving an unknown queue',
      changed('routingProfiles', 1, (p) => ({
        ...p,
        queueIds: [...(p as (typeof profiles)[number]).queueIds, 'q-z'],
      })),
      'routingProfiles[1].queueIds[1] "q-z" names no queue',
    ],
    [
      'an agent in an unknown routing profile',
      changed('agents', 4, (a) => ({ ...a, routingProfileId: 'rp-x' })),
      'agents[4].routingProfileId "rp-x" names no routing profile',
    ],
    [
      'an agent in the implicit routing profile of a scenario that lists its own',
      changed('agents', 0, (a) => ({ ...a, routingProfileId: undefined })),
      undefined,
    ],
    [
      'an agent on an unknown status',
      changed('agents', 2, (a) => ({ ...a, status: 'Napping' })),
      'agents[2].status "Napping" names no agent status',
    ],
    [
      'an agent choosing an unknown next status',
      changed('agents', 5, (a) => ({ ...a, nextStatus: 'Nap' })),
      'agents[5].nextStatus "Nap" names no agent status',
    ],
    [
      'a contact whose agent was removed',
      { ...DEMO, agents: DEMO.agents.filter((a) => a.username !== 'carol') },
      'names no agent',
    ],
    ['a contact whose queue was removed', { ...DEMO, queues: DEMO.queues.slice(0, 1) }, 'names no queue'],
  ])('%s', (_label, scenario, message) => {
    if (message === undefined) {
      // An agent without routingProfileId takes the scenario's first profile: not a reference.
      expect(load(scenario)).not.toThrow();
      return;
    }
    expect(load(scenario)).toThrow(ScenarioError);
    expect(load(scenario)).toThrow(message);
  });

  it('lists several broken references at once', () => {
    const scenario = { ...DEMO, queues: [] };
    const error = (() => {
      try {
        parseScenario(scenario, 'test scenario');
      } catch (err) {
        return err as Error;
      }
    })();
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error?.message).toMatch(
      /^test scenario is not a valid scenario: routingProfiles\[0\]\.queueIds\[0\] "/,
    );
    expect(error?.message).toMatch(/; and \d+ more$/);
  });

  it('the demo scenario, whose references all hold, loads', () => {
    expect(load(DEMO)).not.toThrow();
  });
});

describe('the demo scenario describes itself truly', () => {
  it('names the number of agents it has', () => {
    const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    const said = /\b(\w+) agents\b/.exec(DEMO.description ?? '')?.[1];
    expect(said).toBeDefined();
    expect(words.indexOf(said as string)).toBe(DEMO.agents.length);
  });
});
