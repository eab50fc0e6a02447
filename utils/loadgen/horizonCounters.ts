import type { StatusStore } from '../../core/store/store.js';

/**
 * Horizon's own counters, from the status document it writes with its self-metrics, so a loadgen run
 * that lost points can say where: rejected (by reason), skipped, or dropped over the buffer bound.
 * They count every sender's traffic, not only this run's.
 */
export type Counters = Record<string, number>;

const isCounter = (k: string) =>
  ['received', 'written', 'skipped', 'dropped'].includes(k) || k.startsWith('rejected.');

export async function readHorizonCounters(
  store: StatusStore,
): Promise<{ counters: Counters; updatedAt: number } | undefined> {
  const status = (await store.getStatus()).horizon;
  if (!status || typeof status.updatedAt !== 'number') return undefined;
  const counters: Counters = {};
  for (const [k, v] of Object.entries(status)) if (isCounter(k) && typeof v === 'number') counters[k] = v;
  return { counters, updatedAt: status.updatedAt };
}

/**
 * The change in horizon's counters between `before` and its first status written at or after `since`
 * (waiting up to `maxWaitMs` for it); only the counters that moved. Undefined when horizon writes none.
 */
export async function horizonCountersSince(
  store: StatusStore,
  before: Counters,
  since: number,
  maxWaitMs: number,
): Promise<Counters | undefined> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const now = await readHorizonCounters(store);
    if (now && now.updatedAt >= since) {
      const delta: Counters = {};
      for (const [k, v] of Object.entries(now.counters))
        if (v !== (before[k] ?? 0)) delta[k] = v - (before[k] ?? 0);
      return delta;
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 250));
  }
}
