import { ShapeScorer, type ScorerOptions } from '../search/scorer.js';
import { EuclideanScan } from '../search/euclideanScan.js';
import { TopK } from '../search/topK.js';
import type { RowEnvelopes } from './shapeTable.js';

/** What a scan reads of a table (shared memory: see sharedColumns.ts). */
export interface ScanColumns {
  readonly count: number;
  readonly length: number;
  readonly z: Float32Array;
  readonly paa: Float32Array;
  /** The rows' envelopes for the query's DTW radius. */
  readonly envelopes?: RowEnvelopes;
}

export interface ScoredRow {
  readonly score: number;
  readonly item: number;
}

/**
 * One scan of a table for one query, run by the searching thread and any worker threads at once:
 * each claims blocks of rows from a shared cursor and keeps its own top k. `seeds` (the rows scored
 * first, in their order) start every thread's top k; `skip` marks rows no thread visits (seeds,
 * flat, excluded). `control` holds the cursor and the best k-th score any thread has reached.
 */
export interface ScanJob {
  readonly columns: ScanColumns;
  readonly query: { readonly z: Float64Array; readonly paa: Float64Array; readonly scoring: ScorerOptions };
  readonly k: number;
  readonly seeds: ReadonlyArray<ScoredRow>;
  readonly skip: Uint8Array;
  /** Rows claimed at a time: a thread that gets less CPU simply takes fewer blocks. */
  readonly block: number;
  readonly control: SharedArrayBuffer;
}

export interface ScanResult {
  /** This thread's top k (seeds included), ascending. */
  readonly items: ReadonlyArray<ScoredRow>;
  /** Rows whose exact distance this thread computed. */
  readonly examined: number;
}

/** A fresh cursor (int32 at byte 0) and shared threshold (float64 bits as int64 at byte 8). */
export function scanControl(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(16);
  new BigInt64Array(buffer, 8, 1)[0] = floatBits(Infinity);
  return buffer;
}

/**
 * Runs this thread's share of `job`. Exact: a row is dropped only when its lower bound (or its
 * abandoned distance) reaches this thread's own k-th best, which ranks before it (seeds, then rows
 * in index order, and a thread's blocks come in index order), or goes strictly past another thread's
 * k-th best, so it cannot be among the k best overall; `mergeScans` then ranks the union by (score,
 * order) exactly as one thread visiting every row would have, whatever the timing.
 */
export function runScan(
  job: ScanJob,
  scorer = new ShapeScorer(job.query.z, job.query.paa, job.query.scoring),
): ScanResult {
  const {
    columns: { count, length, z, paa, envelopes },
    skip,
    block,
  } = job;
  const cursor = new Int32Array(job.control, 0, 1);
  const shared = new BigInt64Array(job.control, 8, 1);
  const top = new TopK<number>(job.k);
  for (const s of job.seeds) top.offer(s.score, s.item);
  // Euclidean rows go through a loop of their own (euclideanScan.ts); the others through the scorer.
  const euclidean =
    job.query.scoring.scorer === 'euclidean' ? new EuclideanScan(job.query.z, job.query.paa) : null;
  let examined = 0;
  let published = top.worst;
  // Rows are reported in visiting order (a DTW row may wait for the next one: ShapeScorer.scanAt), and
  // a newcomer must beat the k-th best at that moment, as when scored one by one.
  const found = (score: number, row: number) => {
    if (score < top.worst) top.offer(score, row);
  };
  for (let from = Atomics.add(cursor, 0, block); from < count; from = Atomics.add(cursor, 0, block)) {
    const to = Math.min(count, from + block);
    const others = strictlyAbove(bitsFloat(Atomics.load(shared, 0)));
    if (euclidean) examined += euclidean.scanBlock(z, length, paa, from, to, skip, others, top);
    else {
      // DTW: the block's PAA bounds at once, abandoned at the threshold as it is now: it only falls
      // while the block is scanned, so each row is then held to the threshold of its turn.
      const start = top.worst < others ? top.worst : others;
      const bounds = scorer.boundRows(paa, from, to, start, envelopes);
      for (let i = from; i < to; i++) {
        if (skip[i]) continue;
        const own = top.worst;
        const worst = own < others ? own : others;
        const bound = bounds ? bounds[i - from] : scorer.boundAt(paa, i, worst, envelopes);
        if (bound >= worst) continue;
        examined++;
        scorer.scanAt(z, i * length, i, worst, envelopes, found);
      }
      scorer.flush(found);
    }
    if (top.worst < published) {
      published = top.worst;
      lowerShared(shared, published);
    }
  }
  return { items: top.sorted().map(({ score, item }) => ({ score, item })), examined };
}

/**
 * The k best of every thread's top k: by score, ties to the earlier visit (seeds in their order,
 * then rows by index), as a single scan would keep them. A seed appears in every thread's list once.
 */
export function mergeScans(
  k: number,
  seeds: ReadonlyArray<ScoredRow>,
  results: ReadonlyArray<ScanResult>,
): ScoredRow[] {
  const seedRank = new Map(seeds.map((s, rank) => [s.item, rank]));
  const order = (item: number) => seedRank.get(item) ?? seeds.length + item;
  const all = new Map<number, ScoredRow>();
  for (const r of results) for (const s of r.items) all.set(s.item, s);
  return [...all.values()].sort((a, b) => a.score - b.score || order(a.item) - order(b.item)).slice(0, k);
}

/** Lowers the shared threshold to `score` unless another thread has gone lower already. */
function lowerShared(shared: BigInt64Array, score: number): void {
  const bits = floatBits(score);
  for (let seen = Atomics.load(shared, 0); bitsFloat(seen) > score; ) {
    const was = Atomics.compareExchange(shared, 0, seen, bits);
    if (was === seen) return;
    seen = was;
  }
}

/** A double strictly above a non-negative score (at least the next one; Infinity stays): pruning at it keeps ties. */
function strictlyAbove(score: number): number {
  return score + score * 2 ** -52 + Number.MIN_VALUE;
}

const bitsView = new BigInt64Array(1);
const floatView = new Float64Array(bitsView.buffer);

function floatBits(x: number): bigint {
  floatView[0] = x;
  return bitsView[0];
}

function bitsFloat(bits: bigint): number {
  bitsView[0] = bits;
  return floatView[0];
}
