/**
 * The rows of `analyze --sql athena`'s queries (queries.ts) back into the reader's figures and
 * contacts. Athena's GetQueryResults gives every value as a string or null, so every value is
 * parsed here; a figure with nothing to count is null, as the reader has it (figures/figures.ts,
 * figures/outcome.ts). A query whose rows are missing leaves its figures out, listed in `omitted`.
 */
import type { Contact } from '../contact';
import { KNOWN_AGENT_RANKS } from '../definitions';
import type { Figures, KnownAgentShares } from '../figures/figures';
import type { Outcome, PeriodFigures } from '../figures/outcome';
import type { Summary } from '../quantiles';
import type { SqlOptions } from './queries';

export type SqlRow = Record<string, string | null>;

export interface Omitted {
  figure: string;
  reason: string;
}

/** The figures each query gives (the keys of Figures). */
export const QUERY_FIGURES: Record<string, (keyof Figures)[]> = {
  figures: [
    'contacts',
    'callers',
    'handled',
    'agents',
    'returning',
    'returningShare',
    'sameAgentShare',
    'lastAgentFreeShare',
    'knownAgentShare',
    'knownAgentFreeShare',
    'abandonRate',
    'outcome',
  ],
  quantiles: [
    'returnIntervalHours',
    'handleTimeSeconds',
    'talkSeconds',
    'acwSeconds',
    'queueWaitSeconds',
    'outcome',
  ],
  arrivals: ['arrivalsPerHour', 'arrivalsPerHourByWeekday'],
  staffing: ['staffing'],
  reasons: ['outcome'],
};

/** Figures no query gives: none today (docs/analyze-sql.md, "Omitted"). */
export const OMITTED: readonly Omitted[] = [];

function num(v: string | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`not a number in the query results: "${v}"`);
  return n;
}

const whole = (v: string | null | undefined): number => num(v) ?? 0;

const grid = (): number[][] => Array.from({ length: 7 }, () => new Array<number>(24).fill(0));

function summaries(rows: SqlRow[]): Map<string, Summary> {
  const out = new Map<string, Summary>();
  for (const r of rows)
    out.set(`${r.figure ?? ''}\n${r.bucket ?? ''}`, { mean: num(r.mean), p50: num(r.p50), p90: num(r.p90) });
  return out;
}

const EMPTY: Summary = { mean: null, p50: null, p90: null };

function period(row: SqlRow, prefix: string, wait: Summary | undefined): PeriodFigures {
  return {
    contacts: whole(row[`${prefix}_contacts`]),
    sameAgentShare: num(row[`${prefix}_same_agent_share`]),
    abandonRate: num(row[`${prefix}_abandon_rate`]),
    queueWaitSeconds: wait ?? EMPTY,
  };
}

function outcomeOf(row: SqlRow, quantiles: Map<string, Summary>, reasons: SqlRow[]): Outcome {
  const goLive = num(row.go_live);
  const byRoute = [...quantiles].filter(([key]) => key.startsWith('queueWaitByRoute\n'));
  const byReason = reasons
    .map((r) => [r.reason ?? '', whole(r.contacts)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return {
    decided: whole(row.decided),
    routedLastAgent: whole(row.routed_last_agent),
    reachedLastAgentShare: num(row.reached_last_agent_share),
    byReason: Object.fromEntries(byReason),
    queueWaitByRoute: Object.fromEntries(
      byRoute
        .map(([key, s]) => [key.slice('queueWaitByRoute\n'.length), s] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
    goLive: goLive === null ? null : new Date(goLive).toISOString(),
    beforeGoLive:
      goLive === null ? null : period(row, 'before', quantiles.get('beforeGoLive.queueWaitSeconds\n')),
    afterGoLive:
      goLive === null ? null : period(row, 'after', quantiles.get('afterGoLive.queueWaitSeconds\n')),
  };
}

/** arrivalsPerHour (weekday NULL rows) and arrivalsPerHourByWeekday; 0 where no row. */
function arrivalsOf(rows: SqlRow[]): Pick<Figures, 'arrivalsPerHour' | 'arrivalsPerHourByWeekday'> {
  const byHour = new Array<number>(24).fill(0);
  const byWeekday = grid();
  for (const r of rows) {
    const hour = whole(r.local_hour);
    const perDay = num(r.per_day) ?? 0;
    if (r.weekday === null || r.weekday === undefined) byHour[hour] = perDay;
    else (byWeekday[whole(r.weekday)] as number[])[hour] = perDay;
  }
  return { arrivalsPerHour: byHour, arrivalsPerHourByWeekday: byWeekday };
}

function staffingOf(rows: SqlRow[]): number[][] {
  const g = grid();
  for (const r of rows) (g[whole(r.weekday)] as number[])[whole(r.local_hour)] = num(r.per_day) ?? 0;
  return g;
}

/** known_agent_share_K (or known_agent_free_share_K) by k, as the reader keys them. */
const byK = (row: SqlRow, column: string): KnownAgentShares =>
  Object.fromEntries(KNOWN_AGENT_RANKS.map((k) => [String(k), num(row[`${column}_${k}`])]));

function scalarFigures(row: SqlRow, q: Map<string, Summary>): Partial<Figures> {
  const s = (name: string) => q.get(`${name}\n`) ?? EMPTY;
  const interval = s('returnIntervalHours');
  return {
    contacts: whole(row.contacts),
    callers: whole(row.callers),
    handled: whole(row.handled),
    agents: whole(row.agents),
    returning: whole(row.returning),
    returningShare: num(row.returning_share),
    sameAgentShare: num(row.same_agent_share),
    lastAgentFreeShare: num(row.last_agent_free_share),
    knownAgentShare: byK(row, 'known_agent_share'),
    knownAgentFreeShare: byK(row, 'known_agent_free_share'),
    returnIntervalHours: { p50: interval.p50, p90: interval.p90 },
    handleTimeSeconds: s('handleTimeSeconds'),
    talkSeconds: s('talkSeconds'),
    acwSeconds: s('acwSeconds'),
    queueWaitSeconds: s('queueWaitSeconds'),
    abandonRate: num(row.abandon_rate),
  };
}

/**
 * The figures of the rows, by query name. `failed` (query name → why, e.g. Athena's error) and
 * any query without rows leave their figures out, in `omitted`.
 */
export function figuresFromRows(
  rows: Record<string, SqlRow[]>,
  _o: SqlOptions,
  failed: Record<string, string> = {},
): { figures: Partial<Figures>; omitted: Omitted[]; records: number; duplicates: number } {
  const omitted: Omitted[] = [...OMITTED];
  const missing = new Set<keyof Figures>();
  for (const [query, figures] of Object.entries(QUERY_FIGURES)) {
    if (rows[query] !== undefined && failed[query] === undefined) continue;
    for (const figure of figures) {
      if (missing.has(figure)) continue;
      missing.add(figure);
      omitted.push({ figure, reason: failed[query] ?? `the ${query} query gave no rows` });
    }
  }
  const row = rows.figures?.[0] ?? {};
  const quantiles = summaries(rows.quantiles ?? []);
  const all: Partial<Figures> = {
    ...scalarFigures(row, quantiles),
    ...arrivalsOf(rows.arrivals ?? []),
    staffing: staffingOf(rows.staffing ?? []),
    outcome: outcomeOf(row, quantiles, rows.reasons ?? []),
  };
  const figures = Object.fromEntries(
    Object.entries(all).filter(([key]) => !missing.has(key as keyof Figures)),
  ) as Partial<Figures>;
  return { figures, omitted, records: whole(row.records), duplicates: whole(row.duplicates) };
}

const text = (v: string | null | undefined): string | undefined =>
  v === null || v === undefined || v === '' ? undefined : v;
const seconds = (v: string | null | undefined): number | undefined => {
  const n = num(v);
  return n === null ? undefined : n / 1000;
};
const time = (v: string | null | undefined): number | undefined => num(v) ?? undefined;

/**
 * The `contacts` extract as the reader's contacts, for the calibration: the caller is
 * "caller-N" (N the engine's dense rank; the number never left it), `agentArn` and
 * `storedAgentArn` both the agent's id (the lake's agent_id, and the stored ARN's last part).
 */
export function contactsFromRows(rows: SqlRow[]): Contact[] {
  return rows.map((r) => ({
    id: r.id ?? '',
    lastUpdate: whole(r.last_update),
    initiation: whole(r.initiation),
    channel: text(r.channel),
    method: text(r.method),
    caller: text(r.caller_rank) === undefined ? undefined : `caller-${r.caller_rank}`,
    initialId: text(r.initial_id),
    agentArn: text(r.agent),
    connected: time(r.connected),
    acwEnd: time(r.acw_end),
    disconnect: time(r.disconnect),
    enqueue: time(r.enqueue),
    queueSeconds: seconds(r.queue_ms),
    interaction: seconds(r.interaction_ms),
    hold: seconds(r.hold_ms),
    acw: seconds(r.acw_ms),
    route: r.route ?? '',
    reason: r.reason ?? '',
    storedAgentArn: r.stored_agent ?? '',
  }));
}
