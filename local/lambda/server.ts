import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, sendJson, serveOnLoopback } from '../http';

/**
 * A local AWS Lambda for `last-agent doctor --local`: Invoke and GetFunctionConfiguration over the
 * Lambda API's restJson1 wire format, so the doctor's real @aws-sdk/client-lambda calls run
 * against in-process handlers (the entry function of the local pipeline) unchanged.
 *
 * HTTP bindings from the SDK's shipped model (`@aws-sdk/client-lambda` dist-cjs schemas, the
 * `http` traits): Invoke `POST /2015-03-31/functions/{FunctionName}/invocations` (headers
 * `X-Amz-Invocation-Type`, answer headers `X-Amz-Function-Error`, `X-Amz-Executed-Version`, the
 * payload as the body); GetFunctionConfiguration `GET /2015-03-31/functions/{FunctionName}/configuration`
 * (query `Qualifier`). `InvocationResponse.StatusCode`: "For the RequestResponse invocation type,
 * this status code is 200 … For the DryRun invocation type, the status code is 204";
 * `FunctionError`: "If present, indicates that an error occurred during function execution.
 * Details about the error are included in the response payload." ResourceNotFoundException is
 * HTTP 404 (its `httpError` trait).
 */

export interface LocalFunction {
  /** The function's name; it is found by name, full ARN or partial ARN (ACCOUNT:function:NAME). */
  name: string;
  /** The environment GetFunctionConfiguration reports (the settings the function loads). */
  environment: Record<string, string>;
  /** The handler, called in-process with the parsed payload. */
  handler: (event: unknown) => Promise<unknown>;
  timeoutSeconds?: number;
}

export interface LocalLambda {
  endpoint: string;
  /** Invocations per function name. */
  invocations: Record<string, number>;
  functionArn(name: string): string;
  close(): Promise<void>;
}

class LambdaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_PAYLOAD = 6 * 1024 * 1024;

async function readPayload(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Lambda's synchronous invocation payload quota: 6 MB.
    if (size > MAX_PAYLOAD)
      throw new LambdaHttpError(
        413,
        'RequestTooLargeException',
        'Request must be smaller than 6291456 bytes',
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startLocalLambda(options: {
  region: string;
  accountId: string;
  functions: LocalFunction[];
}): Promise<LocalLambda> {
  const arnOf = (name: string) => `arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`;
  const invocations: Record<string, number> = {};
  const find = (raw: string, qualifier: string | null): LocalFunction => {
    // NAME, ACCOUNT:function:NAME[:QUALIFIER] or arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
    const m =
      /^(?:(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:)?(\d{12}):function:)?([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/.exec(
        raw,
      );
    const fn =
      m && (!m[1] || m[1] === options.accountId) ? options.functions.find((f) => f.name === m[2]) : undefined;
    const version = m?.[3] ?? qualifier;
    if (!fn || (version !== null && version !== undefined && version !== '$LATEST'))
      throw new LambdaHttpError(404, 'ResourceNotFoundException', `Function not found: ${raw}`);
    return fn;
  };
  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, body, {
      contentType: 'application/json',
      requestId: () => crypto.randomUUID(),
      headers,
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      const config = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/.exec(url.pathname);
      if (req.method === 'POST' && invoke) {
        const fn = find(decodeURIComponent(invoke[1] ?? ''), url.searchParams.get('Qualifier'));
        const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
        const payload = await readPayload(req);
        if (type === 'DryRun') return send(res, 204, '');
        if (type !== 'RequestResponse')
          throw new LambdaHttpError(
            400,
            'InvalidParameterValueException',
            `Invocation type ${type} is not served locally`,
          );
        invocations[fn.name] = (invocations[fn.name] ?? 0) + 1;
        const event = payload === '' ? {} : (JSON.parse(payload) as unknown);
        try {
          const result = await fn.handler(event);
          return send(res, 200, JSON.stringify(result ?? null), { 'x-amz-executed-version': '$LATEST' });
        } catch (err) {
          const e = err as Error;
          const body = JSON.stringify({
            errorType: e?.name ?? 'Error',
            errorMessage: e?.message ?? String(err),
          });
          return send(res, 200, body, {
            'x-amz-function-error': 'Unhandled',
            'x-amz-executed-version': '$LATEST',
          });
        }
      }
      if (req.method === 'GET' && config) {
        req.resume();
        const fn = find(decodeURIComponent(config[1] ?? ''), url.searchParams.get('Qualifier'));
        return send(
          res,
          200,
          JSON.stringify({
            FunctionName: fn.name,
            FunctionArn: arnOf(fn.name),
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Timeout: fn.timeoutSeconds ?? 8,
            Version: '$LATEST',
            State: 'Active',
            LastUpdateStatus: 'Successful',
            Environment: { Variables: fn.environment },
          }),
        );
      }
      req.resume();
      throw new LambdaHttpError(
        404,
        'UnknownOperationException',
        `no operation at ${req.method} ${url.pathname}`,
      );
    } catch (err) {
      const e =
        err instanceof LambdaHttpError
          ? err
          : err instanceof SyntaxError
            ? new LambdaHttpError(
                400,
                'InvalidRequestContentException',
                'Could not parse request body into json',
              )
            : new LambdaHttpError(500, 'ServiceException', 'local Lambda failed to answer');
      send(res, e.status, JSON.stringify({ Type: 'User', message: e.message }), {
        'x-amzn-errortype': e.type,
      });
    }
  };

  const { server, endpoint } = await serveOnLoopback(handle);
  return { endpoint, invocations, functionArn: arnOf, close: () => closeServer(server) };
}
