import type { ConnectClient } from '@aws-sdk/client-connect';
import { GetCurrentUserDataCommand, SearchContactsCommand } from '@aws-sdk/client-connect';

/**
 * "The ten-line Lambda": one SearchContacts call (MaxResults 10, newest first by initiation
 * time), the first contact with an agent, one status check. No state machine, no paging, no
 * deadline, SDK defaults. This is what the project has to beat.
 */
export async function simpleLastAgent(
  client: ConnectClient,
  call: { instanceId: string; phone: string; now: Date },
): Promise<{ route: 'LAST_AGENT' | 'DEFAULT'; agentId?: string }> {
  try {
    const found = await client.send(
      new SearchContactsCommand({
        InstanceId: call.instanceId,
        TimeRange: {
          Type: 'INITIATION_TIMESTAMP',
          StartTime: new Date(call.now.getTime() - 7 * 86_400_000),
          EndTime: call.now,
        },
        SearchCriteria: {
          SearchableContactAttributes: { Criteria: [{ Key: 'CustomerPhoneNumber', Values: [call.phone] }] },
        },
        Sort: { FieldName: 'INITIATION_TIMESTAMP', Order: 'DESCENDING' },
        MaxResults: 10,
      }),
    );
    const agentId = found.Contacts?.find((c) => c.AgentInfo?.Id)?.AgentInfo?.Id;
    if (!agentId) return { route: 'DEFAULT' };
    const data = await client.send(
      new GetCurrentUserDataCommand({ InstanceId: call.instanceId, Filters: { Agents: [agentId] } }),
    );
    const user = data.UserDataList?.[0];
    const free = user?.Status?.StatusName === 'Available' && (user.AvailableSlotsByChannel?.VOICE ?? 0) > 0;
    return { route: free ? 'LAST_AGENT' : 'DEFAULT', agentId };
  } catch {
    return { route: 'DEFAULT' };
  }
}
