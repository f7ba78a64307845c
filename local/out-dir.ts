/**
 * `--out DIR`, checked before any work: the directory exists or can be created, and the files the
 * command will write there can be written. A run is never lost to a bad --out at its end.
 */
import { constants, accessSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Makes sure `dir` is a writable directory (creating it) where `files` can be written; the problem, or null. */
export function prepareOutDir(dir: string, files: readonly string[]): string | null {
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) return `--out ${dir} exists and is not a directory`;
    makeDirectory(dir);
    accessSync(dir, constants.W_OK | constants.X_OK);
    for (const name of files) {
      const file = join(dir, name);
      if (!existsSync(file)) continue;
      if (!statSync(file).isFile()) return `--out ${dir}: ${name} exists there and is not a file`;
      accessSync(file, constants.W_OK);
    }
    return null;
  } catch (err) {
    return `--out ${dir} is not a directory that can be created and written: ${(err as Error).message}`;
  }
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync never returns on some paths
 * (`/proc/x` on Linux: ENOENT with the parent present), this one fails.
 */
function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}
