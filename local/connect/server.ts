import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultPlan, planFaults } from './faults';
import { OPERATIONS, type Operation, type Scenario, type ScenarioContact } from './scenario';

/**
 * A local Amazon Connect: an HTTP server on 127.0.0.1 speaking Connect's restJson1 wire format
 * for the operations the steps use, so the real @aws-sdk/client-connect runs against it
 * unchanged. Timestamps travel as epoch seconds; errors carry X-Amzn-ErrorType like Connect.
 */

class ConnectHttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new ConnectHttpError(400, 'InvalidParameterException', message);
const notFound = (message: string) => new ConnectHttpError(404, 'ResourceNotFoundException', message);

const MAX_BODY = 1 << 20;
const TIME_FIELDS = {
  INITIATION_TIMESTAMP: 'initiationTimestamp',
  CONNECTED_TO_AGENT_TIMESTAMP: 'connectedToAgentTimestamp',
  DISCONNECT_TIMESTAMP: 'disconnectTimestamp',
  ENQUEUE_TIMESTAMP: 'enqueueTimestamp',
  SCHEDULED_TIMESTAMP: 'scheduledTimestamp',
} as const;
type TimeType = keyof typeof TIME_FIELDS;

const epoch = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);

export interface OperationStats {
  requests: number;
  throttled: number;
  faults: number;
}

export interface LocalConnect {
  endpoint: string;
  /** ARN of the simulated instance (what Connect puts in the Lambda event). */
  instanceArn: string;
  scenario: Scenario;
  stats: Record<Operation, OperationStats>;
  resetStats(): void;
  close(): Promise<void>;
}

export interface LocalConnectOptions {
  port?: number;
  /** Value to store under the searchable attribute in place of each phone number (hashed-key mode). */
  customerKeyOf?: (phone: string) => string;
}

interface Store {
  scenario: Scenario;
  byId: Map<string, ScenarioContact>;
  byAttribute: Map<string, ScenarioContact[]>;
  chain: Map<string, ScenarioContact[]>;
  instanceArn: string;
}

function buildStore(scenario: Scenario, customerKeyOf?: (phone: string) => string): Store {
  const contacts = scenario.contacts.map((c) => {
    if (!customerKeyOf) return c;
    const attributes = { ...c.attributes };
    for (const key of scenario.searchableAttributeKeys) {
      const v = attributes[key];
      if (v?.startsWith('+')) attributes[key] = customerKeyOf(v);
    }
    return { ...c, attributes };
  });
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const byAttribute = new Map<string, ScenarioContact[]>();
  const chain = new Map<string, ScenarioContact[]>();
  for (const c of contacts) {
    for (const key of scenario.searchableAttributeKeys) {
      const v = c.attributes[key];
      if (v === undefined) continue;
      const k = `${key}\u0000${v}`;
      byAttribute.set(k, [...(byAttribute.get(k) ?? []), c]);
    }
    const root = c.initialContactId ?? c.id;
    chain.set(root, [...(chain.get(root) ?? []), c]);
  }
  const { id, region, accountId } = scenario.instance;
  return {
    scenario,
    byId,
    byAttribute,
    chain,
    instanceArn: `arn:aws:connect:${region}:${accountId}:instance/${id}`,
  };
}

type Json = Record<string, unknown>;

function contactSummary(store: Store, c: ScenarioContact): Json {
  return {
    Arn: `${store.instanceArn}/contact/${c.id}`,
    Id: c.id,
    InitialContactId: c.initialContactId ?? c.id,
    PreviousContactId: c.previousContactId,
    InitiationMethod: c.initiationMethod,
    Channel: c.channel,
    QueueInfo: c.queueId ? { Id: c.queueId, EnqueueTimestamp: epoch(c.enqueueTimestamp) } : undefined,
    AgentInfo: c.agentId
      ? { Id: c.agentId, ConnectedToAgentTimestamp: epoch(c.connectedToAgentTimestamp) }
      : undefined,
    InitiationTimestamp: epoch(c.initiationTimestamp),
    DisconnectTimestamp: epoch(c.disconnectTimestamp),
  };
}

const asArray = (v: unknown, what: string): string[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalid(`${what} must be a list of strings`);
  return v as string[];
};

function queryHash(body: Json): string {
  const { NextToken: _ignored, ...rest } = body;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url').slice(0, 16);
}

function searchContacts(store: Store, body: Json): Json {
  checkInstance(store, body.InstanceId);
  const range = body.TimeRange as { Type?: string; StartTime?: unknown; EndTime?: unknown } | undefined;
  if (!range || typeof range !== 'object') throw invalid('TimeRange is required');
  if (!range.Type || !(range.Type in TIME_FIELDS))
    throw invalid(`TimeRange.Type ${String(range.Type)} is not valid`);
  if (typeof range.StartTime !== 'number' || typeof range.EndTime !== 'number') {
    throw invalid('TimeRange.StartTime and TimeRange.EndTime are required timestamps');
  }
  if (range.StartTime >= range.EndTime) throw invalid('TimeRange.StartTime must be before TimeRange.EndTime');
  const max = body.MaxResults ?? 100;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
    throw invalid('MaxResults must be between 1 and 100');
  }
  const criteria = (body.SearchCriteria ?? {}) as Json;
  const channels = asArray(criteria.Channels, 'SearchCriteria.Channels');
  const queueIds = asArray(criteria.QueueIds, 'SearchCriteria.QueueIds');
  const agentIds = asArray(criteria.AgentIds, 'SearchCriteria.AgentIds');
  const methods = asArray(criteria.InitiationMethods, 'SearchCriteria.InitiationMethods');

  let pool: ScenarioContact[] = [...store.byId.values()];
  const attrs = criteria.SearchableContactAttributes as
    | { Criteria?: { Key?: string; Values?: string[] }[]; MatchType?: string }
    | undefined;
  if (attrs) {
    const list = attrs.Criteria;
    if (!Array.isArray(list) || list.length === 0)
      throw invalid('SearchableContactAttributes.Criteria is required');
    const matchType = attrs.MatchType ?? 'MATCH_ALL';
    if (!['MATCH_ALL', 'MATCH_ANY'].includes(matchType))
      throw invalid(`MatchType ${matchType} is not supported`);
    const sets = list.map((c) => {
      if (typeof c?.Key !== 'string' || !Array.isArray(c.Values) || c.Values.length === 0) {
        throw invalid('each searchable attribute criterion needs a Key and Values');
      }
      if (!store.scenario.searchableAttributeKeys.includes(c.Key)) {
        throw invalid(`contact attribute key ${c.Key} is not configured as searchable`);
      }
      return new Set(c.Values.flatMap((v) => store.byAttribute.get(`${c.Key}\u0000${v}`) ?? []));
    });
    const [first, ...others] = sets;
    pool =
      matchType === 'MATCH_ALL'
        ? [...(first ?? [])].filter((c) => others.every((s) => s.has(c)))
        : [...new Set(sets.flatMap((s) => [...s]))];
  }

  const field = TIME_FIELDS[range.Type as TimeType] as keyof ScenarioContact;
  const inRange = (c: ScenarioContact) => {
    const t = epoch(c[field] as string | undefined);
    return t !== undefined && t >= (range.StartTime as number) && t <= (range.EndTime as number);
  };
  const matches = pool.filter(
    (c) =>
      inRange(c) &&
      (!channels || channels.includes(c.channel)) &&
      (!queueIds || (c.queueId !== undefined && queueIds.includes(c.queueId))) &&
      (!agentIds || (c.agentId !== undefined && agentIds.includes(c.agentId))) &&
      (!methods || methods.includes(c.initiationMethod)),
  );

  const sort = (body.Sort ?? { FieldName: 'INITIATION_TIMESTAMP', Order: 'DESCENDING' }) as {
    FieldName?: string;
    Order?: string;
  };
  const sortField = TIME_FIELDS[sort.FieldName as TimeType] as keyof ScenarioContact | undefined;
  if (!sortField) throw invalid(`Sort.FieldName ${String(sort.FieldName)} is not supported here`);
  const dir = sort.Order === 'ASCENDING' ? 1 : -1;
  matches.sort(
    (a, b) =>
      dir * ((epoch(a[sortField] as string) ?? 0) - (epoch(b[sortField] as string) ?? 0)) ||
      a.id.localeCompare(b.id),
  );

  const hash = queryHash(body);
  let offset = 0;
  if (body.NextToken !== undefined) {
    try {
      const token = JSON.parse(Buffer.from(String(body.NextToken), 'base64url').toString('utf8'));
      if (token.q !== hash || !Number.isInteger(token.o) || token.o < 0) throw new Error('mismatch');
      offset = token.o;
    } catch {
      throw invalid('NextToken is invalid or belongs to another query');
    }
  }
  const page = matches.slice(offset, offset + max);
  const next = offset + max < matches.length ? offset + max : undefined;
  return {
    Contacts: page.map((c) => contactSummary(store, c)),
    TotalCount: matches.length,
    NextToken:
      next === undefined
        ? undefined
        : Buffer.from(JSON.stringify({ o: next, q: hash })).toString('base64url'),
  };
}

function getCurrentUserData(store: Store, body: Json): Json {
  const filters = body.Filters as Json | undefined;
  const agents = asArray(filters?.Agents, 'Filters.Agents');
  const queues = asArray(filters?.Queues, 'Filters.Queues');
  const profiles = asArray(filters?.RoutingProfiles, 'Filters.RoutingProfiles');
  if (!agents && !queues && !profiles) throw invalid('Filters must name Agents, Queues or RoutingProfiles');
  if (agents && agents.length > 100) throw invalid('Filters.Agents accepts at most 100 agents');
  const { instanceArn } = store;
  const list = store.scenario.agents
    .filter(
      (a) => (!agents || agents.includes(a.id)) && (!profiles || profiles.includes(a.routingProfileId ?? '')),
    )
    .map((a) => {
      const max: Record<string, number> = {};
      const active: Record<string, number> = {};
      const available: Record<string, number> = {};
      for (const [channel, s] of Object.entries(a.slots)) {
        if (!s) continue;
        const held = Math.max(s.active, a.contacts.filter((c) => c.channel === channel).length);
        max[channel] = s.max;
        active[channel] = held;
        available[channel] = Math.max(0, s.max - held);
      }
      return {
        User: { Id: a.id, Arn: `${instanceArn}/agent/${a.id}` },
        RoutingProfile: a.routingProfileId
          ? { Id: a.routingProfileId, Arn: `${instanceArn}/routing-profile/${a.routingProfileId}` }
          : undefined,
        Status: {
          StatusName: a.status,
          StatusArn: `${instanceArn}/agent-state/${createHash('md5').update(a.status).digest('hex')}`,
          StatusStartTimestamp: epoch(a.statusStartTimestamp),
        },
        AvailableSlotsByChannel: available,
        MaxSlotsByChannel: max,
        ActiveSlotsByChannel: active,
        Contacts: a.contacts.map((c) => ({
          ContactId: c.id,
          Channel: c.channel,
          AgentContactState: c.state,
        })),
      };
    });
  return { UserDataList: list, ApproximateTotalCount: list.length };
}

function describeContact(store: Store, id: string): Json {
  const c = store.byId.get(id);
  if (!c) throw notFound(`Contact ${id} not found`);
  return { Contact: { ...contactSummary(store, c), LastUpdateTimestamp: epoch(c.disconnectTimestamp) } };
}

function getContactAttributes(store: Store, initialContactId: string): Json {
  const chain = store.chain.get(initialContactId);
  if (!chain) throw notFound(`Contact ${initialContactId} not found`);
  // Attributes belong to the contact chain; later legs override earlier ones.
  const sorted = [...chain].sort((a, b) => a.initiationTimestamp.localeCompare(b.initiationTimestamp));
  return { Attributes: Object.assign({}, ...sorted.map((c) => c.attributes)) };
}

function describeUser(store: Store, id: string): Json {
  const a = store.scenario.agents.find((x) => x.id === id);
  if (!a) throw notFound(`User ${id} not found`);
  return {
    User: {
      Id: a.id,
      Arn: `${store.instanceArn}/agent/${a.id}`,
      Username: a.username,
      IdentityInfo: { FirstName: a.firstName, LastName: a.lastName },
      RoutingProfileId: a.routingProfileId,
    },
  };
}

function checkInstance(store: Store, id: unknown): void {
  if (id !== store.scenario.instance.id) throw notFound(`Instance ${String(id)} not found`);
}

interface Route {
  op: Operation;
  /** Path parameters; for every route but SearchContacts the first one is the instance id. */
  method: string;
  pattern: RegExp;
  handle: (store: Store, params: string[], body: Json) => Json;
}

const ROUTES: Route[] = [
  {
    op: 'SearchContacts',
    method: 'POST',
    pattern: /^\/search-contacts$/,
    handle: (s, _p, b) => searchContacts(s, b),
  },
  {
    op: 'GetCurrentUserData',
    method: 'POST',
    pattern: /^\/metrics\/userdata\/([^/]+)$/,
    handle: (s, _p, b) => getCurrentUserData(s, b),
  },
  {
    op: 'DescribeContact',
    method: 'GET',
    pattern: /^\/contacts\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeContact(s, p[1] ?? ''),
  },
  {
    op: 'GetContactAttributes',
    method: 'GET',
    pattern: /^\/contact\/attributes\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => getContactAttributes(s, p[1] ?? ''),
  },
  {
    op: 'DescribeUser',
    method: 'GET',
    pattern: /^\/users\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeUser(s, p[1] ?? ''),
  },
];

/** The logical identity of a request for the latency model: who or what it asks about. */
function latencyKey(op: Operation, path: string, body: Json): string {
  if (op === 'SearchContacts') {
    const attrs = (body.SearchCriteria as Json | undefined)?.SearchableContactAttributes as
      | { Criteria?: { Values?: unknown }[] }
      | undefined;
    return `${JSON.stringify(attrs?.Criteria?.map((c) => c.Values) ?? [])}${body.NextToken ? '+next' : ''}`;
  }
  if (op === 'GetCurrentUserData') return JSON.stringify((body.Filters as Json | undefined)?.Agents ?? []);
  return path;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, status: number, body: string, errorType?: string): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': crypto.randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}
const sendError = (res: ServerResponse, e: ConnectHttpError) =>
  send(res, e.status, JSON.stringify({ message: e.message }), e.type);

async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw invalid('request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed;
  } catch {
    throw new ConnectHttpError(400, 'SerializationException', 'request body is not a JSON object');
  }
}

async function handle(
  store: Store,
  plan: FaultPlan,
  stats: LocalConnect['stats'],
  req: IncomingMessage,
  res: ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = decodeURIComponent(url.pathname);
  const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(path));
  if (!route) {
    req.resume();
    return sendError(
      res,
      new ConnectHttpError(404, 'UnknownOperationException', `no operation at ${req.method} ${path}`),
    );
  }
  const stat = stats[route.op];
  stat.requests++;
  try {
    const body = await readBody(req);
    const fault = plan.fault(route.op);
    if (fault) stat.faults++;
    switch (fault?.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'throttle':
        return sendError(res, new ConnectHttpError(429, 'ThrottlingException', 'Rate exceeded'));
      case 'error500':
        return sendError(
          res,
          new ConnectHttpError(500, 'InternalServiceException', 'Request processing failed'),
        );
      case 'error503':
        return sendError(
          res,
          new ConnectHttpError(503, 'ServiceUnavailableException', 'Service unavailable'),
        );
      case 'slow':
        await sleep(fault.delayMs);
        break;
    }
    if (!plan.admit(route.op)) {
      stat.throttled++;
      return sendError(res, new ConnectHttpError(429, 'ThrottlingException', 'Rate exceeded'));
    }
    const delay = plan.latency(route.op, latencyKey(route.op, path, body));
    if (delay > 0) await sleep(delay);
    if (fault?.kind === 'malformed') return send(res, 200, '{"Contacts": [ {"Id": ');
    const params = route.pattern.exec(path)?.slice(1) ?? [];
    if (route.op !== 'SearchContacts') checkInstance(store, params[0]);
    send(res, 200, JSON.stringify(route.handle(store, params, body)));
  } catch (err) {
    if (err instanceof ConnectHttpError) return sendError(res, err);
    sendError(res, new ConnectHttpError(500, 'InternalServiceException', 'local Connect failed to answer'));
  }
}

const emptyStats = () =>
  Object.fromEntries(OPERATIONS.map((op) => [op, { requests: 0, throttled: 0, faults: 0 }])) as Record<
    Operation,
    OperationStats
  >;

export async function startLocalConnect(
  scenario: Scenario,
  options: LocalConnectOptions = {},
): Promise<LocalConnect> {
  const store = buildStore(scenario, options.customerKeyOf);
  const plan = planFaults(scenario.faults);
  let stats = emptyStats();
  const server: Server = createServer((req, res) => {
    void handle(store, plan, stats, req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    instanceArn: store.instanceArn,
    scenario,
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
