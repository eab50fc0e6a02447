import { f64x2Const, I32, op, simd, simdOp, signedLeb, V128, wasmModule } from './wasmBinary.js';

/**
 * Banded DTW (cdtw.ts) of one query against two candidates at once, one per lane of WebAssembly's
 * float64 SIMD: the same recurrence, in the same float64 operations, so a distance below the
 * threshold is bit-for-bit cdtw's. Why: in V8 the scalar kernel spends most of its ≈ 14 ns a cell on
 * mispredicted branches of the min of three neighbours (its values are random for noise against noise);
 * here that min is `f64x2.pmin`, which has no branch, and two cells go per instruction.
 *
 * It computes every cell of the band (no per-cell pruning as cdtw's EAPrunedDTW) and abandons both
 * candidates once a row has no cell, in either lane, below that lane's limit for the row: the
 * threshold less the cumulative LB_Keogh of what is still ahead (as cdtw; see `setLane`). A lane that
 * died earlier goes on to the end and its distance comes out ≥ its threshold, reported as Infinity,
 * as cdtw reports an abandoned one.
 */

// Parameters, then locals, by index.
const [N, R, A, B, LIM, P, C] = [0, 1, 2, 3, 4, 5, 6];
const [I, LO, HI, T] = [7, 8, 9, 10];
const [AI, DIAG, LEFT, ROWMIN, UP, D, INF] = [11, 12, 13, 14, 15, 16, 17];

const get = (x: number) => [op.localGet, x];
const set = (x: number) => [op.localSet, x];
const tee = (x: number) => [op.localTee, x];
const i32 = (x: number) => [op.i32Const, ...signedLeb(x)];
/** byte offset of pair `x` (16 bytes a pair) */
const pairs = (x: number) => [...get(x), ...i32(4), op.i32Shl];

/**
 * run(n, r, a, b, lim, p, c) → byte offset of the last cell's pair, or 0 when both lanes are abandoned.
 * a: the query, each value in both lanes (n pairs); b: the candidates, interleaved (n pairs); lim: the
 * rows' limits per lane (n pairs); p, c: two rows of n + 1 pairs, pair j + 1 holding column j.
 */
// biome-ignore format: one line per step of the kernel, as a text format would have it
const body = [
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

const PAGE = 65536;
const bytesFor = (n: number) => 48 * n + 32 * (n + 1);

/** The WebAssembly global as used here (the project's lib settings declare no wasm or DOM types). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

const kernel = new Module(
  wasmModule({
    params: [I32, I32, I32, I32, I32, I32, I32],
    result: I32,
    locals: [I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128],
    body,
    pages: 1,
  }),
);

/**
 * One thread's pair kernel for series of length n: set the query, then each lane's candidate and
 * limits, then `score`. One per scorer (a thread may hold several).
 */
export class CdtwPairs {
  private readonly run: (...args: number[]) => number;
  private readonly f64: Float64Array;
  private readonly thresholds = [Infinity, Infinity];
  readonly distances = new Float64Array(2);

  constructor(readonly n: number) {
    const { exports } = new Instance(kernel);
    const memory = exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
    const pages = Math.ceil(bytesFor(n) / PAGE);
    if (pages > 1) memory.grow(pages - 1);
    this.run = exports.run as (...args: number[]) => number;
    this.f64 = new Float64Array(memory.buffer);
  }

  setQuery(q: ArrayLike<number>): void {
    if (q.length !== this.n)
      throw new RangeError(`constrained DTW needs equal lengths (${this.n} vs ${q.length})`);
    for (let i = 0; i < this.n; i++) this.f64[2 * i] = this.f64[2 * i + 1] = q[i];
  }

  /**
   * The candidate at `offset` of `c` (n values: a table's row read in place) in `lane` (0 or 1),
   * abandoned at `abandonAt` with cdtw's optional suffix bounds; row i's limit is what cdtw computes for it.
   */
  setLane(
    lane: number,
    c: ArrayLike<number>,
    offset: number,
    radius: number,
    abandonAt: number,
    columnTail?: ArrayLike<number>,
    rowTail?: ArrayLike<number>,
  ): void {
    const n = this.n;
    if (c.length < offset + n)
      throw new RangeError(`constrained DTW needs equal lengths (${n} vs ${c.length - offset})`);
    const r = Math.max(0, Math.min(radius, n - 1));
    const f = this.f64;
    const b = 2 * n + lane,
      lim = 4 * n + lane;
    for (let i = 0; i < n; i++) {
      f[b + 2 * i] = c[offset + i];
      let rest = rowTail !== undefined && i + 1 < n ? rowTail[i + 1] : 0;
      if (columnTail !== undefined && i + r + 1 < n && columnTail[i + r + 1] > rest)
        rest = columnTail[i + r + 1];
      f[lim + 2 * i] = abandonAt - rest;
    }
    this.thresholds[lane] = abandonAt;
  }

  /** A lane with nothing to score: it never keeps a row alive. */
  clearLane(lane: number): void {
    const n = this.n,
      f = this.f64;
    for (let i = 0; i < n; i++) {
      f[2 * n + lane + 2 * i] = 0;
      f[4 * n + lane + 2 * i] = -Infinity;
    }
    this.thresholds[lane] = -Infinity;
  }

  /** Both lanes' distances into `distances` (Infinity where abandoned, as cdtw). */
  score(radius: number): Float64Array {
    const n = this.n;
    const r = Math.max(0, Math.min(radius, n - 1));
    const at = this.run(n, r, 0, 16 * n, 32 * n, 48 * n, 48 * n + 16 * (n + 1));
    for (let lane = 0; lane < 2; lane++) {
      const d = at === 0 ? Infinity : this.f64[at / 8 + lane];
      this.distances[lane] = d < this.thresholds[lane] ? d : Infinity;
    }
    return this.distances;
  }
}
