import {
  SFNClient,
  StartSyncExecutionCommand,
  type StartSyncExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import type { Deadline } from '../connect/deadline';
import {
  ConnectApiError,
  ConnectThrottledError,
  LookupTimeoutError,
  classifyAwsError,
} from '../connect/errors';
import { PipelineOutput } from '../decision/route';
import type { PipelineInput } from '../decision/schemas';

/** One execution's answer, and its ARN for the decision log (find it in the Step Functions console). */
export interface PipelineResult {
  output: PipelineOutput;
  executionArn?: string;
}

/**
 * Executor backed by an Express state machine (StartSyncExecution). The call is aborted when
 * the deadline passes; SDK retries are off since a retry would not fit the budget.
 */
export function createSfnExecutor(stateMachineArn: string, client = new SFNClient({ maxAttempts: 1 })) {
  return async (input: PipelineInput, deadline: Deadline): Promise<PipelineResult> => {
    deadline.check('StartSyncExecution');
    let out: StartSyncExecutionCommandOutput;
    try {
      out = await client.send(
        new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
        { abortSignal: deadline.signal() },
      );
    } catch (err) {
      throw classifyAwsError(err, 'StartSyncExecution');
    }
    if (out.status === 'SUCCEEDED') {
      const output = PipelineOutput.parse(JSON.parse(out.output ?? '{}'));
      return { output, ...(out.executionArn ? { executionArn: out.executionArn } : {}) };
    }
    if (out.status === 'TIMED_OUT') throw new LookupTimeoutError('state machine timed out');
    if (out.error === 'ConnectThrottled')
      throw new ConnectThrottledError(`state machine failed: ${out.error}`);
    throw new ConnectApiError(`state machine ${out.status ?? 'FAILED'}: ${out.error ?? 'unknown error'}`);
  };
}
