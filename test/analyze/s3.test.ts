import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecordsPathError, readRecords } from '../../analyze/records/reader';
import { defaultS3Client, parseS3Path } from '../../analyze/records/s3';
import { SkipTally } from '../../analyze/records/skips';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * s3rver, a local S3-compatible server from npm, in a child process on a free port of 127.0.0.1.
 * A child process because its ListObjectsV2 continuation tokens use DES, which Node 20's OpenSSL 3
 * offers only with --openssl-legacy-provider. It stops when its stdin closes.
 */
const SERVER = `
const S3rver = require('s3rver');
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.env.S3RVER_DIR });
server.run().then((address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'));
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
`;

let server: ChildProcess;
let directory: string;
let endpoint: string;
let s3: S3Client;

async function startServer(): Promise<string> {
  directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  server = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER], {
    cwd: ROOT,
    env: { ...process.env, S3RVER_DIR: directory },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [chunk] = (await Promise.race([
    once(server.stdout as NodeJS.ReadableStream, 'data'),
    once(server, 'exit').then(() => {
      throw new Error('s3rver exited before listening');
    }),
  ])) as [Buffer];
  const { port } = JSON.parse(chunk.toString()) as { port: number };
  return `http://127.0.0.1:${port}`;
}

const ctr = (id: string) => ({
  ContactId: id,
  InitiationTimestamp: '2026-11-10T09:00:00Z',
  LastUpdateTimestamp: '2026-11-10T09:05:00Z',
  CustomerEndpoint: { Address: '+14155550100', Type: 'TELEPHONE_NUMBER' },
});
const line = (...ids: string[]) => ids.map((id) => JSON.stringify(ctr(id))).join('\n');
const back = (...ids: string[]) => ids.map((id) => JSON.stringify(ctr(id))).join('');

const OBJECTS: Record<string, Buffer | string> = {
  'connect/2026/11/10/firehose-1': gzipSync(back('a', 'b')),
  'connect/2026/11/10/firehose-2.json': line('c', 'd'),
  'connect/2026/11/11/': '',
  'connect/2026/11/11/firehose-3': gzipSync(
    `${JSON.stringify(ctr('e'))}\nnot json\n${JSON.stringify(ctr('f'))}`,
  ),
  'connect/2026/11/11/firehose-4': Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xfe, 0xfd]),
  'connect/2026/11/12/firehose-5': gzipSync(JSON.stringify([ctr('g'), ctr('h')])),
  'other/firehose-6': back('zz'),
};

beforeAll(async () => {
  endpoint = await startServer();
  s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'ctr' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'empty' }));
  for (const [key, body] of Object.entries(OBJECTS))
    await s3.send(new PutObjectCommand({ Bucket: 'ctr', Key: key, Body: body, ContentLength: body.length }));
});

afterAll(async () => {
  s3?.destroy();
  if (server && server.exitCode === null) {
    const exited = once(server, 'exit');
    server.stdin?.end();
    const timer = setTimeout(() => server.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(directory, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function read(paths: string[], client: S3Client | undefined, pageSize?: number) {
  const ids: unknown[] = [];
  const skips = new SkipTally();
  const totals = await readRecords(paths, {
    onRecord: (record) => {
      ids.push(record.ContactId);
      return undefined;
    },
    skips,
    s3: client,
    s3PageSize: pageSize,
  });
  return { ids, skips: skips.toJSON(), totals };
}

describe('readRecords from s3://bucket/prefix (s3rver on 127.0.0.1)', () => {
  it('reads every object under the prefix in key order, gzipped or not, two keys a page', async () => {
    const { ids, skips, totals } = await read(['s3://ctr/connect/'], s3, 2);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(totals.files).toBe(5);
    expect(skips.byReason).toEqual({ NOT_JSON: 1, TRUNCATED: 0, MISSING_FIELD: 0, UNREADABLE_FILE: 1 });
    expect(skips.examples).toEqual([
      {
        file: 's3://ctr/connect/2026/11/11/firehose-3',
        offset: JSON.stringify(ctr('e')).length + 1,
        reason: 'NOT_JSON',
      },
      { file: 's3://ctr/connect/2026/11/11/firehose-4', offset: 0, reason: 'UNREADABLE_FILE' },
    ]);
  });

  it('a prefix that is part of a key name, and the whole bucket', async () => {
    expect((await read(['s3://ctr/connect/2026/11/1'], s3)).ids).toHaveLength(8);
    expect((await read(['s3://ctr'], s3, 3)).ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'zz']);
  });

  it('an object that cannot be read is UNREADABLE_FILE, and the run goes on', async () => {
    const failing = {
      send: (command: unknown) =>
        command instanceof GetObjectCommand && command.input.Key?.endsWith('firehose-1')
          ? Promise.reject(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }))
          : s3.send(command as never),
    } as unknown as S3Client;
    const { ids, skips } = await read(['s3://ctr/connect/2026/11/10/'], failing);
    expect(ids).toEqual(['c', 'd']);
    expect(skips.examples).toEqual([
      { file: 's3://ctr/connect/2026/11/10/firehose-1', offset: 0, reason: 'UNREADABLE_FILE' },
    ]);
  });

  it('a bucket that does not exist, or a prefix with no object, is a RecordsPathError', async () => {
    const missing = await read(['s3://no-such-bucket/x'], s3).catch((e: Error) => e);
    expect(missing).toBeInstanceOf(RecordsPathError);
    expect((missing as Error).message).toMatch(/^cannot list 's3:\/\/no-such-bucket\/x': NoSuchBucket/);
    expect((missing as Error).message).not.toContain('\n');
    const empty = await read(['s3://empty/'], s3).catch((e: Error) => e);
    expect((empty as Error).message).toBe("cannot read records from 's3://empty/': no object under it");
    const nothing = await read(['s3://ctr/connect/2026/11/11/firehose-3', 's3://ctr/nope/'], s3).catch(
      (e: Error) => e,
    );
    expect(nothing).toBeInstanceOf(RecordsPathError);
  });

  it('the default client takes AWS_ENDPOINT_URL_S3, addressing buckets by path', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    vi.stubEnv('AWS_PROFILE', undefined);
    const { ids } = await read(['s3://ctr/connect/2026/11/10/'], undefined);
    expect(ids).toEqual(['a', 'b', 'c', 'd']);
    expect(defaultS3Client({ AWS_ENDPOINT_URL_S3: endpoint }).config.forcePathStyle).toBe(true);
    expect(defaultS3Client({}).config.forcePathStyle).toBe(false);
  });

  it('throttled listing pages and reads (503 SlowDown) are retried with backoff by the default client', async () => {
    // A proxy in front of s3rver answers SlowDown to the first try of every request.
    const seen = new Set<string>();
    let throttled = 0;
    const proxy = createServer((req, res) => {
      const key = `${req.method} ${req.url}`;
      if (!seen.has(key)) {
        seen.add(key);
        throttled++;
        req.resume();
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
        );
        return;
      }
      const upstream = httpRequest(
        `${endpoint}${req.url}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const { port } = proxy.address() as AddressInfo;
    vi.stubEnv('AWS_ENDPOINT_URL_S3', `http://127.0.0.1:${port}`);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    vi.stubEnv('AWS_PROFILE', undefined);
    try {
      const { ids, skips } = await read(['s3://ctr/connect/2026/11/10/'], undefined, 1);
      expect(ids).toEqual(['a', 'b', 'c', 'd']);
      expect(skips.total).toBe(0);
      // Two list pages of one key, the end of the list, two objects: each throttled once, then read.
      expect(throttled).toBeGreaterThanOrEqual(4);
    } finally {
      proxy.close();
    }
  });

  it('parses s3:// paths', () => {
    expect(parseS3Path('s3://bucket/some/prefix')).toEqual({ bucket: 'bucket', prefix: 'some/prefix' });
    expect(parseS3Path('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
    expect(() => parseS3Path('s3:///x')).toThrow(RecordsPathError);
  });
});
