import { keoghTerms } from './keoghTerms.js';
import {
  F64,
  f32Load,
  f64,
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
 * The PAA lower bound of a block of a table's rows at once (ShapeScorer.boundAt, its JS reference,
 * equal bit for bit), in WebAssembly SIMD with the two directions of LB_PAA in the two float64 lanes:
 * lane 0 the query's PAA against the row's segment envelope, lane 1 the row's PAA against the
 * query's segment envelope. Why: on a noisy query most rows pass this bound, and its terms branch at
 * random in JS; a block's rows are contiguous in the table, so they come into the kernel's memory in
 * one copy per column. DTW only: Euclidean's bound (one squared difference a segment, no branch to
 * mispredict) measured slower here than in JS (search CPU p95 487–502 ms against 361–385 ms at 1M).
 */

// Parameters, then locals, by index.
const [DIMS, COUNT, X, U, L, PAA, PU, PL, ENV_STRIDE, OUT, LIMIT, WIDTH] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
];
const [ROW, T, S, TV, XV, UV, LV, D, RESULT] = [12, 13, 14, 15, 16, 17, 18, 19, 20];

/** A query pair from x, u or l with one lane replaced by the row's float32 value at `column` + 4·s. */
const withRow = (pairsAt: number, column: number, lane: number) => [
  ...get(pairsAt),
  ...get(T),
  op.i32Add,
  ...simdOp(simd.load, 0),
  ...get(column),
  ...get(T),
  ...i32(2),
  op.i32ShrU,
  op.i32Add,
  ...f32Load(0),
  op.f64PromoteF32,
  ...simdOp(simd.f64x2ReplaceLane),
  lane,
];

/**
 * bounds(dims, count, x, u, l, paa, pu, pl, envStride, out, limit, width): for each of `count` rows,
 * its PAA at `paa` (dims float32 a row) and its segment envelope at `pu`, `pl` (rows `envStride`
 * bytes apart; 0 with ±Infinity: no reverse bound), into out (float64 a row): Infinity once either
 * direction's sum reaches `limit`, else the larger times `width`. x: (query PAA, ·) pairs; u, l:
 * (·, query's segment envelope) pairs.
 */
// biome-ignore format: one line per step of the kernel, as a text format would have it
const body = [
  ...get(LIMIT), ...simdOp(simd.f64x2Splat), ...set(TV),
  ...i32(0), ...set(ROW),
  op.loop, op.void,
  ...f64(Infinity), ...set(RESULT),
  ...f64x2Const(0), ...set(S),
  ...i32(0), ...set(T),
  op.block, op.void,
  op.loop, op.void,
  ...withRow(X, PAA, 1), ...set(XV),
  ...withRow(U, PU, 0), ...set(UV),
  ...withRow(L, PL, 0), ...set(LV),
  ...keoghTerms(XV, UV, LV, D), ...get(S), ...simdOp(simd.f64x2Add), ...set(S),
  ...get(S), ...get(TV), ...simdOp(simd.f64x2Ge), ...simdOp(simd.anyTrue), op.brIf, 1,
  ...get(T), ...i32(16), op.i32Add, ...set(T),
  ...get(T), ...get(DIMS), ...i32(4), op.i32Shl, op.i32LtS, op.brIf, 0,
  op.end,
  ...get(S), ...simdOp(simd.f64x2ExtractLane), 0, ...get(S), ...simdOp(simd.f64x2ExtractLane), 1, op.f64Max,
  ...get(WIDTH), op.f64Mul, ...set(RESULT),
  op.end,
  ...get(OUT), ...get(ROW), ...i32(3), op.i32Shl, op.i32Add, ...get(RESULT), ...f64Op(op.f64Store, 0),
  ...get(PAA), ...get(DIMS), ...i32(2), op.i32Shl, op.i32Add, ...set(PAA),
  ...get(PU), ...get(ENV_STRIDE), op.i32Add, ...set(PU),
  ...get(PL), ...get(ENV_STRIDE), op.i32Add, ...set(PL),
  ...get(ROW), ...i32(1), op.i32Add, ...tee(ROW), ...get(COUNT), op.i32LtS, op.brIf, 0,
  op.end,
];

const PAGE = 65536;

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
        name: 'bounds',
        params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64],
        locals: [I32, I32, V128, V128, V128, V128, V128, V128, F64],
        body,
      },
    ],
    1,
  ),
);

/** The rows' segment envelopes, packed like the table's PAA; absent: no reverse bound. */
export interface RowSegmentEnvelopes {
  readonly paaUpper: Float32Array;
  readonly paaLower: Float32Array;
}

/**
 * One thread's block bounds for one query: `bounds` copies a block of rows' PAA (and segment
 * envelopes) in and answers each row's bound. One per scorer.
 */
export class PaaBlockBounds {
  private readonly run: (...args: number[]) => void;
  private readonly memory: { buffer: ArrayBuffer; grow(pages: number): number };
  private readonly dims: number;
  /** Byte offsets: query pairs x, u, l; ±Infinity rows (no reverse bound); then the block's columns. */
  private readonly at: { x: number; u: number; l: number; noUpper: number; noLower: number; block: number };
  private block = { rows: 0, paa: 0, upper: 0, lower: 0, out: 0 };
  private out = new Float64Array(0);
  private f32 = new Float32Array(0);

  /**
   * `query` is the query's PAA; `envelope` its segment envelope; `width` the points a segment stands for.
   */
  constructor(
    query: ArrayLike<number>,
    envelope: { readonly upper: ArrayLike<number>; readonly lower: ArrayLike<number> },
    private readonly width: number,
  ) {
    const dims = query.length;
    this.dims = dims;
    const noUpper = 48 * dims;
    this.at = {
      x: 0,
      u: 16 * dims,
      l: 32 * dims,
      noUpper,
      noLower: noUpper + 4 * dims,
      block: noUpper + 8 * dims,
    };
    const { exports } = new Instance(kernel);
    this.memory = exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
    this.run = exports.bounds as (...args: number[]) => void;
    const f = new Float64Array(this.memory.buffer);
    for (let s = 0; s < dims; s++) {
      f[this.at.x / 8 + 2 * s] = query[s];
      f[this.at.u / 8 + 2 * s + 1] = envelope.upper[s];
      f[this.at.l / 8 + 2 * s + 1] = envelope.lower[s];
    }
    const g = new Float32Array(this.memory.buffer);
    g.fill(Infinity, noUpper / 4, noUpper / 4 + dims);
    g.fill(-Infinity, noUpper / 4 + dims, noUpper / 4 + 2 * dims);
  }

  /**
   * Rows [from, to) of a packed PAA table, with their segment envelopes when given: each row's
   * bound, or Infinity once it reaches `abandonAt` (as ShapeScorer.boundAt).
   */
  bounds(
    paa: Float32Array,
    from: number,
    to: number,
    abandonAt: number,
    envelopes?: RowSegmentEnvelopes,
  ): Float64Array {
    const count = to - from,
      dims = this.dims;
    if (count <= 0) return this.out.subarray(0, 0);
    if (count > this.block.rows) this.reserve(count);
    const { paa: paaAt, upper, lower, out } = this.block;
    const f32 = this.f32;
    f32.set(paa.subarray(from * dims, to * dims), paaAt / 4);
    if (envelopes) {
      f32.set(envelopes.paaUpper.subarray(from * dims, to * dims), upper / 4);
      f32.set(envelopes.paaLower.subarray(from * dims, to * dims), lower / 4);
    }
    const { x, u, l, noUpper, noLower } = this.at;
    const [pu, pl, stride] = envelopes ? [upper, lower, 4 * dims] : [noUpper, noLower, 0];
    this.run(dims, count, x, u, l, paaAt, pu, pl, stride, out, abandonAt / this.width, this.width);
    return this.out.subarray(0, count);
  }

  /** Room for blocks of `rows` rows: their PAA and segment envelopes (float32) and bounds (float64). */
  private reserve(rows: number): void {
    const column = 4 * rows * this.dims;
    const paa = this.at.block,
      upper = paa + column,
      lower = upper + column,
      out = Math.ceil((lower + column) / 8) * 8;
    const pages = Math.ceil((out + 8 * rows) / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    this.block = { rows, paa, upper, lower, out };
    this.f32 = new Float32Array(this.memory.buffer);
    this.out = new Float64Array(this.memory.buffer, out, rows);
  }
}
