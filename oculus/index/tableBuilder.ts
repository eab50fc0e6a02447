import type { Shape } from '../shapes/shape.js';
import type { ShapeWindow } from '../shapes/windows.js';
import { sharedFloat32 } from './sharedColumns.js';
import { ShapeTable } from './shapeTable.js';

/**
 * A ShapeTable filled one shape at a time, straight into its columns, so an import keeps no Shape
 * objects: each is garbage as soon as it is written (cheap young-generation garbage), instead of
 * 250,000 objects with several small typed arrays each held until the end, for the old generation's
 * collector to trace and sweep again and again.
 */
export class TableBuilder {
  private readonly names: string[] = [];
  private capacity = 1024;
  private stats = new Float64Array(this.capacity * 6);
  private flat = new Uint8Array(this.capacity);
  private z: Float32Array;
  private paa: Float32Array;

  constructor(
    readonly window: ShapeWindow,
    readonly step: number,
    readonly length: number,
    readonly dims: number,
  ) {
    this.z = sharedFloat32(this.capacity * length);
    this.paa = sharedFloat32(this.capacity * dims);
  }

  add(s: Shape): void {
    if (s.z.length !== this.length || s.paa.length !== this.dims)
      throw new RangeError(`shape ${s.name}: expected ${this.length} points and ${this.dims} PAA dims`);
    const i = this.names.length;
    if (i === this.capacity) this.grow(this.capacity * 2);
    this.names.push(s.name);
    const st = s.stats,
      o = i * 6;
    this.stats[o] = st.mean;
    this.stats[o + 1] = st.std;
    this.stats[o + 2] = st.min;
    this.stats[o + 3] = st.max;
    this.stats[o + 4] = st.last;
    this.stats[o + 5] = s.start;
    this.flat[i] = s.flat ? 1 : 0;
    this.z.set(s.z, i * this.length);
    this.paa.set(s.paa, i * this.dims);
  }

  /** The table, its columns cut to size. */
  build(): ShapeTable {
    this.grow(this.names.length);
    const { window, step, length, dims, names, stats, flat, z, paa } = this;
    return ShapeTable.fromColumns({ window, step, length, dims, names, stats, flat, z, paa });
  }

  private grow(capacity: number): void {
    if (capacity === this.capacity) return;
    const n = this.names.length;
    const stats = new Float64Array(capacity * 6),
      flat = new Uint8Array(capacity);
    const z = sharedFloat32(capacity * this.length),
      paa = sharedFloat32(capacity * this.dims);
    stats.set(this.stats.subarray(0, n * 6));
    flat.set(this.flat.subarray(0, n));
    z.set(this.z.subarray(0, n * this.length));
    paa.set(this.paa.subarray(0, n * this.dims));
    this.capacity = capacity;
    this.stats = stats;
    this.flat = flat;
    this.z = z;
    this.paa = paa;
  }
}
