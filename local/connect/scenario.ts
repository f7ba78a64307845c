import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AgentStatusType,
  ContactFlowState,
  ContactFlowStatus,
  ContactFlowType,
  ContactState,
  PhoneNumberType,
} from '@aws-sdk/client-connect';
import { z } from 'zod';
import { Channel as ChannelNames } from '../../steps/lib/decision/channel';
import { FaultKind, MAX_DELAY_MS, Operation, ScenarioError } from './names';

export { FaultKind, MAX_DELAY_MS, OPERATIONS, Operation, ScenarioError } from './names';

const Channel = z.enum(ChannelNames.options);

const Iso = z.iso.datetime({ offset: true });

const Slots = z.object({
  max: z.number().int().nonnegative(),
  active: z.number().int().nonnegative().default(0),
});

export const ScenarioAgent = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  /** Agent status name as Connect shows it ("Available", "Lunch", "Offline", …): one of `agentStatuses`. */
  status: z.string().min(1).max(127),
  /**
   * Informational only. Routability comes from the status *type* in `agentStatuses` (what
   * ListAgentStatuses returns), never from this flag.
   */
  routable: z.boolean().optional(),
  statusStartTimestamp: Iso.optional(),
  /** The status the agent chose to take after their current contact (GetCurrentUserData `NextStatus`). */
  nextStatus: z.string().min(1).max(127).optional(),
  /** One of `routingProfiles`; absent: the scenario's first routing profile (or the implicit default one). */
  routingProfileId: z.string().optional(),
  slots: z.partialRecord(Channel, Slots).default({}),
  /**
   * Contacts the agent holds now, as GetCurrentUserData's AgentContactReference: `state` is
   * Connect's ContactState (ENDED means after-contact work); `connectedToAgentTimestamp` when the
   * contact reached the agent, `stateStartTimestamp` when the state began (for CONNECTED and
   * CONNECTED_ONHOLD the connection time, as the SDK model documents; for ENDED when ACW began).
   */
  contacts: z
    .array(
      z.object({
        id: z.string(),
        channel: Channel.default('VOICE'),
        state: z.enum(Object.values(ContactState) as [ContactState, ...ContactState[]]).default('CONNECTED'),
        connectedToAgentTimestamp: Iso.optional(),
        stateStartTimestamp: Iso.optional(),
      }),
    )
    .default([]),
});

export const ScenarioContact = z.object({
  id: z.string().min(1),
  channel: Channel.default('VOICE'),
  initiationMethod: z.string().default('INBOUND'),
  initiationTimestamp: Iso,
  enqueueTimestamp: Iso.optional(),
  connectedToAgentTimestamp: Iso.optional(),
  disconnectTimestamp: Iso.optional(),
  agentId: z.string().optional(),
  queueId: z.string().optional(),
  initialContactId: z.string().optional(),
  previousContactId: z.string().optional(),
  attributes: z.record(z.string(), z.string()).default({}),
});

/**
 * Agent status types as Connect defines them (AgentStatusType in @aws-sdk/client-connect):
 * ROUTABLE takes contacts, CUSTOM (break, lunch, training) does not, OFFLINE is logged off.
 */
export const AgentStatusTypeSchema = z.enum(
  Object.values(AgentStatusType) as [AgentStatusType, ...AgentStatusType[]],
);

export const ScenarioAgentStatus = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(127),
  type: AgentStatusTypeSchema,
});
export type ScenarioAgentStatus = z.infer<typeof ScenarioAgentStatus>;

export const ScenarioRoutingProfile = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(127),
  /** Queues the profile serves, on every channel it has a concurrency for. */
  queueIds: z.array(z.string().min(1)).default([]),
  /** Concurrency per channel (MediaConcurrency, 1–10 in Connect's model); absent channels are not served. */
  channels: z.partialRecord(Channel, z.number().int().min(1).max(10)).default({ VOICE: 1 }),
});
export type ScenarioRoutingProfile = z.infer<typeof ScenarioRoutingProfile>;

/**
 * A flow of the instance (DescribeContactFlow). Type, state and status are the SDK model's enums
 * (ContactFlowType, ContactFlowState ACTIVE|ARCHIVED, ContactFlowStatus PUBLISHED|SAVED); content
 * is flow language JSON, at most 256,000 characters (the model's documentation of
 * `ContactFlow.Content`: "Length Constraints: Minimum length of 1. Maximum length of 256000").
 * A SAVED flow was never published: DescribeContactFlow answers ContactFlowNotPublishedException.
 */
export const ScenarioFlow = z.object({
  id: z.string().min(1).max(500),
  name: z.string().min(1).max(127),
  type: z.enum(Object.values(ContactFlowType) as [ContactFlowType, ...ContactFlowType[]]),
  state: z
    .enum(Object.values(ContactFlowState) as [ContactFlowState, ...ContactFlowState[]])
    .default('ACTIVE'),
  status: z
    .enum(Object.values(ContactFlowStatus) as [ContactFlowStatus, ...ContactFlowStatus[]])
    .default('PUBLISHED'),
  description: z.string().max(500).optional(),
  content: z.string().min(1).max(256_000),
});
export type ScenarioFlow = z.infer<typeof ScenarioFlow>;

/** A phone number claimed to the instance (ListPhoneNumbersV2), and the flow it enters (ListFlowAssociations). */
export const ScenarioPhoneNumber = z.object({
  id: z.string().min(1),
  /** E.164, as ListPhoneNumbersSummary.PhoneNumber formats it: "[+] [country code] [subscriber number]". */
  number: z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number such as +18005550100'),
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('US'),
  type: z.enum(Object.values(PhoneNumberType) as [PhoneNumberType, ...PhoneNumberType[]]).default('DID'),
  /** The flow a call to the number enters: the id of one of `flows`; absent, none. */
  flowId: z.string().optional(),
});
export type ScenarioPhoneNumber = z.infer<typeof ScenarioPhoneNumber>;

/** A stable UUID-shaped id derived from a name (the local Connect's implicit resources). */
export function stableId(kind: string, name: string): string {
  const hex = createHash('sha256').update(`${kind}\u0000${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The agent statuses of a scenario. When it names none: Connect's two built-in statuses,
 * "Available" (ROUTABLE) and "Offline" (OFFLINE), and every other status name an agent carries
 * as CUSTOM (break, lunch, training).
 */
export function agentStatusesOf(scenario: Pick<Scenario, 'agentStatuses' | 'agents'>): ScenarioAgentStatus[] {
  if (scenario.agentStatuses) return scenario.agentStatuses;
  const names = new Set(['Available', 'Offline']);
  for (const a of scenario.agents) {
    names.add(a.status);
    if (a.nextStatus) names.add(a.nextStatus);
  }
  return [...names].map((name) => ({
    id: stableId('agent-status', name),
    name,
    type: name === 'Available' ? 'ROUTABLE' : name === 'Offline' ? 'OFFLINE' : 'CUSTOM',
  }));
}

/** The routing profiles of a scenario; when it names none, one profile serving every queue on every channel. */
export function routingProfilesOf(
  scenario: Pick<Scenario, 'routingProfiles' | 'queues'>,
): ScenarioRoutingProfile[] {
  if (scenario.routingProfiles) return scenario.routingProfiles;
  return [
    {
      id: IMPLICIT_ROUTING_PROFILE_ID,
      name: 'Basic Routing Profile',
      queueIds: scenario.queues.map((q) => q.id),
      channels: { VOICE: 1, CHAT: 3, TASK: 1, EMAIL: 1 },
    },
  ];
}

export const IMPLICIT_ROUTING_PROFILE_ID = stableId('routing-profile', 'Basic Routing Profile');

const Latency = z.object({ median: z.number().nonnegative(), p99: z.number().nonnegative() });

/**
 * Amazon Connect's default API throttling quotas, per account and Region ("Amazon Connect
 * service quotas", section "Amazon Connect API throttling quotas",
 * https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html):
 * operations without a row of their own get "a RateLimit of 2 requests per second, and a
 * BurstLimit of 5"; SearchContacts has its own, 0.5 per second with a burst of 1;
 * GetContactAttributes and DescribeContact 10 per second with a burst of 15. All are adjustable
 * through Service Quotas (`last-agent doctor` reads the account's current values).
 */
export const CONNECT_GENERIC_QUOTA = { rps: 2, burst: 5 } as const;
export const CONNECT_DEFAULT_QUOTAS: Record<Operation, { rps: number; burst: number }> = {
  SearchContacts: { rps: 0.5, burst: 1 },
  GetContactAttributes: { rps: 10, burst: 15 },
  DescribeContact: { rps: 10, burst: 15 },
  GetCurrentUserData: CONNECT_GENERIC_QUOTA,
  DescribeUser: CONNECT_GENERIC_QUOTA,
  ListAgentStatuses: CONNECT_GENERIC_QUOTA,
  DescribeAgentStatus: CONNECT_GENERIC_QUOTA,
  ListRoutingProfileQueues: CONNECT_GENERIC_QUOTA,
  DescribeRoutingProfile: CONNECT_GENERIC_QUOTA,
  DescribeQueue: CONNECT_GENERIC_QUOTA,
  ListLambdaFunctions: CONNECT_GENERIC_QUOTA,
  DescribeContactFlow: CONNECT_GENERIC_QUOTA,
  ListPhoneNumbersV2: CONNECT_GENERIC_QUOTA,
  ListFlowAssociations: CONNECT_GENERIC_QUOTA,
  ListUsers: CONNECT_GENERIC_QUOTA,
};

export const Faults = z
  .object({
    /** Seed for every random draw (latency, injected faults): same seed, same run. */
    seed: z.number().int().default(1),
    latencyMs: z.union([Latency, z.partialRecord(Operation, Latency)]).optional(),
    /**
     * Token buckets per operation, like Amazon Connect's per-account API quotas, or
     * "connect-defaults" for the documented default of every operation (CONNECT_DEFAULT_QUOTAS).
     */
    throttle: z
      .union([
        z.literal('connect-defaults'),
        z.partialRecord(
          Operation,
          z.object({ rps: z.number().positive(), burst: z.number().int().positive() }),
        ),
      ])
      .optional(),
    /** Faults injected on a share of requests (rate 1 = every request). */
    inject: z
      .array(
        z.object({
          operation: z.union([Operation, z.literal('*')]).default('*'),
          kind: FaultKind,
          rate: z.number().min(0).max(1).default(1),
          /** For "slow": how long to hold the answer. */
          // Node's timers hold at most 2^31-1 ms; a longer delay would silently fire after 1 ms.
          delayMs: z.number().int().nonnegative().max(MAX_DELAY_MS).default(10_000),
        }),
      )
      .default([]),
  })
  .default({ seed: 1, inject: [] });
export type Faults = z.infer<typeof Faults>;

export const Scenario = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  instance: z.object({
    id: z.uuid(),
    region: z.string().default('us-east-1'),
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .default('123456789012'),
  }),
  now: Iso,
  searchableAttributeKeys: z.array(z.string()).default(['CustomerPhoneNumber']),
  queues: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
  /** Absent: "Available" (ROUTABLE), "Offline" (OFFLINE) and every other status name agents carry (CUSTOM). */
  agentStatuses: z.array(ScenarioAgentStatus).optional(),
  /** Absent: one implicit profile serving every queue of the scenario on VOICE, CHAT and TASK. */
  routingProfiles: z.array(ScenarioRoutingProfile).optional(),
  agents: z.array(ScenarioAgent).default([]),
  /** Lambda functions associated with the instance (ListLambdaFunctions; `last-agent doctor` checks them). */
  lambdaFunctions: z.array(z.string().min(1)).default([]),
  /** The instance's flows (`last-agent doctor --local` loads the product's own, as the CDK app writes them). */
  flows: z.array(ScenarioFlow).default([]),
  /** Phone numbers claimed to the instance, each with the flow it enters. */
  phoneNumbers: z.array(ScenarioPhoneNumber).default([]),
  contacts: z.array(ScenarioContact).default([]),
  faults: Faults,
  /** Calls the demo places, in order (optional; the CLI can take any number). */
  demo: z
    .array(
      z.object({
        title: z.string(),
        phone: z.string(),
        contactId: z.string().optional(),
        initialContactId: z.string().optional(),
        env: z.record(z.string(), z.string()).optional(),
      }),
    )
    .default([]),
});
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioContact = z.infer<typeof ScenarioContact>;
export type ScenarioAgent = z.infer<typeof ScenarioAgent>;

export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const parsed = Scenario.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioError(`${source} is not a valid scenario: ${issues.join('; ')}`);
  }
  const problem = crossReferenceProblem(parsed.data);
  if (problem) throw new ScenarioError(`${source} is not a valid scenario: ${problem}`);
  return parsed.data;
}

function firstDuplicate(ids: string[]): string | undefined {
  const seen = new Set<string>();
  return ids.find((id) => seen.has(id) || !seen.add(id));
}

/** What the schema cannot say: unique ids, and names and ids that point at something. */
function crossReferenceProblem(s: Scenario): string | undefined {
  for (const [what, ids] of [
    ['contact', s.contacts.map((c) => c.id)],
    ['agent', s.agents.map((a) => a.id)],
    ['queue', s.queues.map((q) => q.id)],
    ['agent status', (s.agentStatuses ?? []).map((x) => x.id)],
    ['agent status name', (s.agentStatuses ?? []).map((x) => x.name)],
    ['routing profile', (s.routingProfiles ?? []).map((p) => p.id)],
    ['flow', s.flows.map((f) => f.id)],
    ['phone number', s.phoneNumbers.map((n) => n.id)],
    ['phone number', s.phoneNumbers.map((n) => n.number)],
  ] as const) {
    const dup = firstDuplicate([...ids]);
    if (dup !== undefined) return `duplicate ${what} ${dup}`;
  }
  const lists = {
    'agent status': new Set(agentStatusesOf(s).map((x) => x.name)),
    'routing profile': new Set(routingProfilesOf(s).map((p) => p.id)),
    queue: new Set(s.queues.map((q) => q.id)),
    agent: new Set(s.agents.map((a) => a.id)),
    contact: new Set(s.contacts.map((c) => c.id)),
    flow: new Set(s.flows.map((f) => f.id)),
  };
  // Every field that names a member of another list. Not here: an agent's `contacts` (contacts
  // in progress, not yet in the history) and `demo` calls' ids (the new calls themselves).
  const refs: (readonly [path: string, id: string | undefined, list: keyof typeof lists])[] = [
    ...s.agents.flatMap((a, i) => [
      [`agents[${i}].status`, a.status, 'agent status'] as const,
      [`agents[${i}].nextStatus`, a.nextStatus, 'agent status'] as const,
      [`agents[${i}].routingProfileId`, a.routingProfileId, 'routing profile'] as const,
    ]),
    ...(s.routingProfiles ?? []).flatMap((p, i) =>
      p.queueIds.map((q, j) => [`routingProfiles[${i}].queueIds[${j}]`, q, 'queue'] as const),
    ),
    ...s.phoneNumbers.map((n, i) => [`phoneNumbers[${i}].flowId`, n.flowId, 'flow'] as const),
    ...s.contacts.flatMap((c, i) => [
      [`contacts[${i}].agentId`, c.agentId, 'agent'] as const,
      [`contacts[${i}].queueId`, c.queueId, 'queue'] as const,
      [`contacts[${i}].initialContactId`, c.initialContactId, 'contact'] as const,
      [`contacts[${i}].previousContactId`, c.previousContactId, 'contact'] as const,
    ]),
  ];
  const broken = refs
    .filter(([, id, list]) => id !== undefined && !lists[list].has(id))
    .map(([path, id, list]) => `${path} "${id}" names no ${list}`);
  if (broken.length === 0) return undefined;
  const more = broken.length > 5 ? `; and ${broken.length - 5} more` : '';
  return `${broken.slice(0, 5).join('; ')}${more}`;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    // Editors on Windows save JSON with a byte-order mark; JSON.parse rejects it.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ScenarioError(`${path} is not JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, path);
}

/**
 * Slots per channel as the local Connect's GetCurrentUserData answers them and its agent events carry them: the routing
 * profile's concurrency (or, in scenarios without routing profiles, the agent's own `slots`),
 * less the contacts the agent holds.
 */
export function slotsOf(
  scenario: Pick<Scenario, 'routingProfiles'>,
  agent: ScenarioAgent,
  profile: ScenarioRoutingProfile | undefined,
): { channel: string; max: number; active: number; available: number }[] {
  const explicit = scenario.routingProfiles !== undefined;
  const channels = new Set([...Object.keys(agent.slots), ...Object.keys(profile?.channels ?? {})]);
  const out: { channel: string; max: number; active: number; available: number }[] = [];
  for (const channel of channels) {
    const s = agent.slots[channel as keyof typeof agent.slots];
    const cap = explicit
      ? (profile?.channels[channel as keyof ScenarioRoutingProfile['channels']] ?? 0)
      : (s?.max ?? 0);
    if (cap === 0 && !s) continue;
    const held = Math.max(s?.active ?? 0, agent.contacts.filter((c) => c.channel === channel).length);
    out.push({ channel, max: cap, active: held, available: Math.max(0, cap - held) });
  }
  return out;
}
