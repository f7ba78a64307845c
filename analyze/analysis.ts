/**
 * `analyze`, end to end without the command line: records in (records/), one version per
 * ContactId (contact.ts), the figures (figures/), the center's model (calibrate/: simulate.json,
 * the handle model and, when asked, the backtest and recommendation), as the object `--json`
 * prints and analysis.json holds. Nothing in it holds a caller number: figures are counts,
 * shares and times; skipped records are named by file and byte offset only.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ProgressLine } from '../local/progress';
import type { SimulationReport } from '../simulate/run';
import { goLiveLabel } from './calibrate/backtest';
import { DEFAULT_GO_LIVE_POLICY, type GoLivePolicy } from './calibrate/calibrate';
import {
  type CenterModel,
  type ModelOptions,
  type PreparedModel,
  centerModel,
  prepareModel,
  simulatedModel,
} from './calibrate/model';
import { type AttributeNames, type Contact, ContactSet, toContact } from './contact';
import type { ContactList } from './contact-list';
import { type Figures, computeFigures } from './figures/figures';
import { releasePhaseMemory } from './memory';
import { readRecords } from './records/reader';
import { type SkipSummary, SkipTally } from './records/skips';

export interface AnalyzeOptions {
  paths: string[];
  lookbackDays: number;
  /** ISO 8601, as given; contacts initiated at or after since and before until. */
  since?: string | undefined;
  until?: string | undefined;
  timeZone: string;
  attributeNames: AttributeNames;
  progress?: ProgressLine | undefined;
  s3?: S3Client | undefined;
  /** The preference live after go-live, for the backtest (default preferred-agent:30). */
  goLivePolicy?: GoLivePolicy | undefined;
  /** Simulate the calibrated center (backtest, policies, recommendation): seconds of work; the command does. */
  simulate?: boolean | undefined;
}

export interface Analysis extends Figures, CenterModel {
  /**
   * `--sql athena` only: where the figures came from (Athena's query executions) and the figures
   * left out (a query that failed, with Athena's reason). Absent for records read locally.
   */
  source?: {
    engine: 'athena';
    workgroup: string;
    queries: Record<string, { id: string; scannedBytes: number | null }>;
    omitted: { figure: string; reason: string }[];
  };
  /** Files read, records kept (before de-duplication), versions replaced by a newer one, records skipped. */
  files: number;
  records: number;
  duplicates: number;
  skipped: SkipSummary;
  options: {
    since: string | null;
    until: string | null;
    timeZone: string;
    lookbackDays: number;
    attributeNames: AttributeNames;
    /** The preference the backtest simulates after go-live, "preferred-agent:30". */
    goLivePolicy: string;
  };
}

/** No usable record under the PATHs: the command's exit 2. */
export class NoRecordsError extends Error {}

export async function analyze(o: AnalyzeOptions): Promise<Analysis> {
  return (await analyzeCenter(o)).analysis;
}

/** The analysis and, when the calibrated center was simulated, the simulator's whole report (its chart). */
export async function analyzeCenter(
  o: AnalyzeOptions,
): Promise<{ analysis: Analysis; simulation: SimulationReport | null }> {
  // The contacts live only inside readAndPrepare: the simulation runs once they can be freed.
  const { figures, meta, prepared } = await readAndPrepare(o);
  releasePhaseMemory(meta.records);
  return assembled(figures, meta, simulatedModel(prepared, modelOptions(figures, o)), o);
}

type Meta = Pick<Analysis, 'files' | 'records' | 'duplicates' | 'skipped'> &
  Partial<Pick<Analysis, 'source'>>;

/** The records read, their figures and the model up to the simulation: all that needs the contacts. */
async function readAndPrepare(
  o: AnalyzeOptions,
): Promise<{ figures: Figures; meta: Meta; prepared: PreparedModel }> {
  const skips = new SkipTally();
  const set = new ContactSet();
  const totals = await readRecords(o.paths, {
    skips,
    progress: o.progress,
    s3: o.s3,
    onRecord(record) {
      const contact = toContact(record, o.attributeNames);
      if (contact === 'MISSING_FIELD') return contact;
      set.add(contact);
      return undefined;
    },
  });
  if (set.size === 0)
    throw new NoRecordsError(
      `no contact record could be read from ${o.paths.join(' ')} (${totals.files} files, ${skips.total} records skipped)`,
    );
  const contacts = set.contacts();
  releasePhaseMemory(contacts.length);
  const window = windowOf(o);
  const figures = computeFigures(contacts, window);
  const meta = {
    files: totals.files,
    records: totals.records,
    duplicates: set.duplicates,
    skipped: skips.toJSON(),
  };
  return { figures, meta, prepared: prepareModel(contacts, modelOptions(figures, o)) };
}

/** The figures' window: --lookback-days, --since/--until as epoch ms, --timezone. */
function windowOf(o: WindowOptions) {
  return {
    lookbackDays: o.lookbackDays,
    since: o.since === undefined ? undefined : Date.parse(o.since),
    until: o.until === undefined ? undefined : Date.parse(o.until),
    timeZone: o.timeZone,
  };
}

type WindowOptions = Pick<AnalyzeOptions, 'lookbackDays' | 'since' | 'until' | 'timeZone'>;
type ModelRunOptions = WindowOptions & Pick<AnalyzeOptions, 'attributeNames' | 'goLivePolicy' | 'simulate'>;

/**
 * The analysis: the figures (from records, or from the data lake's SQL), the center's model from
 * the contacts (calibrate/), the counts of what was read and the options, as --json prints it.
 */
export function withModel(
  figures: Figures,
  contacts: ContactList,
  meta: Meta,
  o: ModelRunOptions,
): { analysis: Analysis; simulation: SimulationReport | null } {
  return assembled(figures, meta, centerModel(contacts, modelOptions(figures, o)), o);
}

/** The model's options: the figures' window, go-live from the figures, the policy, whether to simulate. */
function modelOptions(figures: Figures, o: ModelRunOptions): ModelOptions {
  const goLive = figures.outcome.goLive === null ? undefined : Date.parse(figures.outcome.goLive);
  return {
    ...windowOf(o),
    goLive,
    goLivePolicy: o.goLivePolicy ?? DEFAULT_GO_LIVE_POLICY,
    simulate: o.simulate ?? false,
  };
}

/** The analysis as --json prints it: what was read, the options, the figures, the model. */
function assembled(
  figures: Figures,
  meta: Meta,
  { report, ...model }: ReturnType<typeof centerModel>,
  o: ModelRunOptions,
): { analysis: Analysis; simulation: SimulationReport | null } {
  const analysis: Analysis = {
    ...meta,
    options: {
      since: o.since ?? null,
      until: o.until ?? null,
      timeZone: o.timeZone,
      lookbackDays: o.lookbackDays,
      attributeNames: o.attributeNames,
      goLivePolicy: goLiveLabel(o.goLivePolicy ?? DEFAULT_GO_LIVE_POLICY),
    },
    ...figures,
    ...model,
  };
  return { analysis, simulation: report };
}
