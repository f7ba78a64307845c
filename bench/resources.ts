import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `use` with a fresh temporary directory, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a measurement started (local servers, cgroups), closed last-started-first when it ends. */
export class Closers {
  private readonly closers: (() => Promise<void> | void)[] = [];

  add(...close: (() => Promise<void> | void)[]): void {
    this.closers.push(...close);
  }

  async closeAll(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
    this.closers.length = 0;
  }
}
