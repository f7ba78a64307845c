/**
 * `last-agent sample-records --out DIR [--center month-24|small-long-calls] [--go-live-day N|none]
 * [--seed N] [--gzip] [--faults]`: a generated center's contact records, written as Firehose
 * delivers them to S3, to try `analyze` (and later the calibrated simulator) without AWS. The
 * generator (generator/) is an independent model of a center, written from AWS's contact-record
 * data model; the simulator never sees it.
 */
import { parseArgs } from 'node:util';
import { UsageError, wholeNumber } from '../local/args';
import { prepareOutDir } from '../local/out-dir';
import { SHAPES, type ShapeName, writeCenter } from './generator';

export const CENTERS = Object.keys(SHAPES) as ShapeName[];

export function sampleOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      center: { type: 'string' },
      'go-live-day': { type: 'string' },
      seed: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      faults: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const center = (values.center ?? 'month-24') as ShapeName;
  if (!CENTERS.includes(center))
    throw new UsageError(`--center must be one of ${CENTERS.join(', ')}, got "${values.center}"`);
  const days = SHAPES[center].days;
  const goLive = values['go-live-day'];
  const goLiveDay =
    goLive === 'none' ? null : wholeNumber(goLive, Math.floor(days / 2), '--go-live-day', 0, days - 1);
  const seed = values.seed === undefined ? undefined : wholeNumber(values.seed, 0, '--seed', 0, 2 ** 31 - 1);
  if (!values.out) throw new UsageError('sample-records needs --out DIR, the folder to write the records to');
  const problem = prepareOutDir(values.out, []);
  if (problem) throw new UsageError(problem);
  return { out: values.out, center, goLiveDay, seed, gzip: values.gzip, faults: values.faults };
}

export async function runSampleCommand(args: string[]): Promise<number> {
  const o = sampleOptions(args);
  const manifest = writeCenter(
    o.center,
    { goLiveDay: o.goLiveDay, ...(o.seed === undefined ? {} : { seed: o.seed }) },
    o.out,
    { gzip: o.gzip, faults: o.faults },
  );
  const n = (v: number) => v.toLocaleString('en-US');
  process.stdout.write(
    `wrote ${n(manifest.objects)} contact records (${n(manifest.contacts)} contacts, ${manifest.shape.agents} agents, ${manifest.shape.days} days from ${manifest.shape.start}${o.goLiveDay === null ? '' : `, go-live on day ${o.goLiveDay}`}) in ${n(manifest.files.length)} files under ${o.out}/\n`,
  );
  process.stdout.write(
    `next: npx last-agent analyze --records ${o.out} --timezone ${manifest.shape.timeZone}\n`,
  );
  return 0;
}
