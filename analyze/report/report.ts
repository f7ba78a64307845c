/**
 * report.md: the center in numbers for a manager, rounded for people (analysis.json keeps the
 * exact values), with the charts beside it: first whether the calibrated simulator reproduces the
 * center, its policies and the recommendation (model.ts), then the figures. Every figure says
 * what it counts; a figure without data says so instead of showing 0.
 */
import type { Analysis } from '../analysis';
import { KNOWN_AGENT_RANKS } from '../definitions';
import type { KnownAgentShares } from '../figures/figures';
import type { Summary } from '../quantiles';
import { backtestSection, calibrationSection, policiesSection } from './model';

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);
const num = (v: number | null, digits = 0) =>
  v === null
    ? 'n/a'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const int = (v: number) => v.toLocaleString('en-US');
/** "k = 1: 3.8 %, k = 2: 5.1 %, k = 3: 6.0 %" (a figure missing, as from a failed query, is n/a). */
const byK = (shares: KnownAgentShares | undefined) =>
  KNOWN_AGENT_RANKS.map((k) => `k = ${k}: ${pct(shares?.[String(k)] ?? null)}`).join(', ');
const secs = (s: Summary) => `${num(s.mean)} s mean, ${num(s.p50)} s median, ${num(s.p90)} s p90`;

function inputSection(a: Analysis): string[] {
  const skipped = Object.entries(a.skipped.byReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${int(n)} ${reason}`)
    .join(', ');
  const window = [a.options.since && `from ${a.options.since}`, a.options.until && `until ${a.options.until}`]
    .filter(Boolean)
    .join(' ');
  return [
    `Read ${int(a.records)} records from ${int(a.files)} files; ${int(a.duplicates)} were older versions of a contact read again, ${int(a.skipped.total)} skipped${skipped ? ` (${skipped})` : ''}.`,
    ...unreadable(a.skipped.unreadableFiles, a.skipped.byReason.UNREADABLE_FILE),
    `Contacts: inbound voice calls${window ? ` ${window}` : ''}; hours in ${a.options.timeZone}; a caller is returning when an agent handled them in the ${a.options.lookbackDays} days before.`,
  ];
}

/** The files that could not be read or decompressed, by name (their records are not in the figures). */
function unreadable(files: readonly string[] | undefined, count: number): string[] {
  if (!files || files.length === 0) return [];
  const more = count > files.length ? `, and ${int(count - files.length)} more` : '';
  return [
    `Could not read or decompress ${int(count)} file${count === 1 ? '' : 's'}: ${files.map((f) => `\`${f}\``).join(', ')}${more}.`,
  ];
}

function centerTable(a: Analysis): string[] {
  return [
    '| figure | value | what it counts |',
    '|---|---|---|',
    `| contacts | ${int(a.contacts)} | inbound voice calls |`,
    `| callers | ${int(a.callers)} | distinct caller numbers (withheld and anonymous numbers are not callers) |`,
    `| handled | ${int(a.handled)} | contacts connected to an agent, by ${int(a.agents)} agents |`,
    `| returning | ${pct(a.returningShare)} | of contacts from known callers, ${int(a.returning)} had an agent contact in the lookback |`,
    `| same agent | ${pct(a.sameAgentShare)} | of returning contacts handled, the share the previous agent handled |`,
    `| last agent free | ${pct(a.lastAgentFreeShare)} | of returning contacts queued, the share whose previous agent was free and working at that moment |`,
    `| known agent | ${byK(a.knownAgentShare)} | of returning contacts handled, the share one of the caller's last k agents handled (k = 1: same agent) |`,
    `| known agent free | ${byK(a.knownAgentFreeShare)} | of returning contacts queued, the share where one of the caller's last k agents was free and working (k = 1: last agent free) |`,
    `| return interval | ${num(a.returnIntervalHours.p50, 1)} h median, ${num(a.returnIntervalHours.p90, 1)} h p90 | from the previous agent contact to the call |`,
    `| handle time | ${secs(a.handleTimeSeconds)} | talk + hold + after-contact work |`,
    `| talk | ${secs(a.talkSeconds)} | interaction + hold |`,
    `| after-contact work | ${secs(a.acwSeconds)} | |`,
    `| queue wait | ${secs(a.queueWaitSeconds)} | queued contacts, answered or not |`,
    `| abandoned | ${pct(a.abandonRate)} | of queued contacts, never connected to an agent |`,
  ];
}

function outcomeSection(a: Analysis): string[] {
  const o = a.outcome;
  if (o.decided === 0)
    return [
      'No contact carries the product’s route attribute: the records are from before go-live (or the',
      'flow stores its attributes under other names: `--attribute-names`).',
    ];
  const period = (name: string, p: Analysis['outcome']['beforeGoLive']) =>
    p
      ? `| ${name} | ${int(p.contacts)} | ${pct(p.sameAgentShare)} | ${pct(p.abandonRate)} | ${num(p.queueWaitSeconds.mean)} s |`
      : `| ${name} | 0 | n/a | n/a | n/a |`;
  const reasons = Object.entries(o.byReason)
    .sort(([, x], [, y]) => y - x)
    .map(([r, n]) => `${r} ${int(n)}`)
    .join(', ');
  return [
    `Go-live (the first decided contact): ${o.goLive}. The product decided ${int(o.decided)} contacts and routed ${int(o.routedLastAgent)} to the last agent; of those that reached an agent, ${pct(o.reachedLastAgentShare)} reached the stored agent (the dashboard's Reached / (Reached + Missed)).`,
    '',
    `Reasons: ${reasons}.`,
    '',
    '| period | contacts | same agent | abandoned | mean queue wait |',
    '|---|---|---|---|---|',
    period('before go-live', o.beforeGoLive),
    period('after go-live', o.afterGoLive),
  ];
}

/** The report; `chartFile` and `policyChart` are the charts' file names beside it (none on stdout). */
export function reportMarkdown(a: Analysis, chartFile: string | undefined, policyChart?: string): string {
  const policies = policiesSection(a, policyChart);
  const calibration = calibrationSection(a);
  return [
    '# Your center in numbers',
    '',
    ...backtestSection(a),
    '',
    ...(policies.length ? [...policies, ''] : []),
    '## The records',
    '',
    ...inputSection(a),
    '',
    ...centerTable(a),
    '',
    ...(chartFile ? [`![Arrivals and agents working by hour of day](${chartFile})`, ''] : []),
    '## After go-live',
    '',
    ...outcomeSection(a),
    '',
    ...(calibration.length ? [...calibration, ''] : []),
    'Definitions: docs/analyze.md in the last-agent repository. Exact values: analysis.json.',
    '',
  ].join('\n');
}
