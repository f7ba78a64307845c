import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { connectEventFor } from '../../local/connect/events';
import { Reason } from '../../steps/lib/decision/decision';
import { maskPhone } from '../../steps/lib/decision/privacy';
import { SYNTHETIC_MARK, syntheticParameters } from '../../steps/lib/decision/synthetic';
import { type Ctx, type DoctorCheck, callFailed } from './context';
import { REASON_GUIDE } from './reasons';

/**
 * `decision`: invokes the deployed entry function once with a synthetic Amazon Connect flow event
 * for the test caller, marked so the function records no decision metrics and no routing-state
 * item (steps/lib/decision/synthetic.ts), and shows route, reason and decision time against the
 * budget. AWS (SDK model, @aws-sdk/client-lambda `InvocationResponse`): "For the RequestResponse
 * invocation type, this status code is 200"; `FunctionError`: "If present, indicates that an
 * error occurred during function execution. Details about the error are included in the
 * response payload"; `Payload`: "The response from the function, or an error object". The IAM
 * action of Invoke is lambda:InvokeFunction.
 */

/**
 * The default test caller: +1 202 555 0100, in the NANP range 555-0100 to 555-0199 that the North
 * American Numbering Plan reserves for fictional use, so no real customer's history is read.
 */
export const DEFAULT_TEST_CALLER = '+12025550100';

/** How long the doctor waits for the invocation: Connect's 8 s for the function, plus a cold start. */
export const INVOKE_TIMEOUT_MS = 20_000;

export interface DecisionInput {
  /** The function Connect invokes (name, ARN or alias ARN). */
  entryFunction: string | undefined;
  testCaller: string;
  /** The routing flow's static Lambda parameters (queueArn, routingMode), when known. */
  parameters: Record<string, string>;
  /** The decision budget, LAST_AGENT_DEADLINE_MS (3000 when the configuration is unknown). */
  budgetMs: number;
  /** The number the call is placed to (SystemEndpoint), when given. */
  phoneNumber?: string | undefined;
}

export interface DecisionResult {
  check: DoctorCheck;
  /** What the check changed, said in the report. */
  touched?: string;
}

const base = { id: 'decision', title: 'A synthetic decision' } as const;

/** What the synthetic call touches, in the words the report prints. */
export function touchedBy(entryFunction: string): string {
  return `invoked ${entryFunction} once with a synthetic event marked ${SYNTHETIC_MARK}: no decision metrics, no routing-state writes (its log line reads "synthetic decision"; Lambda and Step Functions count the invocation and the execution as usual)`;
}

export async function checkDecision(ctx: Ctx, input: DecisionInput): Promise<DecisionResult> {
  const { entryFunction } = input;
  if (!entryFunction)
    return {
      check: {
        ...base,
        status: 'warn',
        detail: 'Not checked: no entry function given.',
        hint: 'Pass --stack-name (after cdk deploy), --flow-arn or --function-arn.',
      },
    };
  if (!ctx.lambda)
    return {
      check: { ...base, status: 'skip', detail: 'No Lambda client: the entry function cannot be invoked.' },
    };
  if (!ctx.instanceArn)
    return {
      check: {
        ...base,
        status: 'warn',
        detail: "Not checked: the instance's ARN is not known, and the event must carry it.",
        hint: 'Give --instance-id as the instance ARN, or --stack-name.',
      },
    };
  const contactId = randomUUID();
  const event = connectEventFor({
    phone: input.testCaller,
    instanceArn: ctx.instanceArn,
    contactId,
    parameters: syntheticParameters(input.parameters),
    ...(input.phoneNumber
      ? { contactData: { SystemEndpoint: { Address: input.phoneNumber, Type: 'TELEPHONE_NUMBER' } } }
      : {}),
  });
  const started = ctx.clock();
  let out: { FunctionError?: string | undefined; Payload?: Uint8Array | undefined };
  try {
    out = await ctx.lambda.send(
      new InvokeCommand({
        FunctionName: entryFunction,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
      ctx.call(Math.max(ctx.timeoutMs, INVOKE_TIMEOUT_MS)),
    );
  } catch (err) {
    return {
      check: callFailed(
        base,
        err,
        `Invoke of ${entryFunction}`,
        'lambda:InvokeFunction on the entry function',
        Math.max(ctx.timeoutMs, INVOKE_TIMEOUT_MS),
        'Check --stack-name / --function-arn and --region: the entry function must exist in that Region.',
      ),
    };
  }
  const roundTripMs = ctx.clock() - started;
  return { check: grade(out, input, roundTripMs, contactId), touched: touchedBy(entryFunction) };
}

function grade(
  out: { FunctionError?: string | undefined; Payload?: Uint8Array | undefined },
  input: DecisionInput,
  roundTripMs: number,
  contactId: string,
): DoctorCheck {
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  const caller = maskPhone(input.testCaller);
  if (out.FunctionError)
    return {
      ...base,
      status: 'fail',
      detail: `${input.entryFunction} failed (${out.FunctionError}): ${text.slice(0, 300)}`,
      hint: 'The entry function answers every call, so an error here is its packaging or runtime: read its log group (/aws/lambda/<function>), and deploy the stack again.',
      data: { functionError: out.FunctionError, roundTripMs },
    };
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    answer = {};
  }
  const reason = Reason.safeParse(answer.reason);
  if (typeof answer.route !== 'string' || !reason.success)
    return {
      ...base,
      status: 'fail',
      detail: `${input.entryFunction} answered something other than a routing decision: ${text.slice(0, 200)}`,
      hint: 'Check that --function-arn is the entry function (the one the routing flow invokes).',
      data: { roundTripMs },
    };
  const decisionMs = Number(answer.decisionMs);
  const guide = REASON_GUIDE[reason.data];
  const overBudget = decisionMs > input.budgetMs;
  const status = guide.outcome === 'pass' && overBudget ? 'warn' : guide.outcome;
  const data = {
    route: answer.route,
    reason: reason.data,
    decisionMs,
    budgetMs: input.budgetMs,
    roundTripMs,
    testCaller: caller,
    contactId,
    function: input.entryFunction,
  };
  return {
    ...base,
    status,
    detail: `Caller ${caller}: route ${answer.route}, reason ${reason.data}, decided in ${decisionMs} ms of the ${input.budgetMs} ms budget (round trip ${roundTripMs} ms). ${reason.data}: ${guide.means}`,
    ...(status === 'pass'
      ? {}
      : {
          hint:
            overBudget && guide.outcome === 'pass'
              ? 'The decision took longer than LAST_AGENT_DEADLINE_MS: see docs/performance.md.'
              : guide.fix,
        }),
    data,
  };
}
