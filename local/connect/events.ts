import { randomUUID } from 'node:crypto';

/**
 * The one builder of Amazon Connect Lambda events ("ContactFlowEvent") used by the local
 * runtime, the CLI, the benchmarks and the tests.
 */
export interface CallOptions {
  /** The caller id as Connect passes it (any value: tests feed hostile ones). */
  phone: unknown;
  instanceArn: string;
  contactId?: string;
  initialContactId?: string;
  queueArn?: string;
  /** The Lambda parameters the contact flow passes (the shipped flows: queueArn, routingMode). */
  parameters?: Record<string, string>;
  /** Fields to add to or override in ContactData. */
  contactData?: Record<string, unknown>;
}

/** The parameters the shipped flows pass: the queue the call is headed for and the routing mode. */
export function flowParameters(instanceArn: string, queueId: string, routingMode = 'preferred-agent') {
  return { queueArn: `${instanceArn}/queue/${queueId}`, routingMode };
}

/** A realistic Amazon Connect "ContactFlowEvent" for an inbound voice call. */
export function connectEventFor(call: CallOptions) {
  const contactId = call.contactId ?? randomUUID();
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE',
        ContactId: contactId,
        CustomerEndpoint: { Address: call.phone, Type: 'TELEPHONE_NUMBER' },
        InitialContactId: call.initialContactId ?? contactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: call.instanceArn,
        PreviousContactId: call.initialContactId ?? contactId,
        Queue: call.queueArn ? { ARN: call.queueArn, Name: 'queue' } : null,
        SystemEndpoint: { Address: '+18005550100', Type: 'TELEPHONE_NUMBER' },
        ...call.contactData,
      },
      Parameters: call.parameters ?? {},
    },
  };
}
