import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../analyze/analysis';
import { ARN, type Call, NAMES, ctr } from './ctr';

const CALLERS = ['+14155550121', '+14155550122', '+14155550123', 'anonymous'];
const AGENTS = ['ann', 'bob', 'cyd'];

/** A contact, sometimes republished: the same ContactId with another LastUpdateTimestamp or route. */
const callArb = fc.record({
  at: fc.integer({ min: 0, max: 6 * 24 * 60 }),
  caller: fc.constantFrom(...CALLERS),
  agent: fc.option(fc.constantFrom(...AGENTS), { nil: undefined }),
  wait: fc.integer({ min: 0, max: 300 }),
  talk: fc.integer({ min: 30, max: 900 }),
  acw: fc.integer({ min: 0, max: 120 }),
  method: fc.constantFrom('INBOUND', 'INBOUND', 'INBOUND', 'OUTBOUND', 'TRANSFER'),
  routed: fc.boolean(),
  versions: fc.array(fc.record({ later: fc.integer({ min: 0, max: 3 }), route: fc.boolean() }), {
    maxLength: 2,
  }),
});

type Draw = typeof callArb extends fc.Arbitrary<infer T> ? T : never;

function records(draws: Draw[]): string[] {
  return draws.flatMap((d, i) => {
    const call: Call = {
      id: `c${i}`,
      at: d.at,
      caller: d.caller,
      ...(d.agent ? { agent: d.agent } : { queued: true }),
      wait: d.wait,
      talk: d.talk,
      acw: d.acw,
      method: d.method,
      ...(d.method === 'TRANSFER' && i > 0 ? { initialId: `c${i - 1}` } : {}),
      attributes: d.routed
        ? { lastAgentRoute: 'LAST_AGENT', lastAgentArn: ARN(AGENTS[i % 3] as string) }
        : {},
    };
    const versions = d.versions.map((v) =>
      ctr({
        ...call,
        lastUpdate: d.at + 60 + v.later,
        attributes: v.route ? { lastAgentRoute: 'DEFAULT', lastAgentReason: 'AGENT_BUSY' } : {},
      }),
    );
    return [ctr(call), ...versions].map((r) => JSON.stringify(r));
  });
}

/** Writes the records over `files` files, in the order given, and analyzes the folder. */
async function analyzeSplit(lines: string[], files: number) {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-order-'));
  for (let f = 0; f < files; f++)
    writeFileSync(join(dir, `part-${f}`), lines.filter((_, i) => i % files === f).join(f % 2 ? '\n' : ''));
  const { files: _files, ...rest } = await analyze({
    paths: [dir],
    lookbackDays: 7,
    timeZone: 'UTC',
    attributeNames: NAMES,
  });
  return rest;
}

describe('the figures do not depend on reading order', () => {
  it('shuffling the records or splitting them over files changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(callArb, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (draws, files, seed) => {
          const lines = records(draws);
          const shuffled = fc.sample(fc.shuffledSubarray(lines, { minLength: lines.length }), {
            seed,
            numRuns: 1,
          })[0] as string[];
          const base = await analyzeSplit(lines, 1);
          expect(await analyzeSplit(shuffled, files)).toEqual(base);
        },
      ),
      { numRuns: 40 },
    );
  });
});
