import { packedItem, type PackedBytes } from '../core/store/packedBytes.js';
import { decodeWindow } from '../core/store/windowCodec.js';
import { shapeFromSeries, type Shape } from './shapes/shape.js';
import type { ShapeWindow } from './shapes/windows.js';

/** One batch of an import for the shaping thread: raw Skyline windows, packed, and what to build of them. */
export interface ShapeBatch {
  readonly names: ReadonlyArray<string>;
  readonly windows: ReadonlyArray<ShapeWindow>;
  readonly paaDims: number;
  readonly raws: PackedBytes;
}

/**
 * The shapes of a batch, one list per window in `windows`' order: each metric's window decoded
 * (`decodeWindow`: sorted, the last write of a timestamp kept) and shaped; a missing or undecodable
 * window, or one with too little data, has none (as `readWindows` reads it: null).
 */
export function shapeBatch(batch: ShapeBatch): Shape[][] {
  const out = batch.windows.map((): Shape[] => []);
  batch.names.forEach((name, j) => {
    const raw = packedItem(batch.raws, j);
    if (!raw) return;
    let series: ReturnType<typeof decodeWindow>;
    try {
      series = decodeWindow(raw);
    } catch {
      return;
    }
    batch.windows.forEach((w, k) => {
      const shape = shapeFromSeries(name, series, w, batch.paaDims);
      if (shape) out[k].push(shape);
    });
  });
  return out;
}
