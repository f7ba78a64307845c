/**
 * Queueing theory for the `none` policy: Erlang C (M/M/n, callers never hang up) and Erlang A
 * (M/M/n+M, exponential patience; Palm's model). The simulator prints these next to the
 * simulated `none` row when its assumptions hold, and the tests check the simulation against them.
 *
 * Definitions match the simulator's: pWait is the share of answered calls that waited at all,
 * asaSeconds the mean wait of answered calls, serviceLevel the share of offered calls answered
 * within T seconds, occupancy busy agent time over staffed agent time.
 */

export interface QueueInput {
  agents: number;
  callsPerHour: number;
  handleSeconds: number;
  serviceLevelSeconds: number;
}

export interface QueueTheory {
  model: 'Erlang C' | 'Erlang A';
  pWait: number;
  asaSeconds: number;
  serviceLevel: number;
  abandonRate: number;
  occupancy: number;
}

/** Erlang B blocking probability, by the stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)). */
export function erlangB(agents: number, offeredErlangs: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (offeredErlangs * b) / (k + offeredErlangs * b);
  return b;
}

/** Erlang C: the probability that a caller waits, C = n·B / (n − a·(1 − B)); 1 when a ≥ n. */
export function erlangC(agents: number, offeredErlangs: number): number {
  if (offeredErlangs >= agents) return 1;
  const b = erlangB(agents, offeredErlangs);
  return (agents * b) / (agents - offeredErlangs * (1 - b));
}

/** M/M/n with infinite patience. Requires a < n (otherwise the queue grows without bound). */
export function erlangCMetrics(q: QueueInput): QueueTheory {
  const lambda = q.callsPerHour / 3600;
  const mu = 1 / q.handleSeconds;
  const a = lambda / mu;
  if (a >= q.agents)
    throw new RangeError(`Erlang C needs offered load ${a.toFixed(2)} below ${q.agents} agents`);
  const c = erlangC(q.agents, a);
  const drain = q.agents * mu - lambda;
  return {
    model: 'Erlang C',
    pWait: c,
    asaSeconds: c / drain,
    serviceLevel: 1 - c * Math.exp(-drain * q.serviceLevelSeconds),
    abandonRate: 0,
    occupancy: a / q.agents,
  };
}

/**
 * M/M/n+M. The number in system is a birth-death chain (births λ, deaths min(k,n)·μ + (k−n)⁺·θ);
 * its stationary law is computed in log space and truncated where it falls below 1e-18 of its
 * peak. An arrival finding i callers already waiting (k = n + i) has a virtual wait
 * V = Σ_{j=0..i} Exp(nμ + jθ) (those ahead leave by service or by hanging up) and is answered iff
 * its patience exceeds V; tilting by e^{−θV} gives P(answered | i) = nμ / (nμ + (i+1)θ) and, on
 * that event, V distributed as Σ_{j=0..i} Exp(nμ + (j+1)θ), whose distribution function is
 * computed by uniformisation for all i at once.
 */
export function erlangAMetrics(q: QueueInput & { patienceSeconds: number }): QueueTheory {
  const n = q.agents;
  const lambda = q.callsPerHour / 3600;
  const mu = 1 / q.handleSeconds;
  const theta = 1 / q.patienceSeconds;
  const nmu = n * mu;

  // Stationary distribution of the number in system, in logs.
  const logPi: number[] = [0];
  let peak = 0;
  for (let k = 1; ; k++) {
    const death = Math.min(k, n) * mu + Math.max(k - n, 0) * theta;
    const v = (logPi[k - 1] as number) + Math.log(lambda / death);
    logPi.push(v);
    if (v > peak) peak = v;
    if (k > n && v < peak - 41.4 && lambda < death) break;
    if (k > 10_000_000) throw new RangeError('Erlang A: state space too large');
  }
  let total = 0;
  for (const v of logPi) total += Math.exp(v - peak);
  const pi = logPi.map((v) => Math.exp(v - peak) / total);
  const maxQueue = pi.length - 1 - n; // largest i = k − n with k in the truncated range

  // F[i] = P(Σ_{j=0..i} Exp(nμ + (j+1)θ) ≤ T), by uniformisation at rate Λ = nμ + (maxQueue+1)θ.
  const F = new Float64Array(Math.max(0, maxQueue + 1));
  const T = q.serviceLevelSeconds;
  if (maxQueue >= 0 && T > 0) {
    const rate = nmu + (maxQueue + 1) * theta;
    const m = rate * T;
    const kMax = Math.ceil(m + 12 * Math.sqrt(m) + 30);
    // absorbed[i]: probability to be done within k jumps of the uniformised chain from state i.
    let absorbed = new Float64Array(maxQueue + 1);
    let next = new Float64Array(maxQueue + 1);
    let logFact = 0;
    for (let k = 0; k <= kMax; k++) {
      if (k > 0) {
        logFact += Math.log(k);
        for (let i = 0; i <= maxQueue; i++) {
          const down = (nmu + (i + 1) * theta) / rate;
          const below = i === 0 ? 1 : (absorbed[i - 1] as number);
          next[i] = down * below + (1 - down) * (absorbed[i] as number);
        }
        [absorbed, next] = [next, absorbed];
      }
      const w = Math.exp(-m + k * Math.log(m) - logFact);
      if (w === 0) continue;
      for (let i = 0; i <= maxQueue; i++) F[i] = (F[i] as number) + w * (absorbed[i] as number);
    }
  }

  let pServedAtOnce = 0;
  for (let k = 0; k < n && k < pi.length; k++) pServedAtOnce += pi[k] as number;
  let pServedAfterWait = 0;
  let waitOfServed = 0;
  let servedWithinT = 0;
  let harmonic = 0;
  let busy = 0;
  for (let k = 0; k < pi.length; k++) busy += Math.min(k, n) * (pi[k] as number);
  for (let i = 0; i <= maxQueue; i++) {
    const p = pi[n + i] as number;
    const served = nmu / (nmu + (i + 1) * theta);
    harmonic += 1 / (nmu + (i + 1) * theta);
    pServedAfterWait += p * served;
    waitOfServed += p * served * harmonic;
    servedWithinT += p * served * (T > 0 ? (F[i] as number) : 0);
  }
  const pServed = pServedAtOnce + pServedAfterWait;
  return {
    model: 'Erlang A',
    pWait: pServedAfterWait / pServed,
    asaSeconds: waitOfServed / pServed,
    serviceLevel: pServedAtOnce + servedWithinT,
    abandonRate: 1 - pServed,
    occupancy: busy / n,
  };
}
