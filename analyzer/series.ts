import { sortAndDedupe } from '../core/store/windowCodec.js';
import type { Series } from '../core/store/store.js';

/** Builds an analysis series from `[ts, value]` points in any order (sorted, last write wins). */
export function seriesFromPoints(points: ReadonlyArray<readonly [number, number]>): Series {
  const n = points.length;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = Number(points[i][0]);
    vs[i] = Number(points[i][1]);
  }
  return sortAndDedupe(ts, vs, n);
}
