import { readFileSync } from 'node:fs';

/**
 * What the routing-state sources cost: public prices, what a decision and the indexers use, the
 * cost per million decisions, and DynamoDB's item sizes and request units.
 */

export interface Price {
  usd: number;
  unit: string;
  source: string;
}

/**
 * Public on-demand prices, us-east-1, Arm Lambda; free tiers left out. The pricing pages fill
 * their rate tables in the browser, so the stored copies carry the units but not the numbers:
 * where a rate comes from a secondary page it says so (research: /tmp/research/index-facts.md §1).
 */
export const PRICES = {
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'request',
    source:
      'Lambda requests $0.20 per 1M (aws.amazon.com/lambda/pricing; rate via cloudchipr.com/blog/aws-lambda-pricing [secondary])',
  },
  lambdaGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-s',
    source:
      'Lambda Arm duration $0.0000133334 per GB-s, first 7.5 billion GB-s a month, billed per 1 ms (aws.amazon.com/lambda/pricing; rate via cloudchipr.com [secondary], artillery prices.js)',
  },
  sfnExpressRequest: {
    usd: 1 / 1e6,
    unit: 'request',
    source:
      'Step Functions Express $1.00 per 1M requests (AWS Compute Blog, "Building cost-effective AWS Step Functions workflows")',
  },
  sfnExpressGbSecond: {
    usd: 0.00001667,
    unit: 'GB-s',
    source:
      'Step Functions Express duration $0.00001667 per GB-s, billed per 100 ms in 64 MB chunks (units: aws.amazon.com/step-functions/pricing; rate via wring.co [secondary])',
  },
  dynamoRru: {
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source:
      'DynamoDB on-demand $0.125 per 1M RRU (after the Nov 2024 cut; airbyte.com/data-engineering-resources/dynamodb-pricing [secondary]); eventually consistent read ≤ 4 KB = 0.5 RRU (aws.amazon.com/dynamodb/pricing/on-demand)',
  },
  dynamoWru: {
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source:
      'DynamoDB on-demand $0.625 per 1M WRU (same source [secondary]); a write of an item ≤ 1 KB = 1 WRU (aws.amazon.com/dynamodb/pricing/on-demand)',
  },
  eventBridgeServiceEvent: {
    usd: 0,
    unit: 'event',
    source:
      'EventBridge: AWS service events on the default bus to a same-account target are not charged (aws.amazon.com/eventbridge/pricing; that Connect contact events count as such is an assumption)',
  },
  connectApiCall: {
    usd: 0,
    unit: 'call',
    source:
      'Amazon Connect API calls (SearchContacts, GetCurrentUserData): no per-call price found; they are bounded by quotas instead',
  },
} satisfies Record<string, Price>;
export type Prices = Record<keyof typeof PRICES, Price>;

/** Step Functions Express bills memory in 64 MB chunks; the state payloads here are a few KB. */
export const EXPRESS_MEMORY_MB = 64;

/** What one decision uses (means over the measured decisions). */
export interface DecisionUsage {
  /** Lambda invocations: the entry function plus every Task state attempt. */
  lambdaRequests: number;
  /** Σ billed ms × memory, of the entry function and the Task states. */
  lambdaGbSeconds: number;
  sfnRequests: number;
  sfnGbSeconds: number;
  readUnits: number;
  writeUnits: number;
}

/** What the contact indexer uses per contact (events on the rule, and their writes). */
export interface IndexerUsage {
  lambdaRequests: number;
  lambdaGbSeconds: number;
  readUnits: number;
  writeUnits: number;
}

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  usdPerMillion: number;
}

/** The cost lines of a decision: item, usage figure, price. */
const DECISION_ITEMS: [item: string, usage: keyof DecisionUsage, price: keyof Prices][] = [
  ['Lambda requests', 'lambdaRequests', 'lambdaRequest'],
  ['Lambda duration', 'lambdaGbSeconds', 'lambdaGbSecond'],
  ['Express requests', 'sfnRequests', 'sfnExpressRequest'],
  ['Express duration', 'sfnGbSeconds', 'sfnExpressGbSecond'],
  ['DynamoDB reads (decision)', 'readUnits', 'dynamoRru'],
  ['DynamoDB writes (decision)', 'writeUnits', 'dynamoWru'],
];

/** The contact indexer's cost lines (per contact: each decision's call becomes one). */
const INDEXER_ITEMS: [item: string, usage: keyof IndexerUsage, price: keyof Prices][] = [
  ['contact indexer requests', 'lambdaRequests', 'lambdaRequest'],
  ['contact indexer duration', 'lambdaGbSeconds', 'lambdaGbSecond'],
  ['contact indexer reads', 'readUnits', 'dynamoRru'],
  ['contact indexer writes', 'writeUnits', 'dynamoWru'],
  ['contact events (EventBridge)', 'lambdaRequests', 'eventBridgeServiceEvent'],
];

/** Cost per million decisions: each usage figure × its price × 10⁶, line by line. */
export function costPerMillion(
  usage: DecisionUsage,
  indexer: IndexerUsage | undefined,
  prices: Prices = PRICES,
): { lines: CostLine[]; total: number } {
  const linesOf = <U>(items: [string, keyof U, keyof Prices][], of: U): CostLine[] =>
    items.map(([item, figure, price]) => {
      const quantity = of[figure] as number;
      return { item, quantity, unit: prices[price].unit, usdPerMillion: quantity * prices[price].usd * 1e6 };
    });
  const lines = [...linesOf(DECISION_ITEMS, usage), ...(indexer ? linesOf(INDEXER_ITEMS, indexer) : [])];
  return { lines, total: lines.reduce((s, l) => s + l.usdPerMillion, 0) };
}

/** Lambda bills duration rounded up to 1 ms; Express rounds up to 100 ms. */
export const lambdaGbSeconds = (ms: number, memoryMb: number) => (Math.ceil(ms) / 1000) * (memoryMb / 1024);
export const expressGbSeconds = (ms: number) =>
  ((Math.ceil(ms / 100) * 100) / 1000) * (EXPRESS_MEMORY_MB / 1024);

/**
 * The memory of the deployed functions, read from the CDK sources rather than imported (loading
 * aws-cdk-lib takes seconds): the steps' MEMORY_MB and the indexers' default.
 */
export function deployedMemory(): { stepMb: number; indexerMb: number } {
  const read = (path: string, pattern: RegExp) => {
    const m = pattern.exec(readFileSync(new URL(path, import.meta.url), 'utf8'));
    if (!m) throw new Error(`cannot find ${pattern} in ${path}`);
    return Number(m[1]);
  };
  return {
    stepMb: read('../../infra/constructs/step-function.ts', /export const MEMORY_MB = (\d+)/),
    indexerMb: read('../../infra/constructs/routing-state.ts', /indexerMemorySize \?\? (\d+)/),
  };
}

// ---------------------------------------------------------------------------------------------
// Item sizes, as DynamoDB counts them ("DynamoDB item sizes and formats",
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
// every attribute its name's UTF-8 bytes; a string its UTF-8 bytes; a number "approximately (1 byte
// per two significant digits) + (1 byte)"; a list or map 3 bytes + its elements + 1 byte each.

function valueSize(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') {
    const digits =
      String(Math.abs(v))
        .replace('.', '')
        .replace(/^0+|0+$/g, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (typeof v === 'boolean' || v === null) return 1;
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + valueSize(x), 0);
  if (v && typeof v === 'object')
    return (
      3 + Object.entries(v).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k, 'utf8') + valueSize(x), 0)
    );
  return 0;
}

export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((s, [k, v]) => s + Buffer.byteLength(k, 'utf8') + valueSize(v), 0);
}

export const writeUnitsFor = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
/** Eventually consistent (the steps' reads): half a unit per 4 KB. */
export const readUnitsFor = (bytes: number) => 0.5 * Math.max(1, Math.ceil(bytes / 4096));
