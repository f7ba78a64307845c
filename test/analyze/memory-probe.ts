/**
 * Run by memory.test.ts in a fresh process (V8's flags are the whole process's, and the tests
 * share theirs): `node --import tsx memory-probe.ts bound|unbound|release`, one JSON line out.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { RELEASE_FROM_CONTACTS, boundYoungGeneration, releasePhaseMemory } from '../../analyze/memory';

const MB = 2 ** 20;
const youngMb = () =>
  (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / MB;

/** Many short-lived objects with some survivors, as reading rows makes: V8 grows the young generation. */
function churn(objects: number): number {
  let kept: { i: number; box: number[] }[] = [];
  let sum = 0;
  for (let i = 0; i < objects; i++) {
    kept.push({ i, box: [i * 0.5] });
    if (kept.length === 100_000) {
      sum += kept.length;
      kept = [];
    }
  }
  return sum;
}

/** 128 MB of typed arrays that live long enough to leave the young generation, then dropped. */
function oldGarbage(): void {
  const held: Float64Array[] = [];
  for (let i = 0; i < 8; i++) {
    held.push(new Float64Array(2 * 1024 * 1024));
    churn(1_000_000);
  }
  held.length = 0;
}

const mode = process.argv[2];
if (mode === 'bound' || mode === 'unbound') {
  if (mode === 'bound') boundYoungGeneration();
  churn(2_000_000);
  console.log(JSON.stringify({ youngMb: youngMb() }));
} else if (mode === 'release') {
  oldGarbage();
  const ab = () => process.memoryUsage().arrayBuffers / MB;
  const before = ab();
  // No await until the large release: nothing else can collect in between.
  const small = releasePhaseMemory(RELEASE_FROM_CONTACTS - 1);
  const afterSmall = ab();
  const large = releasePhaseMemory(RELEASE_FROM_CONTACTS);
  // V8 frees the dead arrays' memory on a helper thread just after the collection.
  for (let waited = 0; ab() >= 8 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  console.log(JSON.stringify({ before, small, afterSmall, large, after: ab() }));
}
