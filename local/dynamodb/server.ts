/**
 * A local DynamoDB for the routing-state table (issue #11): dynalite (an in-memory DynamoDB on
 * LevelDB, https://github.com/architect/dynalite) behind a small HTTP proxy that injects
 * DynamoDB's own failures and a latency model, and counts requests per operation (a benchmark's
 * "DynamoDB reads per decision").
 *
 * The events that feed the table come from local/connect/event-feed.ts, built after AWS's
 * documented formats: contact events on EventBridge
 * (https://docs.aws.amazon.com/connect/latest/adminguide/contact-events.html, camelCase keys,
 * and a sample spelling the channel "Voice" where the field reference says VOICE) and the agent
 * event stream on Kinesis
 * (https://docs.aws.amazon.com/connect/latest/adminguide/agent-event-stream-model.html,
 * PascalCase keys).
 *
 * Errors travel as DynamoDB sends them (JSON 1.0 protocol, checked against dynalite's own
 * ConditionalCheckFailedException): HTTP 400 or 500, `content-type: application/x-amz-json-1.0`,
 * body `{"__type":"com.amazonaws.dynamodb.v20120810#<Name>","message":"…"}`; the SDK names the
 * error after the part behind `#`.
 *
 * What dynalite does not do (as of 4.0.0): TTL (no UpdateTimeToLive, DescribeTimeToLive always
 * says DISABLED, nothing expires), transactions and PartiQL (UnknownOperationException), and
 * ReturnValuesOnConditionCheckFailure (a failed condition returns no Item).
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Agent, type IncomingMessage, type Server, type ServerResponse, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { z } from 'zod';
import { TABLE_KEY } from '../../steps/lib/routing-state/table';
import { fnv1a, latencySampler, seededRandom } from '../connect/faults';
import { MAX_DELAY_MS } from '../connect/scenario';
import type { OperationStats } from '../connect/server';
import { closeServer, listenOnLoopback, sendJson, serveOnLoopback, sleep } from '../http';

/** The operations the routing state uses, the ones faults can target (or "*": every request). */
export const DynamoFaultOperation = z.enum(['Query', 'GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem']);
export type DynamoFaultOperation = z.infer<typeof DynamoFaultOperation>;

/**
 * throttle: ProvisionedThroughputExceededException (a provisioned table over its capacity);
 * throttling: ThrottlingException (an on-demand table over its limits); both HTTP 400, as
 * DynamoDB sends them. error500: InternalServerError (HTTP 500). slow: hold the request
 * `delayMs`, then answer it.
 */
export const DynamoFaultKind = z.enum(['throttle', 'throttling', 'error500', 'slow']);
export type DynamoFaultKind = z.infer<typeof DynamoFaultKind>;

export const DynamoFaults = z.object({
  /** Seed for every random draw (latency, injected faults): same seed, same run. */
  seed: z.number().int().optional(),
  /** Log-normal latency added to every request (local/connect/faults.ts latencySampler). */
  latency: z.object({ medianMs: z.number().nonnegative(), p99Ms: z.number().nonnegative() }).optional(),
  /** Faults injected on a share of requests (rate 1 = every request); the first rule that fires wins. */
  inject: z
    .array(
      z.object({
        operation: z.union([DynamoFaultOperation, z.literal('*')]).default('*'),
        kind: DynamoFaultKind,
        rate: z.number().min(0).max(1).default(1),
        /** For "slow": how long to hold the request (Node's timers hold at most 2^31-1 ms). */
        delayMs: z.number().int().nonnegative().max(MAX_DELAY_MS).default(10_000),
      }),
    )
    .default([]),
});
/** What callers pass (defaults optional). */
export type DynamoFaults = z.input<typeof DynamoFaults>;

/** Every DynamoDB operation dynalite serves, plus "Other" for any other X-Amz-Target. */
export const DYNAMO_OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'ListTagsOfResource',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'UpdateItem',
  'UpdateTable',
  'Other',
] as const;
export type DynamoOperation = (typeof DYNAMO_OPERATIONS)[number];

/**
 * Requests per operation as the proxy saw them (createRoutingTable's own calls bypass it).
 * `faults` counts every injected fault, `throttled` the ones answered with a throttling error.
 */
export type DynamoStats = Record<DynamoOperation, OperationStats>;

const READS: readonly DynamoOperation[] = ['GetItem', 'Query', 'BatchGetItem', 'Scan'];
const WRITES: readonly DynamoOperation[] = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
const sum = (stats: DynamoStats, ops: readonly DynamoOperation[]) =>
  ops.reduce((n, op) => n + stats[op].requests, 0);
/** Read requests (GetItem, Query, BatchGetItem, Scan), failed ones included. */
export const readRequests = (stats: DynamoStats) => sum(stats, READS);
/** Write requests (PutItem, UpdateItem, DeleteItem, BatchWriteItem), failed ones included. */
export const writeRequests = (stats: DynamoStats) => sum(stats, WRITES);

export interface LocalDynamo {
  /** The proxy's endpoint (faults, latency, stats); point the SDK here. */
  endpoint: string;
  /** dynalite itself, bypassing faults and stats (for set-up and inspection). */
  directEndpoint: string;
  /** A client of `endpoint`: one attempt, static local credentials, us-east-1. */
  client: DynamoDBClient;
  /** Creates the routing-state table (steps/lib/routing-state/table.ts keys, on demand) and waits for ACTIVE. */
  createRoutingTable(name: string): Promise<void>;
  readonly stats: DynamoStats;
  resetStats(): void;
  /** Replaces the fault plan (random streams restart from the seed). */
  setFaults(faults: DynamoFaults): void;
  close(): Promise<void>;
}

export interface LocalDynamoOptions {
  port?: number;
  faults?: DynamoFaults;
  /** Seed when `faults.seed` is absent (default 1). */
  seed?: number;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';
const TARGET_PREFIX = 'DynamoDB_20120810.';
const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
/** dynalite's (and DynamoDB's) request size limit. */
const MAX_BODY = 16 * 1024 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

const emptyStats = (): DynamoStats =>
  Object.fromEntries(
    DYNAMO_OPERATIONS.map((op) => [op, { requests: 0, throttled: 0, faults: 0 }]),
  ) as DynamoStats;

interface Plan {
  fault(op: string): { kind: DynamoFaultKind; delayMs: number } | undefined;
  latency(): number;
}

function planFor(faults: DynamoFaults, fallbackSeed: number): Plan {
  const f = DynamoFaults.parse(faults);
  const seed = f.seed ?? fallbackSeed;
  // Two streams, so turning the latency model on does not change which requests fail.
  const faultRandom = seededRandom(seed);
  const latency = f.latency
    ? latencySampler(f.latency.medianMs, f.latency.p99Ms, seededRandom(fnv1a(`${seed}\u0000latency`)))
    : () => 0;
  return {
    fault: (op) =>
      f.inject.find((r) => (r.operation === '*' || r.operation === op) && faultRandom() < r.rate),
    latency,
  };
}

/** CRC32 (IEEE) of a body, DynamoDB's x-amz-crc32 response header. */
function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A 52-character request id, the shape DynamoDB (and dynalite) put in x-amzn-RequestId. */
const requestId = () => randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0');

function sendError(res: ServerResponse, status: number, type: string, body: Record<string, unknown>): void {
  const text = JSON.stringify({ __type: `${ERROR_PREFIX}${type}`, ...body });
  sendJson(res, status, text, {
    contentType: 'application/x-amz-json-1.0',
    requestId,
    headers: { 'x-amz-crc32': crc32(text) },
  });
}

/** The table a request names (BatchWriteItem / BatchGetItem: the first of RequestItems). */
function tableOf(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { TableName?: unknown; RequestItems?: unknown };
    if (typeof parsed.TableName === 'string') return parsed.TableName;
    if (parsed.RequestItems && typeof parsed.RequestItems === 'object')
      return Object.keys(parsed.RequestItems)[0] ?? 'unknown';
  } catch {
    // dynalite answers malformed JSON itself; a fault needs only some table name.
  }
  return 'unknown';
}

function sendThrottle(res: ServerResponse, kind: 'throttle' | 'throttling', op: string, body: Buffer): void {
  const access = READS.includes(op as DynamoOperation) ? 'Read' : 'Write';
  const resource = `arn:aws:dynamodb:${REGION}:000000000000:table/${tableOf(body)}`;
  // Field names as the DynamoDB model spells them: ThrottlingReasons on
  // ProvisionedThroughputExceededException, throttlingReasons on ThrottlingException.
  if (kind === 'throttle') {
    sendError(res, 400, 'ProvisionedThroughputExceededException', {
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      ThrottlingReasons: [{ reason: `Table${access}ProvisionedThroughputExceeded`, resource }],
    });
    return;
  }
  sendError(res, 400, 'ThrottlingException', {
    message: 'Throughput exceeds the current throughput limit for your table. Please try again shortly.',
    throttlingReasons: [{ reason: `Table${access}MaxOnDemandThroughputExceeded`, resource }],
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Over the limit: let dynalite refuse it (HTTP 413) from the part read so far.
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** dynalite on its own loopback port, and the keep-alive agent the proxy reaches it with. */
interface Upstream {
  server: Server;
  endpoint: string;
  port: number;
  agent: Agent;
}

async function startDynalite(): Promise<Upstream> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listenOnLoopback(server);
  return {
    server,
    endpoint,
    port: (server.address() as AddressInfo).port,
    agent: new Agent({ keepAlive: true }),
  };
}

/** Sends the request on to dynalite and returns its whole answer. */
function forward(
  upstream: Upstream,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...req.headers,
      host: `127.0.0.1:${upstream.port}`,
      'content-length': String(body.length),
    };
    const out = request(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent: upstream.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const kept: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined && !HOP_BY_HOP.has(k)) kept[k] = v;
          }
          resolve({ status: res.statusCode ?? 500, headers: kept, body: Buffer.concat(chunks) });
        });
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** The proxy's state: what it injects, what it counted, and what close must end or wait for. */
interface Proxy {
  plan: Plan;
  stats: DynamoStats;
  upstream: Upstream;
  /** Aborted on close: pending latency and "slow" delays end at once. */
  closing: AbortController;
  /** Forwarded requests not yet answered by dynalite (close lets them finish). */
  inFlight: Set<Promise<unknown>>;
}

function proxyFor(upstream: Upstream, plan: Plan): Proxy {
  const closing = new AbortController();
  // Every pending delay listens on this signal; under load there are far more than Node's
  // default warning threshold of 10.
  setMaxListeners(0, closing.signal);
  return { plan, stats: emptyStats(), upstream, closing, inFlight: new Set() };
}

/** The operation named by X-Amz-Target ('' for anything that is not a DynamoDB target). */
function operationName(req: IncomingMessage): string {
  const target = String(req.headers['x-amz-target'] ?? '');
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
}

/** Counts the request, injects latency and faults, and passes the rest to dynalite. */
async function handle(proxy: Proxy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = operationName(req);
  const op: DynamoOperation = (DYNAMO_OPERATIONS as readonly string[]).includes(name)
    ? (name as DynamoOperation)
    : 'Other';
  const stat = proxy.stats[op];
  stat.requests++;
  try {
    const body = await readBody(req);
    if (!body) {
      res.writeHead(413, { 'content-length': 0 });
      return void res.end();
    }
    if (await injectFault(proxy, stat, name, body, res)) return;
    await answerFromDynalite(proxy, req, res, body);
  } catch {
    if (proxy.closing.signal.aborted) return void res.destroy();
    sendError(res, 500, 'InternalServerError', { message: 'local DynamoDB failed to answer' });
  }
}

/** Waits out the latency model, then applies the fault plan; true when a fault answered the request. */
async function injectFault(
  proxy: Proxy,
  stat: OperationStats,
  name: string,
  body: Buffer,
  res: ServerResponse,
): Promise<boolean> {
  const fault = proxy.plan.fault(name);
  const wait = proxy.plan.latency();
  if (wait > 0) await sleep(wait, proxy.closing.signal);
  if (!fault) return false;
  stat.faults++;
  switch (fault.kind) {
    case 'throttle':
    case 'throttling':
      stat.throttled++;
      sendThrottle(res, fault.kind, name, body);
      return true;
    case 'error500':
      sendError(res, 500, 'InternalServerError', { message: 'Internal server error' });
      return true;
    case 'slow':
      await sleep(fault.delayMs, proxy.closing.signal);
      return false;
  }
}

/** Forwards the request to dynalite and relays its answer (a closing proxy drops the socket instead). */
async function answerFromDynalite(
  proxy: Proxy,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
): Promise<void> {
  const { closing, inFlight } = proxy;
  if (closing.signal.aborted) return void res.destroy();
  // Forwarded requests are let finish on close (they take milliseconds): cutting one
  // mid-request would make dynalite throw from its request handler.
  const answer = forward(proxy.upstream, req, body);
  inFlight.add(answer);
  const done = await answer.finally(() => inFlight.delete(answer));
  if (closing.signal.aborted || res.destroyed) return void res.destroy();
  res.writeHead(done.status, { ...done.headers, 'content-length': done.body.length });
  res.end(done.body);
}

/** Starts the proxy in front of dynalite; if it cannot listen, dynalite is stopped too. */
async function startProxy(
  proxy: Proxy,
  port: number | undefined,
): Promise<{ server: Server; endpoint: string }> {
  try {
    return await serveOnLoopback((req, res) => handle(proxy, req, res), { port, keepAliveTimeout: 30_000 });
  } catch (err) {
    await closeServer(proxy.upstream.server);
    throw err;
  }
}

const clientFor = (url: string) =>
  new DynamoDBClient({ endpoint: url, region: REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

/** Creates the routing-state table on dynalite directly and waits until it is ACTIVE. */
async function createRoutingTable(direct: DynamoDBClient, name: string): Promise<void> {
  await direct.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: TABLE_KEY.partition, KeyType: 'HASH' },
        { AttributeName: TABLE_KEY.sort, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: TABLE_KEY.partition, AttributeType: 'S' },
        { AttributeName: TABLE_KEY.sort, AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // createTableMs is 0, so CREATING ends on dynalite's next timer tick.
  for (let i = 0; i < 100; i++) {
    const { Table } = await direct.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await delay(5);
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

/** Stops the proxy, lets forwarded requests finish, then stops the clients and dynalite. */
async function shutdown(proxy: Proxy, server: Server, clients: DynamoDBClient[]): Promise<void> {
  // Pending latency and "slow" delays end now; their requests get their socket closed.
  proxy.closing.abort();
  await closeServer(server);
  await Promise.allSettled([...proxy.inFlight]);
  proxy.upstream.agent.destroy();
  for (const client of clients) client.destroy();
  await closeServer(proxy.upstream.server);
}

export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const fallbackSeed = options.seed ?? 1;
  const plan = planFor(options.faults ?? {}, fallbackSeed);
  const proxy = proxyFor(await startDynalite(), plan);
  const { server, endpoint } = await startProxy(proxy, options.port);
  const client = clientFor(endpoint);
  const direct = clientFor(proxy.upstream.endpoint);
  let closed: Promise<void> | undefined;
  return {
    endpoint,
    directEndpoint: proxy.upstream.endpoint,
    client,
    createRoutingTable: (name) => createRoutingTable(direct, name),
    get stats() {
      return proxy.stats;
    },
    resetStats() {
      proxy.stats = emptyStats();
    },
    setFaults(faults) {
      proxy.plan = planFor(faults, fallbackSeed);
    },
    close() {
      closed ??= shutdown(proxy, server, [client, direct]);
      return closed;
    },
  };
}
