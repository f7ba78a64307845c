import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEY, TTL_ATTRIBUTE } from './table';

/**
 * The outcome item (issue 25): one per contact whose preferred-agent outcome was counted, so a
 * repeated CONNECTED_TO_AGENT event counts nothing. Contact events are "emitted on a best effort
 * basis" and "are not ordered" (admin guide, contact-events.html): the first event to claim the
 * contact counts it, every later copy finds the item.
 *
 * | item | pk | sk | written by | read by |
 * |---|---|---|---|---|
 * | outcome | `O#<contactId>` | `O` | outcome function (conditional PutItem) | the same, through the condition |
 *
 * It lives in the routing-state table (index sources, steps/lib/routing-state/table.ts) or in the
 * small outcome table a search deployment gets (infra/constructs/preferred-agent-outcome.ts), which
 * has the same key schema. It holds no caller data: the contact id, the outcome and its expiry.
 * It expires after a day (DynamoDB TTL on `expiresAt`): Connect keeps retrying nothing that late,
 * and the asynchronous invocation's own retries end within six hours (its maximum event age).
 */
export const outcomePk = (contactId: string) => `O#${contactId}`;
export const OUTCOME_SK = 'O';
export const OUTCOME_TTL_SECONDS = 24 * 60 * 60;

export type PreferredAgentOutcome = 'Reached' | 'Missed';

export interface OutcomeClaim {
  table: string;
  contactId: string;
  outcome: PreferredAgentOutcome;
  nowSeconds: number;
}

/**
 * Claims the contact's outcome with a PutItem conditional on `attribute_not_exists(pk)`: true
 * when this call wrote it (count it), false when an earlier event already did (count nothing).
 * Any other error is thrown (the invocation is retried; nothing was counted yet).
 */
export async function claimOutcome(dynamo: DynamoDBDocumentClient, claim: OutcomeClaim): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: claim.table,
        Item: {
          [TABLE_KEY.partition]: outcomePk(claim.contactId),
          [TABLE_KEY.sort]: OUTCOME_SK,
          outcome: claim.outcome,
          countedAt: claim.nowSeconds,
          [TTL_ATTRIBUTE]: claim.nowSeconds + OUTCOME_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_KEY.partition },
      }),
    );
    return true;
  } catch (err) {
    if (
      err instanceof ConditionalCheckFailedException ||
      (err as Error)?.name === 'ConditionalCheckFailedException'
    )
      return false;
    throw err;
  }
}
