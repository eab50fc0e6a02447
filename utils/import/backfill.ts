/**
 * Writes history into the Store the way horizon would have: every point into the raw analysis window
 * (when it is recent enough to survive roomba) and into every torus schema its name matches.
 */
import type { Point, RollupStore, TorusWrite, WindowStore } from '../../core/store/store.js';

/** Turns one point into the torus bucket writes horizon would make for it. */
export type TorusRouter = (name: string, ts: number, value: number) => ReadonlyArray<TorusWrite>;

export interface BackfillOptions {
  readonly store: WindowStore & RollupStore;
  /** Points older than this (epoch seconds) would be trimmed by roomba at once: torus only. */
  readonly windowStart: number;
  readonly route?: TorusRouter;
  /** Called after each chunk with the points done so far. */
  readonly onProgress?: (done: number) => void;
  readonly chunkPoints?: number;
}

export interface BackfillResult {
  readonly points: number;
  readonly windowPoints: number;
  /** Points older than the raw window (only in the torus schemas, if any matched). */
  readonly olderThanWindow: number;
  readonly torusWrites: number;
}

export async function backfill(
  series: ReadonlyMap<string, ReadonlyArray<Point>>,
  opts: BackfillOptions,
): Promise<BackfillResult> {
  const chunk = opts.chunkPoints ?? 10_000;
  let points = 0,
    windowPoints = 0,
    olderThanWindow = 0,
    torusWrites = 0;
  for (const [name, all] of series) {
    for (let i = 0; i < all.length; i += chunk) {
      const part = all.slice(i, i + chunk);
      const recent = part.filter(([ts]) => ts >= opts.windowStart);
      if (recent.length) await opts.store.append([{ name, points: recent }]);
      if (opts.route) {
        const writes: TorusWrite[] = [];
        for (const [ts, value] of part) writes.push(...opts.route(name, ts, value));
        await opts.store.torusWrite(writes);
        torusWrites += writes.length;
      }
      points += part.length;
      windowPoints += recent.length;
      olderThanWindow += part.length - recent.length;
      opts.onProgress?.(points);
    }
  }
  return { points, windowPoints, olderThanWindow, torusWrites };
}
