import type { Collection, Series } from '../../core/store/store.js';
import { shapeFromDrawn, shapeFromSeries, type Shape } from '../shapes/shape.js';
import type { ShapeWindow } from '../shapes/windows.js';

/**
 * A saved collection as a shape of the searched window: its points resampled like a live metric's
 * window when they cover it, otherwise stretched over the grid like a drawn shape.
 */
export function collectionShape(c: Collection, window: ShapeWindow, paaDims: number): Shape | null {
  const series: Series = {
    timestamps: Float64Array.from(c.points, (p) => p[0]),
    values: Float64Array.from(c.points, (p) => p[1]),
  };
  return (
    shapeFromSeries(c.metric, series, window, paaDims) ??
    shapeFromDrawn(series.values, window, paaDims, c.metric)
  );
}
