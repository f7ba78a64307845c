import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COLD,
  DEFAULT_HOPS,
  allColdExtraMs,
  branchOfStates,
  coldDecisionShare,
  criticalPathHops,
  hopMs,
  provisionedMonthlyUsd,
  resolveModels,
} from '../../bench/aws-model';
import { CRITICAL_PATH, criticalPathOf, criticalPathSum } from '../../bench/cold-start';
import { readDefinitionText } from '../../statemachine/definition';

const branches = branchOfStates(JSON.parse(readDefinitionText()));
const task = (state: string) => ({ state, type: 'Task' });
const FULL_PATH = [
  task('Search Recent Contacts'),
  task('Pick Last Agent Contact'),
  { state: 'Agent Contact Found?', type: 'Choice' },
  task('Check Agent Availability'),
  { state: 'Csat Gate On?', type: 'Choice' },
  task('Check Last Contact Csat'),
  { state: 'Check Agent And Csat', type: 'Parallel' },
  { state: 'Route Choice Inputs', type: 'Pass' },
];

describe('hop model', () => {
  it('counts the Parallel state once: its busiest branch', () => {
    const hops = criticalPathHops(FULL_PATH, branches);
    // Search, pick and the slower branch (availability); the CSAT task runs beside it.
    expect(hops.lambdaTasks).toBe(3);
    expect(hops.tasks).toHaveLength(4);
  });

  it('adds StartSyncExecution and one invoke per Lambda hop', () => {
    const model = {
      startSync: { ms: 40, source: 't' },
      lambdaTask: { ms: 10, source: 't' },
      otherState: { ms: 1, source: 't' },
    };
    const hops = criticalPathHops(FULL_PATH, branches);
    expect(hopMs(hops, model)).toBe(40 + 3 * 10 + hops.otherStates * 1);
    expect(hopMs(hops, model, false)).toBe(0);
  });

  it('labels command-line overrides as such and keeps the published sources otherwise', () => {
    const { hops, cold } = resolveModels({ hops: { lambdaTask: 12 } });
    expect(hops.lambdaTask).toEqual({ ms: 12, source: 'set on the command line' });
    expect(hops.startSync).toEqual(DEFAULT_HOPS.startSync);
    expect(cold.runtimeInit.source).toContain('lambda-perf');
  });
});

describe('cold model', () => {
  it('adds runtime start-up and each cold penalty along the path, the slowest of a Parallel', () => {
    const cold = { a: { penaltyMs: 100 }, b: { penaltyMs: 50 }, c: { penaltyMs: 70 } };
    const model = { runtimeInit: { ms: 10, source: 't' } };
    expect(allColdExtraMs(['a', ['b', 'c']], cold, model)).toBe(110 + 80);
    expect(() => allColdExtraMs(['missing'], cold, model)).toThrow(/no cold-start measurement/);
  });

  it('sums the serial critical path with the slower of the two parallel checks', () => {
    const values = {
      decide: 1,
      'search-contacts': 2,
      'pick-last-agent-contact': 3,
      'check-agent-availability': 10,
      'check-last-contact-csat': 20,
      'choose-route': 4,
    };
    // decide → search → pick → max(availability, CSAT); the baseline's path ended in choose-route.
    expect(criticalPathSum(values, CRITICAL_PATH)).toBe(26);
    expect(criticalPathSum(values, criticalPathOf(['choose-route']))).toBe(30);
    expect(criticalPathSum({ decide: 1 }, CRITICAL_PATH)).toBeUndefined();
  });

  it('finds functions cold together when calls are rarer than the idle recycle time', () => {
    expect(coldDecisionShare(6, 10)).toBeCloseTo(Math.exp(-1));
    expect(coldDecisionShare(600, 10)).toBeLessThan(1e-6);
    expect(DEFAULT_COLD.runtimeInit.ms).toBeGreaterThan(0);
  });

  it('prices provisioned concurrency per GB-second over a 730-hour month', () => {
    // 1 GB for 730 h at $0.0000033334 per GB-second.
    expect(provisionedMonthlyUsd([1024], 1)).toBeCloseTo(8.76, 2);
    expect(provisionedMonthlyUsd([1024, 2048], 2)).toBeCloseTo(8.76 * 6, 1);
  });
});
