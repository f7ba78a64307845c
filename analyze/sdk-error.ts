/**
 * One line about an AWS SDK error, for a message the command prints (S3 listing, Athena): its
 * name (NoSuchBucket, AccessDenied, InvalidRequestException) and the first line of its message.
 */
export function sdkReason(err: unknown): string {
  const name = (err as Error | null)?.name ?? 'Error';
  const message = ((err as Error | null)?.message ?? '').split('\n')[0]?.trim() ?? '';
  return message && message !== name ? `${name}: ${message}` : name;
}
