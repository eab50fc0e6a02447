/**
 * Squared DTW inside a Sakoe–Chiba band of radius r (|i − j| ≤ r), equal lengths, with early
 * abandoning: when every cell of a row reaches `abandonAt` no path can finish below it, so the
 * candidate is dropped (Infinity). Step pattern (i−1,j−1), (i−1,j), (i,j−1), point cost (a_i − b_j)²,
 * no square root: the classic recurrence the UCR archive uses. With r ≥ length − 1 this is full DTW.
 *
 * `tail`, when given, is a lower bound on what the path must still add, as a suffix sum (the cumulative
 * LB_Keogh of Rakthanmanon et al. 2012). After row i, rows > i and columns > i + r are untouched:
 * with `tailLag` = r, tail[k] bounds columns k… (LB_Keogh of `b` against the envelope of `a`); with
 * `tailLag` = 0, rows k… (LB_Keogh of `a` against the envelope of `b`). The row is abandoned once its
 * minimum plus tail[i + tailLag + 1] reaches `abandonAt`.
 */
let rowA = new Float64Array(64);
let rowB = new Float64Array(64);

export function cdtw(a: ArrayLike<number>, b: ArrayLike<number>, radius: number, abandonAt = Infinity, tail?: ArrayLike<number>, tailLag = radius): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError(`constrained DTW needs equal lengths (${n} vs ${b.length})`);
  if (n === 0) return 0;
  const r = Math.max(0, Math.min(radius, n - 1));
  if (rowA.length < n + 1) {
    rowA = new Float64Array(2 * n);
    rowB = new Float64Array(2 * n);
  }
  // Scratch rows reused across calls (single-threaded; no re-entry): no allocation per distance.
  let prev = rowA.fill(Infinity, 0, n + 1);
  let cur = rowB.fill(Infinity, 0, n + 1);
  for (let i = 0; i < n; i++) {
    const lo = i > r ? i - r : 0;
    const hi = i + r < n - 1 ? i + r : n - 1;
    // Cells outside this row's band must read as unreachable for the next row.
    if (lo > 0) cur[lo - 1] = Infinity;
    let rowMin = Infinity;
    const ai = a[i];
    let left = Infinity; // (i, j-1)
    // (i-1, j-1), carried along the row so each cell reads prev once; the origin starts at 0.
    let diag = lo > 0 ? prev[lo - 1] : i === 0 ? 0 : Infinity;
    for (let j = lo; j <= hi; j++) {
      const up = prev[j]; // (i-1, j)
      let best = diag < up ? diag : up;
      if (left < best) best = left;
      diag = up;
      const d = ai - b[j];
      const v = d * d + best;
      cur[j] = v;
      left = v;
      if (v < rowMin) rowMin = v;
    }
    cur[hi + 1] = Infinity;
    const k = i + tailLag + 1;
    const rest = tail !== undefined && k < n ? tail[k] : 0;
    if (rowMin + rest >= abandonAt) return Infinity;
    const t = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[n - 1];
  return d >= abandonAt ? Infinity : d;
}
