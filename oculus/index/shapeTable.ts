import { envelopeInto, paaEnvelope } from '../distances/lowerBounds.js';
import { fingerprint } from '../shapes/fingerprint.js';
import { sax } from '../shapes/sax.js';
import type { Shape } from '../shapes/shape.js';
import type { ShapeWindow } from '../shapes/windows.js';
import { isFlat } from '../shapes/znorm.js';
import { asShared, sharedFloat32 } from './sharedColumns.js';

/** Every row's DTW envelope, packed like the table's `z`, and reduced to PAA segments like its `paa`. */
export interface RowEnvelopes {
  readonly upper: Float32Array;
  readonly lower: Float32Array;
  readonly paaUpper: Float32Array;
  readonly paaLower: Float32Array;
}

/**
 * Shapes of one window in columns (typed arrays), so 250,000 of them scan fast and fit in memory:
 * z-normalised values and PAA as float32, stats as float64. The columns a scan reads (z, PAA, row
 * envelopes) are in shared memory, for the scan's worker threads (tableScan.ts). Raw values are
 * rebuilt as z·std + mean (so a rebuilt shape's fingerprint is that of float32-rounded values; the
 * stored one is exact).
 */
export class ShapeTable {
  readonly rows = new Map<string, number>();
  readonly z: Float32Array;
  readonly paa: Float32Array;
  /** Every row's DTW envelope for the last radius asked for (see `envelopes`). */
  private envelopeCache: (RowEnvelopes & { radius: number }) | null = null;

  private constructor(
    readonly window: ShapeWindow,
    readonly step: number,
    readonly length: number,
    readonly dims: number,
    readonly names: string[],
    /** Per row: mean, std, min, max, last, start. */
    readonly stats: Float64Array,
    readonly flat: Uint8Array,
    z: Float32Array,
    paa: Float32Array,
  ) {
    this.z = asShared(z);
    this.paa = asShared(paa);
    names.forEach((name, i) => this.rows.set(name, i));
  }

  get count(): number {
    return this.names.length;
  }

  static empty(window: ShapeWindow, step: number, length: number, dims: number): ShapeTable {
    return new ShapeTable(
      window,
      step,
      length,
      dims,
      [],
      new Float64Array(0),
      new Uint8Array(0),
      new Float32Array(0),
      new Float32Array(0),
    );
  }

  static fromColumns(c: {
    window: ShapeWindow;
    step: number;
    length: number;
    dims: number;
    names: string[];
    stats: Float64Array;
    flat: Uint8Array;
    z: Float32Array;
    paa: Float32Array;
  }): ShapeTable {
    return new ShapeTable(c.window, c.step, c.length, c.dims, c.names, c.stats, c.flat, c.z, c.paa);
  }

  zRow(i: number): Float32Array {
    return this.z.subarray(i * this.length, (i + 1) * this.length);
  }

  paaRow(i: number): Float32Array {
    return this.paa.subarray(i * this.dims, (i + 1) * this.dims);
  }

  /**
   * Every row's upper and lower envelope for a Sakoe–Chiba radius, packed like `z`, built on first use
   * and kept for the last radius (the default band in practice): it makes the reverse LB_Keogh as
   * cheap as the forward one. Float32 is exact here: envelopes are made of the rows' own values.
   * With them, each row's envelope reduced to PAA segments (packed like `paa`), for LB_PAA the other
   * way round. Costs a little over twice the memory of `z`.
   */
  envelopes(radius: number): RowEnvelopes {
    if (this.envelopeCache?.radius === radius) return this.envelopeCache;
    const n = this.count,
      len = this.length,
      dims = this.dims;
    const upper = sharedFloat32(n * len),
      lower = sharedFloat32(n * len);
    const paaUpper = sharedFloat32(n * dims),
      paaLower = sharedFloat32(n * dims);
    // Scratch reused for every row: no allocation per row.
    const z = this.z;
    const row = new Float64Array(len);
    const env = { upper: new Float64Array(len), lower: new Float64Array(len), radius };
    const segments = { upper: new Float64Array(dims), lower: new Float64Array(dims) };
    const deques = new Int32Array(2 * len);
    for (let i = 0; i < n; i++) {
      for (let j = 0, o = i * len; j < len; j++) row[j] = z[o + j];
      envelopeInto(row, radius, env, deques);
      upper.set(env.upper, i * len);
      lower.set(env.lower, i * len);
      paaEnvelope(env, dims, segments);
      paaUpper.set(segments.upper, i * dims);
      paaLower.set(segments.lower, i * dims);
    }
    this.envelopeCache = { radius, upper, lower, paaUpper, paaLower };
    return this.envelopeCache;
  }

  /** Bytes of the table's columns, the row envelopes included once built (names and the row map not counted). */
  columnBytes(): number {
    const env = this.envelopeCache;
    const arrays = [this.stats, this.flat, this.z, this.paa];
    if (env) arrays.push(env.upper, env.lower, env.paaUpper, env.paaLower);
    return arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }

  mean(i: number): number {
    return this.stats[i * 6];
  }

  shape(i: number): Shape {
    const [mean, std, min, max, last, start] = this.stats.subarray(i * 6, i * 6 + 6);
    const z = Float64Array.from(this.zRow(i));
    const p = Float64Array.from(this.paaRow(i));
    const raw = z.map((v) => v * std + mean);
    const st = { mean, std, min, max, last };
    return {
      name: this.names[i],
      window: this.window,
      start,
      step: this.step,
      raw,
      z,
      paa: p,
      sax: sax(p),
      fingerprint: fingerprint(raw),
      stats: st,
      flat: this.flat[i] === 1 || isFlat(st),
    };
  }
}
