/**
 * Where the backfill runs: against a real instance and table (the default AWS credential chain),
 * or with --local against the local Connect (the demo scenario under Amazon Connect's default
 * quotas) and a local DynamoDB. The local modules are loaded only for --local.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scenario } from '../../local/connect/scenario';
import type { LocalConnect } from '../../local/connect/server';
import type { LocalDynamo } from '../../local/dynamodb/server';
import { checkEntryConfig, customerKeyFor } from '../../steps/lib/decision/caller';
import type { Config } from '../../steps/lib/runtime/config';
import { UsageError } from '../usage';
import type { WrittenContact } from './contacts';
import { type BackfillOptions, type BackfillSummary, runBackfill } from './run';

/** The backfill's options that do not depend on where it runs. */
export type BaseOptions = Omit<BackfillOptions, 'connect' | 'dynamo' | 'instanceId' | 'now' | 'onWrite'>;

export interface RunResult {
  summary: BackfillSummary;
  written: (WrittenContact & { agent?: string })[];
  local?: { customers: number; connect: Record<string, { requests: number; throttled: number }> };
}

/** --local seams for the tests (never set by the CLI itself). */
export interface LocalSeams {
  /** --local: write to this DynamoDB endpoint (its table must exist) instead of a fresh local one. */
  dynamoEndpoint?: string;
  /** --local: this scenario instead of the demo under Amazon Connect's default quotas. */
  scenario?: Scenario;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Against a real instance and table, with the default AWS credential chain. */
export async function runReal(
  options: BaseOptions & { instanceId: string },
  region: string | undefined,
): Promise<RunResult> {
  const { createDynamoClient } = await import('../../steps/lib/routing-state/dynamo-client');
  // Retries are ours (paced, with backoff) for Connect; DynamoDB keeps the SDK's standard ones.
  const connect = new ConnectClient({ maxAttempts: 1, ...(region ? { region } : {}) });
  const dynamo = createDynamoClient({ maxAttempts: 3, ...(region ? { region } : {}) });
  try {
    if (!(await configuredRegion(connect)))
      throw new UsageError(
        'no AWS Region: pass --region, set AWS_REGION, or give the instance ARN as --instance-id',
      );
    const summary = await runBackfill({ ...options, connect, dynamo, now: new Date() });
    return { summary, written: [] };
  } finally {
    connect.destroy();
    dynamo.destroy();
  }
}

/** The Region the client resolved (from --region, the environment or the profile), if any. */
async function configuredRegion(connect: ConnectClient): Promise<string | undefined> {
  try {
    const r = connect.config.region as unknown;
    return typeof r === 'function' ? await (r as () => Promise<string>)() : (r as string | undefined);
  } catch {
    return undefined;
  }
}

/** Against the local Connect (the demo scenario, Connect's default quotas) and a local DynamoDB. */
export async function runLocal(options: BaseOptions, config: Config, seams: LocalSeams): Promise<RunResult> {
  const [{ startLocalConnect }, { startLocalDynamo }, { createDynamoClient }] = await Promise.all([
    import('../../local/connect/server'),
    import('../../local/dynamodb/server'),
    import('../../steps/lib/routing-state/dynamo-client'),
  ]);
  const scenario = seams.scenario ?? (await demoUnderDefaultQuotas());
  // As the local session: in hashed-key mode the local Connect stores each number's HMAC.
  checkEntryConfig(config);
  const storedKeyOf =
    config.keyMode === 'hmac-sha256' ? (phone: string) => customerKeyFor(phone, config) : undefined;
  const localConnect = await startLocalConnect(scenario, storedKeyOf ? { customerKeyOf: storedKeyOf } : {});
  const connect = new ConnectClient({
    maxAttempts: 1,
    endpoint: localConnect.endpoint,
    region: scenario.instance.region,
    credentials: LOCAL_CREDENTIALS,
  });
  let server: LocalDynamo | undefined;
  try {
    let endpoint = seams.dynamoEndpoint;
    if (!endpoint) {
      server = await startLocalDynamo();
      await server.createRoutingTable(options.table);
      endpoint = server.endpoint;
    }
    const dynamo = createDynamoClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    try {
      return await backfillScenario(options, config, scenario, { connect, dynamo }, localConnect);
    } finally {
      dynamo.destroy();
    }
  } finally {
    connect.destroy();
    await Promise.all([localConnect.close(), server?.close()]);
  }
}

async function demoUnderDefaultQuotas(): Promise<Scenario> {
  const [{ loadScenarioFile }, { DEMO_SCENARIO }] = await Promise.all([
    import('../../local/connect/scenario'),
    import('../../local/scenarios'),
  ]);
  const demo = loadScenarioFile(DEMO_SCENARIO);
  return { ...demo, faults: { ...demo.faults, throttle: 'connect-defaults' } };
}

/**
 * The backfill of the scenario's instance, with what it wrote (agents by name), how many callers
 * that covers, and what the local Connect served.
 */
async function backfillScenario(
  options: BaseOptions,
  config: Config,
  scenario: Scenario,
  clients: { connect: ConnectClient; dynamo: DynamoDBDocumentClient },
  localConnect: LocalConnect,
): Promise<RunResult> {
  const written: RunResult['written'] = [];
  const keys = new Set<string>();
  const summary = await runBackfill({
    ...options,
    ...clients,
    instanceId: scenario.instance.id,
    now: new Date(scenario.now),
    onWrite: (w) => {
      const contact = scenario.contacts.find((c) => c.id === w.contactId);
      const agent = scenario.agents.find((a) => a.id === w.agentId);
      const key = contact?.initialContactId ?? contact?.id;
      if (key) keys.add(scenario.contacts.find((c) => c.id === key)?.attributes[config.attributeKey] ?? key);
      written.push({ ...w, ...(agent ? { agent: agent.username } : {}) });
    },
  });
  const stats = localConnect.stats;
  const connectStats = Object.fromEntries(
    (['SearchContacts', 'GetContactAttributes'] as const).map((op) => [
      op,
      { requests: stats[op].requests, throttled: stats[op].throttled },
    ]),
  );
  return { summary, written, local: { customers: keys.size, connect: connectStats } };
}
