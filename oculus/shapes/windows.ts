/** The windows Oculus indexes, and the regular grid each is resampled onto. */
export type ShapeWindow = '1h' | '24h';

export interface WindowGrid {
  readonly window: ShapeWindow;
  /** Seconds covered. */
  readonly duration: number;
  /** Grid step in seconds; `duration / step` points per shape. */
  readonly step: number;
  readonly points: number;
}

export const WINDOW_GRIDS: Readonly<Record<ShapeWindow, WindowGrid>> = {
  '1h': { window: '1h', duration: 3600, step: 60, points: 60 },
  // 10-minute steps keep a 24 h shape at 144 points: enough for shape, and 250k of them fit in memory.
  '24h': { window: '24h', duration: 86400, step: 600, points: 144 },
};

export const SHAPE_WINDOWS = Object.keys(WINDOW_GRIDS) as ShapeWindow[];

export function isShapeWindow(w: string): w is ShapeWindow {
  return Object.hasOwn(WINDOW_GRIDS, w);
}
