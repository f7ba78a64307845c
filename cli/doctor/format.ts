import type { DoctorReport } from './run';

/** Word-wraps text for a terminal; words longer than the width (ARNs) stay whole. */
function wrap(text: string, indent: string, nextIndent = indent, width = 100): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.trim() && line.length + 1 + word.length > width) {
      lines.push(line);
      line = nextIndent + word;
    } else line = line.trim() ? `${line} ${word}` : line + word;
  }
  lines.push(line);
  return lines;
}

/** The report for a terminal: one block per check, what was touched, the summary line. */
export function formatDoctor(report: DoctorReport): string {
  const scope = report.touched.length ? 'read-only except one synthetic decision' : 'read-only';
  const lines = [
    `last-agent doctor: Amazon Connect instance ${report.instanceId}${report.region ? ` (${report.region})` : ''}${report.deployment ? `, deployment from ${report.deployment}` : ''}, ${scope}`,
    '',
  ];
  for (const c of report.checks) {
    lines.push(`${c.status.toUpperCase().padEnd(4)}  ${c.title}`);
    lines.push(...wrap(c.detail, '      '));
    if (c.hint && c.status !== 'pass' && c.status !== 'skip')
      lines.push(...wrap(`→ ${c.hint}`, '      ', '        '));
  }
  lines.push('');
  for (const t of report.touched) lines.push(...wrap(`Touched: ${t}.`, '', '  '));
  const { pass, warn, fail, skip } = report.summary;
  lines.push(
    `${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed, ${skip} skipped: ${report.ok ? 'ready' : 'fix the failed checks'}`,
  );
  return lines.join('\n');
}
