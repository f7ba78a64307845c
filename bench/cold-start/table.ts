import { orDash, round, table } from '../stats';
import type { ColdStartReport } from './measure';

/** The pieces of the cold-start table (bench/cold-start.ts formatCold puts them together). */

/** Every function any variant measured, in first-seen order. */
export const entriesOf = (c: ColdStartReport) => [
  ...new Set(c.variants.flatMap((v) => Object.keys(v.functions))),
];

export function coldHeading(c: ColdStartReport): string[] {
  return [
    `Cold start: fresh ${c.node} process per sample, ${c.samples} samples, median (p90) of import + first invocation in ms,`,
    `first ${c.tls ? 'TLS ' : ''}round trips to local endpoints included; CPU limit: ${c.cpuLimit}; baseline ${c.baselineCommit}`,
  ];
}

/** Median (p90) of import + first invocation per function and variant, and the critical path. */
export function coldTable(c: ColdStartReport, entries: string[]): string {
  const rows = entries.map((e) => [
    e,
    ...c.variants.map((v) => {
      const f = v.functions[e];
      return f ? `${f.coldMs} (${f.coldP90})` : '—';
    }),
  ]);
  rows.push(['critical path (sum)', ...c.variants.map((v) => orDash(v.criticalPathMs))]);
  return table(['function', ...c.variants.map((v) => v.label)], rows);
}

/** Bundle and source-map size per build, and CPU time per variant. */
export function sizeTable(c: ColdStartReport, entries: string[]): string {
  const builds = [...new Set(c.variants.map((v) => v.build))];
  const rows = entries.map((e) => [
    e,
    ...builds.map((b) => {
      const f = c.variants.find((v) => v.build === b && v.functions[e])?.functions[e];
      return f ? `${f.bundleKb} / ${f.mapKb}` : '—';
    }),
    ...c.variants.map((v) => orDash(v.functions[e]?.cpuMs)),
  ]);
  return table(
    ['function', ...builds.map((b) => `${b} bundle/map KB`), ...c.variants.map((v) => `CPU ms ${v.label}`)],
    rows,
  );
}

/** "before → after" over the critical path at the same CPU, when both were measured. */
export function criticalPathChange(c: ColdStartReport): string[] {
  const baseline = c.variants.find((v) => v.label === 'before')?.criticalPathMs;
  const current = c.variants.find((v) => v.label === 'after')?.criticalPathMs;
  if (!baseline || !current) return [];
  return [
    '',
    `Critical path, same CPU: ${baseline} → ${current} ms (${round((1 - current / baseline) * 100)}% less)`,
  ];
}
