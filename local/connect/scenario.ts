import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Iso = z.iso.datetime({ offset: true });
const Channel = z.enum(['VOICE', 'CHAT', 'TASK', 'EMAIL']);

const Slots = z.object({
  max: z.number().int().nonnegative(),
  active: z.number().int().nonnegative().default(0),
});

export const ScenarioAgent = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  /** Agent status name as Connect shows it ("Available", "Lunch", "Offline", …). */
  status: z.string().min(1),
  /**
   * Informational: Connect's GetCurrentUserData carries only the status name, so routability is
   * decided from the name (LAST_AGENT_ROUTABLE_STATUSES), exactly as against a real instance.
   */
  routable: z.boolean().optional(),
  statusStartTimestamp: Iso.optional(),
  routingProfileId: z.string().optional(),
  slots: z.partialRecord(Channel, Slots).default({}),
  /** Contacts the agent holds now; state ENDED means after-contact work. */
  contacts: z
    .array(
      z.object({ id: z.string(), channel: Channel.default('VOICE'), state: z.string().default('CONNECTED') }),
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

const Latency = z.object({ median: z.number().nonnegative(), p99: z.number().nonnegative() });
const Operation = z.enum([
  'SearchContacts',
  'GetCurrentUserData',
  'DescribeContact',
  'GetContactAttributes',
  'DescribeUser',
]);
export type Operation = z.infer<typeof Operation>;
export const OPERATIONS = Operation.options;

/**
 * Amazon Connect's default API throttling: "a RateLimit of 2 per second, and a BurstLimit of 5
 * per second" for all operations but GetMetricData/GetCurrentMetricData (Amazon Connect API
 * Reference, introduction and "Best practices: Throttling in Amazon Connect APIs"; per account
 * and Region, adjustable through Service Quotas, where SearchContacts may show its own figure).
 */
export const CONNECT_DEFAULT_QUOTA = { rps: 2, burst: 5 } as const;

export const FaultKind = z.enum(['throttle', 'error500', 'error503', 'malformed', 'reset', 'slow']);
export type FaultKind = z.infer<typeof FaultKind>;

export const Faults = z
  .object({
    /** Seed for every random draw (latency, injected faults): same seed, same run. */
    seed: z.number().int().default(1),
    latencyMs: z.union([Latency, z.partialRecord(Operation, Latency)]).optional(),
    /**
     * Token buckets per operation, like Amazon Connect's per-account API quotas, or
     * "connect-defaults" for the documented default on every operation (CONNECT_DEFAULT_QUOTA).
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
          delayMs: z.number().nonnegative().default(10_000),
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
  agents: z.array(ScenarioAgent).default([]),
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

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const parsed = Scenario.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioError(`${source} is not a valid scenario: ${issues.join('; ')}`);
  }
  return parsed.data;
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
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${path} is not JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, path);
}
