import { vi } from 'vitest';
import { main } from '../../cli/main';

/**
 * Runs the CLI in-process (main() with stdout and stderr captured), with environment variables
 * stubbed for the call. The bin wrapper itself has one child-process test in main.test.ts.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  try {
    return await captureOutput(() => main(args));
  } finally {
    vi.unstubAllEnvs();
  }
}

/** Runs a command in-process with stdout and stderr captured. */
export async function captureOutput(
  command: () => Promise<number>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await command();
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
