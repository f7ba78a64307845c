import {
  type ContactFlow,
  DescribeContactFlowCommand,
  ListFlowAssociationsCommand,
  ListPhoneNumbersV2Command,
} from '@aws-sdk/client-connect';
import {
  type Ctx,
  type Deployment,
  type DoctorCheck,
  allPages,
  callFailed,
  lastSegment,
  problemOf,
} from './context';

/**
 * `flows`: the routing flow and the agent-whisper flow exist, are ACTIVE and PUBLISHED, the routing
 * flow invokes the deployed entry function and sets the whisper flow, and (with --phone-number)
 * the number enters the routing flow.
 *
 * AWS (SDK model, @aws-sdk/client-connect): DescribeContactFlow returns `ContactFlow` with `Type`,
 * `State` (ACTIVE | ARCHIVED), `Status` (PUBLISHED | SAVED) and `Content` ("The JSON string that
 * represents the content of the flow"), and throws ContactFlowNotPublishedException ("The flow
 * has not been published"); the API reference: "After a flow is published, $SAVED needs to be
 * supplied to view saved content that has not been published", so the plain id describes what
 * calls run. ListPhoneNumbersV2 (`InstanceId`, `PhoneNumberPrefix`: "If provided, it must contain
 * + as part of the country code") gives the number's PhoneNumberId and PhoneNumberArn;
 * ListFlowAssociations (`ResourceType` VOICE_PHONE_NUMBER) gives `FlowAssociationSummary`
 * {ResourceId, FlowId}, "The identifier of the resource" / "of the flow": whether an id or an
 * ARN is not said, so both forms are matched.
 */

export interface FlowsResult {
  check: DoctorCheck;
  /** The routing flow's InvokeLambdaFunction: the function and its static parameters (what the decision check sends). */
  invoke?: { lambdaArn: string; parameters: Record<string, string> };
}

const base = { id: 'flows', title: 'Contact flows (routing and whisper)' } as const;

type FlowAction = { Type?: unknown; Parameters?: Record<string, unknown> };

/** The routing flow's Lambda invocations and agent-whisper hooks, from its flow language content. */
export function readRoutingFlow(content: string | undefined): {
  invokes: { lambdaArn: string; parameters: Record<string, string> }[];
  whispers: string[];
} {
  const parsed = JSON.parse(content ?? '') as { Actions?: FlowAction[] };
  const actions = Array.isArray(parsed.Actions) ? parsed.Actions : [];
  const invokes = actions
    .filter((a) => a.Type === 'InvokeLambdaFunction' && typeof a.Parameters?.LambdaFunctionARN === 'string')
    .map((a) => {
      const attrs = (a.Parameters?.LambdaInvocationAttributes ?? {}) as Record<string, unknown>;
      // Static values only: "$.…" references are filled in by Connect on a real call.
      const parameters = Object.fromEntries(
        Object.entries(attrs).filter(
          (e): e is [string, string] => typeof e[1] === 'string' && !e[1].startsWith('$.'),
        ),
      );
      return { lambdaArn: a.Parameters?.LambdaFunctionARN as string, parameters };
    });
  const whispers = actions
    .filter((a) => a.Type === 'UpdateContactEventHooks')
    .map((a) => (a.Parameters?.EventHooks as Record<string, unknown> | undefined)?.AgentWhisper)
    .filter((v): v is string => typeof v === 'string');
  return { invokes, whispers };
}

/** Whether a flow's Lambda reference names the deployed entry function (name, ARN or alias ARN). */
export function sameFunction(referenced: string, entry: string): boolean {
  const name = (s: string) => (s.includes(':function:') ? s.slice(s.indexOf(':function:') + 10) : s);
  return referenced === entry || name(referenced) === name(entry);
}

type Described = { flow: ContactFlow } | { problem: string; hint: string };

async function describe(ctx: Ctx, arnOrId: string, expectedType: string): Promise<Described> {
  const id = lastSegment(arnOrId);
  try {
    const { ContactFlow: flow } = await ctx.connect.send(
      new DescribeContactFlowCommand({ InstanceId: ctx.instanceId, ContactFlowId: id }),
      ctx.call(),
    );
    if (!flow) return { problem: `DescribeContactFlow answered no flow for ${id}`, hint: '' };
    const name = `"${flow.Name ?? id}"`;
    const republish =
      'Open the flow in the Amazon Connect admin website and Publish it, or deploy the stack again.';
    if (flow.State !== 'ACTIVE')
      return { problem: `${name} is ${flow.State ?? 'in no state'}, not ACTIVE`, hint: republish };
    if (flow.Status !== 'PUBLISHED')
      return {
        problem: `${name} is ${flow.Status ?? 'in no status'}, not PUBLISHED: calls do not run it`,
        hint: republish,
      };
    if (flow.Type !== expectedType)
      return {
        problem: `${name} is of type ${flow.Type}, not ${expectedType}`,
        hint: 'Check the flow given.',
      };
    return { flow };
  } catch (err) {
    const { name, message, problem } = problemOf(err);
    if (name === 'ContactFlowNotPublishedException')
      return {
        problem: `flow ${id} has never been published (${name})`,
        hint: 'Open the flow in the Amazon Connect admin website and Publish it, or deploy the stack again.',
      };
    if (problem === 'not-found')
      return {
        problem: `flow ${id} does not exist in instance ${ctx.instanceId} (${name}: ${message})`,
        hint: 'Deploy the stack (it creates the flows), or check --flow-arn and --instance-id.',
      };
    throw err;
  }
}

/** Which flow a phone number enters, or why that could not be said. */
async function phoneNumberFlow(
  ctx: Ctx,
  number: string,
): Promise<{ id: string; arn?: string; flowId?: string } | { problem: string }> {
  const numbers = await allPages(
    (NextToken) =>
      ctx.connect.send(
        new ListPhoneNumbersV2Command({
          InstanceId: ctx.instanceId,
          PhoneNumberPrefix: number,
          MaxResults: 100,
          NextToken,
        }),
        ctx.call(),
      ),
    (p) => p.ListPhoneNumbersSummaryList,
  );
  const found = numbers.find((n) => n.PhoneNumber === number);
  if (!found?.PhoneNumberId) return { problem: `${number} is not claimed to instance ${ctx.instanceId}` };
  const associations = await allPages(
    (NextToken) =>
      ctx.connect.send(
        new ListFlowAssociationsCommand({
          InstanceId: ctx.instanceId,
          ResourceType: 'VOICE_PHONE_NUMBER',
          MaxResults: 1000,
          NextToken,
        }),
        ctx.call(),
      ),
    (p) => p.FlowAssociationSummaryList,
  );
  const ids = [found.PhoneNumberId, found.PhoneNumberArn].filter(Boolean);
  const association = associations.find((a) => a.ResourceId && ids.includes(a.ResourceId));
  return {
    id: found.PhoneNumberId,
    ...(found.PhoneNumberArn ? { arn: found.PhoneNumberArn } : {}),
    ...(association?.FlowId ? { flowId: association.FlowId } : {}),
  };
}

const summaryOf = (f: ContactFlow) => ({
  id: f.Id,
  arn: f.Arn,
  name: f.Name,
  type: f.Type,
  state: f.State,
  status: f.Status,
});

export async function checkFlows(
  ctx: Ctx,
  deployment: Deployment,
  phoneNumber: string | undefined,
): Promise<FlowsResult> {
  if (!deployment.routingFlowArn)
    return {
      check: {
        ...base,
        status: 'warn',
        detail: 'Not checked: no routing flow given.',
        hint: "Pass --stack-name (after cdk deploy) or --flow-arn with the routing flow's ARN.",
      },
    };
  try {
    return await flowsOf(ctx, deployment, deployment.routingFlowArn, phoneNumber);
  } catch (err) {
    return {
      check: callFailed(
        base,
        err,
        'Reading the flows',
        'connect:DescribeContactFlow on the flows, plus connect:ListPhoneNumbersV2 and connect:ListFlowAssociations with --phone-number,',
        ctx.timeoutMs,
      ),
    };
  }
}

async function flowsOf(
  ctx: Ctx,
  deployment: Deployment,
  routingArn: string,
  phoneNumber: string | undefined,
): Promise<FlowsResult> {
  const fail = (detail: string, hint: string, data?: Record<string, unknown>): FlowsResult => ({
    check: { ...base, status: 'fail', detail, hint, ...(data ? { data } : {}) },
  });
  const routing = await describe(ctx, routingArn, 'CONTACT_FLOW');
  if ('problem' in routing) return fail(`Routing flow: ${routing.problem}.`, routing.hint);
  let read: ReturnType<typeof readRoutingFlow>;
  try {
    read = readRoutingFlow(routing.flow.Content);
  } catch {
    return fail(
      `Routing flow "${routing.flow.Name}": its content is not flow language JSON.`,
      'Deploy the stack again.',
    );
  }
  const invoke = read.invokes[0];
  const data: Record<string, unknown> = {
    routingFlow: summaryOf(routing.flow),
    invokes: read.invokes.map((i) => i.lambdaArn),
  };
  if (!invoke)
    return fail(
      `Routing flow "${routing.flow.Name}" invokes no Lambda function.`,
      'Deploy the stack again.',
      data,
    );
  const entry = deployment.entryFunction;
  if (entry && !read.invokes.some((i) => sameFunction(i.lambdaArn, entry)))
    return fail(
      `Routing flow "${routing.flow.Name}" invokes ${invoke.lambdaArn}, not the entry function ${entry}.`,
      'The flow and the function come from different deployments: deploy the stack again, or pass the matching --function-arn.',
      data,
    );
  const whisperArn = deployment.whisperFlowArn ?? read.whispers[0];
  if (!whisperArn)
    return fail(
      `Routing flow "${routing.flow.Name}" sets no agent-whisper flow.`,
      'Deploy the stack again.',
      data,
    );
  if (read.whispers.length && !read.whispers.some((w) => lastSegment(w) === lastSegment(whisperArn)))
    return fail(
      `Routing flow "${routing.flow.Name}" sets the whisper flow ${read.whispers[0]}, not ${whisperArn}.`,
      'Deploy the stack again.',
      data,
    );
  const whisper = await describe(ctx, whisperArn, 'AGENT_WHISPER');
  if ('problem' in whisper) return fail(`Agent-whisper flow: ${whisper.problem}.`, whisper.hint, data);
  data.whisperFlow = summaryOf(whisper.flow);
  const found = `"${routing.flow.Name}" and "${whisper.flow.Name}" are ACTIVE and PUBLISHED; the routing flow invokes ${invoke.lambdaArn} and sets the whisper.`;
  const result = { invoke: { lambdaArn: invoke.lambdaArn, parameters: invoke.parameters } };
  if (!phoneNumber) return { check: { ...base, status: 'pass', detail: found, data }, ...result };
  const enters = await phoneNumberFlow(ctx, phoneNumber);
  if ('problem' in enters)
    return {
      ...fail(
        `${found} But ${enters.problem}.`,
        "Check --phone-number: Channels → Phone numbers in the admin website lists the instance's numbers.",
        data,
      ),
      ...result,
    };
  data.phoneNumber = { number: phoneNumber, id: enters.id, flowId: enters.flowId };
  const routingIds = [routing.flow.Id, routing.flow.Arn];
  if (enters.flowId && routingIds.includes(enters.flowId))
    return {
      check: { ...base, status: 'pass', detail: `${found} ${phoneNumber} enters the routing flow.`, data },
      ...result,
    };
  return {
    ...fail(
      `${found} But ${phoneNumber} enters ${enters.flowId ? `flow ${enters.flowId}` : 'no flow'}, not the routing flow: its callers are not routed by the product.`,
      `Note that flow (${enters.flowId ?? 'none'}): it is where routing goes back to (docs/go-live.md). Then point the number at the routing flow: Channels → Phone numbers → the number → Flow "${routing.flow.Name}", or aws connect associate-phone-number-contact-flow --phone-number-id ${enters.id} --instance-id ${ctx.instanceId} --contact-flow-id ${routing.flow.Id}.`,
      data,
    ),
    ...result,
  };
}
