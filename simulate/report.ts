/**
 * The simulator's outputs: a text table for people, a JSON document for tools (rounded, so two runs
 * of a seed print the same bytes apart from meta.performance), and a dependency-free SVG chart
 * of continuity against the mean wait of all callers and of returning callers, one point per
 * policy and the swept values joined as curves (chart.ts).
 */
import type { PolicyRow, SimulationReport } from './run';

export { chartSvg } from './chart';

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
      ...knownJson(p),
      asaReturningSeconds: round(p.asaReturningSeconds, 2),
      asaNewSeconds: round(p.asaNewSeconds, 2),
      occupancy: round(p.occupancy, 4),
      answeredAheadShare: round(p.answeredAheadShare, 4),
      ...otherWorkJson(p),
      ci95: {
        asaSeconds: round(p.ci95.asaSeconds, 2),
        asaReturningSeconds: round(p.ci95.asaReturningSeconds, 2),
        continuity: round(p.ci95.continuity, 4),
        ...(p.ci95.knownAgentShare !== undefined
          ? { knownAgentShare: round(p.ci95.knownAgentShare, 4) }
          : {}),
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

/** The known-agent shares, rounded like continuity (present only when a policy sets maxPreferred). */
function knownJson(p: PolicyRow): Pick<PolicyRow, 'knownAgentShare' | 'knownAgentShareByK'> {
  const byK = p.knownAgentShareByK;
  return {
    ...(p.knownAgentShare !== undefined ? { knownAgentShare: round(p.knownAgentShare, 4) } : {}),
    ...(byK
      ? { knownAgentShareByK: Object.fromEntries(Object.entries(byK).map(([k, v]) => [k, round(v, 4)])) }
      : {}),
  };
}

/** The other-work figures, rounded like the rest (present only when configured). */
function otherWorkJson(p: PolicyRow): Pick<PolicyRow, 'outbound' | 'transfers'> {
  return {
    ...(p.outbound
      ? {
          outbound: {
            jobs: p.outbound.jobs,
            occupancy: round(p.outbound.occupancy, 4) as number,
            idleAgentHours: round(p.outbound.idleAgentHours, 2) as number,
          },
        }
      : {}),
    ...(p.transfers
      ? {
          transfers: {
            ...p.transfers,
            asaSeconds: round(p.transfers.asaSeconds, 2),
            occupancy: round(p.transfers.occupancy, 4) as number,
          },
        }
      : {}),
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

/** "Other work (none): …" for the features configured, or null when none is. */
function otherWorkLine(p: PolicyRow): string | null {
  const parts: string[] = [];
  if (p.outbound) {
    parts.push(`${int(p.outbound.jobs)} outbound calls (${pct(p.outbound.occupancy)} of agent time)`);
  }
  if (p.transfers) {
    parts.push(
      `${int(p.transfers.legs)} transfer legs (answered after ${sec(p.transfers.asaSeconds)} s on average, ${pct(p.transfers.occupancy)} of agent time)`,
    );
  }
  if (p.redials !== undefined) parts.push(`${int(p.redials)} re-dials among the offered calls`);
  return parts.length > 0 ? `Other work (${p.label}): ${parts.join(', ')}.` : null;
}

/** One policy's cells (and its theory's, for `none` in the Erlang case); `known`: with the known-agent column. */
function policyCells(p: PolicyRow, known: boolean): string[][] {
  const half = (x: number | null) => pct(x).replace('%', '');
  const rows = [
    [
      p.label,
      int(p.offered),
      int(p.answered),
      pct(p.abandonRate),
      pct(p.pWait),
      pm(p.asaSeconds, p.ci95.asaSeconds, sec, sec),
      pct(p.serviceLevel),
      p.vsNone ? pm(p.vsNone.serviceLevel.difference, p.vsNone.serviceLevel.ci95, signedPoints, points) : '',
      pm(p.continuity, p.ci95.continuity, pct, half),
      ...(known ? [pm(p.knownAgentShare ?? null, p.ci95.knownAgentShare ?? null, pct, half)] : []),
      sec(p.asaReturningSeconds),
      sec(p.asaNewSeconds),
      p.returning.offered > 0 ? pct(p.returning.abandoned / p.returning.offered) : '–',
      pct(p.occupancy),
      pct(p.answeredAheadShare),
    ],
  ];
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
      ...(known ? [''] : []),
      '',
      '',
      '',
      pct(t.occupancy),
      '',
    ]);
  }
  return rows;
}

/** The human-readable table, the last agents' status and the recommendation. */
export function formatTable(r: SimulationReport): string {
  const known = r.policies.some((p) => p.knownAgentShare !== undefined);
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
    ...(known ? ['known'] : []),
    'ASA ret',
    'ASA new',
    'ab. ret',
    'occupancy',
    'ahead',
  ];
  const rows = r.policies.flatMap((p) => policyCells(p, known));
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
    ...(known
      ? [
          "known: returning calls answered by one of the caller's last maxPreferred distinct agents (none and agent-queue: the largest maxPreferred listed).",
        ]
      : []),
  ];
  const none = r.policies.find((p) => p.name === 'none') ?? r.policies[0];
  if (none && none.returning.offered > 0) {
    const s = none.returning.lastAgentStatus;
    const total = none.returning.offered;
    out.push(
      '',
      `When a customer called back (none), their last agent was: available ${pct(s.AVAILABLE / total)}, on a contact ${pct(s.BUSY / total)}, on a break or about to take one ${pct(s.NOT_ROUTABLE / total)}, off shift ${pct(s.OFFLINE / total)}.`,
    );
    const others = none.returning.knownAgents?.withOthers;
    if (none.knownAgentShareByK && others !== undefined) {
      out.push(
        `${pct(others / total)} of them had spoken to another agent before the last (the history keeps ${Object.keys(none.knownAgentShareByK).length} agents).`,
      );
    }
  }
  const work = none && otherWorkLine(none);
  if (work) out.push('', work);
  for (const w of m.warnings) out.push(`warning: ${w}`);
  if (r.recommendation) out.push('', `Recommendation: ${r.recommendation.text}.`);
  out.push(
    '',
    `${int(m.performance.events)} events in ${m.performance.wallSeconds.toFixed(2)} s (${int(m.performance.eventsPerSecond)} events/s).`,
  );
  return out.join('\n');
}
