import { KINESIS_BATCH } from '../../local/index-replay';
import { round, table } from '../stats';
import { EXPRESS_MEMORY_MB } from './cost';
import type { SourceResult } from './decisions';
import type { IndexSourceReport } from './results';
import { DYNAMO_LATENCY_SOURCE, INDEXER_CONCURRENCY } from './scenario';

/** The pieces of the routing-state source section as text (bench/index-source.ts formatIndexSource puts them together). */

const usd = (n: number) => (n >= 10 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);
const fmt = (n: number, digits = 3) => String(round(n, digits));
const shares = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** What was decided, from what, under which latency model. */
export function headline(r: IndexSourceReport): string[] {
  const b = r.indexer.build;
  const lat = r.latency
    ? `Connect median ${r.latency.median} / p99 ${r.latency.p99} ms (paired per call), DynamoDB median ${r.dynamoLatency?.median} / p99 ${r.dynamoLatency?.p99} ms (${DYNAMO_LATENCY_SOURCE})`
    : 'off';
  return [
    `Routing-state source (LAST_AGENT_SOURCE): ${r.calls} calls from ${r.callers} callers; index built by the real handlers from ${b.contacts} past contacts of those callers (${b.contactEvents} contact events) plus one agent event per agent`,
    `Latency model: ${lat}. p50/p99 over the first ${r.timedCalls} calls at concurrency ${r.concurrency}; decisions/s, counts and correctness over all ${r.calls} calls at concurrency ${r.throughputConcurrency} (one Node process: CPU-bound locally); quotas off (last-agent load shows them)`,
  ];
}

/** One column per source: time, throughput, requests and units per decision, truth, cost. */
export function sourceTable(r: IndexSourceReport): string {
  const col = (f: (s: SourceResult) => string | number) => r.sources.map(f);
  return table(
    ['', ...r.sources.map((s) => s.source)],
    [
      ['decisions/s', ...col((s) => s.decisionsPerSecond)],
      ['p50 ms', ...col((s) => s.p50)],
      ['p99 ms', ...col((s) => s.p99)],
      ['SearchContacts / decision', ...col((s) => fmt(s.connectPerDecision.SearchContacts))],
      ['GetCurrentUserData / decision', ...col((s) => fmt(s.connectPerDecision.GetCurrentUserData))],
      ['DynamoDB reads / decision', ...col((s) => fmt(s.dynamoPerDecision.reads))],
      ['DynamoDB writes / decision', ...col((s) => fmt(s.dynamoPerDecision.writes))],
      ['read units / decision', ...col((s) => fmt(s.readUnitsPerDecision))],
      ['write units / decision', ...col((s) => fmt(s.writeUnitsPerDecision))],
      ['last agent = ground truth', ...col((s) => `${s.matchesTruth}/${s.decisions}`)],
      ['cost per 1M decisions', ...col((s) => usd(s.cost.total))],
    ],
  );
}

/** Where the answers came from, and whether search and index agree. */
export function answerLines(r: IndexSourceReport): string[] {
  const c = r.correctness;
  return [
    `Search step answered from: ${r.sources.map((s) => `${s.source}: ${shares(s.searchFrom)}`).join('; ')}`,
    `Availability from: ${r.sources.map((s) => `${s.source}: ${shares(s.availabilityFrom)}`).join('; ')}`,
    `Correctness: the last agent under search and under index is the same for ${c.equal}/${c.total} calls (${c.total ? round((c.equal / c.total) * 100, 1) : 0}%); same reason ${c.sameReason}/${c.total}`,
    ...c.mismatches.map((m) => `  mismatch ${m}`),
  ];
}

/** The indexers' throughput and the index's freshness. */
export function indexerLines(r: IndexSourceReport): string[] {
  const b = r.indexer.build;
  const a = r.indexer.agent;
  const f = r.freshness;
  return [
    'Indexers (our handlers + local dynalite on this machine, not AWS):',
    `  contact events: ${b.contactEventsPerSecond}/s at ${INDEXER_CONCURRENCY} concurrent invocations (${b.contactEvents} events, handler p50 ${b.contactEventMs.p50} / p99 ${b.contactEventMs.p99} ms); per contact ${b.perContact.events} events, ${b.perContact.updateItem} UpdateItem, ${b.perContact.getItem} GetItem (+1 UpdateItem by the search step); largest items: customer contact ${b.itemBytes.contact} B, join ${b.itemBytes.join} B`,
    `  agent events: ${a.eventsPerSecond}/s, batches of ${KINESIS_BATCH} one after another (one shard; ${a.events} HEART_BEAT events, batch p50 ${a.batchMs.p50} / p99 ${a.batchMs.p99} ms); ${a.putsPerEvent} PutItem per event; agent item ${a.itemBytes} B`,
    `Freshness (CONNECTED_TO_AGENT handed to the indexer → the search step's Query returns the contact), ${f.samples} samples: median ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} (indexer alone p50 ${f.handlerP50} ms). Locally only: AWS documents no delivery latency for contact events ("near real-time", best effort), nor for the agent event stream.`,
  ];
}

/** Cost per million decisions, line by line for every source, and the prices with their sources. */
export function costLines(r: IndexSourceReport): string[] {
  return [
    `Cost per million decisions (USD, us-east-1, on demand, free tiers ignored; Lambda Arm at ${r.memory.stepMb} MB for the steps, ${r.memory.indexerMb} MB for the indexers; durations as measured here with the latency model ${r.latency ? 'on' : 'off'}):`,
    table(
      ['item', ...r.sources.flatMap((s) => [`${s.source} quantity`, `${s.source} $/1M`])],
      (r.sources.at(-1)?.cost.lines ?? []).map((line, i) => [
        line.item,
        ...r.sources.flatMap((s) => {
          const l = s.cost.lines[i];
          return l ? [`${fmt(l.quantity, 5)} ${l.unit}`, usd(l.usdPerMillion)] : ['—', '—'];
        }),
      ]),
    ),
    `  total: ${r.sources.map((s) => `${s.source} ${usd(s.cost.total)}`).join(', ')}`,
    `  Lambda: 1 entry invocation (billed for the whole decision) + 1 per Task state; Express: 1 request, the execution's span rounded up to 100 ms at ${EXPRESS_MEMORY_MB} MB. The contact indexer runs once per contact event on the rule (every contact's DISCONNECTED, agent contacts' CONNECTED_TO_AGENT; COMPLETED, which the local feed does not send, would add one invocation and up to two writes per agent contact); each decision's call becomes one such contact.`,
    `  Not per decision: the agent event stream. Its indexer costs ${usd(r.indexer.agentUsdPerMillionEvents)} per million agent events (Lambda per batch of ${KINESIS_BATCH} + ${r.indexer.agent.putsPerEvent} PutItem per event); each logged-in agent sends at least one event per 120 s (HEART_BEAT). Kinesis on-demand stream-hour and per-GB prices: not found in a source we could read, so not in the table.`,
    'Prices:',
    ...Object.values(r.prices).map((p) => `  ${p.source}`),
  ];
}
