/**
 * The simulator's outputs: a text table for people, a JSON document for tools (rounded, so two runs
 * of a seed print the same bytes apart from meta.performance), and a dependency-free SVG chart
 * of continuity against the mean wait of all callers and of returning callers, one point per
 * policy and the swept values joined as curves.
 */
import type { PolicyRow, SimulationReport } from './run';

const round = (v: number | null, digits: number): number | null =>
  v === null || !Number.isFinite(v) ? null : Number(v.toFixed(digits));

/** The report as JSON: shares to 4 decimals, seconds to 2. */
export function reportJson(r: SimulationReport): unknown {
  const theory = (t: PolicyRow['theory']) =>
    t && {
      model: t.model,
      pWait: round(t.pWait, 4),
      asaSeconds: round(t.asaSeconds, 2),
      serviceLevel: round(t.serviceLevel, 4),
      abandonRate: round(t.abandonRate, 4),
      occupancy: round(t.occupancy, 4),
    };
  return {
    meta: {
      ...r.meta,
      staffedAgents: round(r.meta.staffedAgents, 2),
      offeredErlangs: round(r.meta.offeredErlangs, 2),
    },
    policies: r.policies.map((p) => ({
      ...p,
      abandonRate: round(p.abandonRate, 4),
      pWait: round(p.pWait, 4),
      asaSeconds: round(p.asaSeconds, 2),
      serviceLevel: round(p.serviceLevel, 4),
      continuity: round(p.continuity, 4),
      asaReturningSeconds: round(p.asaReturningSeconds, 2),
      asaNewSeconds: round(p.asaNewSeconds, 2),
      occupancy: round(p.occupancy, 4),
      answeredAheadShare: round(p.answeredAheadShare, 4),
      ci95: {
        asaSeconds: round(p.ci95.asaSeconds, 2),
        asaReturningSeconds: round(p.ci95.asaReturningSeconds, 2),
        continuity: round(p.ci95.continuity, 4),
        serviceLevel: round(p.ci95.serviceLevel, 4),
        pWait: round(p.ci95.pWait, 4),
        abandonRate: round(p.ci95.abandonRate, 4),
      },
      ...(p.vsNone
        ? {
            vsNone: {
              serviceLevel: {
                difference: round(p.vsNone.serviceLevel.difference, 4),
                ci95: round(p.vsNone.serviceLevel.ci95, 4),
              },
              asaSeconds: {
                difference: round(p.vsNone.asaSeconds.difference, 2),
                ci95: round(p.vsNone.asaSeconds.ci95, 2),
              },
              abandonRate: {
                difference: round(p.vsNone.abandonRate.difference, 4),
                ci95: round(p.vsNone.abandonRate.ci95, 4),
              },
            },
          }
        : {}),
      ...(p.theory ? { theory: theory(p.theory) } : {}),
    })),
    recommendation: r.recommendation && {
      ...r.recommendation,
      continuity: round(r.recommendation.continuity, 4),
      serviceLevel: round(r.recommendation.serviceLevel, 4),
      noneServiceLevel: round(r.recommendation.noneServiceLevel, 4),
      noneContinuity: round(r.recommendation.noneContinuity, 4),
    },
  };
}

const pct = (v: number | null, digits = 1) =>
  v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`;
const sec = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(1));
const pm = (
  v: number | null,
  hw: number | null,
  f: (x: number | null) => string,
  hwf: (x: number | null) => string,
) => (hw === null ? f(v) : `${f(v)} ±${hwf(hw)}`);
const int = (v: number) => v.toLocaleString('en-US');
const points = (v: number | null) => (v === null ? '–' : (v * 100).toFixed(1));
const signedPoints = (v: number | null) => {
  if (v === null) return '–';
  const text = Math.abs(v * 100).toFixed(1);
  return text === '0.0' ? text : `${v > 0 ? '+' : '−'}${text}`;
};

/** The human-readable table, the last agents' status and the recommendation. */
export function formatTable(r: SimulationReport): string {
  const header = [
    'policy',
    'offered',
    'answered',
    'abandon',
    'P(wait)',
    'ASA s',
    `SL ${r.meta.serviceLevelSeconds}s`,
    'SL vs none',
    'continuity',
    'ASA ret',
    'ASA new',
    'ab. ret',
    'occupancy',
    'ahead',
  ];
  const rows: string[][] = [];
  for (const p of r.policies) {
    rows.push([
      p.label,
      int(p.offered),
      int(p.answered),
      pct(p.abandonRate),
      pct(p.pWait),
      pm(p.asaSeconds, p.ci95.asaSeconds, sec, sec),
      pct(p.serviceLevel),
      p.vsNone ? pm(p.vsNone.serviceLevel.difference, p.vsNone.serviceLevel.ci95, signedPoints, points) : '',
      pm(p.continuity, p.ci95.continuity, pct, (x) => pct(x).replace('%', '')),
      sec(p.asaReturningSeconds),
      sec(p.asaNewSeconds),
      p.returning.offered > 0 ? pct(p.returning.abandoned / p.returning.offered) : '–',
      pct(p.occupancy),
      pct(p.answeredAheadShare),
    ]);
    if (p.theory) {
      const t = p.theory;
      rows.push([
        `  theory (${t.model})`,
        '',
        '',
        pct(t.abandonRate),
        pct(t.pWait),
        sec(t.asaSeconds),
        pct(t.serviceLevel),
        '',
        '',
        '',
        '',
        '',
        pct(t.occupancy),
        '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();

  const m = r.meta;
  const out: string[] = [
    `Policy simulation: ${int(m.hours)} h after ${m.warmupHours} h warm-up, ${m.agents} agents (${m.staffedAgents.toFixed(1)} staffed on average), offered load ≈ ${m.offeredErlangs.toFixed(1)} Erlang, seed ${m.seed}`,
    '',
    line(header),
    line(header.map((_, i) => '─'.repeat(widths[i] as number))),
    ...rows.map(line),
    '',
    'P(wait): answered calls that waited at all. ASA: mean wait of answered calls, ±95% half-width (batch means).',
    `SL: offered calls answered within ${m.serviceLevelSeconds} s; SL vs none: difference in points, ±95% (paired batches, same calls).`,
    'continuity: returning calls answered by their last agent. ASA ret/new: mean wait of returning/new calls.',
    'ab. ret: returning callers who hung up. ahead: answers while a caller who had called earlier still waited.',
  ];
  const none = r.policies.find((p) => p.name === 'none') ?? r.policies[0];
  if (none && none.returning.offered > 0) {
    const s = none.returning.lastAgentStatus;
    const total = none.returning.offered;
    out.push(
      '',
      `When a customer called back (none), their last agent was: available ${pct(s.AVAILABLE / total)}, on a contact ${pct(s.BUSY / total)}, on a break or about to take one ${pct(s.NOT_ROUTABLE / total)}, off shift ${pct(s.OFFLINE / total)}.`,
    );
  }
  for (const w of m.warnings) out.push(`warning: ${w}`);
  if (r.recommendation) out.push('', `Recommendation: ${r.recommendation.text}.`);
  out.push(
    '',
    `${int(m.performance.events)} events in ${m.performance.wallSeconds.toFixed(2)} s (${int(m.performance.eventsPerSecond)} events/s).`,
  );
  return out.join('\n');
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

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

interface Panel {
  title: string;
  xLabel: string;
  x: (p: PolicyRow) => number | null;
  xHalfWidth: (p: PolicyRow) => number | null;
}

/**
 * Continuity against waiting time, two panels: the mean wait of all answered calls (what the
 * preference costs everyone) and of returning calls (what it costs the callers it serves). Each
 * policy is a point with its 95% intervals; swept values of one policy are joined into a curve.
 */
export function chartSvg(r: SimulationReport): string {
  const panels: Panel[] = [
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
  const panelW = 380;
  const panelH = 300;
  const left = 70;
  const gap = 70;
  const top = 78;
  const w = left + panels.length * panelW + (panels.length - 1) * gap + 30;
  const h = top + panelH + 95;
  const f = (v: number) => v.toFixed(1);
  const rows = r.policies.filter((p) => p.continuity !== null);
  const yTop =
    (rows.length ? Math.max(...rows.map((p) => (p.continuity ?? 0) + (p.ci95.continuity ?? 0))) : 0.1) * 1.08;
  const yStep = niceStep(yTop, 5);
  const yMax = Math.min(1, Math.ceil(yTop / yStep) * yStep);
  const y = (v: number) => top + panelH - (v / yMax) * panelH;
  const parts: string[] = [];

  panels.forEach((panel, index) => {
    const x0 = left + index * (panelW + gap);
    const points = rows.filter((p) => panel.x(p) !== null);
    const lo = Math.min(...points.map((p) => (panel.x(p) as number) - (panel.xHalfWidth(p) ?? 0)));
    const hi = Math.max(...points.map((p) => (panel.x(p) as number) + (panel.xHalfWidth(p) ?? 0)));
    const xStep = niceStep(Math.max(hi - lo, 1), 5);
    const xMin = Math.max(0, Math.floor((lo - xStep / 2) / xStep) * xStep);
    const xMax = Math.ceil((hi + xStep / 2) / xStep) * xStep;
    const x = (v: number) => x0 + ((v - xMin) / (xMax - xMin)) * panelW;

    for (let v = xMin; v <= xMax + 1e-9; v += xStep) {
      parts.push(
        `<line x1="${f(x(v))}" y1="${top}" x2="${f(x(v))}" y2="${top + panelH}" stroke="#e8e8e8"/>`,
        `<text x="${f(x(v))}" y="${top + panelH + 16}" font-size="11" text-anchor="middle">${+v.toFixed(6)}</text>`,
      );
    }
    for (let v = 0; v <= yMax + 1e-9; v += yStep) {
      parts.push(
        `<line x1="${x0}" y1="${f(y(v))}" x2="${x0 + panelW}" y2="${f(y(v))}" stroke="#e8e8e8"/>`,
        `<text x="${x0 - 6}" y="${f(y(v) + 4)}" font-size="11" text-anchor="end">${+(v * 100).toFixed(1)}%</text>`,
      );
    }
    parts.push(
      `<rect x="${x0}" y="${top}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`,
      `<text x="${x0}" y="${top - 8}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`,
      `<text x="${x0 + panelW / 2}" y="${top + panelH + 36}" font-size="12" text-anchor="middle">${esc(panel.xLabel)}</text>`,
    );

    // A sweep is the rows of one family that differ only in the swept value, joined in order.
    const families = new Map<string, PolicyRow[]>();
    for (const p of points) {
      const key = `${p.name}|${p.acceptShare ?? ''}|${p.preferBusyAgent ?? ''}`;
      families.set(key, [...(families.get(key) ?? []), p]);
    }
    for (const family of families.values()) {
      const name = (family[0] as PolicyRow).name;
      const color = COLORS[name];
      const sorted = [...family].sort(
        (a, b) => (a.expirySeconds ?? a.maxWaitSeconds ?? 0) - (b.expirySeconds ?? b.maxWaitSeconds ?? 0),
      );
      if (sorted.length > 1) {
        const d = sorted
          .map((p, i) => `${i ? 'L' : 'M'}${f(x(panel.x(p) as number))} ${f(y(p.continuity ?? 0))}`)
          .join(' ');
        parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
      }
      for (const p of sorted) {
        const px = panel.x(p) as number;
        const cx = x(px);
        const cy = y(p.continuity ?? 0);
        const hx = panel.xHalfWidth(p) ?? 0;
        const hy = p.ci95.continuity ?? 0;
        parts.push(
          `<line x1="${f(x(Math.max(xMin, px - hx)))}" y1="${f(cy)}" x2="${f(x(px + hx))}" y2="${f(cy)}" stroke="${color}" stroke-opacity="0.5"/>`,
          `<line x1="${f(cx)}" y1="${f(y(Math.max(0, (p.continuity ?? 0) - hy)))}" x2="${f(cx)}" y2="${f(y((p.continuity ?? 0) + hy))}" stroke="${color}" stroke-opacity="0.5"/>`,
          `<circle cx="${f(cx)}" cy="${f(cy)}" r="4" fill="${color}"/>`,
        );
        // Preferred-agent labels above left of their point, agent-queue below right: the two
        // curves run close together, so their labels go to opposite sides.
        const label =
          name === 'none' ? 'none' : `${name === 'preferred-agent' ? p.expirySeconds : p.maxWaitSeconds}s`;
        const [dx, dy, anchor] =
          name === 'agent-queue' ? [7, 15, 'start'] : name === 'none' ? [7, -7, 'start'] : [-6, -7, 'end'];
        parts.push(
          `<text x="${f(cx + dx)}" y="${f(cy + dy)}" font-size="10" fill="${color}" text-anchor="${anchor}">${esc(label)}</text>`,
        );
        const recommended =
          r.recommendation?.expirySeconds != null &&
          name === 'preferred-agent' &&
          p.expirySeconds === r.recommendation.expirySeconds;
        if (recommended) {
          parts.push(
            `<circle cx="${f(cx)}" cy="${f(cy)}" r="8.5" fill="none" stroke="#2ca02c" stroke-width="2"/>`,
          );
        }
      }
    }
  });

  parts.push(
    `<text x="18" y="${top + panelH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${top + panelH / 2})">continuity (returning calls answered by their last agent)</text>`,
  );
  const legend: Array<[string, string, boolean]> = [
    ['none', COLORS.none, false],
    ['preferred-agent, by expirySeconds', COLORS['preferred-agent'], false],
    ['agent-queue, by maxWaitSeconds', COLORS['agent-queue'], false],
    ['recommended expiry', '#2ca02c', true],
  ];
  let lx = left;
  const ly = h - 18;
  for (const [name, color, ring] of legend) {
    parts.push(
      ring
        ? `<circle cx="${lx + 5}" cy="${ly - 4}" r="6" fill="none" stroke="${color}" stroke-width="2"/>`
        : `<circle cx="${lx + 5}" cy="${ly - 4}" r="4" fill="${color}"/>`,
      `<text x="${lx + 15}" y="${ly}" font-size="11">${esc(name)}</text>`,
    );
    lx += 30 + name.length * 6;
  }
  const m = r.meta;
  const subtitle = `${m.agents} agents (${m.staffedAgents.toFixed(1)} staffed), ${m.offeredErlangs.toFixed(1)} Erlang offered, ${m.hours} h, seed ${m.seed}; bars: 95% intervals (batch means)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">
  <rect width="100%" height="100%" fill="white"/>
  <text x="${left}" y="26" font-size="16" font-weight="bold">Continuity against waiting time, per routing policy</text>
  <text x="${left}" y="44" font-size="11" fill="#555">${esc(subtitle)}</text>
  ${parts.join('\n  ')}
</svg>
`;
}
