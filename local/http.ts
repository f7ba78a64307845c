import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** Why a request body was refused: too large, or not a JSON object. */
export class BodyError extends Error {
  constructor(readonly problem: 'too-large' | 'not-json-object') {
    super(problem === 'too-large' ? 'request body too large' : 'request body is not a JSON object');
  }
}

/**
 * Reads a JSON object body for the local AWS emulators (an empty body is `{}`); each server turns
 * a BodyError into its service's own error format.
 */
export async function readJsonObject(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyError('too-large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError('not-json-object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new BodyError('not-json-object');
  return parsed as Record<string, unknown>;
}

/** Starts a local emulator on 127.0.0.1 (port 0: any free one) and returns its endpoint. */
export async function listenOnLoopback(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Creates an emulator's HTTP server, each request answered by `handle` (which answers its own
 * errors), and starts it on 127.0.0.1 (port 0: any free one).
 */
export async function serveOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: { port?: number; keepAliveTimeout?: number } = {},
): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  const endpoint = await listenOnLoopback(server, options.port);
  return { server, endpoint };
}

/** How an emulator labels its JSON answers: its service's content type and request-id shape. */
export interface JsonAnswer {
  contentType: string;
  requestId: () => string;
  /** Headers after content-type, content-length and x-amzn-requestid (e.g. an error type). */
  headers?: Record<string, string | number>;
}

/** Sends a JSON answer (or error answer) unless the client has already gone. */
export function sendJson(res: ServerResponse, status: number, text: string, answer: JsonAnswer): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': answer.requestId(),
    ...answer.headers,
  });
  res.end(text);
}

/**
 * An injected delay (latency model, "slow" fault) that ends early, rejecting, when `closing`
 * aborts, so no timer outlives the emulator.
 */
export const sleep = (ms: number, closing: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal: closing });

/** Stops an emulator at once: open keep-alive connections are closed, not waited for. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
