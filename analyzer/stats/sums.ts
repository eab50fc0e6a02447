/**
 * Summation orders matter when a preset must reproduce another implementation's verdicts bit for
 * bit: numpy sums contiguous float64 arrays pairwise (8-way unrolled blocks of up to 128), while
 * pandas' `Series.std()` goes through bottleneck, which sums sequentially. Thresholds such as
 * `abs(x) > 3 * std` can flip on the last bit, so both orders are provided and each detector says
 * which one its reference used.
 */

const BLOCK = 128;

/** numpy's pairwise_sum over `a[from, from + n)`. */
export function pairwiseSum(a: Float64Array, from = 0, n = a.length - from): number {
  return pairwise(a, from, n, sumLeaf, 0);
}

/**
 * numpy's pairwise sum of `(a[i] − centre)²` over `a[from, from + n)`: what `numpy.std` sums, in
 * the same order, without materialising the squares.
 */
export function pairwiseSumSquaredDeviations(
  a: Float64Array,
  centre: number,
  from = 0,
  n = a.length - from,
): number {
  return pairwise(a, from, n, squaredDeviationLeaf, centre);
}

type Leaf = (a: Float64Array, from: number, n: number, centre: number) => number;

/** numpy's recursion: halves (rounded down to a multiple of 8) until a block fits in 128. */
function pairwise(a: Float64Array, from: number, n: number, leaf: Leaf, centre: number): number {
  if (n <= BLOCK) return leaf(a, from, n, centre);
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, from, n2, leaf, centre) + pairwise(a, from + n2, n - n2, leaf, centre);
}

/** One block: a plain loop under 8 elements, else 8 interleaved partial sums, as numpy unrolls it. */
function sumLeaf(a: Float64Array, from: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[from + i];
    return res;
  }
  let r0 = a[from],
    r1 = a[from + 1],
    r2 = a[from + 2],
    r3 = a[from + 3];
  let r4 = a[from + 4],
    r5 = a[from + 5],
    r6 = a[from + 6],
    r7 = a[from + 7];
  let i = 8;
  const end = n - (n % 8);
  for (; i < end; i += 8) {
    const p = from + i;
    r0 += a[p];
    r1 += a[p + 1];
    r2 += a[p + 2];
    r3 += a[p + 3];
    r4 += a[p + 4];
    r5 += a[p + 5];
    r6 += a[p + 6];
    r7 += a[p + 7];
  }
  let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
  for (; i < n; i++) res += a[from + i];
  return res;
}

/** `sumLeaf` over `(a[i] − centre)²`. */
function squaredDeviationLeaf(a: Float64Array, from: number, n: number, c: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += (a[from + i] - c) * (a[from + i] - c);
    return res;
  }
  let d0 = a[from] - c,
    d1 = a[from + 1] - c,
    d2 = a[from + 2] - c,
    d3 = a[from + 3] - c;
  let d4 = a[from + 4] - c,
    d5 = a[from + 5] - c,
    d6 = a[from + 6] - c,
    d7 = a[from + 7] - c;
  let r0 = d0 * d0,
    r1 = d1 * d1,
    r2 = d2 * d2,
    r3 = d3 * d3;
  let r4 = d4 * d4,
    r5 = d5 * d5,
    r6 = d6 * d6,
    r7 = d7 * d7;
  let i = 8;
  const end = n - (n % 8);
  for (; i < end; i += 8) {
    const p = from + i;
    d0 = a[p] - c;
    d1 = a[p + 1] - c;
    d2 = a[p + 2] - c;
    d3 = a[p + 3] - c;
    d4 = a[p + 4] - c;
    d5 = a[p + 5] - c;
    d6 = a[p + 6] - c;
    d7 = a[p + 7] - c;
    r0 += d0 * d0;
    r1 += d1 * d1;
    r2 += d2 * d2;
    r3 += d3 * d3;
    r4 += d4 * d4;
    r5 += d5 * d5;
    r6 += d6 * d6;
    r7 += d7 * d7;
  }
  let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
  for (; i < n; i++) res += (a[from + i] - c) * (a[from + i] - c);
  return res;
}

/** Sequential left-to-right sum (bottleneck, plain loops), continuing from `start`. */
export function sequentialSum(a: Float64Array, from = 0, n = a.length - from, start = 0): number {
  let s = start;
  const end = from + n;
  for (let i = from; i < end; i++) s += a[i];
  return s;
}

/**
 * Sequential sums of `(a[i] − prefixMean)²` over `a[0, k)` and of `(a[i] − mean)²` over all of `a`,
 * in one loop: each is a chain of dependent additions, so two cost about as much as one.
 */
export function sequentialSquaredDeviations(
  a: Float64Array,
  k: number,
  prefixMean: number,
  mean: number,
): [number, number] {
  const n = a.length;
  let sPrefix = 0;
  let s = 0;
  let i = 0;
  for (; i < k; i++) {
    const dPrefix = a[i] - prefixMean;
    const d = a[i] - mean;
    sPrefix += dPrefix * dPrefix;
    s += d * d;
  }
  for (; i < n; i++) {
    const d = a[i] - mean;
    s += d * d;
  }
  return [sPrefix, s];
}

/** `numpy.mean` of `a[from, from + n)`: NaN when empty. */
export function numpyMean(a: Float64Array, from = 0, n = a.length - from): number {
  return pairwiseSum(a, from, n) / n;
}

/** `numpy.std(a, ddof)`: two passes, both pairwise; `mean` may be passed when already known. */
export function numpyStd(
  a: Float64Array,
  ddof = 0,
  from = 0,
  n = a.length - from,
  mean = pairwiseSum(a, from, n) / n,
): number {
  if (n - ddof <= 0) return NaN;
  return Math.sqrt(pairwiseSumSquaredDeviations(a, mean, from, n) / (n - ddof));
}

/** pandas `Series.mean()`: numpy's pairwise sum divided by the count (NaN when empty). */
export const pandasMean = numpyMean;

/** pandas `Series.std()` (ddof 1) as computed through bottleneck's nanstd: two sequential passes. */
export function pandasStd(a: Float64Array, from = 0, n = a.length - from, ddof = 1): number {
  if (n <= ddof) return NaN;
  const mean = sequentialSum(a, from, n) / n;
  let s = 0;
  for (let i = from; i < from + n; i++) {
    const d = a[i] - mean;
    s += d * d;
  }
  return Math.sqrt(s / (n - ddof));
}
