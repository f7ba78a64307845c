import type { ContactSummary } from './schemas';

export interface EligibilityCriteria {
  contactId: string;
  initialContactId?: string | undefined;
  previousContactId?: string | undefined;
  currentQueueId?: string | undefined;
  minTalkSeconds: number;
  sameQueue: boolean;
}

/** The call's own ids and queue with the configured rules: what `isEligible` checks a contact against. */
export function eligibilityCriteria(
  call: Pick<EligibilityCriteria, 'contactId' | 'initialContactId' | 'previousContactId' | 'currentQueueId'>,
  config: Pick<EligibilityCriteria, 'minTalkSeconds' | 'sameQueue'>,
): EligibilityCriteria {
  return {
    contactId: call.contactId,
    initialContactId: call.initialContactId,
    previousContactId: call.previousContactId,
    currentQueueId: call.currentQueueId,
    minTalkSeconds: config.minTalkSeconds,
    sameQueue: config.sameQueue,
  };
}

/** The contact reached an agent: an agent id and a connected-to-agent time (missed or rejected offers have no such time). */
export function reachedAgent(c: ContactSummary): boolean {
  return Boolean(c.agentId) && c.connectedAt !== undefined;
}

/** The contact belongs to the call being routed now (the contact itself or its own transfer chain). */
export function inCurrentChain(c: ContactSummary, k: EligibilityCriteria): boolean {
  const chainIds = new Set([k.contactId, k.initialContactId, k.previousContactId].filter(Boolean));
  return chainIds.has(c.id) || (c.initialContactId !== undefined && chainIds.has(c.initialContactId));
}

/** Whether a past contact can be the basis of a "last agent" decision. */
export function isEligible(c: ContactSummary, k: EligibilityCriteria): boolean {
  if (!reachedAgent(c) || inCurrentChain(c, k)) return false;
  if (k.minTalkSeconds > 0 && c.disconnectedAt !== undefined && c.connectedAt !== undefined) {
    if (c.disconnectedAt - c.connectedAt < k.minTalkSeconds) return false;
  }
  if (k.sameQueue && k.currentQueueId && c.queueId !== k.currentQueueId) return false;
  return true;
}

/** Newest first by the time the agent was connected; ties broken by initiation time. */
export function newestFirst(a: ContactSummary, b: ContactSummary): number {
  return (b.connectedAt ?? 0) - (a.connectedAt ?? 0) || (b.initiatedAt ?? 0) - (a.initiatedAt ?? 0);
}
