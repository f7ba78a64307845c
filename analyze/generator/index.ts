/**
 * The contact-record generator: realistic Amazon Connect contact records (CTRs) from an
 * independent discrete-event model of a contact center, for testing `last-agent analyze` and,
 * later, for calibrating and backtesting the simulator (simulate/), from which it imports nothing.
 *
 * - `generateCenter(shape, overrides)`: run a center shape ("month-24", "small-long-calls", or
 *   your own) and get its records in delivery order, with the contacts behind them;
 * - `writeRecords(records, dir, options)`: write them as Firehose would deliver them to S3
 *   (back-to-back JSON, JSON lines or arrays; gzip; republished copies; faults);
 * - `writeCenter(shape, overrides, dir, options)`: both at once, building each record only when
 *   its file is written (for a million records);
 * - `handMadeRecord(spec)`: one record built by hand, for small tests.
 *
 * Records follow AWS's "Contact records data model" page
 * (docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html; see records.ts), not any
 * project example. The center shapes are documented in center.ts, the model in model.ts.
 */
import type { Presentation } from './callers';
import { type CenterShape, type ShapeName, centerShape } from './center';
import { epochSeconds } from './clock';
import {
  type Channel,
  type DisconnectReason,
  type InitiationMethod,
  type SimContact,
  newContact,
} from './contact';
import { type SimulatedCenter, simulateCenter } from './model';
import { Stream } from './random';
import { type ContactRecord, type Instance, instanceFor, toRecord } from './records';
import { type RecordSource, type WriteManifest, type WriteOptions, writeRecords } from './write';

export { SHAPES, centerShape, roster, type CenterShape, type ShapeName, type ShiftTemplate } from './center';
export { FAULT_PHONE_PREFIX, faultPhone } from './callers';
export { LocalClock, epochSeconds, iso } from './clock';
export type { Channel, DisconnectReason, InitiationMethod, Outcome, SimContact } from './contact';
export { FAULT_KINDS, type FaultKind, type FaultReport } from './faults';
export { simulateCenter, type SimulatedCenter } from './model';
export { ATTRIBUTES, ROUTE_REASONS, type Route, type RouteReason } from './product';
export {
  FORMAT_VERSION,
  instanceFor,
  toRecord,
  type AgentInfo,
  type ContactRecord,
  type Endpoint,
  type Instance,
  type QueueInfo,
} from './records';
export {
  RECORD_FORMS,
  REPUBLISH_ATTRIBUTE,
  arraySource,
  serialize,
  writeRecords,
  type RecordForm,
  type RecordSource,
  type WriteManifest,
  type WriteOptions,
  type WrittenFile,
} from './write';

export interface GeneratedCenter {
  shape: CenterShape;
  instance: Instance;
  /** Records in delivery order (by LastUpdateTimestamp). */
  records: ContactRecord[];
  /** The simulated contacts, in the same order as `records` (for checks against the truth). */
  contacts: SimContact[];
  /** A caller's E.164 number by pool index (whether or not they present it). */
  phoneOf: (caller: number) => string;
}

/** Runs a center shape and returns its contact records in delivery order. */
export function generateCenter(
  shape: ShapeName | CenterShape,
  overrides: Partial<CenterShape> = {},
): GeneratedCenter {
  const sim = simulateCenter(centerShape(shape, overrides));
  const source = recordSource(sim);
  return {
    shape: sim.shape,
    instance: sim.instance,
    records: Array.from({ length: source.count }, (_, i) => source.record(i)),
    contacts: source.contacts,
    phoneOf: (i) => sim.callers.number(i),
  };
}

/** A simulated center's records as a lazy source, in delivery order (each built when asked for). */
export function recordSource(sim: SimulatedCenter): RecordSource & { contacts: SimContact[] } {
  const lookup = (i: number) => ({
    number: sim.callers.number(i),
    presentation: sim.callers.presentation(i),
  });
  const contacts = [...sim.contacts].sort((a, b) => a.lastUpdate - b.lastUpdate);
  return {
    contacts,
    count: contacts.length,
    lastUpdate: (i) => (contacts[i] as SimContact).lastUpdate,
    contactId: (i) => (contacts[i] as SimContact).id,
    record: (i) => toRecord(contacts[i] as SimContact, sim.instance, lookup),
  };
}

/**
 * Runs a center shape and writes its records straight to `dir`, building each record only when
 * its file is written: the way to produce a million records without holding them all.
 */
export function writeCenter(
  shape: ShapeName | CenterShape,
  overrides: Partial<CenterShape>,
  dir: string,
  options: WriteOptions = {},
): WriteManifest & { shape: CenterShape; instance: Instance } {
  const sim = simulateCenter(centerShape(shape, overrides));
  return { ...writeRecords(recordSource(sim), dir, options), shape: sim.shape, instance: sim.instance };
}

/** The records of a center shape, in delivery order. */
export function generateRecords(
  shape: ShapeName | CenterShape,
  overrides: Partial<CenterShape> = {},
): ContactRecord[] {
  return generateCenter(shape, overrides).records;
}

/** A contact described by hand; times in whole seconds, the start as an ISO 8601 UTC timestamp. */
export interface HandMadeContact {
  contactId?: string;
  /** InitiationTimestamp, e.g. "2025-03-03T14:00:00Z". */
  at: string;
  channel?: Channel;
  method?: InitiationMethod;
  /** E.164 number, "anonymous", or null for no customer endpoint. Default +14155550100. */
  caller?: string | null;
  /** Agent index in the instance (default instance: 8 agents); null: never connected. */
  agent?: number | null;
  /** Seconds in the flow before the queue. Default 10. */
  flowSeconds?: number;
  /** Seconds waited in the queue; null: never queued (a flow-only contact when no agent). Default 20. */
  queueSeconds?: number | null;
  talkSeconds?: number;
  holds?: number[];
  afterWorkSeconds?: number;
  attributes?: Record<string, string>;
  previousContactId?: string | null;
  nextContactId?: string | null;
  initialContactId?: string | null;
  disconnectReason?: DisconnectReason | null;
  /** Seconds from the last event (after-contact work, else disconnect) to LastUpdateTimestamp. Default 60. */
  lastUpdateDelaySeconds?: number;
}

/**
 * One record built by hand: queued then answered by `agent`, queued then abandoned (agent null),
 * or flow-only (agent null, queueSeconds null); outbound calls are never queued.
 */
export function handMadeRecord(spec: HandMadeContact, instance: Instance = instanceFor(1, 8)): ContactRecord {
  const method = spec.method ?? (spec.channel === 'CHAT' ? 'API' : 'INBOUND');
  const start = epochSeconds(spec.at);
  // Without an id, one derived from the spec itself: the same spec gives the same record.
  const id = spec.contactId ?? new Stream(0, JSON.stringify(spec)).uuid();
  const c = newContact(id, spec.channel ?? 'VOICE', method, spec.channel === 'CHAT' ? -1 : 0, start);
  c.connectedToSystem = start;
  const queued = method !== 'OUTBOUND' && spec.queueSeconds !== null;
  const flow = spec.flowSeconds ?? 10;
  let t = start + flow;
  if (queued) {
    c.enqueued = t;
    t += spec.queueSeconds ?? 20;
    c.dequeued = t;
  }
  if (spec.agent !== null && spec.agent !== undefined) {
    c.agent = spec.agent;
    c.connectedToAgent = queued ? t : start;
    c.holds = spec.holds ?? [];
    c.interaction = spec.talkSeconds ?? 180;
    c.disconnected = c.connectedToAgent + c.interaction + c.holds.reduce((s, h) => s + h, 0);
    c.afterWorkEnd = c.disconnected + (spec.afterWorkSeconds ?? 30);
    c.reason = spec.disconnectReason === undefined ? 'CUSTOMER_DISCONNECT' : spec.disconnectReason;
  } else {
    c.disconnected = t;
    const fallback = queued ? 'CUSTOMER_DISCONNECT' : 'CONTACT_FLOW_DISCONNECT';
    c.reason = spec.disconnectReason === undefined ? fallback : spec.disconnectReason;
  }
  c.attributes = { ...(spec.attributes ?? {}) };
  c.previousId = spec.previousContactId ?? null;
  c.nextId = spec.nextContactId ?? null;
  c.initialId = spec.initialContactId ?? null;
  c.lastUpdate = (c.afterWorkEnd ?? c.disconnected) + (spec.lastUpdateDelaySeconds ?? 60);
  const caller = spec.caller === undefined ? '+14155550100' : spec.caller;
  const presentation: Presentation =
    caller === null ? 'none' : caller === 'anonymous' ? 'anonymous' : 'number';
  return toRecord(c, instance, () => ({ number: caller ?? '', presentation }));
}
