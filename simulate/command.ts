/**
 * `last-agent simulate --config FILE [--json] [--out DIR]`: runs the policy simulator.
 * Exit code 2 on a usage or configuration error (one message on stderr), 0 otherwise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SimulationConfigError, loadSimulationConfig } from './config';
import { chartSvg, formatTable, reportJson } from './report';
import { runSimulation } from './run';

export const SIMULATE_USAGE = 'last-agent simulate --config FILE [--json] [--out DIR]';

export async function runSimulateCommand(args: string[]): Promise<number> {
  let values: { config?: string | undefined; json?: boolean | undefined; out?: string | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usageError((err as Error).message);
  }
  if (!values.config)
    return usageError('simulate needs --config FILE (see simulate/examples/claims-center.json)');

  let config: ReturnType<typeof loadSimulationConfig>;
  try {
    config = loadSimulationConfig(values.config);
  } catch (err) {
    if (err instanceof SimulationConfigError) {
      process.stderr.write(`last-agent simulate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const report = runSimulation(config);
  const json = reportJson(report);
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
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

function usageError(message: string): number {
  process.stderr.write(`last-agent simulate: ${message}\nusage: ${SIMULATE_USAGE}\n`);
  return 2;
}
