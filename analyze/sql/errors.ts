/** Athena refusing the run (no such workgroup, access denied, every query failed): one line, exit 2. */
export class AthenaError extends Error {
  override readonly name = 'AthenaError';
}
