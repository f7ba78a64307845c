import {
  ListFlowAssociationResourceType,
  PhoneNumberCountryCode,
  PhoneNumberType,
} from '@aws-sdk/client-connect';
import { z } from 'zod';
import type { Scenario, ScenarioFlow } from './scenario';

/**
 * What `last-agent doctor` reads of an instance besides the decision path: its flows, the phone
 * numbers claimed to it and the flow each enters, and its users. HTTP bindings from the SDK's
 * shipped model (`@aws-sdk/client-connect` dist-cjs schemas, the `http` traits):
 * - DescribeContactFlow `GET /contact-flows/{InstanceId}/{ContactFlowId}`;
 * - ListPhoneNumbersV2 `POST /phone-number/list` (TargetArn, InstanceId, MaxResults, NextToken,
 *   PhoneNumberCountryCodes, PhoneNumberTypes, PhoneNumberPrefix in the body);
 * - ListFlowAssociations `GET /flow-associations-summary/{InstanceId}` (query `ResourceType`,
 *   `maxResults`, `nextToken`);
 * - ListUsers `GET /users-summary/{InstanceId}` (query `maxResults`, `nextToken`).
 * Ranges from the API reference pages: ListUsers and ListFlowAssociations MaxResults 1-1000;
 * DescribeContactFlow's ContactFlowId at most 500 characters.
 */

export class FlowsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new FlowsHttpError(400, 'InvalidParameterException', message);

type Json = Record<string, unknown>;

export interface FlowsStore {
  scenario: Scenario;
  instanceArn: string;
}

/** The longest ContactFlowId DescribeContactFlow accepts ("Length Constraints: Maximum length of 500"). */
const CONTACT_FLOW_ID_LENGTH = 500;
/** ListUsers / ListFlowAssociations / ListPhoneNumbersV2 MaxResults: 1-1000. */
export const LIST_MAX_RESULTS = 1000;

const flowArn = (store: FlowsStore, f: ScenarioFlow) => `${store.instanceArn}/contact-flow/${f.id}`;
const phoneNumberArn = (store: FlowsStore, id: string) => {
  const [, , , region, account] = store.instanceArn.split(':');
  return `arn:aws:connect:${region}:${account}:phone-number/${id}`;
};

/**
 * DescribeContactFlow. The id may be the flow's id or its ARN (the API reference shows
 * `arn:aws:.../contact-flow/{id}:$SAVED`); a `:$SAVED` or version suffix is not modelled and is
 * refused rather than answered wrongly. A flow never published (status SAVED) answers
 * ContactFlowNotPublishedException, HTTP 404 (the SDK model: "The flow has not been published").
 */
export function describeContactFlow(store: FlowsStore, rawId: string): Json {
  if (rawId.length === 0 || rawId.length > CONTACT_FLOW_ID_LENGTH)
    throw invalid(`ContactFlowId must be 1-${CONTACT_FLOW_ID_LENGTH} characters`);
  const id = rawId.includes('/contact-flow/') ? rawId.slice(rawId.lastIndexOf('/') + 1) : rawId;
  if (id.includes(':'))
    throw invalid(`ContactFlowId ${rawId}: a version or $SAVED suffix is not supported locally`);
  if (rawId.startsWith('arn:') && !rawId.startsWith(`${store.instanceArn}/contact-flow/`))
    throw new FlowsHttpError(404, 'ResourceNotFoundException', `Flow ${rawId} not found in this instance`);
  const f = store.scenario.flows.find((x) => x.id === id);
  if (!f) throw new FlowsHttpError(404, 'ResourceNotFoundException', `Flow ${rawId} not found`);
  if (f.status === 'SAVED')
    throw new FlowsHttpError(404, 'ContactFlowNotPublishedException', `Flow ${f.id} has not been published`);
  return {
    ContactFlow: {
      Arn: flowArn(store, f),
      Id: f.id,
      Name: f.name,
      Type: f.type,
      State: f.state,
      Status: f.status,
      Description: f.description,
      Content: f.content,
      LastModifiedTime: Date.parse(store.scenario.now) / 1000,
      LastModifiedRegion: store.scenario.instance.region,
    },
  };
}

/** ListPhoneNumbersV2's body, as the SDK model declares it; strict, like every body of the local Connect. */
export const ListPhoneNumbersV2Body = z.strictObject({
  TargetArn: z.string().nullish(),
  InstanceId: z.string().min(1).max(100).nullish(),
  MaxResults: z.number().int().min(1).max(LIST_MAX_RESULTS).nullish(),
  NextToken: z.string().nullish(),
  PhoneNumberCountryCodes: z.array(z.enum(PhoneNumberCountryCode)).nullish(),
  PhoneNumberTypes: z.array(z.enum(PhoneNumberType)).nullish(),
  /** "The prefix of the phone number. If provided, it must contain + as part of the country code." */
  PhoneNumberPrefix: z
    .string()
    .regex(/^\+\d*$/, 'must start with + and the country code')
    .nullish(),
});
export type ListPhoneNumbersV2Body = z.infer<typeof ListPhoneNumbersV2Body>;

/** Offset tokens, like the other list operations of the local Connect. */
function page<T>(
  items: T[],
  max: number,
  token: string | null | undefined,
): { page: T[]; NextToken?: string } {
  const offset = token == null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0 || offset > items.length) throw invalid('NextToken is invalid');
  const next = offset + max < items.length ? offset + max : undefined;
  return {
    page: items.slice(offset, offset + max),
    ...(next === undefined ? {} : { NextToken: Buffer.from(String(next)).toString('base64url') }),
  };
}

/**
 * ListPhoneNumbersV2: the numbers claimed to this instance. "When given an instance ARN,
 * ListPhoneNumbersV2 returns only the phone numbers claimed to the instance"; another target
 * (another instance, a traffic distribution group) holds none of the scenario's numbers.
 */
export function listPhoneNumbersV2(store: FlowsStore, body: ListPhoneNumbersV2Body): Json {
  const { id } = store.scenario.instance;
  const elsewhere =
    (body.TargetArn != null && body.TargetArn !== store.instanceArn) ||
    (body.InstanceId != null && body.InstanceId !== id);
  const matching = elsewhere
    ? []
    : store.scenario.phoneNumbers.filter(
        (n) =>
          (!body.PhoneNumberPrefix || n.number.startsWith(body.PhoneNumberPrefix)) &&
          (!body.PhoneNumberTypes || body.PhoneNumberTypes.includes(n.type)) &&
          (!body.PhoneNumberCountryCodes ||
            (body.PhoneNumberCountryCodes as string[]).includes(n.countryCode)),
      );
  const { page: numbers, NextToken } = page(matching, body.MaxResults ?? LIST_MAX_RESULTS, body.NextToken);
  return {
    ListPhoneNumbersSummaryList: numbers.map((n) => ({
      PhoneNumberId: n.id,
      PhoneNumberArn: phoneNumberArn(store, n.id),
      PhoneNumber: n.number,
      PhoneNumberCountryCode: n.countryCode,
      PhoneNumberType: n.type,
      TargetArn: store.instanceArn,
      InstanceId: id,
    })),
    NextToken,
  };
}

const maxResults = (query: URLSearchParams) => {
  const raw = query.get('maxResults');
  if (raw === null) return LIST_MAX_RESULTS;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > LIST_MAX_RESULTS)
    throw invalid(`maxResults must be between 1 and ${LIST_MAX_RESULTS}`);
  return n;
};

const RESOURCE_TYPES = new Set<string>(Object.values(ListFlowAssociationResourceType));

/**
 * ListFlowAssociations. The model says of `FlowAssociationSummary.ResourceId` only "The identifier
 * of the resource", not whether a VOICE_PHONE_NUMBER is named by its id or its ARN; the local
 * Connect answers the phone number's ARN (as BatchGetFlowAssociation's documented ResourceIds are
 * ARNs) and the flow's id, and `doctor` accepts either form of both.
 */
export function listFlowAssociations(store: FlowsStore, query: URLSearchParams): Json {
  const type = query.get('ResourceType');
  if (type !== null && !RESOURCE_TYPES.has(type))
    throw invalid(`ResourceType ${type} is not one of ${[...RESOURCE_TYPES].join(', ')}`);
  const associations =
    type !== null && type !== 'VOICE_PHONE_NUMBER'
      ? []
      : store.scenario.phoneNumbers
          .filter((n) => n.flowId !== undefined)
          .map((n) => ({
            ResourceId: phoneNumberArn(store, n.id),
            FlowId: n.flowId,
            ResourceType: 'VOICE_PHONE_NUMBER',
          }));
  const { page: list, NextToken } = page(associations, maxResults(query), query.get('nextToken'));
  return { FlowAssociationSummaryList: list, NextToken };
}

/** ListUsers: the scenario's agents as user summaries. */
export function listUsers(store: FlowsStore, query: URLSearchParams): Json {
  const { page: users, NextToken } = page(store.scenario.agents, maxResults(query), query.get('nextToken'));
  return {
    UserSummaryList: users.map((a) => ({
      Id: a.id,
      Arn: `${store.instanceArn}/agent/${a.id}`,
      Username: a.username,
      LastModifiedTime: Date.parse(store.scenario.now) / 1000,
      LastModifiedRegion: store.scenario.instance.region,
    })),
    NextToken,
  };
}
