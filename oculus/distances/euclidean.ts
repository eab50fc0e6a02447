/**
 * Squared Euclidean distance with early abandoning: stops and returns Infinity as soon as the partial
 * sum reaches `abandonAt` (a squared best-so-far), since the candidate can then no longer win.
 * Distances in this folder are squared sums (as the UCR archive computes them); take the square root
 * for display: it does not change any ranking.
 */
export function squaredEuclidean(a: ArrayLike<number>, b: ArrayLike<number>, abandonAt = Infinity): number {
  if (a.length !== b.length)
    throw new RangeError(`Euclidean distance needs equal lengths (${a.length} vs ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
    if (sum >= abandonAt) return Infinity;
  }
  return sum;
}
