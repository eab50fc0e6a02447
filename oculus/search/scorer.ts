import { bandRadius } from '../distances/band.js';
import { cdtw } from '../distances/cdtw.js';
import { CdtwPairs } from '../distances/cdtwPairs.js';
import { squaredEuclidean } from '../distances/euclidean.js';
import { fastDtw } from '../distances/fastdtw.js';
import { PaaBlockBounds } from '../distances/paaBlockBounds.js';
import type { RowEnvelopes } from '../index/shapeTable.js';
import type { TopK } from './topK.js';
import {
  envelope,
  envelopeInto,
  lbKeogh,
  lbKeoghTail,
  lbKim,
  paaEnvelope,
  type Envelope,
} from '../distances/lowerBounds.js';

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
 * cannot beat `abandonAt`. For DTW, LB_Keogh runs both ways, as in the UCR suite: the query against
 * the candidate's envelope, then the candidate against the query's. The first is what prunes a noisy
 * query (its own envelope is wide and bounds nothing) against smooth candidates, and its suffix sums
 * let cdtw abandon within a few rows.
 * One scorer per query and per thread: it reuses scratch buffers between candidates.
 */
export class ShapeScorer {
  private readonly env: Envelope | null;
  private readonly paaEnv: { upper: Float64Array; lower: Float64Array } | null;
  /** Sakoe–Chiba radius for `dtw` (the length for the other scorers). */
  readonly radius: number;
  /** Cumulative LB_Keogh of the current candidate, both ways, for cdtw's earlier abandoning. */
  private readonly tail: Float64Array;
  private readonly tailReverse: Float64Array;
  /** The current candidate's envelope, its deque scratch, and the candidate copied to float64. */
  private readonly candidateEnv: Envelope;
  private readonly deques: Int32Array;
  private readonly candidate: Float64Array;
  /** dtw: the two-candidate kernel `scanAt` uses, and the row waiting in its first lane (−1: none). */
  private readonly pairs: CdtwPairs | null;
  private waiting = -1;
  /** dtw: `boundAt` a block of rows at a time (boundRows). */
  private readonly paaBlock: PaaBlockBounds | null;

  constructor(
    readonly query: Float64Array,
    private readonly queryPaa: Float64Array,
    readonly options: ScorerOptions,
  ) {
    const n = query.length;
    // FastDTW is bounded below by full DTW, so the full-width envelope bounds it.
    this.radius = options.scorer === 'dtw' ? bandRadius(options.band, n) : n;
    this.env = options.scorer === 'euclidean' ? null : envelope(query, this.radius);
    this.paaEnv = this.env ? paaEnvelope(this.env, queryPaa.length) : null;
    this.tail = new Float64Array(n + 1);
    this.tailReverse = new Float64Array(n + 1);
    this.candidateEnv = { upper: new Float64Array(n), lower: new Float64Array(n), radius: this.radius };
    this.deques = new Int32Array(2 * n);
    this.candidate = new Float64Array(n);
    this.pairs = options.scorer === 'dtw' ? new CdtwPairs(n) : null;
    if (this.env) this.pairs?.setQuery(query, this.env);
    this.paaBlock =
      options.scorer === 'dtw' && this.paaEnv
        ? new PaaBlockBounds(queryPaa, this.paaEnv, n / queryPaa.length)
        : null;
  }

  /**
   * Of every `stride`-th row of a packed PAA table (`count` rows of the query's PAA length), those
   * nearest the query's PAA, into `nearest` (rows marked in `skip` left out), only for the order of
   * visits: the PAA Euclidean distance. For DTW too: Euclidean distance bounds banded DTW from above,
   * so shapes near in PAA space are near in DTW, even when the lower bound (a noisy query's wide
   * envelope) says nothing about them. A row stops once its partial sum cannot enter `nearest` (most
   * do within a few segments): the same rows as summing every segment of every row, which cost a
   * third of a Euclidean search. No call or allocation per row.
   */
  nearestRows(paa: Float32Array, count: number, skip: Uint8Array, nearest: TopK<number>, stride = 1): void {
    const qPaa = this.queryPaa;
    const dims = qPaa.length;
    const width = this.query.length / dims;
    let worst = nearest.worst;
    for (let i = 0, o = 0; i < count; i += stride, o += stride * dims) {
      if (skip[i]) continue;
      let sum = 0;
      let s = 0;
      for (; s < dims; s++) {
        const d = qPaa[s] - paa[o + s];
        sum += d * d;
        if (sum * width >= worst) break;
      }
      if (s < dims) continue;
      nearest.offer(sum * width, i);
      worst = nearest.worst;
    }
  }

  /**
   * Lower bound from the PAA vector of row `row` of a packed table, or Infinity once it reaches
   * `abandonAt`. Euclidean: the PAA distance (Keogh et al. 2001). DTW: LB_PAA (Keogh 2002) of the row
   * against the query's segment envelope plus, given the table's row envelopes, of the query against
   * the row's; a point outside one envelope may be inside the other, so each is a bound on its own and
   * their larger is taken. Each term is written with comparisons: Math.max/Math.min (which V8 compiles
   * with branches of its own, for NaN) measured 7–8 % slower per DTW search.
   */
  boundAt(paa: Float32Array, row: number, abandonAt: number, envelopes?: RowEnvelopes): number {
    const qPaa = this.queryPaa;
    const dims = qPaa.length;
    const width = this.query.length / dims;
    const limit = abandonAt / width;
    const o = row * dims;
    const segments = this.paaEnv;
    if (!segments) {
      let sum = 0;
      for (let s = 0; s < dims; s++) {
        const d = qPaa[s] - paa[o + s];
        sum += d * d;
        if (sum >= limit) return Infinity;
      }
      return sum * width;
    }
    // The query against the row's segment envelope first: with a noisy query, whose own envelope is
    // wide, it is the one that prunes.
    let reverse = 0;
    if (envelopes && this.options.scorer === 'dtw') {
      const { paaUpper, paaLower } = envelopes;
      for (let s = 0; s < dims; s++) {
        const q = qPaa[s];
        const u = paaUpper[o + s],
          l = paaLower[o + s];
        if (q > u) reverse += (q - u) * (q - u);
        else if (q < l) reverse += (q - l) * (q - l);
        if (reverse >= limit) return Infinity;
      }
    }
    const qUpper = segments.upper,
      qLower = segments.lower;
    let forward = 0;
    for (let s = 0; s < dims; s++) {
      const v = paa[o + s];
      const u = qUpper[s],
        l = qLower[s];
      if (v > u) forward += (v - u) * (v - u);
      else if (v < l) forward += (v - l) * (v - l);
      if (forward >= limit) return Infinity;
    }
    return (reverse > forward ? reverse : forward) * width;
  }

  /**
   * DTW: `boundAt` of rows [from, to) of a packed table at once, each bit for bit what boundAt answers
   * at `abandonAt` (paaBlockBounds.ts): a scan's block, its rows contiguous in the table. Null for the
   * other scorers, whose rows a scan bounds one at a time with `boundAt`.
   */
  boundRows(
    paa: Float32Array,
    from: number,
    to: number,
    abandonAt: number,
    envelopes?: RowEnvelopes,
  ): Float64Array | null {
    return this.paaBlock?.bounds(paa, from, to, abandonAt, envelopes) ?? null;
  }

  exact(candidate: ArrayLike<number>, abandonAt = Infinity): number {
    return this.score(candidate, abandonAt, false);
  }

  /**
   * `exact` on the candidate stored at `offset` of a packed float32 table, copied to float64 first:
   * the distance loops then only ever see one array type and stay fast. `envelopes`, when given, hold
   * the candidate's DTW envelope at the same offset (for this scorer's radius), so it is not rebuilt.
   */
  exactAt(rows: Float32Array, offset: number, abandonAt = Infinity, envelopes?: RowEnvelopes): number {
    const dtw = this.load(rows, offset, envelopes);
    return this.score(this.candidate, abandonAt, dtw);
  }

  /**
   * `exactAt` for a scan that visits rows in order and hands each distance to `found(score, row)`, in
   * the same order. A DTW row that passes every lower bound waits for a second, and the two are scored
   * at once (cdtwPairs.ts: the same distances, ≈ 3.5× faster), so `found` may come one call late;
   * `flush` scores a row still waiting. Rows a bound prunes are not reported (their score is Infinity).
   */
  scanAt(
    rows: Float32Array,
    offset: number,
    row: number,
    abandonAt: number,
    envelopes: RowEnvelopes | undefined,
    found: (score: number, row: number) => void,
  ): void {
    const pairs = this.pairs;
    if (!pairs || !envelopes) {
      found(this.exactAt(rows, offset, abandonAt, envelopes), row);
      return;
    }
    // dtwBoundsPass's cascade on the row and its envelope: LB_Kim here, both LB_Keoghs in the kernel.
    const q = this.query;
    if (lbKim(q, rows, offset, q.length) >= abandonAt) return;
    const lane = this.waiting < 0 ? 0 : 1;
    if (!pairs.boundLane(lane, rows, envelopes.upper, envelopes.lower, offset, abandonAt)) return;
    if (lane === 0) {
      this.waiting = row;
      return;
    }
    this.foundPair(row, found);
  }

  flush(found: (score: number, row: number) => void): void {
    if (this.waiting < 0) return;
    this.pairs!.clearLane(1);
    this.foundPair(-1, found);
  }

  private foundPair(second: number, found: (score: number, row: number) => void): void {
    const [d0, d1] = this.pairs!.score();
    const first = this.waiting;
    this.waiting = -1;
    found(d0, first);
    if (second >= 0) found(d1, second);
  }

  /**
   * Copies the candidate at `offset` of a packed float32 table to float64 (the distance loops then
   * only ever see one array type and stay fast) and, for DTW with the table's row envelopes, its
   * envelope (so it is not rebuilt). True when the envelope was loaded.
   */
  private load(rows: Float32Array, offset: number, envelopes?: RowEnvelopes): boolean {
    const c = this.candidate;
    for (let i = 0; i < c.length; i++) c[i] = rows[offset + i];
    if (!envelopes || this.options.scorer !== 'dtw') return false;
    const { upper, lower } = this.candidateEnv;
    for (let i = 0; i < c.length; i++) {
      upper[i] = envelopes.upper[offset + i];
      lower[i] = envelopes.lower[offset + i];
    }
    return true;
  }

  private score(candidate: ArrayLike<number>, abandonAt: number, envelopeReady: boolean): number {
    const q = this.query;
    if (!this.env) return squaredEuclidean(q, candidate, abandonAt);
    if (this.options.scorer === 'dtw') {
      if (!this.dtwBoundsPass(candidate, abandonAt, envelopeReady)) return Infinity;
      return cdtw(q, candidate, this.radius, abandonAt, this.tail, this.tailReverse);
    }
    if (lbKim(q, candidate) >= abandonAt) return Infinity;
    if (lbKeogh(this.env, candidate, abandonAt) >= abandonAt) return Infinity;
    const d = fastDtw(q, candidate, this.options.radius).distance;
    return d >= abandonAt ? Infinity : d;
  }

  /**
   * DTW's cascade, cheapest first: LB_Kim, then LB_Keogh of the query against the candidate's envelope,
   * then of the candidate against the query's. True when none reaches `abandonAt`; both cumulative
   * bounds are then in `tailReverse` and `tail` for cdtw.
   */
  private dtwBoundsPass(candidate: ArrayLike<number>, abandonAt: number, envelopeReady: boolean): boolean {
    const q = this.query;
    if (lbKim(q, candidate) >= abandonAt) return false;
    const candidateEnv = envelopeReady
      ? this.candidateEnv
      : envelopeInto(candidate, this.radius, this.candidateEnv, this.deques);
    if (lbKeoghTail(candidateEnv, q, this.tailReverse, abandonAt) >= abandonAt) return false;
    return lbKeoghTail(this.env!, candidate, this.tail, abandonAt) < abandonAt;
  }
}
