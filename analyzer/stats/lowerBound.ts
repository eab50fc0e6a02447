/**
 * Index of the first element of the ascending `sorted` that is ≥ `x` (`sorted.length` when none):
 * where a window that starts at `x` begins. Binary search, so a detector looking at the last hour
 * of a week-long window does not walk the week.
 */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
