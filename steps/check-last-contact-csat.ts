import { GetContactAttributesCommand, type GetContactAttributesCommandOutput } from '@aws-sdk/client-connect';
import * as z from 'zod/mini';
import { createConnectClient } from './lib/connect/client';
import { Deadline } from './lib/connect/deadline';
import { isNotFound } from './lib/connect/errors';
import { type CsatCheck, PipelineInput } from './lib/decision/schemas';
import type { Config } from './lib/runtime/config';
import { type StepDeps, defineStep, lambdaHandler, sendConnect } from './lib/runtime/step';

export const CsatInput = z.extend(z.pick(PipelineInput, { instanceId: true, deadlineAt: true }), {
  /** Attributes live on the contact chain, addressed by its initial contact id. */
  initialContactId: z.string().check(z.minLength(1), z.maxLength(256)),
});
export type CsatInput = z.infer<typeof CsatInput>;

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
    const answer = await sendConnect<GetContactAttributesCommandOutput>(
      deps,
      deadline,
      'GetContactAttributes',
      new GetContactAttributesCommand({
        InstanceId: input.instanceId,
        InitialContactId: input.initialContactId,
      }),
    );
    return gateOnCsat(answer.Attributes?.[csatAttribute], deps.config);
  } catch (err) {
    // Contact attributes can expire or be absent; that is a missing score, not a failed lookup.
    if (isNotFound(err)) return gateOnCsat(undefined, deps.config);
    throw err;
  }
}

export const checkLastContactCsatStep = defineStep({
  state: 'Check Last Contact Csat',
  input: CsatInput,
  run: checkLastContactCsat,
});

export const handler = lambdaHandler(checkLastContactCsatStep, { connect: createConnectClient });
