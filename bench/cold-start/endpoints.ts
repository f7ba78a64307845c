import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type Server, connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

/** Local endpoints of the cold-start samples: Connect behind TLS, and Step Functions / Secrets Manager / SSM stand-ins. */

export interface Tls {
  key: string;
  cert: string;
  certFile: string;
}

export interface Endpoint {
  url: string;
  close(): Promise<void>;
}

/** A self-signed RSA-2048 certificate for the local endpoints (AWS endpoints serve RSA-2048 too). */
export function makeCertificate(dir: string): Tls | undefined {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,DNS:sync-localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** Listens on a free local port and returns it. */
async function listenLocal(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Terminates TLS in front of a plain-HTTP local server. */
export async function tlsFront(port: number, tls: Tls | undefined): Promise<Endpoint> {
  if (!tls) return { url: `http://localhost:${port}`, close: async () => undefined };
  const server = createTlsServer({ key: tls.key, cert: tls.cert }, (socket) => {
    const upstream = netConnect(port, '127.0.0.1');
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  const front = await listenLocal(server);
  return {
    url: `https://localhost:${front}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The stub's answer to one AWS JSON request, or undefined for an operation it does not know. */
function stubAnswer(
  target: string,
  body: Record<string, string>,
  answers: Map<string, unknown>,
  secret: string,
): unknown {
  if (target.endsWith('.StartSyncExecution')) {
    const now = Date.now() / 1000;
    return {
      executionArn: `${body.stateMachineArn}:bench`,
      startDate: now,
      stopDate: now,
      status: 'SUCCEEDED',
      output: JSON.stringify(answers.get(body.stateMachineArn as string) ?? {}),
    };
  }
  if (target.endsWith('.GetSecretValue'))
    return { ARN: body.SecretId, Name: 'bench', SecretString: secret, VersionId: 'v1' };
  if (target.endsWith('.GetParameter'))
    return { Parameter: { Name: body.Name, Type: 'SecureString', Value: secret, Version: 1 } };
  return undefined;
}

/** Answers StartSyncExecution (the decision captured for that build), GetSecretValue and GetParameter. */
export async function awsJsonStub(
  tls: Tls | undefined,
  answers: Map<string, unknown>,
  secret: string,
): Promise<Endpoint> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const answer = stubAnswer(target, body, answers, secret);
      res.writeHead(answer ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer ?? { __type: 'UnknownOperationException', message: target }));
    });
  };
  const server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(handler);
  const port = await listenLocal(server);
  return {
    url: `${tls ? 'https' : 'http'}://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
