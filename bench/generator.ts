import { seededRandom } from '../local/connect/faults';
import type { Scenario, ScenarioAgent, ScenarioContact } from '../local/connect/scenario';
import { parseScenario } from '../local/connect/scenario';
import { classifyAgent } from '../steps/lib/decision/agent-status';
import { normaliseCaller } from '../steps/lib/decision/caller';
import type { AgentAvailability } from '../steps/lib/decision/schemas';
import { type Config, loadConfig } from '../steps/lib/runtime/config';

/**
 * A synthetic contact center, seeded and deterministic: agents with statuses at "now",
 * customers who call back after minutes to weeks, IVR-only and abandoned calls, transfers,
 * outbound callbacks, offers an agent never answered, CSAT on some contacts. Writes the
 * scenario (DESIGN.md shape) and the ground truth of every returning call.
 */
export interface GeneratorOptions {
  seed: number;
  agents: number;
  customers: number;
  /** Calls placed at "now" (returning customers and some first-time callers). */
  calls: number;
  /** Mean past contacts per customer (geometric). */
  meanHistory: number;
  /** History spread, days before now (contacts beyond the 7-day window too). */
  historyDays: number;
  now?: string;
}

export interface TruthCall {
  phone: string;
  /** True last agent within the lookback window, if any. */
  agentId?: string;
  agentState?: AgentAvailability['status'];
  lastContactId?: string;
}

export type GeneratedCenter = { scenario: Scenario; truth: TruthCall[] };

const NOW = '2026-11-20T10:00:00.000Z';
const CONFIG = loadConfig({});
const LOOKBACK_DAYS = 7;
/** Every generated contact (transfer legs and talk included) has ended before "now". */
const MIN_AGE_MS = 50 * 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

type Random = () => number;

/** An agent at "now" with a free voice slot, or none. */
const idle = (status: string) => ({ status, slots: { VOICE: { max: 1, active: 0 } } });
/** An available agent whose one voice slot holds a contact (on a call, or in after-contact work). */
const busy = (id: string, suffix: string, state: 'CONNECTED' | 'ENDED') => ({
  status: 'Available',
  slots: { VOICE: { max: 1, active: 1 } },
  contacts: [{ id: `${id}-${suffix}`, channel: 'VOICE' as const, state }],
});

const STATES: [weight: number, make: (id: string, r: Random) => Partial<ScenarioAgent>][] = [
  [35, () => idle('Available')],
  [25, (id) => busy(id, 'live', 'CONNECTED')],
  [10, (id) => busy(id, 'acw', 'ENDED')],
  [8, () => idle('Break')],
  [7, () => idle('Lunch')],
  [15, () => idle('Offline')],
];

type ContactKind = 'handled' | 'ivr' | 'abandoned' | 'transfer' | 'callback' | 'missed';

const KINDS: [number, ContactKind][] = [
  [45, 'handled'],
  [22, 'ivr'],
  [14, 'abandoned'],
  [8, 'transfer'],
  [6, 'callback'],
  [5, 'missed'],
];

function pickWeighted<T>(items: [number, T][], r: Random): T {
  const total = items.reduce((s, [w]) => s + w, 0);
  let x = r() * total;
  for (const [w, v] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return (items.at(-1) as [number, T])[1];
}

function uuidFrom(r: Random): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

/** The random draws of one center: the generator, and a random agent or queue. */
type Draws = { r: Random; agent(): ScenarioAgent; queue(): string };

function makeAgents(count: number, r: Random): ScenarioAgent[] {
  return Array.from({ length: count }, (_, i) => {
    const id = uuidFrom(r);
    const state = pickWeighted(STATES, r)(id, r);
    return {
      id,
      username: `agent${i}`,
      firstName: `Agent${i}`,
      contacts: [],
      slots: {},
      ...state,
    } as ScenarioAgent;
  });
}

/** Distinct valid US numbers. */
function makePhones(count: number, r: Random): string[] {
  const phones = new Set<string>();
  while (phones.size < count) {
    const n = `+1${['212', '312', '415', '617', '718'][Math.floor(r() * 5)]}${2 + Math.floor(r() * 8)}${String(Math.floor(r() * 1e6)).padStart(6, '0')}`;
    if (normaliseCaller(n, 'US').kind === 'number') phones.add(n);
  }
  return [...phones];
}

type ContactBase = Pick<ScenarioContact, 'id' | 'channel' | 'initiationTimestamp' | 'attributes'>;

/** An agent's contact, and for a transfer the second agent's leg. */
function answeredContact(
  base: ContactBase,
  kind: ContactKind,
  times: { start: number; wait: number; talk: number },
  queueId: string,
  d: Draws,
): ScenarioContact[] {
  const { start, wait, talk } = times;
  if (d.r() < 0.4) base.attributes.csat = String(1 + Math.floor(d.r() * 5));
  const handled = {
    ...base,
    initiationMethod: kind === 'callback' ? (d.r() < 0.5 ? 'CALLBACK' : 'OUTBOUND') : 'INBOUND',
    queueId,
    agentId: d.agent().id,
    enqueueTimestamp: iso(start + 20_000),
    connectedToAgentTimestamp: iso(start + wait),
    disconnectTimestamp: iso(start + wait + talk),
  };
  if (kind !== 'transfer') return [handled];
  const legStart = start + wait + talk;
  const second = d.agent();
  const leg = {
    id: uuidFrom(d.r),
    channel: 'VOICE' as const,
    initiationMethod: 'TRANSFER',
    initiationTimestamp: iso(legStart),
    initialContactId: handled.id,
    previousContactId: handled.id,
    queueId: d.queue(),
    agentId: second.id,
    enqueueTimestamp: iso(legStart + 5_000),
    connectedToAgentTimestamp: iso(legStart + 30_000),
    disconnectTimestamp: iso(legStart + 30_000 + talk / 2),
    attributes: { CustomerPhoneNumber: base.attributes.CustomerPhoneNumber as string },
  };
  return [handled, leg];
}

/** One past contact of a caller (two for a transfer): its kind drawn from KINDS. */
function pastContact(phone: string, historyDays: number, now: number, d: Draws): ScenarioContact[] {
  // Callbacks after minutes to weeks: log-uniform age from MIN_AGE_MS to historyDays.
  const age = Math.exp(
    Math.log(MIN_AGE_MS) + d.r() * (Math.log(historyDays * 86_400_000) - Math.log(MIN_AGE_MS)),
  );
  const start = now - age;
  const base = {
    id: uuidFrom(d.r),
    channel: 'VOICE' as const,
    initiationTimestamp: iso(start),
    attributes: { CustomerPhoneNumber: phone } as Record<string, string>,
  };
  const kind = pickWeighted(KINDS, d.r);
  const wait = 10_000 + d.r() * 240_000;
  const talk = 30_000 + d.r() * 900_000;
  if (kind === 'ivr')
    return [{ ...base, initiationMethod: 'INBOUND', disconnectTimestamp: iso(start + 40_000) }];
  const queueId = d.queue();
  if (kind === 'abandoned' || kind === 'missed') {
    // Missed: offered to an agent who never answered; the caller hung up in queue.
    return [
      {
        ...base,
        initiationMethod: 'INBOUND',
        queueId,
        ...(kind === 'missed' ? { agentId: d.agent().id } : {}),
        enqueueTimestamp: iso(start + 20_000),
        disconnectTimestamp: iso(start + wait),
      },
    ];
  }
  return answeredContact(base, kind, { start, wait, talk }, queueId, d);
}

/** A caller's history: a geometric number of past contacts with the requested mean. */
function historyOf(phone: string, o: GeneratorOptions, now: number, d: Draws): ScenarioContact[] {
  let n = 0;
  while (d.r() < o.meanHistory / (o.meanHistory + 1) && n < 500) n++;
  return Array.from({ length: n }, () => pastContact(phone, o.historyDays, now, d)).flat();
}

function contactsByPhone(contacts: ScenarioContact[]): Map<string, ScenarioContact[]> {
  const byPhone = new Map<string, ScenarioContact[]>();
  for (const c of contacts) {
    const p = c.attributes.CustomerPhoneNumber as string;
    byPhone.set(p, [...(byPhone.get(p) ?? []), c]);
  }
  return byPhone;
}

/** The agent's state as the availability step classifies it (Connect's statuses plus CUSTOM ones: Break, Lunch). */
function agentStateOf(agent: ScenarioAgent | undefined, config: Config): AgentAvailability['status'] {
  if (!agent) return classifyAgent(undefined, 'VOICE', undefined, config).status;
  const voice = agent.slots.VOICE;
  const free = Math.max(0, (voice?.max ?? 0) - Math.max(voice?.active ?? 0, agent.contacts.length));
  const status = { StatusName: agent.status };
  const user = { User: { Id: agent.id }, Status: status, AvailableSlotsByChannel: { VOICE: free } };
  return classifyAgent(user, 'VOICE', undefined, config).status;
}

/** The ground truth of a call: the agent of the caller's latest agent-handled contact within the lookback window. */
function truthOf(phone: string, history: ScenarioContact[], agents: ScenarioAgent[], now: number): TruthCall {
  const connected = (c: ScenarioContact) => Date.parse(c.connectedToAgentTimestamp ?? '');
  const windowStart = now - LOOKBACK_DAYS * 86_400_000;
  const handled = history.filter((c) => c.agentId && connected(c) >= windowStart);
  const last = handled.sort((a, b) => connected(b) - connected(a))[0];
  if (!last?.agentId) return { phone };
  const agent = agents.find((a) => a.id === last.agentId);
  return { phone, agentId: last.agentId, agentState: agentStateOf(agent, CONFIG), lastContactId: last.id };
}

/** Most calls come from customers with history; some are first-time callers. */
function placeCalls(count: number, customers: string[], byPhone: Map<string, unknown>, r: Random): string[] {
  const withHistory = customers.filter((p) => byPhone.has(p));
  return Array.from({ length: count }, () => {
    const firstTime = r() < 0.1 || withHistory.length === 0;
    const pool = firstTime ? customers : withHistory;
    return pool[Math.floor(r() * pool.length)] as string;
  });
}

export function generateContactCenter(o: GeneratorOptions): GeneratedCenter {
  const r = seededRandom(o.seed);
  const now = Date.parse(o.now ?? NOW);
  const queues = ['Claims', 'Billing', 'Sales'].map((name) => ({ id: uuidFrom(r), name }));
  const agents = makeAgents(o.agents, r);
  const customers = makePhones(o.customers, r);
  const d: Draws = {
    r,
    agent: () => agents[Math.floor(r() * agents.length)] as ScenarioAgent,
    queue: () => queues[Math.floor(r() * queues.length)]?.id as string,
  };
  const contacts = customers.flatMap((phone) => historyOf(phone, o, now, d));
  const byPhone = contactsByPhone(contacts);
  const truth = placeCalls(o.calls, customers, byPhone, r).map((phone) =>
    truthOf(phone, byPhone.get(phone) ?? [], agents, now),
  );
  const scenario = parseScenario({
    name: `synthetic-${o.seed}`,
    description: `Generated: ${o.agents} agents, ${o.customers} customers, ${contacts.length} contacts`,
    instance: { id: uuidFrom(r), region: 'us-east-1', accountId: '123456789012' },
    now: iso(now),
    searchableAttributeKeys: ['CustomerPhoneNumber'],
    queues,
    agents,
    contacts,
  });
  return { scenario, truth };
}
