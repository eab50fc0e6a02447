import type { Series } from '../../core/store/store.js';
import { fingerprint } from './fingerprint.js';
import { paa } from './paa.js';
import { resampleValues, resampleWindow } from './resample.js';
import { sax } from './sax.js';
import { WINDOW_GRIDS, type ShapeWindow } from './windows.js';
import { isFlat, stats, znormalise, type ShapeStats } from './znorm.js';

/** What Oculus indexes for one metric (or collection) and one window. */
export interface Shape {
  readonly name: string;
  readonly window: ShapeWindow;
  /** Epoch seconds of the first grid cell; cells are `step` apart. */
  readonly start: number;
  readonly step: number;
  /** Resampled values as stored (for plotting). */
  readonly raw: Float64Array;
  /** Z-normalised values (all zeros when flat): what distances are computed on. */
  readonly z: Float64Array;
  /** PAA of `z`, `paaDims` long. */
  readonly paa: Float64Array;
  readonly sax: string;
  readonly fingerprint: string;
  readonly stats: ShapeStats;
  /** No shape to speak of: matched by level (`stats.mean`) rather than by distance of `z`. */
  readonly flat: boolean;
}

export function shapeFromValues(
  name: string,
  window: ShapeWindow,
  raw: Float64Array,
  start: number,
  step: number,
  paaDims: number,
): Shape {
  const s = stats(raw);
  const dims = Math.min(paaDims, raw.length);
  // z and PAA share one buffer: an import builds 250k shapes, and each separate small typed array
  // is an off-heap allocation that garbage collection pays for.
  const buffer = new Float64Array(raw.length + dims);
  const z = znormalise(raw, s, buffer.subarray(0, raw.length));
  const p = paa(z, dims, buffer.subarray(raw.length));
  return {
    name,
    window,
    start,
    step,
    raw,
    z,
    paa: p,
    sax: sax(p),
    fingerprint: fingerprint(raw),
    stats: s,
    flat: isFlat(s),
  };
}

/** The shape of a stored series' last window; null when the window holds too little data. */
export function shapeFromSeries(
  name: string,
  series: Series,
  window: ShapeWindow,
  paaDims: number,
): Shape | null {
  const grid = WINDOW_GRIDS[window];
  const sampled = resampleWindow(series, grid);
  if (!sampled) return null;
  return shapeFromValues(name, window, sampled.values, sampled.end - grid.duration, grid.step, paaDims);
}

/** A drawn or posted shape: any number of values, stretched onto the window's grid. */
export function shapeFromDrawn(
  values: ArrayLike<number>,
  window: ShapeWindow,
  paaDims: number,
  name = '(drawn)',
): Shape | null {
  const grid = WINDOW_GRIDS[window];
  const raw = resampleValues(values, grid.points);
  if (!raw) return null;
  return shapeFromValues(name, window, raw, 0, grid.step, paaDims);
}
