/**
 * `last-agent backfill` (cli/backfill/), in-process against the local Connect (the demo
 * scenario) and local DynamoDB (dynalite): what it writes, that the filled table routes every
 * demo caller as SearchContacts does, pacing under the quotas, throttling, resuming, usage.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BackfillHooks, runBackfillCommand } from '../../cli/backfill/command';
import { Pacer } from '../../cli/backfill/pacing';
import {
  type BackfillProgress,
  formatDuration,
  progressBar,
  progressReporter,
  progressText,
} from '../../cli/backfill/progress';
import { type Scenario, loadScenarioFile } from '../../local/connect/scenario';
import { startLocalConnect } from '../../local/connect/server';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb/server';
import { DEMO_SCENARIO } from '../../local/scenarios';
import { type LocalSession, connectEventFor, flowParameters, startLocalSession } from '../../local/session';
import { createDynamoClient } from '../../steps/lib/routing-state/dynamo-client';
import { fakeStream, slowClock } from '../bench/fakes';
import { captureOutput, runCli } from './run-cli';

const demo = loadScenarioFile(DEMO_SCENARIO);
/** Agent-handled demo contacts in the default 7-day lookback (the 8-day-old one is outside). */
const IN_LOOKBACK = 11;
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const PHONE = /4155550\d{3}/;

const withQuotas = (throttle: Scenario['faults']['throttle']): Scenario => ({
  ...demo,
  faults: { ...demo.faults, throttle },
});
/** No quotas, no latency: for the tests about something other than pacing. */
const unthrottled: Scenario = { ...demo, faults: { seed: 1, inject: [] } };
/** Paces past the flags' ranges (--search-rps stops at 0.5/s), for the tests about something else. */
const FAST: BackfillHooks = { rates: { searchRps: 100, attributesRps: 200 } };

/** The command in-process with hooks (runCli covers the plain CLI), output captured. */
async function backfill(args: string[], hooks: BackfillHooks = {}) {
  const result = await captureOutput(() => runBackfillCommand(args, hooks));
  return { ...result, json: args.includes('--json') ? JSON.parse(result.stdout) : undefined };
}

/** Times at which each SearchContacts request was released by its pacer, and the gaps between them. */
function searchTimes() {
  const times: number[] = [];
  return {
    onCall: (op: string, releasedAt: number) => {
      if (op === 'SearchContacts') times.push(releasedAt);
    },
    gaps: () => times.slice(1).map((t, i) => t - (times[i] as number)),
    times,
  };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backfill --local', () => {
  it('writes every agent-handled contact of the lookback, at the default rates, without a throttle at Connect defaults', async () => {
    const { code, stdout, stderr } = await runCli(['backfill', '--local', '--json']);

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] as string);
    expect(out).toMatchObject({
      status: 'complete',
      lookbackDays: 7,
      windows: 1,
      order: 'newest-first',
      resumed: false,
      counts: {
        pages: 1,
        contacts: IN_LOOKBACK,
        written: IN_LOOKBACK,
        skipped: 0,
        notFound: 0,
        throttled: 0,
      },
      local: {
        customers: 9,
        connect: { SearchContacts: { requests: 1, throttled: 0 }, GetContactAttributes: { throttled: 0 } },
      },
    });
    // A transfer's two legs share their chain's attributes: one GetContactAttributes for both.
    expect(out.requests).toEqual({ SearchContacts: 1, GetContactAttributes: IN_LOOKBACK - 1 });
    expect(out.local.wrote.map((w: { contactId: string }) => w.contactId)).toContain(
      'e9f08097-d234-5387-9386-9dee72163906',
    );
    // --local keeps no checkpoint unless asked: its table lives only as long as the run.
    expect(out.checkpoint).toBeUndefined();
    // --json (and stderr not a terminal): no progress at all.
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(PHONE);
  });

  it('prints what it wrote, never a customer key', async () => {
    const { code, stdout } = await runCli(['backfill', '--local', '--attributes-rps', '10']);

    expect(code).toBe(0);
    expect(stdout).toContain('local DynamoDB table last-agent-routing-state');
    expect(stdout).toMatch(
      /contact e9f08097-d234-5387-9386-9dee72163906 {2}VOICE {2}agent alice {2}connected 2026-11-20T04:03:30.000Z/,
    );
    expect(stdout).toContain('11 contacts of 9 callers; customer keys are never printed');
    expect(stdout).toMatch(
      /1 page, 11 agent-handled contacts: 11 written, 0 without the key attribute, 0 not found/,
    );
    expect(stdout).not.toMatch(PHONE);
  });

  it('writes the same items as the event path (the contact events through the real indexer)', async () => {
    const session = await startLocalSession({ scenario: demo, env: { LAST_AGENT_SOURCE: 'index' } });
    const dynamo = await startLocalDynamo();
    try {
      await dynamo.createRoutingTable('filled');
      await backfill(['--local', '--table', 'filled'], {
        ...FAST,
        dynamoEndpoint: dynamo.endpoint,
        scenario: unthrottled,
      });
      const customerContacts = async (endpoint: string, table: string) => {
        const doc = createDynamoClient({ endpoint, ...LOCAL });
        try {
          const items = (await doc.send(new ScanCommand({ TableName: table }))).Items ?? [];
          return items
            .filter((i) => String(i.pk).startsWith('C#'))
            .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
        } finally {
          doc.destroy();
        }
      };
      const replayed = await customerContacts(
        session.dynamo?.server.directEndpoint as string,
        session.config.tableName as string,
      );
      const filled = await customerContacts(dynamo.directEndpoint, 'filled');
      const from = Date.parse(demo.now) / 1000 - 7 * 86_400;

      expect(filled).toHaveLength(IN_LOOKBACK);
      expect(filled).toEqual(replayed.filter((i) => (i.connectedAt as number) >= from));
    } finally {
      await Promise.all([session.close(), dynamo.close()]);
    }
  });

  it('fills a table that routes every demo caller as the search path does', async () => {
    const groups = new Map<string, Scenario['demo']>();
    for (const call of demo.demo) {
      const key = JSON.stringify(call.env ?? {});
      groups.set(key, [...(groups.get(key) ?? []), call]);
    }
    const queue = demo.queues[0]?.id as string;
    const decide = async (session: LocalSession, call: Scenario['demo'][number]) => {
      const { decision } = await session.decide(
        connectEventFor({
          ...call,
          instanceArn: session.instanceArn,
          parameters: flowParameters(session.instanceArn, queue),
        }),
      );
      return {
        route: decision.route,
        reason: decision.reason,
        agentId: decision.agentId,
        lastContactId: decision.lastContactId,
      };
    };
    let compared = 0;
    for (const calls of groups.values()) {
      const env = calls[0]?.env ?? {};
      // An empty index (no replay of the scenario's events): only the backfill fills it.
      const index = await startLocalSession({
        scenario: demo,
        env: { ...env, LAST_AGENT_SOURCE: 'index' },
        replay: false,
      });
      const search = await startLocalSession({ scenario: demo, env });
      try {
        const { code } = await backfill(['--local', '--table', index.config.tableName as string], {
          ...FAST,
          dynamoEndpoint: index.dynamo?.server.endpoint as string,
          scenario: unthrottled,
        });
        expect(code).toBe(0);
        for (const call of calls) {
          const [fromIndex, fromSearch] = [await decide(index, call), await decide(search, call)];
          expect({ call: call.title, ...fromIndex }).toEqual({ call: call.title, ...fromSearch });
          compared++;
        }
        // The index answered from the table: no SearchContacts at all.
        expect(index.connect.stats.SearchContacts.requests).toBe(0);
      } finally {
        await Promise.all([index.close(), search.close()]);
      }
    }
    expect(compared).toBe(demo.demo.length);
  });
});

describe('backfill pacing', () => {
  it('at the defaults (0.4/s) spaces SearchContacts 2.5 s apart: Connect defaults (0.5/s) never throttle', async () => {
    const calls = searchTimes();
    const reports: BackfillProgress[] = [];
    const { code, json } = await backfill(['--local', '--json'], {
      pageSize: 4,
      onCall: calls.onCall,
      onProgress: (p) => reports.push(p),
    });

    expect(code).toBe(0);
    expect(json.counts).toMatchObject({ pages: 3, written: IN_LOOKBACK, throttled: 0, retries: 0 });
    expect(json.local.connect.SearchContacts).toEqual({ requests: 3, throttled: 0 });
    expect(json.local.connect.GetContactAttributes.throttled).toBe(0);
    expect(calls.gaps()).toHaveLength(2);
    // Release times are observed after the event loop runs the timer: under a loaded CPU one gap
    // can look a few ms short when the one before it fired late. The quota is the real check.
    for (const gap of calls.gaps()) expect(gap).toBeGreaterThanOrEqual(2500 * 0.9);
    // The estimate after the first contact: 10 contacts and 3 pages to go at 0.4 pages/s.
    expect(progressText(reports[0] as BackfillProgress)).toMatch(
      /^window 1\/1 · 0 pages · 1 contacts · 1 written · 0 skipped · [\d.]+\/s · ETA [5-9]s$/,
    );
    expect(progressText(reports.at(-1) as BackfillProgress)).toMatch(/11 contacts · 11 written.*ETA done$/);
  });

  it('paced at 2/s spaces SearchContacts at least 500 ms apart (a 3/s quota never throttles)', async () => {
    const calls = searchTimes();
    const { code, json } = await backfill(['--local', '--json'], {
      rates: { searchRps: 2, attributesRps: 20 },
      pageSize: 2,
      onCall: calls.onCall,
      scenario: withQuotas({
        SearchContacts: { rps: 3, burst: 1 },
        GetContactAttributes: { rps: 25, burst: 15 },
      }),
    });

    expect(code).toBe(0);
    expect(json.counts).toMatchObject({ pages: 6, written: IN_LOOKBACK, throttled: 0 });
    expect(json.local.connect.SearchContacts).toEqual({ requests: 6, throttled: 0 });
    expect(json.local.connect.GetContactAttributes.throttled).toBe(0);
    expect(calls.gaps()).toHaveLength(5);
    for (const gap of calls.gaps()) expect(gap).toBeGreaterThanOrEqual(500 * 0.9);
  });

  it('backs off and retries a throttled SearchContacts (ThrottlingException, HTTP 429)', async () => {
    // Half the SearchContacts requests throttled, the same ones on every run (seeded).
    const scenario: Scenario = {
      ...unthrottled,
      faults: { seed: 2, inject: [{ operation: 'SearchContacts', kind: 'throttle', rate: 0.5, delayMs: 0 }] },
    };
    const reports: BackfillProgress[] = [];
    const { code, json } = await backfill(['--local', '--json'], {
      ...FAST,
      scenario,
      pageSize: 4,
      backoffBaseMs: 50,
      onProgress: (p) => reports.push(p),
    });

    expect(code).toBe(0);
    expect(json.counts).toMatchObject({ pages: 3, written: IN_LOOKBACK });
    expect(json.counts.throttled).toBeGreaterThan(0);
    expect(json.counts.retries).toBe(json.counts.throttled);
    expect(json.requests.SearchContacts).toBe(3 + json.counts.throttled);
    expect(json.local.connect.SearchContacts.requests).toBe(3 + json.counts.throttled);
    expect(progressText(reports.at(-1) as BackfillProgress)).toMatch(/\d+ throttled/);
  });
});

describe('backfill resume', () => {
  let dynamo: LocalDynamo;
  let table = 0;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(() => dynamo.close());
  afterEach(() => rmSync(join(dir, 'checkpoint.json'), { force: true }));

  /** A fresh table, and the hooks that write to it. */
  async function target() {
    const name = `resume-${++table}`;
    await dynamo.createRoutingTable(name);
    return { name, hooks: { ...FAST, dynamoEndpoint: dynamo.endpoint, scenario: unthrottled, pageSize: 4 } };
  }
  const customerContacts = async (name: string) => {
    const doc = createDynamoClient({ endpoint: dynamo.directEndpoint, ...LOCAL });
    try {
      const items = (await doc.send(new ScanCommand({ TableName: name }))).Items ?? [];
      return items.filter((i) => String(i.pk).startsWith('C#')).length;
    } finally {
      doc.destroy();
    }
  };

  it('stops after N pages with the checkpoint saved, then resumes: everything written, no page read twice', async () => {
    const { name, hooks } = await target();
    const checkpoint = join(dir, 'checkpoint.json');
    const args = ['--local', '--table', name, '--checkpoint', checkpoint, '--json'];
    const stop = new AbortController();
    const calls = { search: 0, attributes: 0 };
    const onCall = (op: string) => {
      if (op === 'SearchContacts') calls.search++;
      else calls.attributes++;
    };

    const first = await backfill(args, {
      ...hooks,
      signal: stop.signal,
      onCall,
      onPage: (counts) => {
        if (counts.pages === 1) stop.abort();
      },
    });
    expect(first.code).toBe(130);
    expect(first.json).toMatchObject({ status: 'interrupted', checkpoint, counts: { pages: 1, written: 4 } });
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8'));
    expect(saved).toMatchObject({ version: 1, window: { index: 0 }, doneInPage: 0, counts: { pages: 1 } });
    expect(saved.nextToken).toEqual(expect.any(String));
    expect(JSON.stringify(saved)).not.toMatch(PHONE);

    const second = await backfill(args, { ...hooks, onCall });
    expect(second.code).toBe(0);
    expect(second.json).toMatchObject({
      status: 'complete',
      resumed: true,
      counts: { pages: 3, contacts: IN_LOOKBACK, written: IN_LOOKBACK },
    });
    expect(second.json.requests.SearchContacts).toBe(2);
    expect(calls.search).toBe(3);
    expect(() => readFileSync(checkpoint)).toThrow(/ENOENT/);
    expect(await customerContacts(name)).toBe(IN_LOOKBACK);
  });

  it('stopped in the middle of a page, resumes at the next contact (that page is read once more)', async () => {
    const { name, hooks } = await target();
    const checkpoint = join(dir, 'checkpoint.json');
    const args = ['--local', '--table', name, '--checkpoint', checkpoint, '--json'];
    const stop = new AbortController();
    const calls = { search: 0, attributes: 0 };
    const onCall = (op: string) => {
      if (op === 'SearchContacts') calls.search++;
      else calls.attributes++;
    };

    const first = await backfill(args, {
      ...hooks,
      signal: stop.signal,
      onCall,
      onContact: (counts) => {
        if (counts.contacts === 6) stop.abort();
      },
    });
    expect(first.code).toBe(130);
    expect(JSON.parse(readFileSync(checkpoint, 'utf8'))).toMatchObject({
      doneInPage: 2,
      counts: { contacts: 6 },
    });

    const second = await backfill(args, { ...hooks, onCall });
    expect(second.json.counts).toMatchObject({ pages: 3, contacts: IN_LOOKBACK, written: IN_LOOKBACK });
    // Page 2 twice (interrupted in it), every contact's attributes once (one call per chain).
    expect(calls.search).toBe(4);
    expect(calls.attributes).toBe(IN_LOOKBACK - 1);
    expect(await customerContacts(name)).toBe(IN_LOOKBACK);
  });

  it('stopped while a contact waits for its GetContactAttributes slot, resumes with exact counts', async () => {
    const { name, hooks } = await target();
    const checkpoint = join(dir, 'checkpoint.json');
    const args = ['--local', '--table', name, '--checkpoint', checkpoint, '--json'];
    const stop = new AbortController();
    let attributeCalls = 0;
    const onCall = (op: string) => {
      if (op === 'GetContactAttributes') attributeCalls++;
    };

    // 1 GetContactAttributes/s: after the third contact (the first two are one transfer chain,
    // one call), the fourth waits most of a second for its slot; Ctrl-C comes during that wait.
    const first = await backfill([...args, '--attributes-rps', '1'], {
      ...hooks,
      rates: undefined,
      signal: stop.signal,
      onCall,
      onContact: (counts) => {
        if (counts.contacts === 3) setTimeout(() => stop.abort(), 20);
      },
    });
    expect(first.code).toBe(130);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8'));
    expect(saved).toMatchObject({ doneInPage: 3, counts: { pages: 0, contacts: 3, written: 3 } });
    expect(attributeCalls).toBe(2);

    const second = await backfill(args, { ...hooks, onCall });
    expect(second.json.counts).toMatchObject({ contacts: IN_LOOKBACK, written: IN_LOOKBACK });
    expect(attributeCalls).toBe(IN_LOOKBACK - 1);
  });

  it('starts the window over when SearchContacts rejects an expired NextToken', async () => {
    const { name, hooks } = await target();
    const checkpoint = join(dir, 'checkpoint.json');
    const args = ['--local', '--table', name, '--checkpoint', checkpoint, '--json'];
    const stop = new AbortController();
    await backfill(args, {
      ...hooks,
      signal: stop.signal,
      onPage: (counts) => {
        if (counts.pages === 2) stop.abort();
      },
    });
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8'));
    writeFileSync(checkpoint, JSON.stringify({ ...saved, nextToken: 'expired-token' }));

    const second = await backfill(args, hooks);
    expect(second.code).toBe(0);
    expect(second.json.counts).toMatchObject({ restartedWindows: 1, written: 2 * 4 + IN_LOOKBACK });
    expect(await customerContacts(name)).toBe(IN_LOOKBACK);
  });

  it('refuses a checkpoint of another backfill', async () => {
    const checkpoint = join(dir, 'checkpoint.json');
    writeFileSync(
      checkpoint,
      JSON.stringify({
        version: 1,
        instanceId: 'another-instance',
        table: 'another-table',
        lookbackDays: 7,
        now: '2026-11-20T10:00:00.000Z',
        startedAt: '2026-11-20T10:00:00.000Z',
        updatedAt: '2026-11-20T10:00:00.000Z',
        window: { index: 0, start: '2026-11-13T10:00:00.000Z', end: '2026-11-20T10:00:00.000Z' },
        nextToken: null,
        doneInPage: 0,
        windowDone: 0,
        totals: [null],
        counts: {
          pages: 0,
          contacts: 0,
          written: 0,
          skipped: 0,
          notFound: 0,
          throttled: 0,
          retries: 0,
          restartedWindows: 0,
        },
      }),
    );
    const { code, stderr } = await runCli(['backfill', '--local', '--checkpoint', checkpoint]);
    expect(code).toBe(1);
    expect(stderr).toContain('belongs to another backfill (instance another-instance, table another-table');

    writeFileSync(checkpoint, '{"not": "a checkpoint"}');
    const damaged = await runCli(['backfill', '--local', '--checkpoint', checkpoint]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain('is not a backfill checkpoint');
  });
});

describe('backfill against an instance (the default credential chain)', () => {
  it('reads the instance and writes the table its endpoints name, with the checkpoint removed when done', async () => {
    // The SDK's service-specific endpoint variables stand in for AWS: same code path as a real run.
    const connect = await startLocalConnect(unthrottled);
    const dynamo = await startLocalDynamo();
    const checkpoint = join(dir, 'real.json');
    // A real run ends the lookback now: the clock is set to the demo's now.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(demo.now));
    try {
      await dynamo.createRoutingTable('routing');
      vi.stubEnv('AWS_ENDPOINT_URL_CONNECT', connect.endpoint);
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
      vi.stubEnv('AWS_REGION', 'eu-west-1');
      const { code, stdout } = await backfill(
        [
          '--instance-id',
          connect.instanceArn,
          '--table',
          'routing',
          '--lookback-days',
          '60',
          '--checkpoint',
          checkpoint,
          '--json',
        ],
        FAST,
      ).finally(() => vi.unstubAllEnvs());
      expect(code).toBe(0);
      const out = JSON.parse(stdout);
      // The instance id from the ARN; 60 days are two windows (8 weeks, then 4 days).
      expect(out).toMatchObject({
        instanceId: demo.instance.id,
        table: 'routing',
        to: new Date(demo.now).toISOString(),
        windows: 2,
        status: 'complete',
      });
      expect(out.counts).toMatchObject({ written: 12, skipped: 0 });
      expect(out.local).toBeUndefined();
      expect(() => readFileSync(checkpoint)).toThrow(/ENOENT/);
    } finally {
      vi.useRealTimers();
      await Promise.all([connect.close(), dynamo.close()]);
    }
  });
});

describe('backfill usage', () => {
  it.each([
    [[], /needs --instance-id and --table/],
    [['--instance-id', 'abc'], /needs --table/],
    [['--local', '--instance-id', 'abc'], /drop --instance-id/],
    [['--local', '--region', 'us-east-1'], /drop --region/],
    [['--local', '--search-rps', '0'], /--search-rps must be/],
    [['--local', '--attributes-rps', 'fast'], /--attributes-rps must be/],
    [['--local', '--lookback-days', '0'], /--lookback-days must be/],
    [['--local', '--lookback-days', '1.5'], /--lookback-days must be/],
    [['--local', '--table', 'x'], /--table must be/],
    [['--instance-id', 'not an id', '--table', 'routing'], /--instance-id must be/],
    [
      [
        '--instance-id',
        'arn:aws:connect:us-east-1:123456789012:instance/abc',
        '--region',
        'eu-west-1',
        '--table',
        'routing',
      ],
      /does not match/,
    ],
    [['--local', '--bogus'], /unknown option '--bogus' for backfill/],
    [['--local', 'extra'], /unexpected argument 'extra' for backfill/],
  ])('backfill %j exits 2 with one line pointing to its --help', async (args, message) => {
    const { code, stderr } = await runCli(['backfill', ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^last-agent: [^\n]*\(see: last-agent backfill --help\)\n$/);
  });
});

describe('backfill progress', () => {
  const progress: BackfillProgress = {
    window: 0,
    windows: 2,
    counts: {
      pages: 3,
      contacts: 250,
      written: 240,
      skipped: 9,
      notFound: 1,
      throttled: 2,
      retries: 2,
      restartedWindows: 0,
    },
    rate: 4.8,
    fraction: 0.25,
    etaSeconds: 3725,
    done: false,
  };
  const CLEAR = '\r\x1b[K';

  it('draws the bar in place on a terminal after the delay, at most every interval, and clears it', () => {
    let now = 0;
    const { chunks, stream } = fakeStream(true);
    const reporter = progressReporter(stream, false, { clock: () => now, delayMs: 2000, intervalMs: 250 });
    reporter.update(progress);
    now = 1999;
    reporter.update(progress);
    expect(chunks).toEqual([]);
    now = 2500;
    reporter.update(progress);
    now = 2600; // within the interval: no redraw
    reporter.update({ ...progress, counts: { ...progress.counts, contacts: 251 } });
    now = 3000;
    reporter.update({ ...progress, fraction: 1, etaSeconds: 0, done: true });
    reporter.end();

    expect(chunks).toEqual([
      `${CLEAR}backfill: ▕██████                  ▏ 25%  window 1/2 · 3 pages · 250 contacts · 240 written · 10 skipped · 2 throttled · 4.8/s · ETA 1h 02m, 3 s elapsed`,
      `${CLEAR}backfill: ▕████████████████████████▏100%  window 1/2 · 3 pages · 250 contacts · 240 written · 10 skipped · 2 throttled · 4.8/s · ETA done, 3 s elapsed`,
      CLEAR,
    ]);
    for (const c of chunks) expect(c).not.toContain('\n');
  });

  it.each([
    ['stderr is not a terminal', false, false],
    ['--json, even on a terminal', true, true],
  ])('writes nothing when %s', (_, isTTY, json) => {
    const { chunks, stream } = fakeStream(isTTY);
    const reporter = progressReporter(stream, json, { clock: slowClock() });
    reporter.update(progress);
    reporter.update({ ...progress, fraction: 1, etaSeconds: 0, done: true });
    reporter.end();
    expect(chunks).toEqual([]);
  });

  it('shows "?" until a page tells the totals', () => {
    expect(progressBar({ ...progress, fraction: undefined, etaSeconds: undefined })).toBe(
      '▕                        ▏  ?%  window 1/2 · 3 pages · 250 contacts · 240 written · 10 skipped · 2 throttled · 4.8/s · ETA ?',
    );
  });

  it('writes durations for people', () => {
    expect([0.4, 59, 61, 3599, 3725, 90_000].map(formatDuration)).toEqual([
      '0s',
      '59s',
      '1m 01s',
      '59m 59s',
      '1h 02m',
      '25h 00m',
    ]);
  });
});

describe('backfill progress on stderr', () => {
  it('shows the bar on a terminal while the backfill runs, and clears it at the end', async () => {
    const { chunks, stream } = fakeStream(true);
    const { code, stdout, stderr } = await backfill(['--local'], {
      ...FAST,
      stderr: stream,
      clock: slowClock(),
    });

    expect(code).toBe(0);
    expect(stdout).toMatch(/into table last-agent-routing-state: complete/);
    expect(chunks.some((c) => c.startsWith('\r\x1b[Kbackfill: ▕'))).toBe(true);
    expect(chunks.join('')).toMatch(
      /backfill: ▕█* *▏ *\d+% {2}window 1\/1 · \d+ pages? · \d+ contacts · .* s elapsed/,
    );
    expect(chunks.at(-1)).toBe('\r\x1b[K');
    expect(chunks.join('')).not.toMatch(PHONE);
    expect(stderr).toBe('');
  });

  it.each([
    ['stderr is not a terminal', false, ['--local']],
    ['--json, even on a terminal', true, ['--local', '--json']],
  ])('draws nothing when %s', async (_, isTTY, args) => {
    const { chunks, stream } = fakeStream(isTTY);
    const reports: BackfillProgress[] = [];
    const { code, stderr } = await backfill(args, {
      ...FAST,
      stderr: stream,
      clock: slowClock(),
      onProgress: (p) => reports.push(p),
    });

    expect(code).toBe(0);
    // The backfill did report its progress: nothing drew it.
    expect(reports.length).toBeGreaterThan(0);
    expect(chunks).toEqual([]);
    expect(stderr).toBe('');
  });
});

describe('Pacer', () => {
  it('releases calls 1/rps apart, measured between releases, and gives up its wait on abort', async () => {
    const pacer = new Pacer(20);
    const released = [await pacer.take(), await pacer.take()];
    // A busy machine delays the caller past its next slot: the next release is at once, and
    // the one after waits a full interval from it.
    const busyUntil = performance.now() + 80;
    while (performance.now() < busyUntil);
    released.push(await pacer.take(), await pacer.take());
    const gaps = released.slice(1).map((t, i) => t - (released[i] as number));

    expect(gaps[0]).toBeGreaterThanOrEqual(50);
    expect(gaps[1]).toBeGreaterThanOrEqual(80);
    expect(gaps[1]).toBeLessThan(125);
    expect(gaps[2]).toBeGreaterThanOrEqual(50);

    // 10 s to the next slot; Ctrl-C after 5 ms ends the wait.
    const slow = new Pacer(0.1);
    await slow.take();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 5);
    const waiting = slow.take(stop.signal);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
