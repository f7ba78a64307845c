/**
 * The contact-record generator (analyze/generator): same seed same records; every record has the
 * fields AWS's contact-record data model documents, with the right types; the centers behave like
 * contact centers (volume, transfers, outbound, abandons and re-dials, go-live, chat, withheld
 * numbers, the local clock through DST); the writer's forms read back with a small reference
 * parser written here; the faults are where the manifest says, carry their phone numbers and cost
 * no real record; and the generator imports nothing from simulate/.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTRIBUTES,
  type ContactRecord,
  FAULT_KINDS,
  FAULT_PHONE_PREFIX,
  type GeneratedCenter,
  LocalClock,
  REPUBLISH_ATTRIBUTE,
  ROUTE_REASONS,
  type RecordForm,
  generateCenter,
  generateRecords,
  handMadeRecord,
  instanceFor,
  writeCenter,
  writeRecords,
} from '../../analyze/generator';
import { CONTEXT_ATTRIBUTE_DEFAULTS } from '../../infra/whisper';
import { Reason } from '../../steps/lib/decision/decision';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GENERATOR = join(ROOT, 'analyze/generator');

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const E164 = /^\+[1-9]\d{7,14}$/;
/** The UserArn pattern of AWS::Connect::QuickConnect (CloudFormation reference). */
const AGENT_ARN =
  /^arn:aws[-a-z0-9]*:connect:[-a-z0-9]*:[0-9]{12}:instance\/[-a-zA-Z0-9]*\/agent\/[-a-zA-Z0-9]*$/;
const QUEUE_ARN = /^arn:aws:connect:[-a-z0-9]+:[0-9]{12}:instance\/[-a-f0-9]+\/queue\/[-a-f0-9]+$/;
const METHODS = ['INBOUND', 'OUTBOUND', 'TRANSFER', 'CALLBACK', 'API'];

const seconds = (t: string) => Date.parse(t) / 1000;
const isTimestamp = (v: unknown) => typeof v === 'string' && TIMESTAMP.test(v);
const isWhole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

// ---- A reference reader, independent of the writer ----

/** Every top-level JSON object in text written back to back (Firehose's form); unparsable spans are counted. */
function parseConcatenated(text: string): { objects: unknown[]; errors: number } {
  const objects: unknown[] = [];
  let errors = 0;
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = depth > 0;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        try {
          objects.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          errors++;
        }
      }
    } else if (depth === 0 && !/\s/.test(ch as string)) {
      errors++;
      while (i + 1 < text.length && text[i + 1] !== '{' && text[i + 1] !== '\n') i++;
    }
  }
  if (depth > 0) errors++;
  return { objects, errors };
}

function parseLines(text: string): { objects: unknown[]; errors: number } {
  const objects: unknown[] = [];
  let errors = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      objects.push(JSON.parse(line));
    } catch {
      errors++;
    }
  }
  return { objects, errors };
}

function parseArray(text: string): { objects: unknown[]; errors: number } {
  try {
    return { objects: JSON.parse(text) as unknown[], errors: 0 };
  } catch {
    // Tolerant fallback for a damaged array: its elements, one per line.
    return parseLines(
      text
        .replace(/^\[/, '')
        .replace(/\]\s*$/, '')
        .replace(/,\n/g, '\n'),
    );
  }
}

function readFile(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

function parseAs(form: RecordForm, text: string) {
  return form === 'firehose'
    ? parseConcatenated(text)
    : form === 'jsonl'
      ? parseLines(text)
      : parseArray(text);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

/** The newest copy of each contact (greatest LastUpdateTimestamp), as AWS says to deduplicate. */
function newest(objects: ContactRecord[]): Map<string, ContactRecord> {
  const out = new Map<string, ContactRecord>();
  for (const r of objects) {
    const seen = out.get(r.ContactId);
    if (!seen || seen.LastUpdateTimestamp < r.LastUpdateTimestamp) out.set(r.ContactId, r);
  }
  return out;
}

// ---- Shape of a record ----

/** Problems with one record against the data model, as a list of messages (empty when fine). */
function shapeProblems(r: ContactRecord): string[] {
  const p: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) p.push(`${r.ContactId}: ${what}`);
  };
  need(/^\d{12}$/.test(r.AWSAccountId), 'AWSAccountId');
  need(r.AWSContactTraceRecordFormatVersion === '2017-03-10', 'format version');
  need(UUID.test(r.ContactId), 'ContactId');
  need(r.Channel === 'VOICE' || r.Channel === 'CHAT', 'Channel');
  need(METHODS.includes(r.InitiationMethod), 'InitiationMethod');
  for (const k of ['InitiationTimestamp', 'DisconnectTimestamp', 'LastUpdateTimestamp'] as const)
    need(isTimestamp(r[k]), k);
  need(
    r.ConnectedToSystemTimestamp === null || isTimestamp(r.ConnectedToSystemTimestamp),
    'ConnectedToSystem',
  );
  need(r.InstanceARN.startsWith('arn:aws:connect:') && r.InstanceARN.includes(':instance/'), 'InstanceARN');
  need(
    typeof r.Attributes === 'object' && Object.values(r.Attributes).every((v) => typeof v === 'string'),
    'Attributes',
  );
  for (const k of ['InitialContactId', 'NextContactId', 'PreviousContactId'] as const)
    need(r[k] === null || UUID.test(r[k] as string), k);
  const ce = r.CustomerEndpoint;
  need(
    ce === null || (ce.Type === 'TELEPHONE_NUMBER' && (E164.test(ce.Address) || ce.Address === 'anonymous')),
    'CustomerEndpoint',
  );
  need(r.SystemEndpoint === null || E164.test(r.SystemEndpoint.Address), 'SystemEndpoint');
  need(Array.isArray(r.MediaStreams) && r.MediaStreams.length === 1, 'MediaStreams');
  need(seconds(r.InitiationTimestamp) <= seconds(r.DisconnectTimestamp), 'initiation ≤ disconnect');
  need(seconds(r.DisconnectTimestamp) <= seconds(r.LastUpdateTimestamp), 'disconnect ≤ last update');
  if (r.Queue) {
    need(QUEUE_ARN.test(r.Queue.ARN) && typeof r.Queue.Name === 'string', 'Queue ARN/Name');
    need(isWhole(r.Queue.Duration), 'Queue.Duration');
    if (r.Queue.EnqueueTimestamp !== null) {
      const d = seconds(r.Queue.DequeueTimestamp as string) - seconds(r.Queue.EnqueueTimestamp);
      need(d === r.Queue.Duration, 'Queue.Duration = Dequeue − Enqueue');
      need(seconds(r.Queue.EnqueueTimestamp) >= seconds(r.InitiationTimestamp), 'enqueue ≥ initiation');
    }
  }
  const a = r.Agent;
  need(r.AgentConnectionAttempts === (a ? 1 : 0), 'AgentConnectionAttempts');
  if (a) {
    need(AGENT_ARN.test(a.ARN), 'Agent.ARN');
    for (const k of [
      'AgentInteractionDuration',
      'CustomerHoldDuration',
      'LongestHoldDuration',
      'NumberOfHolds',
    ] as const)
      need(isWhole(a[k]), `Agent.${k}`);
    need(isTimestamp(a.ConnectedToAgentTimestamp), 'ConnectedToAgent');
    need(a.LongestHoldDuration <= a.CustomerHoldDuration, 'longest hold ≤ total hold');
    need((a.NumberOfHolds === 0) === (a.CustomerHoldDuration === 0), 'holds count and time agree');
    const end = seconds(a.ConnectedToAgentTimestamp) + a.AgentInteractionDuration + a.CustomerHoldDuration;
    need(end === seconds(r.DisconnectTimestamp), 'connect + interaction + hold = disconnect');
    need(a.AfterContactWorkStartTimestamp === r.DisconnectTimestamp, 'ACW starts at disconnect');
    const acw =
      seconds(a.AfterContactWorkEndTimestamp as string) - seconds(a.AfterContactWorkStartTimestamp as string);
    need(acw === a.AfterContactWorkDuration && acw >= 0, 'ACW duration = end − start');
    need(
      seconds(a.AfterContactWorkEndTimestamp as string) <= seconds(r.LastUpdateTimestamp),
      'ACW end ≤ last update',
    );
    need(
      typeof a.RoutingProfile.ARN === 'string' && typeof a.Username === 'string',
      'RoutingProfile, Username',
    );
  }
  return p;
}

// ---- The tests ----

describe('the contact-record generator: determinism', () => {
  it('gives the same records for the same seed, and different ones for another seed', () => {
    const a = generateRecords('small-long-calls', { days: 6 });
    const b = generateRecords('small-long-calls', { days: 6 });
    const c = generateRecords('small-long-calls', { days: 6, seed: 7 });
    expect(a.length).toBeGreaterThan(200);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('writes the same bytes for the same records and options', () => {
    const records = generateRecords('small-long-calls', { days: 4 });
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'ctr-det-')));
    const manifests = dirs.map((d) =>
      writeRecords(records, d, { form: 'mixed', gzip: 'mixed', faults: true }),
    );
    expect(manifests[0]?.files.map((f) => f.path)).toEqual(manifests[1]?.files.map((f) => f.path));
    for (const f of manifests[0]?.files ?? [])
      expect(readFileSync(join(dirs[0] as string, f.path))).toEqual(
        readFileSync(join(dirs[1] as string, f.path)),
      );
  });

  it('uses no Math.random and no clock time anywhere in the generator', () => {
    for (const f of readdirSync(GENERATOR).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(GENERATOR, f), 'utf8');
      expect(text, f).not.toMatch(/Math\.random|Date\.now\(|new Date\(\)/);
    }
  });
});

describe('the month-24 center', () => {
  let g: GeneratedCenter;
  let byId: Map<string, ContactRecord>;
  let clock: LocalClock;
  const GO_LIVE = 14;

  beforeAll(() => {
    g = generateCenter('month-24', { goLiveDay: GO_LIVE });
    byId = new Map(g.records.map((r) => [r.ContactId, r]));
    clock = new LocalClock(g.shape.timeZone, g.shape.start);
  }, 60_000);

  it('holds about 35,000 records over 30 days from a Monday', () => {
    expect(g.records.length).toBeGreaterThan(31_000);
    expect(g.records.length).toBeLessThan(39_000);
    expect(clock.weekday(0)).toBe(0);
    expect(byId.size).toBe(g.records.length);
  });

  it('gives every record the documented fields with the documented types', () => {
    expect(g.records.flatMap(shapeProblems).slice(0, 10)).toEqual([]);
    const keys = Object.keys(g.records[0] as object);
    for (const r of g.records) expect(Object.keys(r)).toEqual(keys);
  });

  it('links every transfer leg to an existing first leg answered by another agent', () => {
    const legs = g.records.filter((r) => r.InitiationMethod === 'TRANSFER');
    expect(legs.length).toBeGreaterThan(500);
    for (const leg of legs) {
      const first = byId.get(leg.PreviousContactId as string);
      expect(first, leg.ContactId).toBeDefined();
      expect(first?.NextContactId).toBe(leg.ContactId);
      expect(leg.InitialContactId).toBe(first?.InitialContactId ?? first?.ContactId);
      expect(leg.CustomerEndpoint).toEqual(first?.CustomerEndpoint);
      expect(seconds(leg.InitiationTimestamp)).toBe(seconds(first?.DisconnectTimestamp as string));
      if (leg.Agent) expect(leg.Agent.ARN).not.toBe(first?.Agent?.ARN);
    }
  });

  it('has outbound calls made by agents, never queued, some unanswered', () => {
    const out = g.records.filter((r) => r.InitiationMethod === 'OUTBOUND');
    expect(out.length).toBeGreaterThan(100);
    for (const r of out) {
      expect(r.Agent).not.toBeNull();
      expect(r.Queue?.EnqueueTimestamp).toBeNull();
      expect(r.SystemEndpoint?.Address).toBe(g.instance.outboundCallerId);
    }
    expect(out.some((r) => r.ConnectedToSystemTimestamp === null)).toBe(true);
  });

  it('records abandoned calls with a queue and no agent, and callers re-dial minutes later', () => {
    const inbound = g.records.filter((r) => r.InitiationMethod === 'INBOUND' && r.Channel === 'VOICE');
    const abandoned = inbound.filter(
      (r) => r.Queue && !r.Agent && r.DisconnectReason === 'CUSTOMER_DISCONNECT',
    );
    const queued = inbound.filter((r) => r.Queue);
    expect(abandoned.length / queued.length).toBeGreaterThan(0.02);
    expect(abandoned.length / queued.length).toBeLessThan(0.15);
    for (const r of abandoned) {
      expect(r.Agent).toBeNull();
      expect(r.Queue?.DequeueTimestamp).toBe(r.DisconnectTimestamp);
    }
    const callsOf = new Map<string, number[]>();
    for (const r of inbound)
      if (r.CustomerEndpoint && r.CustomerEndpoint.Address !== 'anonymous')
        callsOf.set(r.CustomerEndpoint.Address, [
          ...(callsOf.get(r.CustomerEndpoint.Address) ?? []),
          seconds(r.InitiationTimestamp),
        ]);
    const redialed = abandoned.filter((r) => {
      const gone = seconds(r.DisconnectTimestamp);
      return (callsOf.get(r.CustomerEndpoint?.Address ?? '') ?? []).some((t) => t > gone && t - gone <= 1800);
    });
    expect(redialed.length / abandoned.length).toBeGreaterThan(0.35);
  });

  it('has callers who come back after a handled call, hours or days later', () => {
    const handledAt = new Map<string, number>();
    let returning = 0;
    let later = 0;
    const inbound = g.records
      .filter(
        (r) =>
          r.InitiationMethod === 'INBOUND' &&
          r.CustomerEndpoint &&
          r.CustomerEndpoint.Address !== 'anonymous',
      )
      .sort((a, b) => seconds(a.InitiationTimestamp) - seconds(b.InitiationTimestamp));
    for (const r of inbound) {
      const n = r.CustomerEndpoint?.Address as string;
      const prev = handledAt.get(n);
      if (prev !== undefined) {
        returning++;
        if (seconds(r.InitiationTimestamp) - prev > 3600) later++;
      }
      if (r.Agent) handledAt.set(n, seconds(r.InitiationTimestamp));
    }
    expect(returning / inbound.length).toBeGreaterThan(0.08);
    expect(later / returning).toBeGreaterThan(0.5);
  });

  it('writes the go-live attributes only from the go-live day on, on inbound voice calls that queue', () => {
    const day = (r: ContactRecord) => clock.dayOf(seconds(r.InitiationTimestamp));
    const withRoute = g.records.filter((r) => ATTRIBUTES.route in r.Attributes);
    expect(withRoute.length).toBeGreaterThan(5000);
    for (const r of withRoute) {
      expect(day(r)).toBeGreaterThanOrEqual(GO_LIVE);
      expect(ROUTE_REASONS).toContain(r.Attributes[ATTRIBUTES.reason]);
      expect(['LAST_AGENT', 'DEFAULT']).toContain(r.Attributes[ATTRIBUTES.route]);
      const arn = r.Attributes[ATTRIBUTES.agentArn];
      if (arn !== undefined) expect(g.instance.agents.map((a) => a.arn)).toContain(arn);
    }
    const after = g.records.filter(
      (r) => r.InitiationMethod === 'INBOUND' && r.Channel === 'VOICE' && r.Queue && day(r) >= GO_LIVE,
    );
    expect(after.every((r) => ATTRIBUTES.route in r.Attributes)).toBe(true);
    const reasons = new Set(withRoute.map((r) => r.Attributes[ATTRIBUTES.reason]));
    for (const reason of [
      'LAST_AGENT_AVAILABLE',
      'AGENT_BUSY',
      'AGENT_OFFLINE',
      'NO_RECENT_CONTACT',
      'ANONYMOUS_CALLER',
    ])
      expect(reasons).toContain(reason);
  });

  it('routes LAST_AGENT calls to the last agent when free within the preferred wait, else to anyone', () => {
    const last = g.records.filter(
      (r) => r.InitiationMethod === 'INBOUND' && r.Attributes[ATTRIBUTES.route] === 'LAST_AGENT' && r.Agent,
    );
    const same = last.filter((r) => r.Agent?.ARN === r.Attributes[ATTRIBUTES.agentArn]);
    expect(same.length).toBeGreaterThan(100);
    expect(same.length).toBeLessThan(last.length);
    for (const r of last.filter((x) => x.Agent?.ARN !== x.Attributes[ATTRIBUTES.agentArn]))
      expect(r.Queue?.Duration).toBeGreaterThanOrEqual(g.shape.preferredSeconds);
    const available = last.filter((r) => r.Attributes[ATTRIBUTES.reason] === 'LAST_AGENT_AVAILABLE');
    expect(available.filter((r) => r.Agent?.ARN === r.Attributes[ATTRIBUTES.agentArn]).length).toBe(
      available.length,
    );
  });

  it('has chats, withheld numbers in both forms, queued callbacks and closed-hours calls', () => {
    const chats = g.records.filter((r) => r.Channel === 'CHAT');
    expect(chats.length).toBeGreaterThan(1000);
    for (const r of chats) {
      expect(r.InitiationMethod).toBe('API');
      expect(r.CustomerEndpoint).toBeNull();
      expect(r.MediaStreams).toEqual([{ Type: 'CHAT' }]);
    }
    const voiceIn = g.records.filter((r) => r.Channel === 'VOICE' && r.InitiationMethod === 'INBOUND');
    expect(voiceIn.filter((r) => r.CustomerEndpoint?.Address === 'anonymous').length).toBeGreaterThan(100);
    expect(voiceIn.filter((r) => r.CustomerEndpoint === null).length).toBeGreaterThan(100);
    const callbacks = g.records.filter((r) => r.InitiationMethod === 'CALLBACK');
    for (const cb of callbacks)
      expect(byId.get(cb.PreviousContactId as string)?.NextContactId).toBe(cb.ContactId);
    const closed = voiceIn.filter((r) => !r.Queue);
    expect(closed.length).toBeGreaterThan(100);
    for (const r of closed) expect(r.DisconnectReason).toBe('CONTACT_FLOW_DISCONNECT');
  });

  it('keeps the local clock through the DST change: queued calls stay inside local opening hours', () => {
    const hours = g.shape.hours;
    const utcHours = new Set<string>();
    for (const r of g.records) {
      if (r.InitiationMethod !== 'INBOUND' || !r.Queue?.EnqueueTimestamp) continue;
      const t = seconds(r.InitiationTimestamp);
      const d = clock.dayOf(t);
      const open = hours[clock.weekday(d)];
      const local = clock.secondOfDay(t) / 3600;
      expect(open).not.toBeNull();
      expect(local).toBeGreaterThanOrEqual((open as [number, number])[0]);
      expect(local).toBeLessThan((open as [number, number])[1]);
      if (Math.floor(local) === 7)
        utcHours.add(`${d < 6 ? 'EST' : 'EDT'} ${new Date(t * 1000).getUTCHours()}`);
    }
    // 07:00 in New York is 12:00 UTC before 9 March 2025 and 11:00 UTC after it.
    expect([...utcHours].sort()).toEqual(['EDT 11', 'EST 12']);
  });

  it('staffs weekdays more than weekends and takes more calls mid-morning than in the evening', () => {
    const agentsByWeekday = Array.from({ length: 7 }, () => new Set<string>());
    const callsByHour = new Array<number>(24).fill(0);
    for (const r of g.records) {
      const t = seconds(r.InitiationTimestamp);
      if (r.Agent) agentsByWeekday[clock.weekday(clock.dayOf(t))]?.add(`${clock.dayOf(t)} ${r.Agent.ARN}`);
      const h = Math.floor(clock.secondOfDay(t) / 3600);
      if (r.InitiationMethod === 'INBOUND') callsByHour[h] = (callsByHour[h] ?? 0) + 1;
    }
    const perDay = agentsByWeekday.map((s) => s.size);
    expect(perDay[0]).toBeGreaterThan(3 * (perDay[6] as number));
    expect(callsByHour[10]).toBeGreaterThan(3 * (callsByHour[19] as number));
    expect(new Set(g.records.flatMap((r) => (r.Agent ? [r.Agent.ARN] : []))).size).toBe(24);
  });
});

describe('the small-long-calls center', () => {
  it('has few agents, long calls and many returning callers', () => {
    const g = generateCenter('small-long-calls', { goLiveDay: 10 });
    expect(g.records.flatMap(shapeProblems).slice(0, 10)).toEqual([]);
    const handled = g.records.filter(
      (r) => r.Channel === 'VOICE' && r.InitiationMethod === 'INBOUND' && r.Agent,
    );
    const mean = handled.reduce((s, r) => s + (r.Agent?.AgentInteractionDuration ?? 0), 0) / handled.length;
    expect(mean).toBeGreaterThan(600);
    expect(new Set(handled.map((r) => r.Agent?.ARN)).size).toBe(6);
    const numbers = handled.map((r) => r.CustomerEndpoint?.Address).filter((n) => n && n !== 'anonymous');
    expect(new Set(numbers).size / numbers.length).toBeLessThan(0.75);
    const weekend = g.records
      .filter((r) => r.Queue && r.InitiationMethod === 'INBOUND')
      .filter((r) => {
        const t = seconds(r.InitiationTimestamp);
        const clock = new LocalClock(g.shape.timeZone, g.shape.start);
        return clock.weekday(clock.dayOf(t)) >= 5;
      });
    expect(weekend).toEqual([]);
  });
});

describe('the product codes', () => {
  it('are the product’s own reason codes and attribute names', () => {
    for (const reason of ROUTE_REASONS) expect(Reason.options).toContain(reason);
    expect(ATTRIBUTES.route).toBe(CONTEXT_ATTRIBUTE_DEFAULTS.route);
    expect(ATTRIBUTES.reason).toBe(CONTEXT_ATTRIBUTE_DEFAULTS.reason);
    expect(ATTRIBUTES.agentArn).toBe(CONTEXT_ATTRIBUTE_DEFAULTS.agentArn);
  });
});

describe('hand-made records', () => {
  it('builds answered, abandoned and flow-only contacts in the documented shape', () => {
    const inst = instanceFor(1, 8);
    const answered = handMadeRecord({
      at: '2025-03-03T14:00:00Z',
      agent: 2,
      queueSeconds: 40,
      talkSeconds: 300,
      holds: [20, 35],
    });
    const abandoned = handMadeRecord({
      at: '2025-03-03T14:05:00Z',
      agent: null,
      queueSeconds: 90,
      caller: 'anonymous',
    });
    const flow = handMadeRecord({
      at: '2025-03-03T23:00:00Z',
      agent: null,
      queueSeconds: null,
      caller: null,
    });
    for (const r of [answered, abandoned, flow]) expect(shapeProblems(r)).toEqual([]);
    expect(answered.Agent?.ARN).toBe(inst.agents[2]?.arn);
    expect(answered.Queue?.Duration).toBe(40);
    expect(answered.Agent?.CustomerHoldDuration).toBe(55);
    expect(answered.Agent?.LongestHoldDuration).toBe(35);
    expect(answered.DisconnectTimestamp).toBe('2025-03-03T14:06:45Z');
    expect(abandoned.Agent).toBeNull();
    expect(abandoned.CustomerEndpoint?.Address).toBe('anonymous');
    expect(abandoned.DisconnectReason).toBe('CUSTOMER_DISCONNECT');
    expect(flow.Queue).toBeNull();
    expect(flow.CustomerEndpoint).toBeNull();
    expect(handMadeRecord({ at: '2025-03-03T14:00:00Z', agent: 2 })).toEqual(
      handMadeRecord({ at: '2025-03-03T14:00:00Z', agent: 2 }),
    );
    expect(handMadeRecord({ at: '2025-03-03T14:00:00Z', agent: 3 }).ContactId).not.toBe(answered.ContactId);
  });
});

describe('the writer', () => {
  let records: ContactRecord[];
  beforeAll(() => {
    records = generateRecords('small-long-calls', { days: 8 });
  });

  const cases: { form: RecordForm; gzip: boolean; layout: 'firehose' | 'flat' }[] = [
    { form: 'firehose', gzip: false, layout: 'firehose' },
    { form: 'firehose', gzip: true, layout: 'flat' },
    { form: 'jsonl', gzip: false, layout: 'flat' },
    { form: 'jsonl', gzip: true, layout: 'firehose' },
    { form: 'array', gzip: false, layout: 'firehose' },
    { form: 'array', gzip: true, layout: 'flat' },
  ];

  for (const c of cases) {
    it(`round-trips ${c.form}${c.gzip ? ' gzipped' : ''} in the ${c.layout} layout`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'ctr-write-'));
      const m = writeRecords(records, dir, {
        ...c,
        bufferSeconds: 6 * 3600,
        republishShare: 0.05,
        duplicateShare: 0.02,
      });
      expect(m.files.length).toBeGreaterThan(3);
      const all: ContactRecord[] = [];
      for (const f of m.files) {
        const path = join(dir, f.path);
        if (c.layout === 'firehose')
          expect(f.path).toMatch(
            /^\d{4}\/\d{2}\/\d{2}\/\d{2}\/connect-ctr-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-/,
          );
        else expect(f.path).not.toContain('/');
        expect(f.path.endsWith('.gz')).toBe(c.gzip);
        const text = readFile(path);
        if (c.form === 'firehose' && f.records > 1) expect(text).toContain('}{');
        if (c.form === 'firehose') expect(text).not.toContain('\n');
        const parsed = parseAs(c.form, text);
        expect(parsed.errors).toBe(0);
        expect(parsed.objects.length).toBe(f.records);
        all.push(...(parsed.objects as ContactRecord[]));
      }
      expect(all.length).toBe(m.objects);
      expect(all.length).toBe(records.length + m.republished.length + m.duplicated.length);
      const latest = newest(all);
      expect(latest.size).toBe(records.length);
      const original = new Map(records.map((r) => [r.ContactId, r]));
      for (const id of m.republished) {
        const r = latest.get(id) as ContactRecord;
        expect(r.Attributes[REPUBLISH_ATTRIBUTE]).toMatch(/^[1-5]$/);
        expect(r.LastUpdateTimestamp > (original.get(id) as ContactRecord).LastUpdateTimestamp).toBe(true);
      }
      for (const [id, r] of latest) if (!m.republished.includes(id)) expect(r).toEqual(original.get(id));
      expect(filesUnder(dir).length).toBe(m.files.length);
    });
  }

  it('writes the same files from the lazy center source as from the records in memory', () => {
    const [a, b] = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'ctr-lazy-')));
    const eager = writeRecords(generateRecords('small-long-calls', { days: 8 }), a as string, {
      form: 'jsonl',
    });
    const lazy = writeCenter('small-long-calls', { days: 8 }, b as string, { form: 'jsonl' });
    expect(lazy.files).toEqual(eager.files);
    for (const f of eager.files)
      expect(readFileSync(join(b as string, f.path), 'utf8')).toBe(
        readFileSync(join(a as string, f.path), 'utf8'),
      );
  });

  it('puts a republished copy in a later file than the original, most of the time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctr-repub-'));
    const m = writeRecords(records, dir, { republishShare: 0.1, bufferSeconds: 900 });
    const fileOf = new Map<string, number[]>();
    m.files.forEach((f, i) => {
      for (const o of parseConcatenated(readFile(join(dir, f.path))).objects as ContactRecord[])
        fileOf.set(o.ContactId, [...(fileOf.get(o.ContactId) ?? []), i]);
    });
    const later = m.republished.filter((id) => {
      const at = fileOf.get(id) ?? [];
      return at.length === 2 && (at[1] as number) > (at[0] as number);
    });
    expect(later.length / m.republished.length).toBeGreaterThan(0.9);
  });
});

describe('the faults', () => {
  let dir: string;
  let records: ContactRecord[];
  let m: ReturnType<typeof writeRecords>;
  beforeAll(() => {
    records = generateRecords('small-long-calls', { days: 8 });
    dir = mkdtempSync(join(tmpdir(), 'ctr-faults-'));
    m = writeRecords(records, dir, { form: 'mixed', gzip: 'mixed', faults: true, bufferSeconds: 6 * 3600 });
  });

  it('injects every kind once, each with its own caller number inside the corrupted bytes', () => {
    expect(m.faults.map((f) => f.kind).sort()).toEqual([...FAULT_KINDS].sort());
    expect(new Set(m.faults.map((f) => f.phone)).size).toBe(FAULT_KINDS.length);
    for (const f of m.faults) {
      expect(f.phone.startsWith(FAULT_PHONE_PREFIX)).toBe(true);
      const bytes = readFileSync(join(dir, f.file));
      const text =
        f.kind === 'corrupt-gzip' || !f.file.endsWith('.gz')
          ? bytes.toString('latin1')
          : readFile(join(dir, f.file));
      expect(text, f.kind).toContain(f.phone);
    }
  });

  it('puts each fault where it belongs', () => {
    const at = (kind: string) => m.faults.find((f) => f.kind === kind) as { file: string; phone: string };
    const form = (file: string) => m.files.find((f) => f.path === file)?.form as RecordForm;
    const garbage = at('garbage-line');
    const gText = readFile(join(dir, garbage.file));
    const gAt = gText.indexOf(garbage.phone);
    expect(gAt).toBeGreaterThan(100);
    expect(gAt).toBeLessThan(gText.length - 100);
    expect(parseAs(form(garbage.file), gText).errors).toBeGreaterThan(0);
    const cut = at('truncated-object');
    const cText = readFile(join(dir, cut.file));
    expect(cText.trimEnd().endsWith('}') || cText.trimEnd().endsWith(']')).toBe(false);
    expect(cText.lastIndexOf('{')).toBeLessThan(cText.indexOf(cut.phone));
    for (const [kind, field] of [
      ['missing-contact-id', 'ContactId'],
      ['missing-initiation-timestamp', 'InitiationTimestamp'],
      ['missing-last-update-timestamp', 'LastUpdateTimestamp'],
    ] as const) {
      const f = at(kind);
      const objects = parseAs(form(f.file), readFile(join(dir, f.file))).objects as Record<string, unknown>[];
      const broken = objects.filter((o) => JSON.stringify(o).includes(f.phone));
      expect(broken.length, kind).toBe(1);
      expect(field in (broken[0] as object), kind).toBe(false);
    }
    const bad = at('corrupt-gzip');
    expect(bad.file.endsWith('.gz')).toBe(true);
    expect(() => gunzipSync(readFileSync(join(dir, bad.file)))).toThrow();
  });

  it('costs no real record: a tolerant reader still finds every contact, and no real record has a fault number', () => {
    const found = new Set<string>();
    for (const f of m.files) {
      let text: string;
      try {
        text = readFile(join(dir, f.path));
      } catch {
        continue;
      }
      for (const o of parseAs(f.form, text).objects as ContactRecord[])
        if (o.ContactId && !JSON.stringify(o).includes(FAULT_PHONE_PREFIX)) found.add(o.ContactId);
    }
    expect([...found].sort()).toEqual(records.map((r) => r.ContactId).sort());
    expect(JSON.stringify(records)).not.toContain(FAULT_PHONE_PREFIX);
  });
});

describe('the generator is independent of the simulator', () => {
  /** Every module a file names: import/export declarations (type-only too) and dynamic imports. */
  function specifiers(file: string): string[] {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const out: string[] = [];
    const visit = (node: ts.Node) => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
        out.push((node.moduleSpecifier as ts.StringLiteral).text);
      else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      )
        out.push(node.arguments[0].text);
      else if (
        ts.isImportTypeNode(node) &&
        ts.isLiteralTypeNode(node.argument) &&
        ts.isStringLiteral(node.argument.literal)
      )
        out.push(node.argument.literal.text);
      ts.forEachChild(node, visit);
    };
    visit(sf);
    return out;
  }

  it('imports nothing from simulate/ (nor anything outside analyze/generator but Node built-ins)', () => {
    const files = readdirSync(GENERATOR, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(GENERATOR, f));
    expect(files.length).toBeGreaterThan(8);
    const offenders: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(file)) {
        const target = spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)) : spec;
        const inside = target.startsWith('analyze/generator/');
        if (
          target.startsWith('simulate') ||
          target.includes('/simulate/') ||
          (!inside && !spec.startsWith('node:'))
        )
          offenders.push(`${relative(ROOT, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the import scan sees relative, type-only and dynamic imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctr-scan-'));
    const file = join(dir, 'x.ts');
    writeFileSync(
      file,
      "import type { A } from '../simulate/a';\nexport * from './b';\nconst c = await import('../simulate/c');\ntype D = import('./d').D;\n",
    );
    expect(specifiers(file)).toEqual(['../simulate/a', './b', '../simulate/c', './d']);
  });
});
