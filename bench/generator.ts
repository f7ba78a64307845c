import { seededRandom } from '../local/connect/faults';
import {
  type Scenario,
  type ScenarioAgent,
  type ScenarioContact,
  parseScenario,
} from '../local/connect/scenario';
import { classifyAgent } from '../steps/check-agent-availability';
import { normaliseCaller } from '../steps/lib/decision/caller';
import type { AgentAvailability } from '../steps/lib/decision/schemas';
import { loadConfig } from '../steps/lib/runtime/config';

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

export interface GeneratedCenter {
  scenario: Scenario;
  truth: TruthCall[];
}

const NOW = '2026-11-20T10:00:00.000Z';
const LOOKBACK_DAYS = 7;
/** Every generated contact (transfer legs and talk included) has ended before "now". */
const MIN_AGE_MS = 50 * 60_000;

const STATES: [weight: number, make: (id: string, r: () => number) => Partial<ScenarioAgent>][] = [
  [35, () => ({ status: 'Available', slots: { VOICE: { max: 1, active: 0 } } })],
  [
    25,
    (id) => ({
      status: 'Available',
      slots: { VOICE: { max: 1, active: 1 } },
      contacts: [{ id: `${id}-live`, channel: 'VOICE', state: 'CONNECTED' }],
    }),
  ],
  [
    10,
    (id) => ({
      status: 'Available',
      slots: { VOICE: { max: 1, active: 1 } },
      contacts: [{ id: `${id}-acw`, channel: 'VOICE', state: 'ENDED' }],
    }),
  ],
  [8, () => ({ status: 'Break', slots: { VOICE: { max: 1, active: 0 } } })],
  [7, () => ({ status: 'Lunch', slots: { VOICE: { max: 1, active: 0 } } })],
  [15, () => ({ status: 'Offline', slots: { VOICE: { max: 1, active: 0 } } })],
];

function pickWeighted<T>(items: [number, T][], r: () => number): T {
  const total = items.reduce((s, [w]) => s + w, 0);
  let x = r() * total;
  for (const [w, v] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return (items.at(-1) as [number, T])[1];
}

function uuidFrom(r: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

export function generateContactCenter(o: GeneratorOptions): GeneratedCenter {
  const r = seededRandom(o.seed);
  const now = Date.parse(o.now ?? NOW);
  const iso = (ms: number) => new Date(ms).toISOString();
  const queues = ['Claims', 'Billing', 'Sales'].map((name) => ({ id: uuidFrom(r), name }));
  const agents: ScenarioAgent[] = Array.from({ length: o.agents }, (_, i) => {
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

  const phones = new Set<string>();
  while (phones.size < o.customers) {
    const n = `+1${['212', '312', '415', '617', '718'][Math.floor(r() * 5)]}${2 + Math.floor(r() * 8)}${String(Math.floor(r() * 1e6)).padStart(6, '0')}`;
    if (normaliseCaller(n, 'US').kind === 'number') phones.add(n);
  }
  const customers = [...phones];
  const contacts: ScenarioContact[] = [];
  const agentOf = () => agents[Math.floor(r() * agents.length)] as ScenarioAgent;
  const queueOf = () => queues[Math.floor(r() * queues.length)]?.id as string;

  for (const phone of customers) {
    // Geometric history length with the requested mean.
    let n = 0;
    while (r() < o.meanHistory / (o.meanHistory + 1) && n < 500) n++;
    for (let k = 0; k < n; k++) {
      // Callbacks after minutes to weeks: log-uniform age from MIN_AGE_MS to historyDays.
      const age = Math.exp(
        Math.log(MIN_AGE_MS) + r() * (Math.log(o.historyDays * 86_400_000) - Math.log(MIN_AGE_MS)),
      );
      const start = now - age;
      const attributes: Record<string, string> = { CustomerPhoneNumber: phone };
      const base = {
        id: uuidFrom(r),
        channel: 'VOICE' as const,
        initiationTimestamp: iso(start),
        attributes,
      };
      const kind = pickWeighted<string>(
        [
          [45, 'handled'],
          [22, 'ivr'],
          [14, 'abandoned'],
          [8, 'transfer'],
          [6, 'callback'],
          [5, 'missed'],
        ],
        r,
      );
      const wait = 10_000 + r() * 240_000;
      const talk = 30_000 + r() * 900_000;
      if (kind === 'ivr') {
        contacts.push({ ...base, initiationMethod: 'INBOUND', disconnectTimestamp: iso(start + 40_000) });
        continue;
      }
      const queueId = queueOf();
      if (kind === 'abandoned') {
        contacts.push({
          ...base,
          initiationMethod: 'INBOUND',
          queueId,
          enqueueTimestamp: iso(start + 20_000),
          disconnectTimestamp: iso(start + wait),
        });
        continue;
      }
      if (kind === 'missed') {
        // Offered to an agent who never answered; the caller hung up in queue.
        contacts.push({
          ...base,
          initiationMethod: 'INBOUND',
          queueId,
          agentId: agentOf().id,
          enqueueTimestamp: iso(start + 20_000),
          disconnectTimestamp: iso(start + wait),
        });
        continue;
      }
      if (r() < 0.4) attributes.csat = String(1 + Math.floor(r() * 5));
      const handled = {
        ...base,
        initiationMethod: kind === 'callback' ? (r() < 0.5 ? 'CALLBACK' : 'OUTBOUND') : 'INBOUND',
        queueId,
        agentId: agentOf().id,
        enqueueTimestamp: iso(start + 20_000),
        connectedToAgentTimestamp: iso(start + wait),
        disconnectTimestamp: iso(start + wait + talk),
      };
      contacts.push(handled);
      if (kind === 'transfer') {
        const legStart = start + wait + talk;
        const second = agentOf();
        contacts.push({
          id: uuidFrom(r),
          channel: 'VOICE',
          initiationMethod: 'TRANSFER',
          initiationTimestamp: iso(legStart),
          initialContactId: handled.id,
          previousContactId: handled.id,
          queueId: queueOf(),
          agentId: second.id,
          enqueueTimestamp: iso(legStart + 5_000),
          connectedToAgentTimestamp: iso(legStart + 30_000),
          disconnectTimestamp: iso(legStart + 30_000 + talk / 2),
          attributes: { CustomerPhoneNumber: phone },
        });
      }
    }
  }

  const config = loadConfig({});
  const byPhone = new Map<string, ScenarioContact[]>();
  for (const c of contacts) {
    const p = c.attributes.CustomerPhoneNumber as string;
    byPhone.set(p, [...(byPhone.get(p) ?? []), c]);
  }
  const windowStart = now - LOOKBACK_DAYS * 86_400_000;
  const truthFor = (phone: string): TruthCall => {
    const handled = (byPhone.get(phone) ?? [])
      .filter(
        (c) =>
          c.agentId && c.connectedToAgentTimestamp && Date.parse(c.connectedToAgentTimestamp) >= windowStart,
      )
      .sort(
        (a, b) =>
          Date.parse(b.connectedToAgentTimestamp as string) -
          Date.parse(a.connectedToAgentTimestamp as string),
      );
    const last = handled[0];
    if (!last?.agentId) return { phone };
    const agent = agents.find((a) => a.id === last.agentId);
    const free = agent
      ? Math.max(
          0,
          (agent.slots.VOICE?.max ?? 0) - Math.max(agent.slots.VOICE?.active ?? 0, agent.contacts.length),
        )
      : 0;
    const state = classifyAgent(
      agent
        ? {
            User: { Id: agent.id },
            Status: { StatusName: agent.status },
            AvailableSlotsByChannel: { VOICE: free },
          }
        : undefined,
      'VOICE',
      // The generator's statuses are Connect's defaults plus CUSTOM ones (Break, Lunch).
      undefined,
      config,
    ).status;
    return { phone, agentId: last.agentId, agentState: state, lastContactId: last.id };
  };

  // Most calls come from customers with history; some are first-time callers.
  const calls: TruthCall[] = [];
  const withHistory = customers.filter((p) => byPhone.has(p));
  for (let i = 0; i < o.calls; i++) {
    const firstTime = r() < 0.1 || withHistory.length === 0;
    const pool = firstTime ? customers : withHistory;
    calls.push(truthFor(pool[Math.floor(r() * pool.length)] as string));
  }

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
  return { scenario, truth: calls };
}
