import type { BenchReport } from './report';

/** A small dependency-free SVG: p50/p99 decision time and recall per contender. */
export function latencySvg(r: BenchReport): string {
  const w = 640;
  const h = 320;
  const left = 150;
  const barH = 18;
  const maxMs = Math.max(1, ...r.contenders.map((c) => c.p99));
  const scale = (w - left - 160) / maxMs;
  const esc = (s: string) =>
    s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
  const rows = r.contenders
    .map((c, i) => {
      const y = 60 + i * 80;
      return [
        `<text x="10" y="${y + 14}" font-size="13">${esc(c.name)}</text>`,
        `<rect x="${left}" y="${y}" width="${c.p50 * scale}" height="${barH}" fill="#4e79a7"/>`,
        `<text x="${left + c.p50 * scale + 4}" y="${y + 14}" font-size="11">p50 ${c.p50} ms</text>`,
        `<rect x="${left}" y="${y + barH + 4}" width="${c.p99 * scale}" height="${barH}" fill="#f28e2b"/>`,
        `<text x="${left + c.p99 * scale + 4}" y="${y + barH + 18}" font-size="11">p99 ${c.p99} ms</text>`,
        `<text x="${w - 150}" y="${y + 24}" font-size="13" font-weight="bold">recall ${c.recall.toFixed(3)}</text>`,
      ].join('\n  ');
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">
  <rect width="100%" height="100%" fill="white"/>
  <text x="10" y="28" font-size="16" font-weight="bold">Decision time and last-agent recall (${r.dataset.calls} calls, ${r.dataset.contacts} contacts)</text>
  ${rows}
</svg>
`;
}
