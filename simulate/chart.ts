/**
 * The report's chart: a dependency-free SVG of continuity against the mean wait of all callers
 * and of returning callers, one point per policy and the swept values joined as curves.
 */
import type { PolicyRow, SimulationReport } from './run';

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** Coordinates in the SVG, to one decimal. */
const f = (v: number) => v.toFixed(1);

/** A round step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over `span`. */
function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const COLORS: Record<PolicyRow['name'], string> = {
  none: '#555555',
  'preferred-agent': '#4e79a7',
  'agent-queue': '#e07b00',
};
const RECOMMENDED = '#2ca02c';

interface Panel {
  title: string;
  xLabel: string;
  x: (p: PolicyRow) => number | null;
  xHalfWidth: (p: PolicyRow) => number | null;
}

const PANELS: Panel[] = [
  {
    title: 'All callers',
    xLabel: 'mean wait of answered calls (ASA, s)',
    x: (p) => p.asaSeconds,
    xHalfWidth: (p) => p.ci95.asaSeconds,
  },
  {
    title: 'Returning callers',
    xLabel: 'mean wait of answered returning calls (s)',
    x: (p) => p.asaReturningSeconds,
    xHalfWidth: (p) => p.ci95.asaReturningSeconds,
  },
];

const PANEL_W = 380;
const PANEL_H = 300;
const LEFT = 70;
const GAP = 70;
const TOP = 78;
const WIDTH = LEFT + PANELS.length * PANEL_W + (PANELS.length - 1) * GAP + 30;
const HEIGHT = TOP + PANEL_H + 95;

/** The continuity axis, shared by the panels: 0 to a round value above the highest interval. */
interface YAxis {
  max: number;
  step: number;
  y: (v: number) => number;
}

function continuityAxis(rows: PolicyRow[]): YAxis {
  const top = (p: PolicyRow) => Math.max((p.continuity ?? 0) + (p.ci95.continuity ?? 0), knownMark(p) ?? 0);
  const yTop = (rows.length ? Math.max(...rows.map(top)) : 0.1) * 1.08;
  const step = niceStep(yTop, 5);
  const max = Math.min(1, Math.ceil(yTop / step) * step);
  return { max, step, y: (v: number) => TOP + PANEL_H - (v / max) * PANEL_H };
}

/** A panel's waiting-time axis, over its points' intervals with half a step to spare. */
interface XAxis {
  x0: number;
  min: number;
  max: number;
  step: number;
  x: (v: number) => number;
}

function waitAxis(panel: Panel, index: number, points: PolicyRow[]): XAxis {
  const x0 = LEFT + index * (PANEL_W + GAP);
  const lo = Math.min(...points.map((p) => (panel.x(p) as number) - (panel.xHalfWidth(p) ?? 0)));
  const hi = Math.max(...points.map((p) => (panel.x(p) as number) + (panel.xHalfWidth(p) ?? 0)));
  const step = niceStep(Math.max(hi - lo, 1), 5);
  const min = Math.max(0, Math.floor((lo - step / 2) / step) * step);
  const max = Math.ceil((hi + step / 2) / step) * step;
  return { x0, min, max, step, x: (v: number) => x0 + ((v - min) / (max - min)) * PANEL_W };
}

/** Grid lines and tick labels of both axes. */
function grid(xa: XAxis, ya: YAxis): string[] {
  const { x, x0 } = xa;
  const { y } = ya;
  const parts: string[] = [];
  for (let v = xa.min; v <= xa.max + 1e-9; v += xa.step) {
    parts.push(
      `<line x1="${f(x(v))}" y1="${TOP}" x2="${f(x(v))}" y2="${TOP + PANEL_H}" stroke="#e8e8e8"/>`,
      `<text x="${f(x(v))}" y="${TOP + PANEL_H + 16}" font-size="11" text-anchor="middle">${+v.toFixed(6)}</text>`,
    );
  }
  for (let v = 0; v <= ya.max + 1e-9; v += ya.step) {
    parts.push(
      `<line x1="${x0}" y1="${f(y(v))}" x2="${x0 + PANEL_W}" y2="${f(y(v))}" stroke="#e8e8e8"/>`,
      `<text x="${x0 - 6}" y="${f(y(v) + 4)}" font-size="11" text-anchor="end">${+(v * 100).toFixed(1)}%</text>`,
    );
  }
  return parts;
}

/** The panel's border, title and x-axis label. */
function frame(panel: Panel, x0: number): string[] {
  return [
    `<rect x="${x0}" y="${TOP}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#999"/>`,
    `<text x="${x0}" y="${TOP - 8}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`,
    `<text x="${x0 + PANEL_W / 2}" y="${TOP + PANEL_H + 36}" font-size="12" text-anchor="middle">${esc(panel.xLabel)}</text>`,
  ];
}

/** Ranked rows form families of their own, one per maxPreferred and knownAgentsSeconds ('' for the others: the old families). */
const rankedKey = (p: PolicyRow) =>
  p.maxPreferred === undefined ? '' : `|${p.maxPreferred}|${p.knownAgentsSeconds ?? ''}`;

/** A sweep is the rows of one family that differ only in the swept value, in order of that value. */
function sweeps(points: PolicyRow[]): PolicyRow[][] {
  const families = new Map<string, PolicyRow[]>();
  for (const p of points) {
    const key = `${p.name}|${p.acceptShare ?? ''}|${p.preferBusyAgent ?? ''}${rankedKey(p)}`;
    families.set(key, [...(families.get(key) ?? []), p]);
  }
  return [...families.values()].map((family) =>
    [...family].sort(
      (a, b) => (a.expirySeconds ?? a.maxWaitSeconds ?? 0) - (b.expirySeconds ?? b.maxWaitSeconds ?? 0),
    ),
  );
}

/** One sweep: the curve joining its points, then each point. */
function series(sweep: PolicyRow[], panel: Panel, xa: XAxis, ya: YAxis, r: SimulationReport): string[] {
  const parts: string[] = [];
  const color = COLORS[(sweep[0] as PolicyRow).name];
  if (sweep.length > 1) {
    const d = sweep
      .map((p, i) => `${i ? 'L' : 'M'}${f(xa.x(panel.x(p) as number))} ${f(ya.y(p.continuity ?? 0))}`)
      .join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
  }
  for (const p of sweep) parts.push(...point(p, panel, xa, ya, r));
  return parts;
}

/** The known-agent share to mark above a ranked row's continuity (maxPreferred > 1), else null. */
function knownMark(p: PolicyRow): number | null {
  return p.maxPreferred !== undefined && p.maxPreferred > 1 ? (p.knownAgentShare ?? null) : null;
}

/** A policy's point: its 95% interval bars, the dot, its label, and a ring if recommended. */
function point(p: PolicyRow, panel: Panel, xa: XAxis, ya: YAxis, r: SimulationReport): string[] {
  const { x } = xa;
  const { y } = ya;
  const color = COLORS[p.name];
  const px = panel.x(p) as number;
  const cx = x(px);
  const cy = y(p.continuity ?? 0);
  const hx = panel.xHalfWidth(p) ?? 0;
  const hy = p.ci95.continuity ?? 0;
  const known = knownMark(p);
  const parts = [
    ...(known === null
      ? []
      : [
          `<line x1="${f(cx)}" y1="${f(cy)}" x2="${f(cx)}" y2="${f(y(known))}" stroke="${color}" stroke-dasharray="3 2"/>`,
          `<circle cx="${f(cx)}" cy="${f(y(known))}" r="4" fill="white" stroke="${color}" stroke-width="1.5"/>`,
        ]),
    `<line x1="${f(x(Math.max(xa.min, px - hx)))}" y1="${f(cy)}" x2="${f(x(px + hx))}" y2="${f(cy)}" stroke="${color}" stroke-opacity="0.5"/>`,
    `<line x1="${f(cx)}" y1="${f(y(Math.max(0, (p.continuity ?? 0) - hy)))}" x2="${f(cx)}" y2="${f(y((p.continuity ?? 0) + hy))}" stroke="${color}" stroke-opacity="0.5"/>`,
    `<circle cx="${f(cx)}" cy="${f(cy)}" r="4" fill="${color}"/>`,
    pointLabel(p, cx, cy, color),
  ];
  const recommended =
    r.recommendation?.expirySeconds != null &&
    p.name === 'preferred-agent' &&
    p.expirySeconds === r.recommendation.expirySeconds &&
    p.maxPreferred === r.recommendation.maxPreferred &&
    p.knownAgentsSeconds === r.recommendation.knownAgentsSeconds;
  if (recommended) {
    parts.push(
      `<circle cx="${f(cx)}" cy="${f(cy)}" r="8.5" fill="none" stroke="${RECOMMENDED}" stroke-width="2"/>`,
    );
  }
  return parts;
}

/**
 * The swept value next to the point. Preferred-agent labels above left of their point,
 * agent-queue below right: the two curves run close together, so their labels go to opposite sides.
 */
function pointLabel(p: PolicyRow, cx: number, cy: number, color: string): string {
  const name = p.name;
  const label =
    name === 'none' ? 'none' : `${name === 'preferred-agent' ? p.expirySeconds : p.maxWaitSeconds}s`;
  const [dx, dy, anchor] =
    name === 'agent-queue' ? [7, 15, 'start'] : name === 'none' ? [7, -7, 'start'] : [-6, -7, 'end'];
  return `<text x="${f(cx + dx)}" y="${f(cy + dy)}" font-size="10" fill="${color}" text-anchor="${anchor}">${esc(label)}</text>`;
}

/** One panel: grid, frame, then every sweep of the rows it can place. */
function panelParts(
  panel: Panel,
  index: number,
  rows: PolicyRow[],
  ya: YAxis,
  r: SimulationReport,
): string[] {
  const points = rows.filter((p) => panel.x(p) !== null);
  const xa = waitAxis(panel, index, points);
  return [
    ...grid(xa, ya),
    ...frame(panel, xa.x0),
    ...sweeps(points).flatMap((sweep) => series(sweep, panel, xa, ya, r)),
  ];
}

function yAxisTitle(): string {
  return `<text x="18" y="${TOP + PANEL_H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${TOP + PANEL_H / 2})">continuity (returning calls answered by their last agent)</text>`;
}

/** The colours of the policies and the recommended ring, in a row under the panels (and the known-agent mark, when drawn). */
function legend(ranked: boolean): string[] {
  const entries: Array<[string, string, boolean]> = [
    ['none', COLORS.none, false],
    ['preferred-agent, by expirySeconds', COLORS['preferred-agent'], false],
    ['agent-queue, by maxWaitSeconds', COLORS['agent-queue'], false],
    ['recommended expiry', RECOMMENDED, true],
    ...(ranked
      ? [['known-agent share (k > 1)', COLORS['preferred-agent'], true] as [string, string, boolean]]
      : []),
  ];
  const parts: string[] = [];
  let lx = LEFT;
  const ly = HEIGHT - 18;
  for (const [name, color, ring] of entries) {
    parts.push(
      ring
        ? `<circle cx="${lx + 5}" cy="${ly - 4}" r="6" fill="none" stroke="${color}" stroke-width="2"/>`
        : `<circle cx="${lx + 5}" cy="${ly - 4}" r="4" fill="${color}"/>`,
      `<text x="${lx + 15}" y="${ly}" font-size="11">${esc(name)}</text>`,
    );
    lx += 30 + name.length * 6;
  }
  return parts;
}

/** The SVG document: background, title, subtitle from the report's meta, then the parts. */
function svgDocument(r: SimulationReport, parts: string[]): string {
  const m = r.meta;
  const subtitle = `${m.agents} agents (${m.staffedAgents.toFixed(1)} staffed), ${m.offeredErlangs.toFixed(1)} Erlang offered, ${m.hours} h, seed ${m.seed}; bars: 95% intervals (batch means)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">
  <rect width="100%" height="100%" fill="white"/>
  <text x="${LEFT}" y="26" font-size="16" font-weight="bold">Continuity against waiting time, per routing policy</text>
  <text x="${LEFT}" y="44" font-size="11" fill="#555">${esc(subtitle)}</text>
  ${parts.join('\n  ')}
</svg>
`;
}

/**
 * Continuity against waiting time, two panels: the mean wait of all answered calls (what the
 * preference costs everyone) and of returning calls (what it costs the callers it serves). Each
 * policy is a point with its 95% intervals; swept values of one policy are joined into a curve.
 */
export function chartSvg(r: SimulationReport): string {
  const rows = r.policies.filter((p) => p.continuity !== null);
  const ya = continuityAxis(rows);
  return svgDocument(r, [
    ...PANELS.flatMap((panel, index) => panelParts(panel, index, rows, ya, r)),
    yAxisTitle(),
    ...legend(rows.some((p) => knownMark(p) !== null)),
  ]);
}
