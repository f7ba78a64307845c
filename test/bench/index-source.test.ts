import { describe, expect, it } from 'vitest';
import { generateContactCenter } from '../../bench/generator';
import {
  PRICES,
  ROUTING_SOURCES,
  costPerMillion,
  deployedMemory,
  expressGbSeconds,
  formatIndexSource,
  itemBytes,
  lambdaGbSeconds,
  runIndexSource,
} from '../../bench/index-source';
import { type LoadReport, formatLoad } from '../../bench/load';
import { recordingProgress } from './fakes';

describe('routing-state source section (small run)', () => {
  it('compares the three sources: same last agent under search and index, no SearchContacts with index', async () => {
    const center = generateContactCenter({
      seed: 7,
      agents: 3,
      customers: 12,
      calls: 6,
      meanHistory: 3,
      historyDays: 21,
    });
    center.scenario.faults = { seed: 7, inject: [] };
    const recorded = recordingProgress();
    const report = await runIndexSource({
      scenario: center.scenario,
      calls: center.truth,
      seed: 7,
      latency: null,
      concurrency: 1,
      freshnessSamples: 2,
      agentRounds: 1,
      latencyCalls: 2,
      warmup: 1,
      memory: { stepMb: 1769, indexerMb: 512 },
      progress: recorded.progress,
    });
    const by = Object.fromEntries(report.sources.map((s) => [s.source, s]));

    expect(report.sources.map((s) => s.source)).toEqual([...ROUTING_SOURCES]);
    expect(report.correctness.total).toBe(center.truth.length);
    expect(report.correctness.equal).toBe(report.correctness.total);
    expect(by.index?.connectPerDecision.SearchContacts).toBe(0);
    expect(by.index?.connectPerDecision.GetCurrentUserData).toBe(0);
    expect(by.search?.connectPerDecision.SearchContacts).toBeGreaterThan(0);
    expect(by.index?.dynamoPerDecision.reads).toBeGreaterThan(0);
    expect(by.index?.readUnitsPerDecision).toBeGreaterThan(0);
    expect(by.search?.dynamoPerDecision).toEqual({ reads: 0, writes: 0 });
    expect(report.indexer.build.contactEvents).toBeGreaterThan(0);
    expect(report.freshness.samples).toBe(2);

    const text = formatIndexSource(report);
    expect(text).toMatch(/decisions\/s\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
    expect(text).toContain('same for 6/6 calls (100%)');
    expect(text).toContain('Prices:');

    // What the progress line names, in order; the index build counts its contacts and events.
    expect(recorded.phases).toEqual([
      `index: the customer keys of ${report.callers} callers`,
      'index: the contact events',
      'routing-state source: agent indexer, freshness',
      'routing-state source: deciding with search (1/3)',
      'routing-state source: deciding with index (2/3)',
      'routing-state source: deciding with index-then-search (3/3)',
    ]);
    const { contacts, contactEvents } = report.indexer.build;
    expect(recorded.counts).toContain(
      `index: the customer keys of ${report.callers} callers: contacts ${contacts}/${contacts}`,
    );
    expect(recorded.counts.at(-1)).toBe(
      `index: the contact events: events ${contactEvents}/${contactEvents}`,
    );
  }, 60_000);
});

describe('cost per million decisions', () => {
  it('is usage × price × 10⁶, line by line (checked by hand)', () => {
    const { lines, total } = costPerMillion(
      {
        lambdaRequests: 5,
        lambdaGbSeconds: 0.5,
        sfnRequests: 1,
        sfnGbSeconds: 0.0125,
        readUnits: 1,
        writeUnits: 1,
      },
      { lambdaRequests: 2, lambdaGbSeconds: 0.05, readUnits: 0.5, writeUnits: 3 },
    );
    const usd = Object.fromEntries(lines.map((l) => [l.item, l.usdPerMillion]));
    // 5 requests × $0.20/1M = $1.00 per million decisions
    expect(usd['Lambda requests']).toBeCloseTo(1.0, 9);
    // 0.5 GB-s × $0.0000133334 × 10⁶ = $6.6667
    expect(usd['Lambda duration']).toBeCloseTo(6.6667, 9);
    // 1 request × $1.00/1M
    expect(usd['Express requests']).toBeCloseTo(1.0, 9);
    // 0.0125 GB-s × $0.00001667 × 10⁶ = $0.208375
    expect(usd['Express duration']).toBeCloseTo(0.208375, 9);
    // 1 RRU × $0.125/1M, 1 WRU × $0.625/1M
    expect(usd['DynamoDB reads (decision)']).toBeCloseTo(0.125, 9);
    expect(usd['DynamoDB writes (decision)']).toBeCloseTo(0.625, 9);
    // indexer: 2 × $0.20/1M = $0.40; 0.05 × 13.3334 = $0.66667; 0.5 × 0.125 = $0.0625; 3 × 0.625 = $1.875
    expect(usd['contact indexer requests']).toBeCloseTo(0.4, 9);
    expect(usd['contact indexer duration']).toBeCloseTo(0.66667, 9);
    expect(usd['contact indexer reads']).toBeCloseTo(0.0625, 9);
    expect(usd['contact indexer writes']).toBeCloseTo(1.875, 9);
    expect(usd['contact events (EventBridge)']).toBe(0);
    expect(total).toBeCloseTo(1 + 6.6667 + 1 + 0.208375 + 0.125 + 0.625 + 0.4 + 0.66667 + 0.0625 + 1.875, 9);
    // Without an indexer (search): the six decision lines only.
    expect(costPerMillion({ ...zero, lambdaRequests: 1 }, undefined).lines).toHaveLength(6);
    expect(costPerMillion({ ...zero, lambdaRequests: 1 }, undefined).total).toBeCloseTo(0.2, 9);
  });

  const zero = {
    lambdaRequests: 0,
    lambdaGbSeconds: 0,
    sfnRequests: 0,
    sfnGbSeconds: 0,
    readUnits: 0,
    writeUnits: 0,
  };

  it('bills Lambda per started millisecond and Express per started 100 ms at 64 MB', () => {
    // 100.2 ms → 101 ms; 1,024 MB = 1 GB
    expect(lambdaGbSeconds(100.2, 1024)).toBeCloseTo(0.101, 12);
    // 1,769 MB for 200 ms
    expect(lambdaGbSeconds(200, 1769)).toBeCloseTo(0.2 * (1769 / 1024), 12);
    // 150 ms → 200 ms at 64 MB = 0.2 s × 0.0625 GB
    expect(expressGbSeconds(150)).toBeCloseTo(0.0125, 12);
    expect(expressGbSeconds(100)).toBeCloseTo(0.00625, 12);
  });

  it('prices name their source, and the memory comes from the stack', () => {
    for (const p of Object.values(PRICES)) expect(p.source.length).toBeGreaterThan(20);
    expect(deployedMemory()).toEqual({ stepMb: 1769, indexerMb: 512 });
  });

  it('sizes items as DynamoDB does (names + UTF-8 strings + numbers + 3 bytes per map/list)', () => {
    // "pk" 2 + "C#x" 3; "n" 1 + 12345 → 3 digit-pairs + 1 = 4; "m" 1 + 3 + (1 + "a" 1 + "bc" 2)
    expect(itemBytes({ pk: 'C#x', n: 12345, m: { a: 'bc' } })).toBe(2 + 3 + 1 + 4 + 1 + 3 + 1 + 1 + 2);
  });
});

describe('load table', () => {
  it('has one column per source, with the per-decision Connect and DynamoDB counts', () => {
    const report = (source: LoadReport['source'], extra: Partial<LoadReport>): LoadReport => ({
      options: {
        calls: 10,
        concurrency: 2,
        quotas: 'connect-defaults',
        latency: null,
        deadlineMs: 3000,
        seed: 1,
      },
      source,
      answered: 10,
      inBudget: 10,
      unanswered: 0,
      byReason: { LAST_AGENT_AVAILABLE: 10 },
      throttledPercent: 0,
      failedPercent: 0,
      p50: 1,
      p99: 2,
      max: 3,
      wallSeconds: 1,
      decisionsPerSecond: 10,
      connect: {},
      connectPerDecision: { SearchContacts: 0, GetCurrentUserData: 0 },
      ...extra,
    });
    const text = formatLoad([
      report('search', { connectPerDecision: { SearchContacts: 1, GetCurrentUserData: 0.9 } }),
      report('index', { dynamoPerDecision: { reads: 1.9, writes: 1 } }),
    ]);
    expect(text).toMatch(/^source\s+search\s+index$/m);
    expect(text).toMatch(/^SearchContacts \/ decision\s+1\s+0$/m);
    expect(text).toMatch(/^DynamoDB reads \/ decision\s+—\s+1\.9$/m);
    expect(text).toMatch(/^throttled\s+0\.00%\s+0\.00%$/m);
  });
});
