import { unpackMultiple } from 'msgpackr';
import type { WindowStore } from '../../core/store/store.js';

/**
 * Points stored under `names`, counting every appended `[ts, value]` (duplicates included), so the
 * total can be compared exactly with the points sent.
 */
export async function countStored(store: WindowStore, names: ReadonlyArray<string>): Promise<number> {
  let total = 0;
  for (let i = 0; i < names.length; i += 500) {
    for (const raw of await store.readRawWindows(names.slice(i, i + 500))) {
      if (raw)
        unpackMultiple(raw, () => {
          total++;
        });
    }
  }
  return total;
}

/**
 * Polls until `expected` points are stored or the count has not moved for `settleMs` (the writer
 * flushes every few milliseconds; a count that stops moving short of `expected` means points were lost).
 */
export async function waitForStored(
  store: WindowStore,
  names: ReadonlyArray<string>,
  expected: number,
  settleMs = 3000,
  maxMs = 120_000,
): Promise<number> {
  const start = Date.now();
  let last = -1,
    lastChange = Date.now();
  for (;;) {
    const n = await countStored(store, names);
    if (n >= expected) return n;
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange >= settleMs || Date.now() - start >= maxMs) return n;
    await new Promise((r) => setTimeout(r, 200));
  }
}
