import { GetContactAttributesCommand } from '@aws-sdk/client-connect';
import { z } from 'zod';
import type { Config } from './lib/config';
import { createConnectClient } from './lib/connect-client';
import { Deadline, callWithRetry } from './lib/deadline';
import { isNotFound } from './lib/errors';
import { type Step, type StepDeps, lambdaHandler } from './lib/runtime';
import { type CsatCheck, PipelineInput, parseStepInput } from './lib/schemas';

export const CsatInput = PipelineInput.pick({ instanceId: true, deadlineAt: true }).extend({
  /** Attributes live on the contact chain, addressed by its initial contact id. */
  initialContactId: z.string().min(1).max(256),
});
export type CsatInput = typeof CsatInput._output;

export function gateOnCsat(
  value: string | undefined,
  config: Pick<Config, 'csatAttribute' | 'minCsat' | 'csatMissing'>,
): CsatCheck {
  if (!config.csatAttribute) return { gate: 'SKIPPED', detail: 'GATE_OFF' };
  const missingGate = config.csatMissing === 'pass' ? 'PASS' : 'FAIL';
  if (value === undefined || value.trim() === '') return { gate: missingGate, detail: 'MISSING' };
  const score = Number(value.trim());
  if (!Number.isFinite(score))
    return { gate: missingGate, score: value.slice(0, 32), detail: 'NOT_A_NUMBER' };
  return score < config.minCsat
    ? { gate: 'FAIL', score: String(score), detail: 'BELOW_THRESHOLD' }
    : { gate: 'PASS', score: String(score), detail: 'ABOVE_THRESHOLD' };
}

export async function checkLastContactCsat(input: CsatInput, deps: StepDeps): Promise<CsatCheck> {
  const { csatAttribute } = deps.config;
  if (!csatAttribute) return gateOnCsat(undefined, deps.config);
  const deadline = new Deadline(input.deadlineAt, deps.clock);
  try {
    const answer = await callWithRetry('GetContactAttributes', deadline, (abortSignal) =>
      deps.connect.send(
        new GetContactAttributesCommand({
          InstanceId: input.instanceId,
          InitialContactId: input.initialContactId,
        }),
        { abortSignal },
      ),
    );
    return gateOnCsat(answer.Attributes?.[csatAttribute], deps.config);
  } catch (err) {
    // Contact attributes can expire or be absent; that is a missing score, not a failed lookup.
    if (isNotFound(err)) return gateOnCsat(undefined, deps.config);
    throw err;
  }
}

export const checkLastContactCsatStep: Step = {
  state: 'Check Last Contact Csat',
  run: async (input, deps) =>
    checkLastContactCsat(parseStepInput(CsatInput, input, 'CheckLastContactCsat'), deps),
};

export const handler = lambdaHandler(checkLastContactCsatStep, createConnectClient);
