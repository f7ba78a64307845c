import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionConfig } from './builds';

/** The fresh Node processes of the cold-start bench (bench/cold-child.cjs), as Lambda would start them. */

const CHILD = fileURLToPath(new URL('../cold-child.cjs', import.meta.url));

export interface NodeBinary {
  path: string;
  version: string;
}

/** The Node binary for the samples: the one given, else Node 22 from the npm cache, else this one. */
export function resolveNode(given?: string): NodeBinary {
  const version = (path: string) => execFileSync(path, ['-v'], { encoding: 'utf8' }).trim();
  if (given) return { path: given, version: version(given) };
  try {
    const path = execFileSync('npx', ['--offline', '-y', 'node@22', '-p', 'process.execPath'], {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (path && existsSync(path)) return { path, version: version(path) };
  } catch {
    // No cached Node 22: measure on this Node and say so in the report.
  }
  return { path: process.execPath, version: process.version };
}

/** What one `sample` process reports (ms), with the function's two answers. */
export interface ChildSample {
  bootMs: number;
  importMs: number;
  firstMs: number;
  warmMs: number;
  cpuMs: number;
  first: unknown;
  second: unknown;
}

/** Runs bench/cold-child.cjs in a fresh process (in the cgroup whose `procs` file is given). */
export function runChild(
  node: string,
  args: string[],
  env: Record<string, string>,
  procs?: string,
): Promise<void> {
  const [command, argv] = procs
    ? ['sh', ['-c', `echo $$ > '${procs}' && exec "$0" "$@"`, node, CHILD, ...args]]
    : [node, [CHILD, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command as string, argv as string[], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`cold-start child ${args[0]} failed (${code}): ${stderr.trim()}`)),
    );
  });
}

/** What every sample process gets besides the function's own environment (as Lambda sets it). */
export function lambdaEnv(
  entry: string,
  fn: FunctionConfig,
  common: Record<string, string>,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIABENCHLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_LAMBDA_FUNCTION_NAME: entry,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...common,
    ...fn.env,
  };
}

/** Why a function's answer shows the sample did not run the real path, if it does. */
export function answerProblem(entry: string, answer: unknown, expected?: unknown): string | undefined {
  if (answer === undefined || answer === null) return `${entry} returned nothing`;
  if (entry !== 'decide') return undefined;
  const { route, reason } = answer as { route?: string; reason?: string };
  if (!route || ['CONFIG_ERROR', 'LOOKUP_ERROR', 'LOOKUP_TIMEOUT', 'LOOKUP_THROTTLED'].includes(reason ?? ''))
    return `decide answered ${route} ${reason}`;
  const want = (expected as { route?: string } | undefined)?.route;
  if (want && want !== route) return `decide answered ${route}, the captured decision was ${want}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// CPU limit: Lambda's CPU share for a memory size, as a cgroup CPU quota

export interface CpuLimiter {
  kind: string;
  /** The cgroup.procs file of a group limited to `mb / 1769` of one CPU. */
  procsFor(mb: number): string;
  close(): void;
}

const CPU_PERIOD_US = 100_000;

/** Whether this process may create groups under `base`. */
function canWriteCgroups(base: string): boolean {
  try {
    const probe = join(base, `last-agent-bench-${process.pid}-probe`);
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** A group limited to `mb / 1769` of one CPU. */
function makeCpuGroup(dir: string, mb: number, v2: boolean): void {
  mkdirSync(dir, { recursive: true });
  const quota = Math.round((mb / 1769) * CPU_PERIOD_US);
  if (v2) writeFileSync(join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
  else {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
  }
}

/**
 * Lambda allocates CPU in proportion to memory (one vCPU at 1,769 MB). Here that share is a
 * CFS quota on a cgroup (v1 cpu controller or v2 cpu.max), the mechanism Linux offers; it needs
 * a writable cgroup file system (root in a container that mounts it read-write). Without one the
 * CPU-limited variants are skipped and the report says so.
 */
export function cpuLimiter(): CpuLimiter | undefined {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const base = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/cpu';
  if (!canWriteCgroups(base)) return undefined;
  const made: string[] = [];
  return {
    kind: `${v2 ? 'cgroup v2 cpu.max' : 'cgroup v1 cfs quota'}, period ${CPU_PERIOD_US / 1000} ms`,
    procsFor(mb) {
      const dir = join(base, `last-agent-bench-${process.pid}-${mb}`);
      if (!made.includes(dir)) {
        makeCpuGroup(dir, mb, v2);
        made.push(dir);
      }
      return join(dir, 'cgroup.procs');
    },
    close() {
      for (const dir of made) {
        try {
          rmdirSync(dir);
        } catch {
          // A group still holding a process is removed by the system once it exits.
        }
      }
    },
  };
}
