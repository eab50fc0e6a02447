/**
 * Squared DTW inside a Sakoe–Chiba band of radius r (|i − j| ≤ r), equal lengths, with early
 * abandoning: when every cell of a row reaches `abandonAt` no path can finish below it, so the
 * candidate is dropped (Infinity). Two rows of memory. Step pattern (i−1,j−1), (i−1,j), (i,j−1),
 * point cost (a_i − b_j)², no square root: the classic recurrence the UCR archive uses.
 * With r ≥ length − 1 this is full DTW.
 */
export function cdtw(a: ArrayLike<number>, b: ArrayLike<number>, radius: number, abandonAt = Infinity): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError(`constrained DTW needs equal lengths (${n} vs ${b.length})`);
  if (n === 0) return 0;
  const r = Math.max(0, Math.min(radius, n - 1));
  let prev = new Float64Array(n).fill(Infinity);
  let cur = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - r);
    const hi = Math.min(n - 1, i + r);
    // Cells outside this row's band must read as unreachable for the next row.
    if (lo > 0) cur[lo - 1] = Infinity;
    let rowMin = Infinity;
    const ai = a[i];
    for (let j = lo; j <= hi; j++) {
      const d = (ai - b[j]) ** 2;
      let best: number;
      if (i === 0 && j === 0) best = 0;
      else {
        best = prev[j]; // (i-1, j)
        if (j > 0) {
          if (prev[j - 1] < best) best = prev[j - 1]; // (i-1, j-1)
          if (j > lo && cur[j - 1] < best) best = cur[j - 1]; // (i, j-1)
        }
      }
      const v = d + best;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi + 1 < n) cur[hi + 1] = Infinity;
    if (rowMin >= abandonAt) return Infinity;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n - 1] >= abandonAt ? Infinity : prev[n - 1];
}
