/**
 * Past this factor of the threshold a partial sum in any order proves the row's sum in point order
 * reaches the threshold too: two orders of summing n ≤ 2^20 non-negative terms differ by at most
 * 2(n − 1)·2^-53 of the sum, far below 2^-30. Rows the slack keeps (their sum within it of the
 * threshold) are summed again in point order and compared exactly.
 */
const ABANDON_SLACK = 1 + 2 ** -30;

/**
 * Squared Euclidean distance from one query to rows of a packed float32 table, read in place, with
 * early abandoning over the query's points by falling |value| (the UCR suite's reordering: against
 * z-normalised rows the query's extreme points make the largest terms, so a partial sum reaches the
 * threshold sooner). A row that is not abandoned is summed again in point order, so every finite
 * answer is `squaredEuclidean`'s on the row copied to float64, bit for bit, and Infinity exactly when
 * that reaches `abandonAt`.
 */
export class ReorderedEuclidean {
  /** The query's point indices by falling |value|, and its values in that order. */
  private readonly order: Int32Array;
  private readonly ordered: Float64Array;

  constructor(private readonly query: Float64Array) {
    const n = query.length;
    this.order = Int32Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => Math.abs(query[b]) - Math.abs(query[a]) || a - b,
    );
    this.ordered = Float64Array.from(this.order, (i) => query[i]);
  }

  distanceAt(rows: Float32Array, offset: number, abandonAt: number): number {
    const order = this.order,
      ordered = this.ordered,
      n = order.length;
    const cut = abandonAt * ABANDON_SLACK;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const d = ordered[j] - rows[offset + order[j]];
      sum += d * d;
      if (sum >= cut) return Infinity;
    }
    const q = this.query;
    let exact = 0;
    for (let i = 0; i < n; i++) {
      const d = q[i] - rows[offset + i];
      exact += d * d;
    }
    return exact >= abandonAt ? Infinity : exact;
  }
}
