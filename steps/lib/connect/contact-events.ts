import * as z from 'zod/mini';

/**
 * Amazon Connect contact events as EventBridge delivers them (source `aws.connect`, detail-type
 * `Amazon Connect Contact Event`; admin guide, contact-events.html), read the same way by every
 * function that receives them (the contact indexer, the preferred-agent outcome). AWS's own
 * samples write the detail's keys in camelCase, except the routing-criteria samples, which use
 * PascalCase as the field reference does: keys are read in either case.
 */
export const CONTACT_EVENT_DETAIL_TYPE = 'Amazon Connect Contact Event';

/** The envelope; the detail is validated by each reader, after `camelKeys`. */
export const ContactEventEnvelope = z.object({
  source: z.literal('aws.connect'),
  'detail-type': z.literal(CONTACT_EVENT_DETAIL_TYPE),
  detail: z.record(z.string(), z.unknown()),
});

/** Keys in camelCase whatever case AWS wrote them in (`AgentInfo` → `agentInfo`), recursively. */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
  );
}
