import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const text = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The smallest major version a `>=X.Y.Z` / `^X` / `>=X` engines range admits (undefined when open). */
function minimumMajor(range: string): number | undefined {
  const majors = [...range.matchAll(/(?:>=|\^|~)?\s*v?(\d+)(?:\.\d+){0,2}/g)].map((m) => Number(m[1]));
  return majors.length ? Math.min(...majors) : undefined;
}

describe('the README quick start', () => {
  it('names a Node.js on which `npm ci` is warning-free: at least every installed package declares', () => {
    const readme = text('README.md');
    const named = readme.match(/On Node\.js (\d+) \(the Lambdas' runtime\) both run warning-free/);
    expect(named, 'the quick start names its Node').not.toBeNull();
    const node = Number(named?.[1]);
    const lock = JSON.parse(text('package-lock.json')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean; optional?: boolean }>;
    };
    const needs = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !p.optional && !Array.isArray(p.engines) && p.engines?.node)
      .map(([path, p]) => ({
        path,
        major: minimumMajor((p.engines as { node: string }).node.split('||')[0] as string) ?? 0,
      }));
    expect(needs.length).toBeGreaterThan(10);
    expect(needs.filter((n) => n.major > node)).toEqual([]);
    // The Lambdas target that Node (infra: Runtime.NODEJS_22_X).
    expect(text('infra/constructs/step-function.ts')).toMatch(new RegExp(`NODEJS_${node}_X`));
  });

  it('keeps the quick start two lines, and the real-instance caveat before it', () => {
    const readme = text('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    const quick = readme.match(/## Quick start\n\n```sh\n([^`]*)```/)?.[1];
    expect(quick).toBe('npm ci && npm start\nnpm test\n');
    expect(readme.indexOf('Not yet run against a real AWS account')).toBeLessThan(
      readme.indexOf('## Quick start'),
    );
  });
});
