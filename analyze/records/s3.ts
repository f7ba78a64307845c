/**
 * Records under `s3://bucket/prefix`: every object whose key starts with the prefix, in the order
 * ListObjectsV2 returns them (by key), page by page, each read as a stream by GetObject. The
 * client uses the SDK's default credentials and region, and the endpoint AWS_ENDPOINT_URL_S3 (or
 * AWS_ENDPOINT_URL) when set, which the SDK reads itself; with such an endpoint, buckets are
 * addressed by path (a local S3-compatible server on 127.0.0.1 has no virtual-host buckets).
 *
 * A prefix that cannot be listed, or under which there is no object, is a RecordsPathError (the
 * command exits 2); an object that cannot be read is the reader's UNREADABLE_FILE.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkReason } from '../sdk-error';
import { RecordsPathError, type Source } from './sources';

export { isS3Path } from './sources';

/** `s3://bucket/some/prefix` → bucket and prefix ('' for the whole bucket). */
export function parseS3Path(path: string): { bucket: string; prefix: string } {
  const rest = path.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  if (bucket === '')
    throw new RecordsPathError(`cannot read records from '${path}': no bucket in the S3 path`);
  return { bucket, prefix: slash === -1 ? '' : rest.slice(slash + 1) };
}

/**
 * Attempts per request. The SDK's standard retry strategy retries throttling (503 SlowDown) and
 * transient errors with exponential backoff and jitter; a large run lists thousands of pages and
 * reads thousands of objects, so it gets more attempts than the SDK's default 3.
 */
export const S3_MAX_ATTEMPTS = 8;

/** The client when none is given: path-style addressing when an endpoint URL is configured. */
export function defaultS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client({
    forcePathStyle: Boolean(endpoint),
    followRegionRedirects: true,
    retryMode: 'standard',
    maxAttempts: S3_MAX_ATTEMPTS,
  });
}

/**
 * The objects under an S3 path, listed `pageSize` keys at a time (S3's default and maximum: 1000).
 * The first page is listed before this returns, so that a prefix that cannot be listed fails
 * before any record is read. Keys ending in `/` (folder markers) are not records.
 */
export async function s3Sources(
  path: string,
  client: S3Client,
  pageSize?: number,
): Promise<AsyncIterable<Source>> {
  const { bucket, prefix } = parseS3Path(path);
  const list = async (token: string | undefined, found: number) => {
    try {
      return await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: token,
          MaxKeys: pageSize,
        }),
      );
    } catch (err) {
      const after = found > 0 ? ` after ${found} objects` : '';
      throw new RecordsPathError(`cannot list '${path}'${after}: ${sdkReason(err)}`);
    }
  };
  const first = await list(undefined, 0);
  const none = () => new RecordsPathError(`cannot read records from '${path}': no object under it`);
  if (!first.Contents?.length && !first.NextContinuationToken) throw none();
  async function* objects(): AsyncGenerator<Source> {
    let page: ListObjectsV2CommandOutput | undefined = first;
    let found = 0;
    while (page) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined || key.endsWith('/')) continue;
        found++;
        yield { name: `s3://${bucket}/${key}`, named: false, open: () => openObject(client, bucket, key) };
      }
      page = page.NextContinuationToken ? await list(page.NextContinuationToken, found) : undefined;
    }
    if (found === 0) throw none();
  }
  return objects();
}

async function openObject(client: S3Client, bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = object.Body as AsyncIterable<Uint8Array> | undefined;
  if (!body || typeof body[Symbol.asyncIterator] !== 'function')
    throw new Error('GetObject returned no body');
  return body;
}
