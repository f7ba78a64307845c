import {
  CONNECT_DEFAULT_QUOTAS,
  FaultKind,
  type Faults,
  MAX_DELAY_MS,
  OPERATIONS,
  type Operation,
} from './scenario';

/** Small seeded PRNG (mulberry32): the same scenario seed replays the same latencies and faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Log-normal latency fitted to a median and a 99th percentile, the usual shape of API
 * latency (a floor, a body, a long tail). z(0.99) = 2.326.
 */
export function latencySampler(median: number, p99: number, random: () => number): () => number {
  if (median <= 0) return () => 0;
  const mu = Math.log(median);
  const sigma = Math.max(0, (Math.log(Math.max(p99, median)) - mu) / 2.326);
  return () => {
    // Box-Muller transform for a standard normal draw.
    const u = Math.max(random(), 1e-12);
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(mu + sigma * z);
  };
}

/** 32-bit FNV-1a hash of a string, to seed a per-request random stream. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Token bucket: `rps` tokens per second, at most `burst` stored, as Connect's API throttling. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rps: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rps);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface FaultPlan {
  /**
   * Latency for a request. `key` names the logical request (e.g. the customer searched for);
   * the n-th request with the same key gets the same draw in every run with the same seed, so
   * two clients making the same logical calls in a different order see the same latencies.
   */
  latency(op: Operation, key?: string): number;
  /** The injected fault for this request, if any. */
  fault(op: Operation): { kind: FaultKind; delayMs: number } | undefined;
  /** False when the operation's rate limit is exhausted. */
  admit(op: Operation): boolean;
}

export function planFaults(faults: Faults): FaultPlan {
  const faultRandom = seededRandom(faults.seed);
  const lat = faults.latencyMs;
  const latencyOf = (op: Operation) =>
    (lat && 'median' in lat && typeof lat.median === 'number'
      ? lat
      : (lat as Record<string, unknown>)?.[op]) as { median: number; p99: number } | undefined;
  const seen = new Map<string, number>();
  const drawFor = (op: Operation, key: string) => {
    const id = `${op}\u0000${key}`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return seededRandom(fnv1a(`${faults.seed}\u0000${id}\u0000${n}`));
  };
  const buckets = new Map<Operation, TokenBucket>();
  const quotas = faults.throttle === 'connect-defaults' ? CONNECT_DEFAULT_QUOTAS : (faults.throttle ?? {});
  for (const [op, t] of Object.entries(quotas) as [Operation, { rps: number; burst: number }][]) {
    buckets.set(op, new TokenBucket(t.rps, t.burst));
  }
  return {
    latency: (op, key = '') => {
      const l = latencyOf(op);
      return l ? latencySampler(l.median, l.p99, drawFor(op, key))() : 0;
    },
    fault: (op) => {
      for (const f of faults.inject) {
        if ((f.operation === '*' || f.operation === op) && faultRandom() < f.rate) return f;
      }
      return undefined;
    },
    admit: (op) => buckets.get(op)?.take() ?? true,
  };
}

/** "--quotas" values: "connect-defaults", "off", or "RPS:BURST" applied to every operation. */
export function parseQuotas(quotas: string): Faults['throttle'] {
  if (quotas === 'off') return undefined;
  if (quotas === 'connect-defaults') return 'connect-defaults';
  const m = /^(\d+(?:\.\d+)?):(\d+)$/.exec(quotas);
  const quota = { rps: Number(m?.[1]), burst: Number(m?.[2]) };
  if (!m || !(quota.rps > 0) || !(quota.burst >= 1))
    throw new Error(
      `--quotas must be connect-defaults, off or RPS:BURST with RPS > 0 and BURST ≥ 1, got "${quotas}"`,
    );
  return Object.fromEntries(OPERATIONS.map((op) => [op, quota]));
}

/** "--fault" values: OPERATION:KIND[:RATE[:DELAY_MS]], OPERATION may be "*". */
export function parseFault(spec: string): Faults['inject'][number] {
  const parts = spec.split(':');
  const [operation = '', kind = '', rate, delay] = parts;
  const op =
    operation === '*' || (OPERATIONS as readonly string[]).includes(operation) ? operation : undefined;
  const parsedKind = FaultKind.safeParse(kind);
  const form = `--fault must be OPERATION:KIND[:RATE[:DELAY_MS]] with OPERATION one of ${OPERATIONS.join(', ')} or *, KIND one of ${FaultKind.options.join(', ')}, RATE a number above 0 and at most 1 (default 1), DELAY_MS a whole number 0-${MAX_DELAY_MS} (default 10000)`;
  if (!op || !parsedKind.success || parts.length > 4) throw new Error(`${form}, got "${spec}"`);
  const r = rate === undefined ? 1 : /^\d+(?:\.\d+)?$/.test(rate) ? Number(rate) : Number.NaN;
  if (!(r > 0 && r <= 1))
    throw new Error(
      `--fault RATE must be a number above 0 and at most 1, e.g. 0.5, got "${rate}" in "${spec}"`,
    );
  const d = delay === undefined ? 10000 : /^\d+$/.test(delay) ? Number(delay) : Number.NaN;
  if (!(Number.isInteger(d) && d >= 0 && d <= MAX_DELAY_MS))
    throw new Error(
      `--fault DELAY_MS must be a whole number of milliseconds, DELAY_MS at least 0 and DELAY_MS at most ${MAX_DELAY_MS}, got "${delay}" in "${spec}"`,
    );
  return { operation: op as Operation | '*', kind: parsedKind.data, rate: r, delayMs: d };
}
