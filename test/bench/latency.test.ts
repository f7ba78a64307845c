import { describe, expect, it } from 'vitest';
import { PairedLatency, checkPairing, inDecision } from '../../bench/latency';

const model = { median: 60, p99: 250 };
const noSleep = async () => undefined;

/** One contender's requests for a list of callers: each decision makes the given operations. */
async function run(latency: PairedLatency, callers: string[], operations: string[]) {
  for (const caller of callers) {
    await inDecision(caller, async () => {
      for (const op of operations) latency.next(op);
    });
  }
}

describe('latency paired per logical request', () => {
  it('gives every contender the same draw for the same caller, operation and occurrence, in any order', async () => {
    const a = new PairedLatency(model, 42, noSleep);
    const b = new PairedLatency(model, 42, noSleep);
    await run(a, ['call 1', 'call 2', 'call 3'], ['SearchContacts', 'GetCurrentUserData']);
    // Another contender: other order, and a second status check in one decision.
    await run(b, ['call 3', 'call 1'], ['SearchContacts', 'GetCurrentUserData', 'GetCurrentUserData']);
    const check = checkPairing({ a, b });
    expect(check.ok).toBe(true);
    expect(check.shared).toEqual({ SearchContacts: 2, GetCurrentUserData: 2 });
    expect(new Set(a.draws.values()).size).toBe(a.draws.size);
  });

  it('fails when draws come from one stream in call order (the unpaired model it replaces)', async () => {
    let n = 0;
    const stream = () => ++n * 7;
    const a = new PairedLatency(model, 1, noSleep, stream);
    const b = new PairedLatency(model, 1, noSleep, stream);
    await run(a, ['call 1', 'call 2'], ['GetCurrentUserData']);
    await run(b, ['call 2', 'call 1'], ['GetCurrentUserData']);
    const check = checkPairing({ a, b });
    expect(check.ok).toBe(false);
    expect(check.mismatches.length).toBe(2);
  });

  it('fails when a request is made outside any decision', () => {
    const a = new PairedLatency(model, 1, noSleep);
    a.next('SearchContacts');
    expect(checkPairing({ a }).ok).toBe(false);
  });

  it('draws nothing with the model off', async () => {
    const off = new PairedLatency(null, 1, noSleep);
    await run(off, ['call 1'], ['SearchContacts']);
    expect([...off.draws.values()]).toEqual([0]);
  });
});
