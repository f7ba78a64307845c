import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AgentStatusType,
  Channel,
  ContactInitiationMethod,
  SearchContactsMatchType,
  SearchContactsTimeRangeType,
  SortOrder,
  SortableFieldName,
} from '@aws-sdk/client-connect';
import { z } from 'zod';
import { BodyError, closeServer, readJsonObject, sendJson, serveOnLoopback, sleep } from '../http';
import { type FaultPlan, planFaults } from './faults';
import {
  FlowsHttpError,
  ListPhoneNumbersV2Body,
  describeContactFlow,
  listFlowAssociations,
  listPhoneNumbersV2,
  listUsers,
} from './flows';
import {
  OPERATIONS,
  type Operation,
  type Scenario,
  type ScenarioAgentStatus,
  type ScenarioContact,
  type ScenarioRoutingProfile,
  agentStatusesOf,
  routingProfilesOf,
  slotsOf,
} from './scenario';

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

/*
 * Request validation. Enum values come from the API model shipped in @aws-sdk/client-connect
 * (its generated enums), so the local Connect accepts exactly what the SDK's model says the
 * service accepts. Lengths and ranges are not shipped in the SDK; they are transcribed from
 * Amazon Connect's Smithy model (aws/api-models-aws, connect-2017-08-08.json: @length/@range
 * traits of SearchContactsRequest, SearchableContactAttributesCriteria, UserDataFilters,
 * ListAgentStatusRequest, ListRoutingProfileQueuesRequest).
 */
const LIMITS = {
  /** SearchContacts MaxResults: @range(min: 1, max: 100). */
  searchMaxResults: 100,
  /** SearchableContactAttributes.Criteria: @length(max: 15); Key @length(1, 100); Values @length(max: 20), each @length(max: 100). */
  attributeCriteria: 15,
  attributeKeyLength: 100,
  attributeValues: 20,
  attributeValueLength: 100,
  /** SearchCriteria.QueueIds / AgentIds: @length(max: 100). */
  searchIds: 100,
  /** UserDataFilters.Agents / Queues / RoutingProfiles: @length(1, 100); UserHierarchyGroups: exactly 1. */
  userDataFilterItems: 100,
  /** GetCurrentUserData / ListRoutingProfileQueues MaxResults: @range(1, 100); ListAgentStatuses: @range(1, 1000). */
  listMaxResults: 100,
  agentStatusMaxResults: 1000,
  /** InstanceId: @length(1, 100); ContactId: @length(1, 256). */
  instanceIdLength: 100,
  contactIdLength: 256,
} as const;

/**
 * The longest TimeRange one SearchContacts request accepts. The API reference's SearchContacts
 * page: "The time range (StartTime to EndTime) can be at most 8 weeks" — not a model trait, so
 * stated here with its source.
 */
export const SEARCH_MAX_RANGE_SECONDS = 8 * 7 * 86_400;

const STATUS_TYPES = new Set<string>(Object.values(AgentStatusType));

/*
 * Request bodies, shaped as the SDK's model declares them (SearchContactsRequest and
 * GetCurrentUserDataRequest in @aws-sdk/client-connect's models): every member's type, the
 * enums, and the LIMITS above. Objects are strict: a member outside the model, or one of the
 * model's members the local Connect does not implement (SearchCriteria.ContactAnalysis,
 * Filters.ContactFilter, …), is refused rather than ignored, since ignoring a filter changes
 * the answer. An optional member sent as null counts as absent.
 */
const ids = (min: number, max: number) => z.array(z.string()).min(min).max(max).nullish();
const SearchContactsBody = z.strictObject({
  InstanceId: z.string().min(1).max(LIMITS.instanceIdLength),
  TimeRange: z.strictObject({
    Type: z.enum(SearchContactsTimeRangeType),
    /** Epoch seconds, as the SDK serializes timestamps in restJson1 bodies. */
    StartTime: z.number(),
    EndTime: z.number(),
  }),
  SearchCriteria: z
    .strictObject({
      AgentIds: ids(0, LIMITS.searchIds),
      Channels: z.array(z.enum(Channel)).nullish(),
      InitiationMethods: z.array(z.enum(ContactInitiationMethod)).nullish(),
      QueueIds: ids(0, LIMITS.searchIds),
      SearchableContactAttributes: z
        .strictObject({
          Criteria: z
            .array(
              z.strictObject({
                Key: z.string().min(1).max(LIMITS.attributeKeyLength),
                Values: z
                  .array(z.string().max(LIMITS.attributeValueLength))
                  .min(1)
                  .max(LIMITS.attributeValues),
              }),
            )
            .min(1)
            .max(LIMITS.attributeCriteria),
          MatchType: z.enum(SearchContactsMatchType).nullish(),
        })
        .nullish(),
    })
    .nullish(),
  MaxResults: z.number().int().min(1).max(LIMITS.searchMaxResults).nullish(),
  NextToken: z.string().nullish(),
  /** Optional, but when given both members are required (Smithy @required on Sort). */
  Sort: z.strictObject({ FieldName: z.enum(SortableFieldName), Order: z.enum(SortOrder) }).nullish(),
});
type SearchContactsBody = z.infer<typeof SearchContactsBody>;

const GetCurrentUserDataBody = z.strictObject({
  Filters: z.strictObject({
    Agents: ids(1, LIMITS.userDataFilterItems),
    Queues: ids(1, LIMITS.userDataFilterItems),
    RoutingProfiles: ids(1, LIMITS.userDataFilterItems),
    UserHierarchyGroups: ids(1, 1),
  }),
  MaxResults: z.number().int().min(1).max(LIMITS.listMaxResults).nullish(),
  NextToken: z.string().nullish(),
});
type GetCurrentUserDataBody = z.infer<typeof GetCurrentUserDataBody>;

/** Operations whose input is all in the path and query string (GET): the body must be empty. */
const NoBody = z.strictObject({});

/** A body's first problems, each with the path of the member at fault ("SearchCriteria.QueueIds[0]"). */
function bodyProblem(op: Operation, error: z.ZodError): string {
  const pathOf = (path: PropertyKey[]) =>
    path.reduce<string>(
      (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
      '',
    );
  const problems = error.issues.slice(0, 3).map((i) => {
    const at = pathOf(i.path);
    if (i.code !== 'unrecognized_keys') return `${at || 'the body'}: ${i.message}`;
    const fields = i.keys.map((k) => (at ? `${at}.${k}` : k)).join(', ');
    return `${fields}: unknown member, or one the local Connect does not implement`;
  });
  return `${op} request body is invalid: ${problems.join('; ')}`;
}

/** Scenario fields behind each time-range type and sortable field. */
const CONTACT_FIELDS: Record<string, keyof ScenarioContact> = {
  INITIATION_TIMESTAMP: 'initiationTimestamp',
  CONNECTED_TO_AGENT_TIMESTAMP: 'connectedToAgentTimestamp',
  DISCONNECT_TIMESTAMP: 'disconnectTimestamp',
  ENQUEUE_TIMESTAMP: 'enqueueTimestamp',
  SCHEDULED_TIMESTAMP: 'scheduledTimestamp' as keyof ScenarioContact,
  EXPIRY_TIMESTAMP: 'expiryTimestamp' as keyof ScenarioContact,
  CHANNEL: 'channel',
  INITIATION_METHOD: 'initiationMethod',
};

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
  statuses: ScenarioAgentStatus[];
  profiles: ScenarioRoutingProfile[];
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
    statuses: agentStatusesOf(scenario),
    profiles: routingProfilesOf(scenario),
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

function queryHash(body: SearchContactsBody): string {
  const { NextToken: _ignored, ...rest } = body;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url').slice(0, 16);
}

function oneOf(value: unknown, allowed: Set<string>, what: string): string {
  if (typeof value !== 'string' || !allowed.has(value))
    throw invalid(`${what} ${String(value)} is not one of ${[...allowed].join(', ')}`);
  return value;
}

function intInRange(value: unknown, min: number, max: number, what: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw invalid(`${what} must be between ${min} and ${max}`);
  return n;
}

/** The contacts a searchable-attribute filter keeps: found through the index, never by scanning. */
function attributeFilter(
  store: Store,
  attrs: NonNullable<SearchContactsBody['SearchCriteria']>['SearchableContactAttributes'],
): ScenarioContact[] | undefined {
  if (!attrs) return undefined;
  const sets = attrs.Criteria.map((c) => {
    if (!store.scenario.searchableAttributeKeys.includes(c.Key)) {
      throw invalid(`contact attribute key ${c.Key} is not configured as searchable`);
    }
    return new Set(c.Values.flatMap((v) => store.byAttribute.get(`${c.Key}\u0000${v}`) ?? []));
  });
  // MATCH_ALL / MATCH_EXACT: every criterion; MATCH_ANY: at least one; MATCH_NONE: none.
  const matchType = attrs.MatchType ?? 'MATCH_ALL';
  if (matchType === 'MATCH_ANY') return [...new Set(sets.flatMap((set) => [...set]))];
  if (matchType === 'MATCH_NONE')
    return [...store.byId.values()].filter((c) => sets.every((set) => !set.has(c)));
  const [first, ...others] = sets;
  return [...(first ?? [])].filter((c) => others.every((set) => set.has(c)));
}

function searchContacts(store: Store, body: SearchContactsBody): Json {
  checkInstance(store, body.InstanceId);
  const range = body.TimeRange;
  if (range.StartTime >= range.EndTime) throw invalid('TimeRange.StartTime must be before TimeRange.EndTime');
  if (range.EndTime - range.StartTime > SEARCH_MAX_RANGE_SECONDS)
    throw invalid('TimeRange can span at most 8 weeks');
  const max = body.MaxResults ?? LIMITS.searchMaxResults;
  const criteria = body.SearchCriteria ?? {};
  const channels = criteria.Channels ?? undefined;
  const queueIds = criteria.QueueIds ?? undefined;
  const agentIds = criteria.AgentIds ?? undefined;
  const methods: string[] | undefined = criteria.InitiationMethods ?? undefined;
  const pool = attributeFilter(store, criteria.SearchableContactAttributes) ?? [...store.byId.values()];

  const field = CONTACT_FIELDS[range.Type] as keyof ScenarioContact;
  const inRange = (c: ScenarioContact) => {
    const t = epoch(c[field] as string | undefined);
    return t !== undefined && t >= range.StartTime && t <= range.EndTime;
  };
  const matches = pool.filter(
    (c) =>
      inRange(c) &&
      (!channels || channels.includes(c.channel)) &&
      (!queueIds || (c.queueId !== undefined && queueIds.includes(c.queueId))) &&
      (!agentIds || (c.agentId !== undefined && agentIds.includes(c.agentId))) &&
      (!methods || methods.includes(c.initiationMethod)),
  );

  const sort = body.Sort ?? { FieldName: 'INITIATION_TIMESTAMP', Order: 'DESCENDING' };
  const sortField = CONTACT_FIELDS[sort.FieldName] as keyof ScenarioContact;
  const dir = sort.Order === 'ASCENDING' ? 1 : -1;
  const sortKey = (c: ScenarioContact): number | string => {
    const v = c[sortField] as string | undefined;
    if (sortField === 'channel' || sortField === 'initiationMethod') return v ?? '';
    return epoch(v) ?? 0;
  };
  matches.sort((a, b) => {
    const x = sortKey(a);
    const y = sortKey(b);
    return dir * (x < y ? -1 : x > y ? 1 : 0) || a.id.localeCompare(b.id);
  });

  const hash = queryHash(body);
  let offset = 0;
  if (body.NextToken != null) {
    try {
      const token = JSON.parse(Buffer.from(body.NextToken, 'base64url').toString('utf8'));
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

/** Offset-token pagination for the list operations. */
function paginate<T>(
  items: T[],
  query: URLSearchParams,
  maxAllowed: number,
): { page: T[]; NextToken?: string } {
  const max = intInRange(query.get('maxResults') ?? undefined, 1, maxAllowed, 'maxResults', maxAllowed);
  const token = query.get('nextToken');
  const offset = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0 || offset > items.length) throw invalid('nextToken is invalid');
  const next = offset + max < items.length ? offset + max : undefined;
  return {
    page: items.slice(offset, offset + max),
    ...(next === undefined ? {} : { NextToken: Buffer.from(String(next)).toString('base64url') }),
  };
}

function statusArn(store: Store, status: ScenarioAgentStatus): string {
  return `${store.instanceArn}/agent-state/${status.id}`;
}

function getCurrentUserData(store: Store, body: GetCurrentUserDataBody): Json {
  const agents = body.Filters.Agents ?? undefined;
  const queues = body.Filters.Queues ?? undefined;
  const profiles = body.Filters.RoutingProfiles ?? undefined;
  const groups = body.Filters.UserHierarchyGroups ?? undefined;
  // The model's documentation of Filters: "A maximum of one filter can be passed from queues,
  // routing profiles, agents, and user hierarchy groups."
  const given = [agents, queues, profiles, groups].filter((f) => f !== undefined);
  if (given.length !== 1)
    throw invalid('Filters must name exactly one of Agents, Queues, RoutingProfiles or UserHierarchyGroups');
  const { instanceArn } = store;
  // The filter accepts ids or ARNs.
  const idOf = (v: string) => v.slice(v.lastIndexOf('/') + 1);
  const wanted = (list: string[] | undefined, id: string | undefined) =>
    !list || (id !== undefined && list.map(idOf).includes(id));
  const list = store.scenario.agents
    .map((a) => ({ a, profile: profileOf(store, a.routingProfileId) }))
    .filter(
      ({ a, profile }) =>
        wanted(agents, a.id) &&
        wanted(profiles, profile?.id) &&
        (!queues || queues.map(idOf).some((q) => profile?.queueIds.includes(q))) &&
        !groups,
    )
    .map(({ a, profile }) => {
      const status = statusNamed(store, a.status);
      const max: Record<string, number> = {};
      const active: Record<string, number> = {};
      const available: Record<string, number> = {};
      // Slots come from the agent's routing profile (MediaConcurrency), or from the agent's
      // own `slots` in scenarios that predate routing profiles.
      for (const slot of slotsOf(store.scenario, a, profile)) {
        max[slot.channel] = slot.max;
        active[slot.channel] = slot.active;
        available[slot.channel] = slot.available;
      }
      return {
        User: { Id: a.id, Arn: `${instanceArn}/agent/${a.id}` },
        RoutingProfile: profile
          ? { Id: profile.id, Arn: `${instanceArn}/routing-profile/${profile.id}` }
          : undefined,
        Status: {
          StatusName: a.status,
          StatusArn: status ? statusArn(store, status) : undefined,
          StatusStartTimestamp: epoch(a.statusStartTimestamp),
        },
        NextStatus: a.nextStatus,
        AvailableSlotsByChannel: available,
        MaxSlotsByChannel: max,
        ActiveSlotsByChannel: active,
        Contacts: a.contacts.map((c) => ({
          ContactId: c.id,
          Channel: c.channel,
          AgentContactState: c.state,
          // "When AgentContactState is set to CONNECTED_ONHOLD, StateStartTimestamp is not changed.
          // Instead, StateStartTimestamp reflects the time the contact was CONNECTED" (SDK model).
          StateStartTimestamp: epoch(
            c.stateStartTimestamp ?? (c.state === 'ENDED' ? undefined : c.connectedToAgentTimestamp),
          ),
          ConnectedToAgentTimestamp: epoch(c.connectedToAgentTimestamp),
        })),
      };
    });
  return { UserDataList: list, ApproximateTotalCount: list.length };
}

function statusNamed(store: Store, name: string): ScenarioAgentStatus | undefined {
  return store.statuses.find((x) => x.name === name);
}

function profileOf(store: Store, id: string | undefined): ScenarioRoutingProfile | undefined {
  return id === undefined ? store.profiles[0] : store.profiles.find((p) => p.id === id);
}

function listAgentStatuses(store: Store, query: URLSearchParams): Json {
  const types = query.getAll('AgentStatusTypes');
  for (const t of types) oneOf(t, STATUS_TYPES, 'AgentStatusTypes item');
  const matching = store.statuses.filter((x) => types.length === 0 || types.includes(x.type));
  const { page, NextToken } = paginate(matching, query, LIMITS.agentStatusMaxResults);
  return {
    AgentStatusSummaryList: page.map((x) => ({
      Id: x.id,
      Arn: statusArn(store, x),
      Name: x.name,
      Type: x.type,
      LastModifiedTime: Date.parse(store.scenario.now) / 1000,
      LastModifiedRegion: store.scenario.instance.region,
    })),
    NextToken,
  };
}

function describeAgentStatus(store: Store, id: string): Json {
  const x = store.statuses.find((st) => st.id === id);
  if (!x) throw notFound(`Agent status ${id} not found`);
  return {
    AgentStatus: {
      AgentStatusARN: statusArn(store, x),
      AgentStatusId: x.id,
      Name: x.name,
      Type: x.type,
      State: 'ENABLED',
    },
  };
}

function requireProfile(store: Store, id: string): ScenarioRoutingProfile {
  const profile = store.profiles.find((p) => p.id === id);
  if (!profile) throw notFound(`Routing profile ${id} not found`);
  return profile;
}

function listRoutingProfileQueues(store: Store, id: string, query: URLSearchParams): Json {
  const profile = requireProfile(store, id);
  const configs = profile.queueIds.flatMap((queueId) =>
    Object.keys(profile.channels).map((channel) => ({
      QueueId: queueId,
      QueueArn: `${store.instanceArn}/queue/${queueId}`,
      QueueName: store.scenario.queues.find((q) => q.id === queueId)?.name ?? queueId,
      Priority: 1,
      Delay: 0,
      Channel: channel,
    })),
  );
  const { page, NextToken } = paginate(configs, query, LIMITS.listMaxResults);
  return { RoutingProfileQueueConfigSummaryList: page, NextToken };
}

function describeRoutingProfile(store: Store, id: string): Json {
  const profile = requireProfile(store, id);
  return {
    RoutingProfile: {
      InstanceId: store.scenario.instance.id,
      Name: profile.name,
      RoutingProfileArn: `${store.instanceArn}/routing-profile/${profile.id}`,
      RoutingProfileId: profile.id,
      Description: profile.name,
      MediaConcurrencies: Object.entries(profile.channels).map(([Channel, Concurrency]) => ({
        Channel,
        Concurrency,
      })),
      NumberOfAssociatedQueues: profile.queueIds.length,
      AssociatedQueueIds: profile.queueIds,
    },
  };
}

function describeQueue(store: Store, id: string): Json {
  const queue = store.scenario.queues.find((q) => q.id === id);
  if (!queue) throw notFound(`Queue ${id} not found`);
  return {
    Queue: {
      Name: queue.name,
      QueueArn: `${store.instanceArn}/queue/${queue.id}`,
      QueueId: queue.id,
      Status: 'ENABLED',
    },
  };
}

function listLambdaFunctions(store: Store, query: URLSearchParams): Json {
  const { page, NextToken } = paginate(store.scenario.lambdaFunctions, query, 25);
  return { LambdaFunctions: page, NextToken };
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

interface Route<Body = unknown> {
  op: Operation;
  method: string;
  /** Path parameters; the first one is the instance id unless `instanceInBody`. */
  pattern: RegExp;
  /** The instance is named in the body, not the path (SearchContacts, ListPhoneNumbersV2). */
  instanceInBody?: true;
  /** The shape of the request body, checked before the operation runs. */
  body: z.ZodType<Body>;
  handle: (store: Store, params: string[], body: Body, query: URLSearchParams) => Json;
}

/** A route whose handler takes the body its schema produces. */
const route = <Body>(r: Route<Body>) => r as unknown as Route;
/** A route whose input is all in the path and query string. */
const getRoute = (r: Omit<Route<object>, 'method' | 'body'>) => route({ ...r, method: 'GET', body: NoBody });

/** HTTP bindings as in the SDK's shipped model (its schemas' http traits). */
const ROUTES: Route[] = [
  route({
    op: 'SearchContacts',
    method: 'POST',
    pattern: /^\/search-contacts$/,
    instanceInBody: true,
    body: SearchContactsBody,
    handle: (s, _p, b) => searchContacts(s, b),
  }),
  route({
    op: 'GetCurrentUserData',
    method: 'POST',
    pattern: /^\/metrics\/userdata\/([^/]+)$/,
    body: GetCurrentUserDataBody,
    handle: (s, _p, b) => getCurrentUserData(s, b),
  }),
  getRoute({
    op: 'DescribeContact',
    pattern: /^\/contacts\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeContact(s, p[1] ?? ''),
  }),
  getRoute({
    op: 'GetContactAttributes',
    pattern: /^\/contact\/attributes\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => getContactAttributes(s, p[1] ?? ''),
  }),
  getRoute({
    op: 'DescribeUser',
    pattern: /^\/users\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeUser(s, p[1] ?? ''),
  }),
  getRoute({
    op: 'ListAgentStatuses',
    pattern: /^\/agent-status\/([^/]+)$/,
    handle: (s, _p, _b, q) => listAgentStatuses(s, q),
  }),
  getRoute({
    op: 'DescribeAgentStatus',
    pattern: /^\/agent-status\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeAgentStatus(s, p[1] ?? ''),
  }),
  getRoute({
    op: 'ListRoutingProfileQueues',
    pattern: /^\/routing-profiles\/([^/]+)\/([^/]+)\/queues$/,
    handle: (s, p, _b, q) => listRoutingProfileQueues(s, p[1] ?? '', q),
  }),
  getRoute({
    op: 'DescribeRoutingProfile',
    pattern: /^\/routing-profiles\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeRoutingProfile(s, p[1] ?? ''),
  }),
  getRoute({
    op: 'DescribeQueue',
    pattern: /^\/queues\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeQueue(s, p[1] ?? ''),
  }),
  getRoute({
    op: 'ListLambdaFunctions',
    pattern: /^\/instance\/([^/]+)\/lambda-functions$/,
    handle: (s, _p, _b, q) => listLambdaFunctions(s, q),
  }),
  // What `last-agent doctor` reads besides the decision path (./flows.ts).
  getRoute({
    op: 'DescribeContactFlow',
    pattern: /^\/contact-flows\/([^/]+)\/([^/]+)$/,
    handle: (s, p) => describeContactFlow(s, p[1] ?? ''),
  }),
  route({
    op: 'ListPhoneNumbersV2',
    method: 'POST',
    pattern: /^\/phone-number\/list$/,
    instanceInBody: true,
    body: ListPhoneNumbersV2Body,
    handle: (s, _p, b) => listPhoneNumbersV2(s, b),
  }),
  getRoute({
    op: 'ListFlowAssociations',
    pattern: /^\/flow-associations-summary\/([^/]+)$/,
    handle: (s, _p, _b, q) => listFlowAssociations(s, q),
  }),
  getRoute({
    op: 'ListUsers',
    pattern: /^\/users-summary\/([^/]+)$/,
    handle: (s, _p, _b, q) => listUsers(s, q),
  }),
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

const send = (res: ServerResponse, status: number, body: string, errorType?: string) =>
  sendJson(res, status, body, {
    contentType: 'application/json',
    requestId: () => crypto.randomUUID(),
    headers: errorType ? { 'x-amzn-errortype': errorType } : {},
  });
const sendError = (res: ServerResponse, e: ConnectHttpError) =>
  send(res, e.status, JSON.stringify({ message: e.message }), e.type);

async function readBody(req: IncomingMessage): Promise<Json> {
  try {
    return await readJsonObject(req, MAX_BODY);
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    if (err.problem === 'too-large') throw invalid(err.message);
    throw new ConnectHttpError(400, 'SerializationException', err.message);
  }
}

async function handle(
  closing: AbortSignal,
  store: Store,
  plan: FaultPlan,
  stats: LocalConnect['stats'],
  req: IncomingMessage,
  res: ServerResponse,
) {
  let url: URL;
  let path: string;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
    path = decodeURIComponent(url.pathname);
  } catch {
    // A bad percent-escape (e.g. "/users/%E0%A4%A") is the client's error, not a crash.
    req.resume();
    return sendError(res, invalid('the request path is not valid URL encoding'));
  }
  // Routes match the encoded path, so an encoded "/" inside a parameter (an ARN as ContactFlowId)
  // stays inside it; the parameters are decoded after the match.
  const raw = url.pathname;
  const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(raw));
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
        await sleep(fault.delayMs, closing);
        break;
    }
    if (!plan.admit(route.op)) {
      stat.throttled++;
      return sendError(res, new ConnectHttpError(429, 'ThrottlingException', 'Rate exceeded'));
    }
    const input = route.body.safeParse(body);
    const key = input.success ? latencyKey(route.op, path, input.data as Json) : path;
    const wait = plan.latency(route.op, key);
    if (wait > 0) await sleep(wait, closing);
    if (fault?.kind === 'malformed') return send(res, 200, '{"Contacts": [ {"Id": ');
    if (!input.success) {
      throw invalid(
        route.body === NoBody
          ? `${route.op} takes no request body: its input travels in the path and query string`
          : bodyProblem(route.op, input.error),
      );
    }
    const params = (route.pattern.exec(raw)?.slice(1) ?? []).map((p) => decodeURIComponent(p));
    if (!route.instanceInBody) checkInstance(store, params[0]);
    send(res, 200, JSON.stringify(route.handle(store, params, input.data, url.searchParams)));
  } catch (err) {
    if (closing.aborted) return void res.destroy();
    if (err instanceof ConnectHttpError) return sendError(res, err);
    if (err instanceof FlowsHttpError)
      return sendError(res, new ConnectHttpError(err.status, err.type, err.message));
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
  const closing = new AbortController();
  const { server, endpoint } = await serveOnLoopback(
    (req, res) => handle(closing.signal, store, plan, stats, req, res),
    { port: options.port, keepAliveTimeout: 30_000 },
  );
  return {
    endpoint,
    instanceArn: store.instanceArn,
    scenario,
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    close: () => {
      // Pending injected delays end now: a CLI run exits as soon as it has answered.
      closing.abort();
      return closeServer(server);
    },
  };
}
