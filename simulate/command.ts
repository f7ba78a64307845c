/**
 * `last-agent simulate --config FILE [--json] [--out DIR]`: runs the policy simulator.
 * A usage or configuration error is thrown as a SimulationConfigError (the CLI's exit 2). Everything
 * that can be checked is checked before the run: the configuration, the size of the run
 * (budget.ts) and the --out directory. On a terminal, a run longer than a few seconds shows its
 * progress on stderr (progress.ts), unless --json is given.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareOutDir } from '../local/out-dir';
import { runSizeProblem } from './budget';
import { SimulationConfigError, loadSimulationConfig } from './config';
import { ProgressLine, type ProgressStream } from './progress';
import { chartSvg, formatTable, reportJson } from './report';
import { runSimulation } from './run';

export const SIMULATE_USAGE = 'last-agent simulate --config FILE [--json] [--out DIR]';

const OUT_FILES = ['simulation.json', 'continuity-vs-wait.svg'] as const;

/** Where the command writes its messages and progress, and its clock: the process's, or fakes in tests. */
export interface SimulateIo {
  stderr?: ProgressStream;
  clock?: () => number;
}

export async function runSimulateCommand(args: string[], io: SimulateIo = {}): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const clock = io.clock ?? performance.now.bind(performance);
  // A usage mistake is thrown (the CLI prints it on one line with a pointer to --help, exit 2);
  // parseArgs' own errors keep their ERR_PARSE_ARGS_* codes for the same treatment.
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.config)
    throw new SimulationConfigError(
      'simulate needs --config FILE, e.g. simulate/examples/claims-center.json',
    );
  const config = loadSimulationConfig(values.config);
  const tooLarge = runSizeProblem(config);
  if (tooLarge) throw new SimulationConfigError(tooLarge);
  const outProblem = values.out === undefined ? null : prepareOutDir(values.out, OUT_FILES);
  if (outProblem) throw new SimulationConfigError(outProblem);

  const progress = !values.json && stderr.isTTY ? new ProgressLine(stderr, { clock }) : undefined;
  const report = runSimulation(config, clock, progress && ((d, t, f) => progress.update(d, t, f)));
  progress?.finish();
  const json = reportJson(report);
  if (values.out) {
    writeFileSync(join(values.out, 'simulation.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(values.out, 'continuity-vs-wait.svg'), chartSvg(report));
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    process.stdout.write(`${formatTable(report)}\n`);
    if (values.out)
      process.stdout.write(`\nwrote simulation.json and continuity-vs-wait.svg to ${values.out}/\n`);
  }
  return 0;
}
