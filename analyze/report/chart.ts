/**
 * The report's chart: arrivals per hour of day (bars) and agents working per hour (a line),
 * on the center's clock, as a dependency-free SVG. Staffing per hour is the weekday figures
 * averaged over the weekdays that have contacts.
 */
import type { Figures } from '../figures/figures';

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const f = (v: number) => v.toFixed(1);

/** Agents working per hour of day: the mean over the weekdays with contacts. */
export function staffingPerHour(figures: Figures): number[] {
  const rows = figures.staffing.filter((_, w) => figures.arrivalsPerHourByWeekday[w]?.some((v) => v > 0));
  return Array.from({ length: 24 }, (_, h) =>
    rows.length ? rows.reduce((sum, row) => sum + (row[h] ?? 0), 0) / rows.length : 0,
  );
}

/** A round axis maximum: 1, 2 or 5 times a power of ten at or above `v`. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function arrivalsChartSvg(figures: Figures, timeZone: string): string {
  const W = 760;
  const H = 320;
  const left = 56;
  const right = 56;
  const top = 40;
  const bottom = 44;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const arrivals = figures.arrivalsPerHour;
  const staff = staffingPerHour(figures);
  const aMax = niceMax(Math.max(...arrivals));
  const sMax = niceMax(Math.max(...staff));
  const slot = plotW / 24;
  const y = (v: number, max: number) => top + plotH - (v / max) * plotH;
  const bars = arrivals
    .map(
      (v, h) =>
        `<rect x="${f(left + h * slot + 2)}" y="${f(y(v, aMax))}" width="${f(slot - 4)}" height="${f(top + plotH - y(v, aMax))}" fill="#4e79a7"><title>${h}:00 ${v.toFixed(1)} calls</title></rect>`,
    )
    .join('');
  const line = staff.map((v, h) => `${f(left + (h + 0.5) * slot)},${f(y(v, sMax))}`).join(' ');
  const hours = Array.from({ length: 24 }, (_, h) =>
    h % 3 === 0
      ? `<text x="${f(left + (h + 0.5) * slot)}" y="${H - bottom + 16}" text-anchor="middle">${h}</text>`
      : '',
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<text x="${left}" y="20" font-size="14" font-weight="bold">Arrivals and agents working by hour of day (${esc(timeZone)})</text>
<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>
${bars}
<polyline points="${line}" fill="none" stroke="#e07b00" stroke-width="2.5"/>
${hours}
<text x="${left + plotW / 2}" y="${H - 8}" text-anchor="middle">hour of day</text>
<text x="12" y="${top + plotH / 2}" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle" fill="#4e79a7">inbound calls per hour (bars, max ${aMax})</text>
<text x="${W - 12}" y="${top + plotH / 2}" transform="rotate(90 ${W - 12} ${top + plotH / 2})" text-anchor="middle" fill="#e07b00">agents working (line, max ${sMax})</text>
</svg>
`;
}
