import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { BodyError, closeServer, listenOnLoopback, readJsonObject } from '../http';

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

export async function startLocalServiceQuotas(
  options: LocalServiceQuotasOptions,
): Promise<LocalServiceQuotas> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const quotas = options.quotas.map((q) => ({ ...q, ServiceCode: q.ServiceCode ?? 'connect' }));
  const services = new Set(['connect', ...quotas.map((q) => q.ServiceCode)]);
  const deny = new Set(options.deny ?? []);
  const requests: Record<LocalServiceQuotasOperation, number> = { GetServiceQuota: 0, ListServiceQuotas: 0 };

  const describe = (q: (typeof quotas)[number]): Json => ({
    ServiceCode: q.ServiceCode,
    ServiceName: SERVICE_NAMES[q.ServiceCode] ?? q.ServiceCode,
    QuotaArn: `arn:aws:servicequotas:${region}:${accountId}:${q.ServiceCode}/${q.QuotaCode}`,
    QuotaCode: q.QuotaCode,
    QuotaName: q.QuotaName,
    Value: q.Value,
    Unit: q.Unit ?? 'None',
    Adjustable: q.Adjustable ?? true,
    GlobalQuota: q.GlobalQuota ?? false,
    ...(q.Period ? { Period: q.Period } : {}),
    ...(q.Description ? { Description: q.Description } : {}),
  });

  const service = (body: Json): string => {
    const code = requiredString(body, 'ServiceCode');
    // What Service Quotas answers for a service code it does not know.
    if (!services.has(code))
      throw new QuotasError(
        'NoSuchResourceException',
        'This service is not available in the current Region. Choose a different Region or a different service.',
      );
    return code;
  };

  const operations: Record<LocalServiceQuotasOperation, (body: Json) => Json> = {
    GetServiceQuota(body) {
      const code = service(body);
      const quotaCode = requiredString(body, 'QuotaCode');
      const q = quotas.find((x) => x.ServiceCode === code && x.QuotaCode === quotaCode);
      if (!q)
        throw new QuotasError(
          'NoSuchResourceException',
          `The request failed because the specified quota ${quotaCode} does not exist for service ${code}.`,
        );
      return { Quota: describe(q) };
    },
    ListServiceQuotas(body) {
      const code = service(body);
      const asked = body.MaxResults ?? MAX_RESULTS;
      if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1 || asked > MAX_RESULTS)
        throw illegal(`MaxResults must be between 1 and ${MAX_RESULTS}`);
      const max = Math.min(asked, options.pageSize ?? MAX_RESULTS);
      const quotaCode = body.QuotaCode;
      if (quotaCode !== undefined && typeof quotaCode !== 'string')
        throw illegal('QuotaCode must be a string');
      const matching = quotas.filter(
        (q) => q.ServiceCode === code && (quotaCode === undefined || q.QuotaCode === quotaCode),
      );
      let offset = 0;
      if (body.NextToken !== undefined) {
        const token = String(body.NextToken);
        const parsed = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
        offset = parsed ? Number(parsed[1]) : Number.NaN;
        if (!Number.isInteger(offset) || offset > matching.length)
          throw new QuotasError('InvalidPaginationTokenException', 'Invalid pagination token.');
      }
      const next = offset + max < matching.length ? offset + max : undefined;
      return {
        Quotas: matching.slice(offset, offset + max).map(describe),
        ...(next === undefined ? {} : { NextToken: Buffer.from(`o${next}`).toString('base64url') }),
      };
    },
  };

  const send = (res: ServerResponse, status: number, body: Json) => {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  };
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

  async function handle(req: IncomingMessage, res: ServerResponse) {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, op] = target.split('.', 2);
      if (
        req.method !== 'POST' ||
        (req.url ?? '/').split('?')[0] !== '/' ||
        prefix !== SERVICE_QUOTAS_TARGET_PREFIX
      )
        throw new QuotasError(
          'UnknownOperationException',
          `no operation for ${req.method} ${req.url} ${target}`,
        );
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1'))
        throw new QuotasError('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
      if (op !== 'GetServiceQuota' && op !== 'ListServiceQuotas')
        throw new QuotasError('UnknownOperationException', `the local Service Quotas does not serve ${op}`);
      requests[op]++;
      const body = await readBody(req);
      if (deny.has(op))
        throw new QuotasError(
          'AccessDeniedException',
          `User: arn:aws:sts::${accountId}:assumed-role/local/doctor is not authorized to perform: servicequotas:${op}`,
        );
      send(res, 200, operations[op](body));
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

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  const endpoint = await listenOnLoopback(server, options.port);
  return {
    endpoint,
    requests,
    close: () => closeServer(server),
  };
}
