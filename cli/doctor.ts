import { parseArgs } from 'node:util';
import { runDoctorWith } from './doctor/command';

/**
 * `last-agent doctor`: the preflight of an Amazon Connect instance and of everything go-live needs
 * (issue 25). The checks live in cli/doctor/, one file per area; this module is the command's
 * entry (its options, as cli/usage.ts lists them) and the names the rest of the code and the
 * tests use.
 */
export async function runDoctorCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'instance-id': { type: 'string' },
      region: { type: 'string' },
      'queue-id': { type: 'string' },
      'queue-arn': { type: 'string' },
      'function-arn': { type: 'string' },
      'attribute-key': { type: 'string' },
      'stack-name': { type: 'string' },
      'flow-arn': { type: 'string' },
      table: { type: 'string' },
      'test-caller': { type: 'string' },
      'phone-number': { type: 'string' },
      local: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return runDoctorWith(values);
}
export {
  CHECK_IDS,
  type CheckId,
  type CheckStatus,
  type Deployment,
  type DoctorCheck,
} from './doctor/context';
export { DEFAULT_TEST_CALLER } from './doctor/decision';
export { formatDoctor } from './doctor/format';
export { searchableKeyHint } from './doctor/instance';
export { LOCAL_FUNCTION_NAME, runLocalDoctor } from './doctor/local';
export { DOCUMENTED_QUOTAS, KNOWN_QUOTA_CODES } from './doctor/quotas';
export { DEFAULT_ATTRIBUTE_KEY, type DoctorOptions, type DoctorReport, runDoctor } from './doctor/run';
export { DOCTOR_PERMISSIONS } from './doctor/permissions';
