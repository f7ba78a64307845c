#!/usr/bin/env node
// npm test: the lint, typecheck and test:vitest scripts of package.json at the same time, failing
// if any of them fails. tsc is single-threaded and many tests wait on timers and child processes,
// so on a two-core machine the three overlap well; one after the other they took the sum. Lint
// and typecheck run at a lower priority, so they only use what the tests leave.
// Each script runs as npm runs it (a shell, node_modules/.bin on the PATH), without npm's own start.
// Arguments go to Vitest: npm test -- test/infra
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const env = { ...process.env, PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter) };
const quote = (arg) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * Runs one package.json script. Vitest's output streams; the others' is held and printed after
 * everything has ended, so it never cuts into the test report.
 */
function run(name, { live = false, args = [] } = {}) {
  const started = performance.now();
  const command = [scripts[name], ...args.map(quote)].join(' ');
  const child = spawn(command, {
    cwd: root,
    env,
    shell: true,
    stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  child.stdout?.on('data', (chunk) => output.push(chunk));
  child.stderr?.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    const done = (code, error) =>
      resolve({
        name,
        command,
        code,
        error,
        output: Buffer.concat(output).toString(),
        seconds: ((performance.now() - started) / 1000).toFixed(1),
      });
    child.on('error', (err) => done(null, err));
    child.on('close', (code, signal) => done(code ?? signal));
  });
}

const tests = run('test:vitest', { live: true, args: process.argv.slice(2) });
// Lint and typecheck fill the gaps while tests wait; they must not slow the tests, which take
// longest. Processes inherit their parent's priority: lower ours once Vitest has started.
try {
  setPriority(10);
} catch {
  // Not permitted here: all three run at the same priority.
}
const results = await Promise.all([run('lint'), run('typecheck'), tests]);

for (const r of results.filter((r) => r.output || r.error)) {
  process.stdout.write(`\n> ${r.name}: ${r.command}\n${r.output}${r.error ? `${r.error.message}\n` : ''}`);
}
const outcome = (r) => (r.code === 0 ? 'passed' : `FAILED (${r.error?.message ?? `exit ${r.code}`})`);
process.stdout.write(`\n${results.map((r) => `${r.name} ${outcome(r)} in ${r.seconds} s`).join(', ')}\n`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
