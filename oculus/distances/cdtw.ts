/**
 * Squared DTW inside a Sakoe–Chiba band of radius r (|i − j| ≤ r), equal lengths, with early
 * abandoning: when every cell of a row reaches `abandonAt` no path can finish below it, so the
 * candidate is dropped (Infinity). Step pattern (i−1,j−1), (i−1,j), (i,j−1), point cost (a_i − b_j)²,
 * no square root: the classic recurrence the UCR archive uses. With r ≥ length − 1 this is full DTW.
 *
 * Two optional lower bounds on what the path must still add, as suffix sums (the cumulative LB_Keogh
 * of Rakthanmanon et al. 2012): `columnTail[k]` for columns k… (LB_Keogh of `b` against the envelope
 * of `a`), `rowTail[k]` for rows k… (LB_Keogh of `a` against the envelope of `b`). A cell of row i
 * still has rows > i and columns > i + r ahead, so with v its cost, v + max(rowTail[i + 1],
 * columnTail[i + r + 1]) ≥ `abandonAt` means no path through it can win: the cell is dead. Dead cells
 * are pruned as in EAPrunedDTW (Herrmann & Webb 2021): a row starts at the previous row's first live
 * column and stops past its last once the cell to the left is dead, and the distance is abandoned when
 * a row has no live cell. Every cell of a winning path is live, so the result stays exact.
 */
let rowA = new Float64Array(64);
let rowB = new Float64Array(64);

export function cdtw(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  radius: number,
  abandonAt = Infinity,
  columnTail?: ArrayLike<number>,
  rowTail?: ArrayLike<number>,
): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError(`constrained DTW needs equal lengths (${n} vs ${b.length})`);
  if (n === 0) return 0;
  const r = Math.max(0, Math.min(radius, n - 1));
  if (rowA.length < n) {
    rowA = new Float64Array(2 * n);
    rowB = new Float64Array(2 * n);
  }
  // Scratch rows reused across calls (single-threaded; no re-entry): no allocation per distance.
  // Only columns [liveFrom, liveTo] of `prev` are read; the rest count as unreachable.
  let prev = rowA;
  let cur = rowB;
  let liveFrom = 0;
  let liveTo = -1; // the row above the first: nothing but the origin
  for (let i = 0; i < n; i++) {
    const lo = i > r ? i - r : 0;
    const hi = i + r < n - 1 ? i + r : n - 1;
    let rest = rowTail !== undefined && i + 1 < n ? rowTail[i + 1] : 0;
    if (columnTail !== undefined && i + r + 1 < n && columnTail[i + r + 1] > rest)
      rest = columnTail[i + r + 1];
    const limit = abandonAt - rest;
    const ai = a[i];
    const from = i === 0 ? 0 : lo > liveFrom ? lo : liveFrom;
    // (i-1, j-1), carried along the row so each cell reads prev once; the origin starts at 0.
    let diag = i === 0 ? 0 : from - 1 >= liveFrom && from - 1 <= liveTo ? prev[from - 1] : Infinity;
    let left = Infinity; // (i, j-1)
    let nextFrom = -1,
      nextTo = -1;
    for (let j = from; j <= hi; j++) {
      // Past the live cells above, only the left neighbour feeds this cell: once it is dead, so is the rest.
      if (j > liveTo + 1 && !(left < limit)) break;
      const up = j <= liveTo ? prev[j] : Infinity; // (i-1, j)
      let best = diag < up ? diag : up;
      if (left < best) best = left;
      diag = up;
      const d = ai - b[j];
      const v = d * d + best;
      cur[j] = v;
      left = v;
      if (v < limit) {
        if (nextFrom < 0) nextFrom = j;
        nextTo = j;
      }
    }
    if (nextFrom < 0) return Infinity;
    liveFrom = nextFrom;
    liveTo = nextTo;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return liveTo === n - 1 ? prev[n - 1] : Infinity;
}
