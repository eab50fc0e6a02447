import type { Envelope } from './lowerBounds.js';
import { keoghTerms } from './keoghTerms.js';
import {
  F64,
  f64Op,
  f64x2Const,
  get,
  I32,
  i32,
  op,
  set,
  simd,
  simdOp,
  tee,
  V128,
  wasmModule,
} from './wasmBinary.js';

/**
 * Banded DTW (cdtw.ts) of one query against two candidates at once, one per lane of WebAssembly's
 * float64 SIMD, behind LB_Keogh both ways: the same recurrence and bounds, in the same float64
 * operations, so what is pruned and a distance below the threshold are bit-for-bit those of
 * lbKeoghTailAt and cdtw. Why: in V8 the scalar kernel spends most of its ≈ 14 ns a cell on
 * mispredicted branches of the min of three neighbours (its values are random for noise against noise);
 * here that min is `f64x2.pmin`, which has no branch, and two cells go per instruction. The bounds
 * mispredicted the same way (is a noisy point above, below or inside the envelope?) and were most of a
 * noise query's time once DTW was fast: here each point's two terms, one per direction, are one
 * branch-free SIMD step.
 *
 * It computes every cell of the band (no per-cell pruning as cdtw's EAPrunedDTW) and abandons both
 * candidates once a row has no cell, in either lane, below that lane's limit for the row: the
 * threshold less the cumulative LB_Keogh of what is still ahead (as cdtw; see `bound`). A lane that
 * died earlier goes on to the end and its distance comes out ≥ its threshold, reported as Infinity,
 * as cdtw reports an abandoned one.
 */

// run's parameters, then locals, by index.
const [N, R, A, B, LIM, P, C] = [0, 1, 2, 3, 4, 5, 6];
const [I, LO, HI, T] = [7, 8, 9, 10];
const [AI, DIAG, LEFT, ROWMIN, UP, D, INF] = [11, 12, 13, 14, 15, 16, 17];

/** byte offset of pair `x` (16 bytes a pair) */
const pairs = (x: number) => [...get(x), ...i32(4), op.i32Shl];

/**
 * run(n, r, a, b, lim, p, c) → byte offset of the last cell's pair, or 0 when both lanes are abandoned.
 * a: the query, each value in both lanes (n pairs); b: the candidates, interleaved (n pairs); lim: the
 * rows' limits per lane (n pairs); p, c: two rows of n + 1 pairs, pair j + 1 holding column j.
 */
// biome-ignore format: one line per step of the kernel, as a text format would have it
const runBody = [
  ...f64x2Const(Infinity), ...set(INF),
  // Every cell starts unreachable; the virtual row above the first holds the origin, 0, before column 0.
  ...i32(0), ...set(T),
  op.loop, op.void,
  ...get(P), ...get(T), op.i32Add, ...get(INF), ...simdOp(simd.store, 0),
  ...get(C), ...get(T), op.i32Add, ...get(INF), ...simdOp(simd.store, 0),
  ...get(T), ...i32(16), op.i32Add, ...tee(T), ...pairs(N), op.i32LeS, op.brIf, 0,
  op.end,
  ...get(P), ...f64x2Const(0), ...simdOp(simd.store, 0),
  ...i32(0), ...set(I),
  op.loop, op.void,
  // lo = max(i − r, 0), hi = min(i + r, n − 1)
  ...get(I), ...get(R), op.i32Sub, ...tee(LO), ...i32(0), ...get(LO), ...i32(0), op.i32GtS, op.select, ...set(LO),
  ...get(I), ...get(R), op.i32Add, ...tee(HI), ...get(N), ...i32(1), op.i32Sub, ...get(HI), ...get(N), op.i32LtS, op.select, ...set(HI),
  ...get(A), ...pairs(I), op.i32Add, ...simdOp(simd.load, 0), ...set(AI),
  // t: byte offset of column lo; the cell left of it is unreachable, the one above-left is the diagonal.
  ...pairs(LO), ...set(T),
  ...get(C), ...get(T), op.i32Add, ...get(INF), ...simdOp(simd.store, 0),
  ...get(P), ...get(T), op.i32Add, ...simdOp(simd.load, 0), ...set(DIAG),
  ...get(INF), ...set(LEFT),
  ...get(INF), ...set(ROWMIN),
  op.loop, op.void,
  // best = min(up, diag, left); the cell = (a_i − b_j)² + best, the product first, as cdtw adds them.
  ...get(P), ...get(T), op.i32Add, ...simdOp(simd.load, 16), ...tee(UP),
  ...get(DIAG), ...simdOp(simd.f64x2Pmin), ...get(LEFT), ...simdOp(simd.f64x2Pmin),
  ...get(UP), ...set(DIAG),
  ...get(AI), ...get(B), ...get(T), op.i32Add, ...simdOp(simd.load, 0), ...simdOp(simd.f64x2Sub), ...tee(D),
  ...get(D), ...simdOp(simd.f64x2Mul), ...simdOp(simd.f64x2Add), ...set(LEFT),
  ...get(C), ...get(T), op.i32Add, ...get(LEFT), ...simdOp(simd.store, 16),
  ...get(ROWMIN), ...get(LEFT), ...simdOp(simd.f64x2Pmin), ...set(ROWMIN),
  ...get(T), ...i32(16), op.i32Add, ...tee(T), ...pairs(HI), op.i32LeS, op.brIf, 0,
  op.end,
  // No lane has a cell below its limit: neither candidate can win.
  ...get(ROWMIN), ...get(LIM), ...pairs(I), op.i32Add, ...simdOp(simd.load, 0), ...simdOp(simd.f64x2Lt),
  ...simdOp(simd.anyTrue), op.i32Eqz, op.if, op.void, ...i32(0), op.return, op.end,
  ...get(P), ...get(C), ...set(P), ...set(C),
  ...get(I), ...i32(1), op.i32Add, ...tee(I), ...get(N), op.i32LtS, op.brIf, 0,
  op.end,
  ...get(P), ...pairs(N), op.i32Add,
];

// bound's parameters, then locals, by index.
const [X, U, L, TAILS, CANDIDATES, LIMITS, LANE, THRESHOLD] = [2, 3, 4, 5, 6, 7, 8, 9];
const [S, TV, XV, UV, LV, RTAIL] = [11, 12, 13, 14, 15, 17];
const f64Pair = (x: number, t: number) => [...get(x), ...get(t), op.i32Add];

/**
 * bound(n, r, x, u, l, tails, b, lim, lane, threshold) → 1 when the row in x, u, l passes both
 * LB_Keoghs and is now the candidate of `lane` (byte 0 or 8 of each pair), 0 when pruned.
 * x holds (query, row) pairs, u and l the (row's, query's) envelopes: lane 0 of every pair is the
 * query against the row's envelope, lane 1 the row against the query's (lbKeoghTailAt both ways,
 * keoghTerms.ts). Their suffix sums go to
 * tails (2n + 1 pairs, zero from n on); the row is pruned as soon as either reaches the threshold.
 */
// biome-ignore format: one line per step of the kernel, as a text format would have it
const boundBody = [
  ...get(THRESHOLD), ...simdOp(simd.f64x2Splat), ...set(TV),
  ...f64x2Const(0), ...set(S),
  ...pairs(N), ...set(T),
  op.loop, op.void,
  ...get(T), ...i32(16), op.i32Sub, ...set(T),
  ...f64Pair(X, T), ...simdOp(simd.load, 0), ...set(XV),
  ...f64Pair(U, T), ...simdOp(simd.load, 0), ...set(UV),
  ...f64Pair(L, T), ...simdOp(simd.load, 0), ...set(LV),
  ...keoghTerms(XV, UV, LV, D),
  ...get(S), ...simdOp(simd.f64x2Add), ...set(S),
  ...f64Pair(TAILS, T), ...get(S), ...simdOp(simd.store, 0),
  ...get(S), ...get(TV), ...simdOp(simd.f64x2Ge), ...simdOp(simd.anyTrue), op.if, op.void, ...i32(0), op.return, op.end,
  ...get(T), op.brIf, 0,
  op.end,
  // The lane: the row, and each row of the matrix's limit, threshold − max(rowTail[i + 1], columnTail[i + r + 1]).
  ...get(R), ...i32(1), op.i32Add, ...i32(4), op.i32Shl, ...i32(8), op.i32Add, ...set(RTAIL),
  op.loop, op.void,
  ...f64Pair(CANDIDATES, T), ...get(LANE), op.i32Add, ...f64Pair(X, T), ...f64Op(op.f64Load, 8), ...f64Op(op.f64Store, 0),
  ...f64Pair(LIMITS, T), ...get(LANE), op.i32Add, ...get(THRESHOLD),
  ...f64Pair(TAILS, T), ...f64Op(op.f64Load, 16), ...f64Pair(TAILS, T), ...get(RTAIL), op.i32Add, ...f64Op(op.f64Load, 0),
  op.f64Max, op.f64Sub, ...f64Op(op.f64Store, 0),
  ...get(T), ...i32(16), op.i32Add, ...tee(T), ...pairs(N), op.i32LtS, op.brIf, 0,
  op.end,
  ...i32(1),
];
const PAGE = 65536;

/** Byte offsets of the kernel's arrays for series of length n (pairs of float64, 16 bytes a pair). */
function layout(n: number) {
  const a = 0,
    b = 16 * n,
    lim = 32 * n,
    p = 48 * n,
    c = p + 16 * (n + 1),
    x = c + 16 * (n + 1),
    u = x + 16 * n,
    l = u + 16 * n,
    tails = l + 16 * n;
  return { a, b, lim, p, c, x, u, l, tails, end: tails + 16 * (2 * n + 1) };
}

/** The WebAssembly global as used here (the project's lib settings declare no wasm or DOM types). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

const kernel = new Module(
  wasmModule(
    [
      {
        name: 'run',
        params: [I32, I32, I32, I32, I32, I32, I32],
        result: I32,
        locals: [I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128],
        body: runBody,
      },
      {
        name: 'bound',
        params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, F64],
        result: I32,
        locals: [I32, V128, V128, V128, V128, V128, V128, I32],
        body: boundBody,
      },
    ],
    1,
  ),
);

/**
 * One thread's pair kernel for series of length n: set the query, then bound a row into each lane,
 * then `score`. One per scorer (a thread may hold several).
 */
export class CdtwPairs {
  private readonly run: (...args: number[]) => number;
  private readonly bound: (...args: number[]) => number;
  private readonly f64: Float64Array;
  private readonly at: ReturnType<typeof layout>;
  private readonly thresholds = [Infinity, Infinity];
  /** The band's radius, as cdtw clamps it. */
  private r = 0;
  readonly distances = new Float64Array(2);

  constructor(readonly n: number) {
    if (!(n >= 1)) throw new RangeError(`constrained DTW needs series of length >= 1, got ${n}`);
    const { exports } = new Instance(kernel);
    const memory = exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
    this.at = layout(n);
    const pages = Math.ceil(this.at.end / PAGE);
    if (pages > 1) memory.grow(pages - 1);
    this.run = exports.run as (...args: number[]) => number;
    this.bound = exports.bound as (...args: number[]) => number;
    this.f64 = new Float64Array(memory.buffer);
  }

  /** The query and its envelope, whose radius is the band's. */
  setQuery(q: ArrayLike<number>, env: Envelope): void {
    const n = this.n;
    if (q.length !== n || env.upper.length !== n)
      throw new RangeError(`constrained DTW needs equal lengths (${n} vs ${q.length})`);
    this.r = Math.max(0, Math.min(env.radius, n - 1));
    const f = this.f64,
      { a, x, u, l } = this.at;
    for (let i = 0; i < n; i++) {
      f[a / 8 + 2 * i] = f[a / 8 + 2 * i + 1] = q[i];
      f[x / 8 + 2 * i] = q[i];
      f[u / 8 + 2 * i + 1] = env.upper[i];
      f[l / 8 + 2 * i + 1] = env.lower[i];
    }
  }

  /**
   * The row at `offset` of `z` (n values: a table's row read in place), with its envelope at the same
   * offset of `upper` and `lower`, into `lane` (0 or 1) unless LB_Keogh either way reaches
   * `abandonAt`: false when pruned (the lane is then unchanged). The lane's limits are then cdtw's
   * with both suffix bounds.
   */
  boundLane(
    lane: number,
    z: ArrayLike<number>,
    upper: ArrayLike<number>,
    lower: ArrayLike<number>,
    offset: number,
    abandonAt: number,
  ): boolean {
    const n = this.n;
    if (z.length < offset + n || upper.length < offset + n || lower.length < offset + n)
      throw new RangeError(`constrained DTW needs equal lengths (${n} vs ${z.length - offset})`);
    const f = this.f64,
      at = this.at;
    // The row's half of each pair; the query's half was set once per query.
    for (let i = 0, xi = at.x / 8 + 1, ui = at.u / 8, li = at.l / 8; i < n; i++, xi += 2, ui += 2, li += 2) {
      f[xi] = z[offset + i];
      f[ui] = upper[offset + i];
      f[li] = lower[offset + i];
    }
    if (this.bound(n, this.r, at.x, at.u, at.l, at.tails, at.b, at.lim, 8 * lane, abandonAt) === 0)
      return false;
    this.thresholds[lane] = abandonAt;
    return true;
  }

  /** A lane with nothing to score: it never keeps a row alive. */
  clearLane(lane: number): void {
    const f = this.f64,
      { b, lim } = this.at;
    for (let i = 0; i < this.n; i++) {
      f[b / 8 + lane + 2 * i] = 0;
      f[lim / 8 + lane + 2 * i] = -Infinity;
    }
    this.thresholds[lane] = -Infinity;
  }

  /** Both lanes' distances into `distances` (Infinity where abandoned, as cdtw). */
  score(): Float64Array {
    const { a, b, lim, p, c } = this.at;
    const last = this.run(this.n, this.r, a, b, lim, p, c);
    for (let lane = 0; lane < 2; lane++) {
      const d = last === 0 ? Infinity : this.f64[last / 8 + lane];
      this.distances[lane] = d < this.thresholds[lane] ? d : Infinity;
    }
    return this.distances;
  }
}
