/**
 * Squared DTW restricted to a search window given per row i as columns [lo[i], hi[i]] (monotone
 * non-decreasing bounds, lo[0] = 0, hi[last] = m − 1), with the optimal warping path. Any lengths.
 * Full DTW is the window covering every cell; FastDTW passes the window projected from a coarser
 * resolution. Memory is proportional to the window's cell count.
 */
export interface Warp {
  /** Squared cost of the optimal path. */
  readonly distance: number;
  /** Cells (i, j) from (0, 0) to (n − 1, m − 1). */
  readonly path: Array<[number, number]>;
}

export function windowedDtw(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  lo: Int32Array,
  hi: Int32Array,
  withPath = true,
): Warp {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('DTW of an empty series is undefined');
  const offset = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offset[i + 1] = offset[i] + (hi[i] - lo[i] + 1);
  const cost = new Float64Array(offset[n]);
  const at = (i: number, j: number) =>
    i < 0 || j < lo[i] || j > hi[i] ? Infinity : cost[offset[i] + j - lo[i]];
  for (let i = 0; i < n; i++) {
    const rowLo = lo[i],
      rowHi = hi[i],
      base = offset[i] - rowLo;
    const prevLo = i > 0 ? lo[i - 1] : 0,
      prevHi = i > 0 ? hi[i - 1] : -1,
      prevBase = i > 0 ? offset[i - 1] - prevLo : 0;
    const ai = a[i];
    for (let j = rowLo; j <= rowHi; j++) {
      let best: number;
      if (i === 0 && j === 0) best = 0;
      else {
        best = j > rowLo ? cost[base + j - 1] : Infinity; // (i, j-1)
        if (j >= prevLo && j <= prevHi && cost[prevBase + j] < best) best = cost[prevBase + j]; // (i-1, j)
        if (j - 1 >= prevLo && j - 1 <= prevHi && cost[prevBase + j - 1] < best)
          best = cost[prevBase + j - 1]; // (i-1, j-1)
      }
      const d = ai - b[j];
      cost[base + j] = d * d + best;
    }
  }
  const distance = at(n - 1, m - 1);
  if (!withPath) return { distance, path: [] };
  const path: Array<[number, number]> = [[n - 1, m - 1]];
  let i = n - 1,
    j = m - 1;
  while (i > 0 || j > 0) {
    const diag = at(i - 1, j - 1),
      up = at(i - 1, j),
      left = at(i, j - 1);
    if (diag <= up && diag <= left) {
      i--;
      j--;
    } else if (up <= left) i--;
    else j--;
    path.push([i, j]);
  }
  return { distance, path: path.reverse() };
}
