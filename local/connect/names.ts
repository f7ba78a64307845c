/**
 * The names a scenario's faults use and the scenario's error, apart from scenario.ts: the CLI's
 * usage text and error lines need them, and scenario.ts loads the Connect client (its enums), which
 * a command such as `analyze` must not pay for.
 */
import { z } from 'zod';

/** The longest delay a Node.js timer can hold (2^31 - 1 ms, about 24.8 days). */
export const MAX_DELAY_MS = 2_147_483_647;

export const Operation = z.enum([
  'SearchContacts',
  'GetCurrentUserData',
  'DescribeContact',
  'GetContactAttributes',
  'DescribeUser',
  'ListAgentStatuses',
  'DescribeAgentStatus',
  'ListRoutingProfileQueues',
  'DescribeRoutingProfile',
  'DescribeQueue',
  'ListLambdaFunctions',
  // What `last-agent doctor` reads besides the decision path (local/connect/flows.ts).
  'DescribeContactFlow',
  'ListPhoneNumbersV2',
  'ListFlowAssociations',
  'ListUsers',
]);
export type Operation = z.infer<typeof Operation>;
export const OPERATIONS = Operation.options;

export const FaultKind = z.enum(['throttle', 'error500', 'error503', 'malformed', 'reset', 'slow']);
export type FaultKind = z.infer<typeof FaultKind>;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}
