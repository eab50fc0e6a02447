import { windowedDtw, type Warp } from './windowedDtw.js';

/**
 * FastDTW, after Salvador & Chan, "FastDTW: Toward Accurate Dynamic Time Warping in Linear Time and
 * Space" (Intelligent Data Analysis 11(5), 2007), Table 1:
 *
 *   FastDTW(X, Y, radius)
 *     minTSsize = radius + 2
 *     if |X| ≤ minTSsize or |Y| ≤ minTSsize: return DTW(X, Y)          (full DTW at the base case)
 *     shrunkX = X.reduceByHalf(); shrunkY = Y.reduceByHalf()            (average adjacent pairs)
 *     lowResPath = FastDTW(shrunkX, shrunkY, radius)
 *     window = ExpandedResWindow(lowResPath, X, Y, radius)              (project ×2, then widen by radius)
 *     return DTW(X, Y, window)
 *
 * The result is the cost of a real warping path, so it is ≥ full DTW, and equal when the optimal path
 * lies inside the window. Squared point cost, any lengths ≥ 1.
 */
export function fastDtw(x: ArrayLike<number>, y: ArrayLike<number>, radius: number): Warp {
  if (!(radius >= 0) || !Number.isInteger(radius))
    throw new RangeError(`FastDTW radius must be an integer >= 0, got ${radius}`);
  const minSize = radius + 2;
  if (x.length <= minSize || y.length <= minSize) {
    return windowedDtw(x, y, new Int32Array(x.length), new Int32Array(x.length).fill(y.length - 1));
  }
  const low = fastDtw(reduceByHalf(x), reduceByHalf(y), radius);
  const { lo, hi } = expandedResWindow(low.path, x.length, y.length, radius);
  return windowedDtw(x, y, lo, hi);
}

/** Halves the resolution by averaging adjacent pairs; an odd last point stands alone. */
export function reduceByHalf(v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.ceil(v.length / 2));
  for (let k = 0; k < out.length; k++) {
    const i = 2 * k;
    out[k] = i + 1 < v.length ? (v[i] + v[i + 1]) / 2 : v[i];
  }
  return out;
}

/**
 * Projects each low-resolution path cell (i, j) onto the 2×2 block it covers at full resolution, then
 * widens the projection by `radius` cells on every side. Kept as per-row column ranges: the projected
 * path is a monotone staircase, so each row's cells are contiguous.
 */
export function expandedResWindow(
  lowPath: ReadonlyArray<readonly [number, number]>,
  n: number,
  m: number,
  radius: number,
): { lo: Int32Array; hi: Int32Array } {
  const pLo = new Int32Array(n).fill(m);
  const pHi = new Int32Array(n).fill(-1);
  for (const [i, j] of lowPath) {
    for (let r = 2 * i; r <= Math.min(n - 1, 2 * i + 1); r++) {
      pLo[r] = Math.min(pLo[r], 2 * j);
      pHi[r] = Math.max(pHi[r], Math.min(m - 1, 2 * j + 1));
    }
  }
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let l = m,
      h = -1;
    for (let k = Math.max(0, i - radius); k <= Math.min(n - 1, i + radius); k++) {
      if (pLo[k] < l) l = pLo[k];
      if (pHi[k] > h) h = pHi[k];
    }
    lo[i] = Math.max(0, l - radius);
    hi[i] = Math.min(m - 1, h + radius);
  }
  return { lo, hi };
}
