/**
 * Sizing reads by bytes rather than by count: a bulk reader (the analyzer's chunks, a read command of
 * the read pacer) takes as many windows as fit its budget at the bytes per window it last read, so
 * what it holds in flight stays about the same as windows grow (a window of 12,600 points is nine
 * times a day at one minute).
 */

/** Items that fit `budget` bytes at `bytesPerItem`, between 1 and `max` (with nothing measured yet: `max`). */
export function countWithin(budget: number, bytesPerItem: number, max: number): number {
  if (!(bytesPerItem > 0)) return max;
  return Math.max(1, Math.min(max, Math.floor(budget / bytesPerItem)));
}

/** Raw bytes of a batch of windows (a missing window reads as none). */
export function rawBytes(raws: ReadonlyArray<Uint8Array | null>): number {
  let n = 0;
  for (const r of raws) n += r?.length ?? 0;
  return n;
}
