import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, closeServer, readJsonObject, sendJson, serveOnLoopback } from '../http';

/**
 * A local Service Quotas: an HTTP server on 127.0.0.1 speaking Service Quotas' awsJson1_1 wire
 * protocol (POST /, `X-Amz-Target: ServiceQuotasV20190624.<Operation>`, `Content-Type:
 * application/x-amz-json-1.1`) for GetServiceQuota and ListServiceQuotas, so the real
 * @aws-sdk/client-service-quotas runs against it unchanged. Target prefix, member names and
 * types come from the SDK's shipped model (dist-es/schemas, dist-types/models). Errors are a
 * JSON body `{"__type": …, "message": …}`, as awsJson1_1 services answer; the SDK identifies the
 * error by `__type`.
 */

export const SERVICE_QUOTAS_TARGET_PREFIX = 'ServiceQuotasV20190624';

export type LocalServiceQuotasOperation = 'GetServiceQuota' | 'ListServiceQuotas';

/** One quota as Service Quotas describes it (ServiceQuota shape); ServiceCode defaults to `connect`. */
export interface LocalQuota {
  ServiceCode?: string;
  QuotaCode: string;
  QuotaName: string;
  Value: number;
  /** "None" for rates and counts, as Service Quotas reports them. */
  Unit?: string;
  Adjustable?: boolean;
  GlobalQuota?: boolean;
  /** Rate quotas carry their period (PeriodValue 1, PeriodUnit SECOND for API rates). */
  Period?: { PeriodValue: number; PeriodUnit: string };
  Description?: string;
}

export interface LocalServiceQuotasOptions {
  quotas: LocalQuota[];
  region?: string;
  accountId?: string;
  port?: number;
  /**
   * Most quotas per page, even when MaxResults asks for more (a service may return fewer items
   * than MaxResults; clients must follow NextToken). Default 100, Service Quotas' maximum.
   */
  pageSize?: number;
  /** Operations answered with AccessDeniedException (a caller without servicequotas:* permissions). */
  deny?: LocalServiceQuotasOperation[];
}

export interface LocalServiceQuotas {
  endpoint: string;
  /** Requests per operation (including denied and invalid ones). */
  requests: Record<LocalServiceQuotasOperation, number>;
  close(): Promise<void>;
}

class QuotasError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
const illegal = (message: string) => new QuotasError('IllegalArgumentException', message);

const SERVICE_NAMES: Record<string, string> = { connect: 'Amazon Connect' };
const MAX_BODY = 1 << 20;
/** ListServiceQuotas MaxResults: @range(min: 1, max: 100). */
const MAX_RESULTS = 100;

type Json = Record<string, unknown>;

function requiredString(body: Json, member: string): string {
  const v = body[member];
  if (typeof v !== 'string' || v.length === 0) throw illegal(`${member} is required`);
  return v;
}

/** What the local Service Quotas serves: the quotas, each with its ServiceCode, and their ARNs' parts. */
interface Catalog {
  region: string;
  accountId: string;
  quotas: (LocalQuota & { ServiceCode: string })[];
  /** Service codes it knows (`connect` always). */
  services: Set<string>;
  /** Most quotas per ListServiceQuotas page. */
  pageSize: number;
}

function catalogOf(options: LocalServiceQuotasOptions): Catalog {
  const quotas = options.quotas.map((q) => ({ ...q, ServiceCode: q.ServiceCode ?? 'connect' }));
  return {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    quotas,
    services: new Set(['connect', ...quotas.map((q) => q.ServiceCode)]),
    pageSize: options.pageSize ?? MAX_RESULTS,
  };
}

/** A quota as Service Quotas answers it (the ServiceQuota shape, defaults filled in). */
function describe(catalog: Catalog, q: Catalog['quotas'][number]): Json {
  return {
    ServiceCode: q.ServiceCode,
    ServiceName: SERVICE_NAMES[q.ServiceCode] ?? q.ServiceCode,
    QuotaArn: `arn:aws:servicequotas:${catalog.region}:${catalog.accountId}:${q.ServiceCode}/${q.QuotaCode}`,
    QuotaCode: q.QuotaCode,
    QuotaName: q.QuotaName,
    Value: q.Value,
    Unit: q.Unit ?? 'None',
    Adjustable: q.Adjustable ?? true,
    GlobalQuota: q.GlobalQuota ?? false,
    ...(q.Period ? { Period: q.Period } : {}),
    ...(q.Description ? { Description: q.Description } : {}),
  };
}

/** The request's ServiceCode, which must name a service the catalog knows. */
function serviceOf(catalog: Catalog, body: Json): string {
  const code = requiredString(body, 'ServiceCode');
  // What Service Quotas answers for a service code it does not know.
  if (!catalog.services.has(code))
    throw new QuotasError(
      'NoSuchResourceException',
      'This service is not available in the current Region. Choose a different Region or a different service.',
    );
  return code;
}

function getServiceQuota(catalog: Catalog, body: Json): Json {
  const code = serviceOf(catalog, body);
  const quotaCode = requiredString(body, 'QuotaCode');
  const q = catalog.quotas.find((x) => x.ServiceCode === code && x.QuotaCode === quotaCode);
  if (!q)
    throw new QuotasError(
      'NoSuchResourceException',
      `The request failed because the specified quota ${quotaCode} does not exist for service ${code}.`,
    );
  return { Quota: describe(catalog, q) };
}

function listServiceQuotas(catalog: Catalog, body: Json): Json {
  const code = serviceOf(catalog, body);
  const asked = body.MaxResults ?? MAX_RESULTS;
  if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1 || asked > MAX_RESULTS)
    throw illegal(`MaxResults must be between 1 and ${MAX_RESULTS}`);
  const max = Math.min(asked, catalog.pageSize);
  const quotaCode = body.QuotaCode;
  if (quotaCode !== undefined && typeof quotaCode !== 'string') throw illegal('QuotaCode must be a string');
  const matching = catalog.quotas.filter(
    (q) => q.ServiceCode === code && (quotaCode === undefined || q.QuotaCode === quotaCode),
  );
  const offset = pageOffset(body.NextToken, matching.length);
  const next = offset + max < matching.length ? offset + max : undefined;
  return {
    Quotas: matching.slice(offset, offset + max).map((q) => describe(catalog, q)),
    ...(next === undefined ? {} : { NextToken: Buffer.from(`o${next}`).toString('base64url') }),
  };
}

/** Where a NextToken (base64url of `o<offset>`) resumes a listing of `length` quotas; 0 without one. */
function pageOffset(nextToken: unknown, length: number): number {
  if (nextToken === undefined) return 0;
  const parsed = /^o(\d+)$/.exec(Buffer.from(String(nextToken), 'base64url').toString('utf8'));
  const offset = parsed ? Number(parsed[1]) : Number.NaN;
  if (!Number.isInteger(offset) || offset > length)
    throw new QuotasError('InvalidPaginationTokenException', 'Invalid pagination token.');
  return offset;
}

const OPERATIONS: Record<LocalServiceQuotasOperation, (catalog: Catalog, body: Json) => Json> = {
  GetServiceQuota: getServiceQuota,
  ListServiceQuotas: listServiceQuotas,
};

const send = (res: ServerResponse, status: number, body: Json) =>
  sendJson(res, status, JSON.stringify(body), {
    contentType: 'application/x-amz-json-1.1',
    requestId: randomUUID,
  });
const sendError = (res: ServerResponse, e: QuotasError) =>
  send(res, e.status, { __type: e.type, message: e.message });

async function readBody(req: IncomingMessage): Promise<Json> {
  try {
    return await readJsonObject(req, MAX_BODY);
  } catch (err) {
    if (err instanceof BodyError) throw new QuotasError('SerializationException', err.message);
    throw err;
  }
}

/** The operation a request asks for: POST / with an awsJson1_1 body and a Service Quotas target. */
function operationOf(req: IncomingMessage): LocalServiceQuotasOperation {
  const target = String(req.headers['x-amz-target'] ?? '');
  const [prefix, op] = target.split('.', 2);
  if (
    req.method !== 'POST' ||
    (req.url ?? '/').split('?')[0] !== '/' ||
    prefix !== SERVICE_QUOTAS_TARGET_PREFIX
  )
    throw new QuotasError('UnknownOperationException', `no operation for ${req.method} ${req.url} ${target}`);
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1'))
    throw new QuotasError('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
  if (op !== 'GetServiceQuota' && op !== 'ListServiceQuotas')
    throw new QuotasError('UnknownOperationException', `the local Service Quotas does not serve ${op}`);
  return op;
}

interface QuotasServer {
  catalog: Catalog;
  deny: Set<LocalServiceQuotasOperation>;
  requests: LocalServiceQuotas['requests'];
}

/** Routes, counts, refuses denied operations, answers; every failure becomes an awsJson1_1 error. */
async function handle(server: QuotasServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const op = operationOf(req);
    server.requests[op]++;
    const body = await readBody(req);
    if (server.deny.has(op))
      throw new QuotasError(
        'AccessDeniedException',
        `User: arn:aws:sts::${server.catalog.accountId}:assumed-role/local/doctor is not authorized to perform: servicequotas:${op}`,
      );
    send(res, 200, OPERATIONS[op](server.catalog, body));
  } catch (err) {
    req.resume();
    sendError(
      res,
      err instanceof QuotasError
        ? err
        : new QuotasError('ServiceException', 'local Service Quotas failed to answer', 500),
    );
  }
}

export async function startLocalServiceQuotas(
  options: LocalServiceQuotasOptions,
): Promise<LocalServiceQuotas> {
  const quotasServer: QuotasServer = {
    catalog: catalogOf(options),
    deny: new Set(options.deny ?? []),
    requests: { GetServiceQuota: 0, ListServiceQuotas: 0 },
  };
  const { server, endpoint } = await serveOnLoopback((req, res) => handle(quotasServer, req, res), {
    port: options.port,
  });
  return {
    endpoint,
    requests: quotasServer.requests,
    close: () => closeServer(server),
  };
}
