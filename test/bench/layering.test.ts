import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Relative imports of a source file (static and dynamic), resolved to repository paths. */
function importsOf(dir: string, file: string): string[] {
  const text = readFileSync(join(ROOT, dir, file), 'utf8');
  // Relative to the file's own folder (a file in a subfolder would import '../stats').
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    join(dir, dirname(file), m[1] as string).replace(/\.ts$/, ''),
  );
}

const sources = (dir: string) =>
  readdirSync(join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'));

describe('layering', () => {
  it('local/ is a library: it imports neither bench/ nor the CLI', () => {
    const offenders = sources('local').filter((f) =>
      importsOf('local', f).some((i) => i.startsWith('bench/') || i.startsWith('cli/')),
    );
    expect(offenders).toEqual([]);
  });

  it('bench/ does not import the CLI', () => {
    expect(sources('bench').filter((f) => importsOf('bench', f).some((i) => i.startsWith('cli/')))).toEqual(
      [],
    );
  });

  it('bench/ has no import cycle (svg.ts and run.ts share report.ts)', () => {
    const graph = new Map(
      sources('bench').map((f) => [`bench/${f.replace(/\.ts$/, '')}`, importsOf('bench', f)]),
    );
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next, [...path, node]);
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
    expect(graph.get('bench/svg')).not.toContain('bench/run');
  });
});
