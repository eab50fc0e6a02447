import { bandRadius } from '../distances/band.js';
import { cdtw } from '../distances/cdtw.js';
import { squaredEuclidean } from '../distances/euclidean.js';
import { fastDtw } from '../distances/fastdtw.js';
import { envelope, lbKeogh, lbKeoghTail, lbKim, lbPaaEuclidean, lbPaaKeogh, paaEnvelope, type Envelope, type PaaEnvelope } from '../distances/lowerBounds.js';

export type ScorerName = 'euclidean' | 'dtw' | 'fastdtw';
export const SCORERS: readonly ScorerName[] = ['euclidean', 'dtw', 'fastdtw'];

export interface ScorerOptions {
  readonly scorer: ScorerName;
  /** dtw: Sakoe–Chiba band as a percentage of the length (default 10). */
  readonly band: number;
  /** fastdtw: radius r (default 10). */
  readonly radius: number;
}

/**
 * Exact squared distance from one z-normalised query to candidates, behind the cheapest lower
 * bounds first. `bound` works on a candidate's PAA vector (to order and prune a scan); `exact` runs
 * the cascade LB_Kim → LB_Keogh → early-abandoning distance and answers Infinity when the candidate
 * cannot beat `abandonAt`.
 */
export class ShapeScorer {
  private readonly env: Envelope | null;
  private readonly paaEnv: PaaEnvelope | null;
  private readonly radius: number;
  /** Cumulative LB_Keogh of the current candidate, for cdtw's earlier abandoning. */
  private readonly tail: Float64Array;

  constructor(readonly query: Float64Array, private readonly queryPaa: Float64Array, readonly options: ScorerOptions) {
    const n = query.length;
    // FastDTW is bounded below by full DTW, so the full-width envelope bounds it.
    this.radius = options.scorer === 'dtw' ? bandRadius(options.band, n) : n;
    this.env = options.scorer === 'euclidean' ? null : envelope(query, this.radius);
    this.paaEnv = this.env ? paaEnvelope(this.env, queryPaa.length) : null;
    this.tail = new Float64Array(n + 1);
  }

  /**
   * Where to look for candidates in PAA space (the query's PAA), and how far a candidate's PAA may lie
   * from it and still beat `d` (squared): any candidate farther than `reach(d)` has bound ≥ d.
   * Euclidean: reach √(d/w), w = length / dims. DTW: LB_PAA ≥ w·dist(c, box)², where the box is the
   * query's PAA envelope; dist(c, box) ≥ |c − q| − (the farthest box corner from q), so reach grows
   * by that corner distance. (The box centre would be a tighter certificate but a worse place to
   * search: DTW neighbours sit near the query itself.)
   */
  candidateRegion(): { centre: Float64Array; reach: (d: number) => number } {
    const w = this.query.length / this.queryPaa.length;
    if (!this.paaEnv) return { centre: this.queryPaa, reach: (d) => Math.sqrt(d / w) };
    const { upper, lower } = this.paaEnv;
    let corner = 0;
    for (let s = 0; s < upper.length; s++) corner += Math.max(this.queryPaa[s] - lower[s], upper[s] - this.queryPaa[s]) ** 2;
    const slack = Math.sqrt(corner);
    return { centre: this.queryPaa, reach: (d) => Math.sqrt(d / w) + slack };
  }

  /** Lower bound from a candidate's PAA vector, found at `offset` of `candidatePaa` (packed tables). */
  bound(candidatePaa: ArrayLike<number>, abandonAt = Infinity, offset = 0): number {
    return this.paaEnv
      ? lbPaaKeogh(this.paaEnv, candidatePaa, abandonAt, offset)
      : lbPaaEuclidean(this.queryPaa, candidatePaa, this.query.length, abandonAt, offset);
  }

  exact(candidate: ArrayLike<number>, abandonAt = Infinity): number {
    const q = this.query;
    if (!this.env) return squaredEuclidean(q, candidate, abandonAt);
    if (lbKim(q, candidate) >= abandonAt) return Infinity;
    if (this.options.scorer === 'dtw') {
      if (lbKeoghTail(this.env, candidate, this.tail, abandonAt) >= abandonAt) return Infinity;
      return cdtw(q, candidate, this.radius, abandonAt, this.tail);
    }
    if (lbKeogh(this.env, candidate, abandonAt) >= abandonAt) return Infinity;
    const d = fastDtw(q, candidate, this.options.radius).distance;
    return d >= abandonAt ? Infinity : d;
  }
}
