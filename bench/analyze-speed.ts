/**
 * The `analyze` speed bench (issue 26): how fast `analyze --json` reads contact records, beside
 * the physical limit measured in the same run on the same files.
 *
 *   npm run bench:analyze -- [--records N] [--gzip mixed|true|false] [--dir DIR]
 *
 * Files: generated once (analyze/generator, shape month-24, JSON lines, gzip as asked) into DIR
 * (reused when DIR already holds this bench's files for the same N and gzip) or a temporary
 * folder; the generation time is printed apart, it is not measured. Passes, each in a fresh Node
 * process (peak RSS is the process's own, process.resourceUsage().maxRSS), on one thread:
 *   bare     read each file whole, gunzip when .gz, split at '\n', JSON.parse each line, count;
 *   reader   readRecords (analyze/records) with an onRecord that only counts;
 *   analyze  analyze() of analyze/analysis.ts, as `analyze --json` without simulation;
 *   cli      the command itself, runAnalyzeCommand(['--records', DIR, '--json']) of
 *            analyze/command.ts, what `last-agent analyze` runs (bench/ does not import cli/,
 *            whose own modules add about 3 MB): the figures, the calibration, the simulation and
 *            backtest (a few seconds whatever the record count), the JSON printed (captured).
 * Times run from the first file opened to the last record counted (process start and module
 * loading excluded; for cli, from the command's start to its answer). Every process loads
 * TypeScript through tsx, as bin/last-agent.mjs does; every pass but bare keeps V8's young
 * generation at its starting size, as bin/last-agent.mjs does for `analyze` (analyze/memory.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { round, table } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;
/** Records per day of the month-24 shape over months (about 1,125 contacts and 2.5 % copies). */
const RECORDS_PER_DAY = 1150;

export const PASSES = ['bare', 'reader', 'analyze', 'cli'] as const;
export type PassName = (typeof PASSES)[number];

/** What one child process measured. */
export interface PassResult {
  pass: PassName;
  records: number;
  /** Content bytes (after gunzip). */
  bytes: number;
  seconds: number;
  /** Peak resident set size of the whole process, bytes. */
  peakRss: number;
  /** Resident set size after the modules loaded, before the first file, bytes. */
  startRss: number;
  /** analyze only: distinct contacts and callers of the analysis. */
  contacts?: number;
  callers?: number;
}

export interface BenchOptions {
  records: number;
  gzip: boolean | 'mixed';
  dir: string | undefined;
}

/** The files under a folder, recursively, sorted (the records/ folder of a bench directory). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** The physical limit: whole files, gunzip, split at the known '\n' boundaries, JSON.parse. */
function barePass(dir: string): { records: number; bytes: number } {
  let records = 0;
  let bytes = 0;
  for (const file of filesUnder(dir)) {
    const raw = readFileSync(file);
    const content = file.endsWith('.gz') ? gunzipSync(raw) : raw;
    bytes += content.length;
    const text = content.toString('utf8');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (end > start && JSON.parse(text.slice(start, end)) !== null) records++;
      start = end + 1;
    }
  }
  return { records, bytes };
}

/** One pass, in this (child) process: its modules loaded first, then timed. */
async function runPass(pass: PassName, dir: string): Promise<PassResult> {
  // As bin/last-agent.mjs does for `analyze`, before the analysis's modules load; the reader too,
  // whose growth is subtracted from analyze's (memory kept) and must not hold a young generation
  // analyze does not. The bare pass stays at Node's defaults: the physical limit.
  if (pass !== 'bare') (await import('../analyze/memory')).boundYoungGeneration();
  let work: () => Promise<Omit<PassResult, 'pass' | 'seconds' | 'peakRss' | 'startRss'>>;
  if (pass === 'bare') work = async () => barePass(dir);
  else if (pass === 'reader') {
    const { readRecords, SkipTally } = await import('../analyze/records/reader');
    work = async () => {
      const totals = await readRecords([dir], { skips: new SkipTally(), onRecord: () => undefined });
      return { records: totals.records, bytes: totals.bytes };
    };
  } else if (pass === 'cli') {
    const { runAnalyzeCommand } = await import('../analyze/command');
    work = async () => {
      let out = '';
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
      }) as typeof process.stdout.write;
      try {
        const code = await runAnalyzeCommand(['--records', dir, '--json']);
        if (code !== 0) throw new Error(`analyze --json exited ${code}`);
      } finally {
        process.stdout.write = write;
      }
      const a = JSON.parse(out) as { records: number; contacts: number; callers: number };
      return { records: a.records, bytes: 0, contacts: a.contacts, callers: a.callers };
    };
  } else {
    const { analyze } = await import('../analyze/analysis');
    const { DEFAULT_ATTRIBUTE_NAMES, DEFAULT_LOOKBACK_DAYS } = await import('../analyze/definitions');
    work = async () => {
      const a = await analyze({
        paths: [dir],
        lookbackDays: DEFAULT_LOOKBACK_DAYS,
        timeZone: 'UTC',
        attributeNames: { ...DEFAULT_ATTRIBUTE_NAMES },
        simulate: false,
      });
      // analyze() does not count bytes: the parent takes them from the other passes (same files).
      return { records: a.records, bytes: 0, contacts: a.contacts, callers: a.callers };
    };
  }
  const startRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const out = await work();
  const seconds = (performance.now() - t0) / 1000;
  // maxRSS is in kilobytes.
  return { pass, ...out, seconds, startRss, peakRss: process.resourceUsage().maxRSS * 1024 };
}

/** Runs one pass in a fresh Node process (tsx loaded, as the CLI runs) and returns what it measured. */
function childPass(pass: PassName, dir: string): Promise<PassResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', pass, dir], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{'))
        reject(new Error(`${pass} pass failed (exit ${code}): ${stderr.trim() || stdout.trim()}`));
      else resolve(JSON.parse(last) as PassResult);
    });
  });
}

interface Prepared {
  recordsDir: string;
  generated: boolean;
  generationSeconds: number;
  files: number;
  diskBytes: number;
  cleanup: () => void;
}

/** This bench's files in `dir` (reused when they match), else generated there or in a temp folder. */
async function prepare(o: BenchOptions): Promise<Prepared> {
  const base = o.dir ?? (await mkdtemp(join(tmpdir(), 'analyze-speed-')));
  const cleanup =
    o.dir === undefined ? () => rmSync(base, { recursive: true, force: true }) : () => undefined;
  const recordsDir = join(base, 'records');
  const manifestPath = join(base, 'analyze-speed.json');
  const wanted = { records: o.records, gzip: o.gzip, form: 'jsonl' };
  const sizes = () => {
    const files = filesUnder(recordsDir);
    return { files: files.length, diskBytes: files.reduce((s, f) => s + statSync(f).size, 0) };
  };
  if (existsSync(manifestPath) && existsSync(recordsDir)) {
    const held = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (JSON.stringify(held) === JSON.stringify(wanted))
      return { recordsDir, generated: false, generationSeconds: 0, ...sizes(), cleanup };
    // Ours (the manifest says so), for another N or gzip: written again.
    rmSync(recordsDir, { recursive: true, force: true });
  } else if (existsSync(recordsDir) && readdirSync(recordsDir).length > 0) {
    throw new Error(`${recordsDir} exists and was not written by this bench: give another --dir`);
  }
  mkdirSync(recordsDir, { recursive: true });
  const { writeCenter } = await import('../analyze/generator/index');
  const t0 = performance.now();
  const days = Math.max(1, Math.round(o.records / RECORDS_PER_DAY));
  writeCenter('month-24', { days }, recordsDir, { gzip: o.gzip, form: 'jsonl' });
  const generationSeconds = (performance.now() - t0) / 1000;
  writeFileSync(manifestPath, `${JSON.stringify(wanted)}\n`);
  return { recordsDir, generated: true, generationSeconds, ...sizes(), cleanup };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The figures derived from the passes: shares of the bare pass, memory kept, the targets. */
export function verdicts(results: PassResult[]) {
  const by = (p: PassName) => results.find((r) => r.pass === p) as PassResult;
  const bare = by('bare');
  const reader = by('reader');
  const full = by('analyze');
  const rate = (r: PassResult) => r.records / r.seconds;
  // What analyze keeps: its growth over its own start minus the reader's (the modules analyze
  // loads beyond the reader's are not per contact); the issue's plain difference is printed too.
  const kept = Math.max(0, full.peakRss - full.startRss - (reader.peakRss - reader.startRss));
  const perRecord = kept / full.records;
  const fixed = full.peakRss - kept;
  const contacts = full.contacts ?? full.records;
  const callers = full.callers ?? 0;
  const rssAtMillion = fixed + perRecord * 1_000_000;
  const shareOfBare = rate(full) / rate(bare);
  const secondsAtMillion = (full.seconds * 1_000_000) / full.records;
  const cli = results.find((r) => r.pass === 'cli');
  return {
    shareOfBare,
    bytesPerContact: kept / contacts,
    plainPerContact: (full.peakRss - reader.peakRss) / contacts,
    bytesPerCaller: callers > 0 ? kept / callers : null,
    contacts,
    callers,
    recordsAtOneGb: perRecord > 0 ? Math.floor((1024 * MB - fixed) / perRecord) : null,
    secondsAtMillion,
    rssAtMillion,
    targets: [
      { name: 'analyze ≥ 50 % of the bare pass (records/s)', holds: shareOfBare >= 0.5 },
      { name: '≤ 60 s for 1,000,000 records (linear)', holds: secondsAtMillion <= 60 },
      { name: 'peak RSS ≤ 300 MB at 1,000,000 records (linear)', holds: rssAtMillion <= 300 * MB },
      ...(cli
        ? [
            {
              name: `the command, simulation included: peak RSS ≤ 300 MB at ${fmt(cli.records)} records (as measured)`,
              holds: cli.peakRss <= 300 * MB,
            },
          ]
        : []),
    ],
  };
}

/** The report: the table of the passes, memory kept, and each target, plainly. */
export function reportText(results: PassResult[]): string {
  const bareRate = (results[0] as PassResult).records / (results[0] as PassResult).seconds;
  const contentBytes = Math.max(...results.map((r) => r.bytes));
  const rows = results.map((r) => {
    const mb = (r.bytes || contentBytes) / MB;
    const rate = r.records / r.seconds;
    return [
      r.pass,
      fmt(r.records),
      round(mb, 1),
      round(r.seconds, 2),
      fmt(rate),
      round(mb / r.seconds, 1),
      `${round((100 * rate) / bareRate, 0)} %`,
      round(r.peakRss / MB, 0),
    ];
  });
  const v = verdicts(results);
  const perMillion = (n: number) => `${round(n, 1)} s`;
  return [
    table(['pass', 'records', 'MB', 'seconds', 'records/s', 'MB/s', '% of bare', 'peak RSS MB'], rows),
    '',
    `MB: content bytes (after gunzip); analyze's are the same files'. RSS after module load: ${results.map((r) => `${r.pass} ${round(r.startRss / MB, 0)} MB`).join(', ')}.`,
    `Kept by analyze (its RSS growth minus the reader's): ${fmt(v.bytesPerContact)} bytes per contact (${fmt(v.contacts)} contacts), ${v.bytesPerCaller === null ? 'n/a' : fmt(v.bytesPerCaller)} bytes per caller (${fmt(v.callers)} callers); peak minus peak, module loading included: ${fmt(v.plainPerContact)} bytes per contact.`,
    `analyze's RSS would reach 1 GB at about ${v.recordsAtOneGb === null ? 'n/a' : fmt(v.recordsAtOneGb)} records (linear).`,
    `At 1,000,000 records (linear): ${perMillion(v.secondsAtMillion)}, peak RSS ${round(v.rssAtMillion / MB, 0)} MB.`,
    ...v.targets.map((t) => `Target: ${t.name}: ${t.holds ? 'holds' : 'does not hold'}`),
  ].join('\n');
}

const USAGE =
  'usage: npm run bench:analyze -- [--records N] [--gzip mixed|true|false] [--dir DIR]\n' +
  '  (default 200000 records; the issue-26 run: npm run bench:analyze -- --records 1000000)';

export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { records: 200_000, gzip: 'mixed', dir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (flag === '--records' && value !== undefined && /^[1-9]\d*$/.test(value)) o.records = Number(value);
    else if (flag === '--gzip' && (value === 'mixed' || value === 'true' || value === 'false'))
      o.gzip = value === 'mixed' ? 'mixed' : value === 'true';
    else if (flag === '--dir' && value !== undefined) o.dir = value;
    else throw new Error(`${flag === undefined ? '' : `bad option ${flag}\n`}${USAGE}`);
  }
  return o;
}

/** The whole bench: files, the three passes in turn, the report. */
export async function runAnalyzeSpeed(o: BenchOptions, log: (line: string) => void): Promise<PassResult[]> {
  const files = await prepare(o);
  try {
    log(
      files.generated
        ? `Generated ${files.files} files (${round(files.diskBytes / MB, 1)} MB on disk, gzip ${o.gzip}, JSON lines) in ${round(files.generationSeconds, 1)} s (not measured).`
        : `Reusing ${files.files} files (${round(files.diskBytes / MB, 1)} MB on disk) in ${files.recordsDir}.`,
    );
    const results: PassResult[] = [];
    for (const pass of PASSES) results.push(await childPass(pass, files.recordsDir));
    log(reportText(results));
    if (o.records < 1_000_000) log('\nThe issue-26 run: npm run bench:analyze -- --records 1000000');
    return results;
  } finally {
    files.cleanup();
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    const result = await runPass(argv[1] as PassName, argv[2] as string);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  await runAnalyzeSpeed(parseArgs(argv), (line) => console.log(line));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
