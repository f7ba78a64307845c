/**
 * Generated contact records made harder for the SQL of `analyze --sql athena`: each addition is
 * something that makes the SQL and the streaming reader disagree when one of them is wrong —
 * republished versions (newer, older, equal time with fewer fields), exact copies, odd caller
 * numbers (E.164-shaped but not E.164, padded with whitespace to trim), transfer legs whose caller
 * is their call's, a record with no
 * LastUpdateTimestamp, and another instance's records (in the lake only: the SQL must filter them).
 */
import { LAST_AGENT_ROUTE, DEFAULT_ATTRIBUTE_NAMES as NAMES } from '../../analyze/definitions';
import type { ContactRecord } from '../../analyze/generator';

type Mutable = ContactRecord & Record<string, unknown>;

const copy = (r: ContactRecord): Mutable => structuredClone(r) as Mutable;
const shift = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** Every `step`-th record that matches. */
function every(records: ContactRecord[], step: number, keep: (r: ContactRecord) => boolean): ContactRecord[] {
  return records.filter(keep).filter((_, i) => i % step === 0);
}

const inbound = (r: ContactRecord) =>
  r.Channel === 'VOICE' &&
  r.InitiationMethod === 'INBOUND' &&
  r.CustomerEndpoint?.Address?.startsWith('+') === true;

/** Versions of the same contacts, delivered again. */
function republished(records: ContactRecord[]): ContactRecord[] {
  const out: ContactRecord[] = [];
  for (const r of every(records, 7, (r) => r.Channel === 'VOICE')) {
    // A newer version: after-contact work ends ten minutes later.
    const newer = copy(r);
    newer.LastUpdateTimestamp = shift(r.LastUpdateTimestamp, 86_400);
    // A decided contact's route flips (an undecided one stays so: go-live stays where it was).
    const route = r.Attributes[NAMES.route];
    newer.Attributes =
      route === undefined
        ? { ...r.Attributes, surveyScore: '4' }
        : {
            ...r.Attributes,
            [NAMES.route]: route === LAST_AGENT_ROUTE ? 'DEFAULT' : LAST_AGENT_ROUTE,
            [NAMES.reason]: 'REPUBLISHED',
          };
    if (newer.Agent?.AfterContactWorkEndTimestamp)
      newer.Agent.AfterContactWorkEndTimestamp = shift(newer.Agent.AfterContactWorkEndTimestamp, 600);
    out.push(newer);
  }
  for (const r of every(records, 11, (r) => r.Agent !== null)) {
    // An older version delivered later: it must lose (no attributes, no queue).
    const older = copy(r);
    older.LastUpdateTimestamp = shift(r.LastUpdateTimestamp, -3_600);
    older.Attributes = {};
    older.Queue = null;
    out.push(older);
  }
  for (const r of every(records, 13, (r) => Object.keys(r.Attributes).length > 0)) {
    // Same last update, fewer fields filled (no attributes): the fuller version wins.
    const thinner = copy(r);
    thinner.Attributes = {};
    out.push(thinner);
  }
  for (const r of every(records, 17, () => true)) out.push(copy(r));
  return out;
}

/** Caller numbers that look like E.164 and are not, and good numbers padded with whitespace. */
function oddNumbers(records: ContactRecord[]): void {
  const odd = [
    (a: string) => `  ${a}  `,
    (a: string) => `\t${a}\n`,
    (a: string) => `+0${a.slice(2)}`,
    (a: string) => `${a}1234567`,
    (a: string) => a.slice(1),
    () => 'anonymous',
    () => '',
    (a: string) => `${a.slice(0, 5)} ${a.slice(5)}`,
  ];
  every(records, 5, inbound).forEach((r, i) => {
    const endpoint = r.CustomerEndpoint as { Address: string };
    endpoint.Address = (odd[i % odd.length] as (a: string) => string)(endpoint.Address);
  });
}

/**
 * Transfer legs without their own number, so the caller must come from the call they continue
 * (InitialContactId), or from a leg before them (PreviousContactId, two hops back).
 */
function anonymousLegs(records: ContactRecord[]): Mutable[] {
  const agents = [...new Set(records.map((r) => r.Agent?.ARN).filter((a) => a !== undefined))];
  const legs = every(records, 2, (r) => r.InitiationMethod === 'TRANSFER' && r.Agent !== null);
  for (const leg of legs) (leg as Mutable).CustomerEndpoint = null;
  return every(legs, 3, () => true).map((leg, i) => {
    const second = copy(leg);
    second.ContactId = `second-leg-${i}`;
    second.InitialContactId = null;
    second.PreviousContactId = leg.ContactId;
    second.InitiationTimestamp = shift(leg.InitiationTimestamp, 300);
    second.LastUpdateTimestamp = shift(leg.LastUpdateTimestamp, 300);
    const agent = second.Agent as NonNullable<ContactRecord['Agent']>;
    // Another agent takes the second leg: the caller's previous agent changes with it.
    agent.ARN = agents[(agents.indexOf(agent.ARN) + 1) % agents.length] as string;
    agent.ConnectedToAgentTimestamp = shift(agent.ConnectedToAgentTimestamp, 300);
    if (agent.AfterContactWorkEndTimestamp)
      agent.AfterContactWorkEndTimestamp = shift(agent.AfterContactWorkEndTimestamp, 300);
    second.DisconnectTimestamp = shift(second.DisconnectTimestamp, 300);
    return second;
  });
}

/** The records as delivered: originals (some numbers made odd), other versions, one unusable record. */
export function hardRecords(records: ContactRecord[]): ContactRecord[] {
  const base = records.map(copy);
  oddNumbers(base);
  base.push(...anonymousLegs(base));
  const versions = republished(base);
  const broken = copy(base[0] as ContactRecord);
  broken.ContactId = 'no-last-update';
  (broken as Record<string, unknown>).LastUpdateTimestamp = null;
  // Republished versions first for half of them: the result must not depend on reading order.
  const half = Math.floor(versions.length / 2);
  return [...versions.slice(0, half), ...base, ...versions.slice(half), broken];
}

/** The same records from another instance: only the lake sees them, and the SQL must not. */
export function otherInstance(records: ContactRecord[]): ContactRecord[] {
  return every(records, 3, () => true).map((r) => {
    const other = copy(r);
    other.InstanceARN = r.InstanceARN.replace(
      /instance\/[^/]+/,
      'instance/00000000-0000-4000-8000-000000000000',
    );
    return other;
  });
}
