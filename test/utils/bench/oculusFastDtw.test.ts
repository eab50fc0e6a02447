import { describe, expect, it } from 'vitest';
import { compareFastDtw, type ShapeRows } from '../../../utils/bench/oculusFastDtw.js';
import { metricBatches, shapesOf } from '../../oculus/fixtures.js';

describe('FastDTW against exact DTW on the same shapes', () => {
  const shapes = shapesOf(metricBatches(400, 3));
  const rows: ShapeRows = {
    z: Float32Array.from(shapes.flatMap((s) => Array.from(s.z))),
    flat: Uint8Array.from(shapes, (s) => (s.flat ? 1 : 0)),
    names: shapes.map((s) => s.name),
    length: 60,
    count: shapes.length,
  };
  // The rows are float32: queries read from them, so a query's exact distance to itself-like rows matches.
  const queries = shapes
    .filter((s) => !s.flat)
    .slice(0, 6)
    .map((s) => ({ ...s, z: Float64Array.from(Float32Array.from(s.z)) }));

  it('agrees completely with full DTW when its radius covers the series (it is full DTW then)', () => {
    const r = compareFastDtw(rows, queries, { k: 10, bandPct: 10, radii: [60] });
    expect(r.fastdtw.r60.vs_full_dtw).toEqual({ nn_differs: 0, recall_at_k: 1 });
    expect(r).toMatchObject({ rows: 400, queries: 6, k: 10, band_pct: 10 });
  });

  it('at radius 1 misses some of the exact top k, and the shares stay between 0 and 1', () => {
    const r = compareFastDtw(rows, queries, { k: 10, bandPct: 10, radii: [1] });
    const { vs_cdtw, vs_full_dtw } = r.fastdtw.r1;
    for (const a of [vs_cdtw, vs_full_dtw]) {
      expect(a.nn_differs).toBeGreaterThanOrEqual(0);
      expect(a.nn_differs).toBeLessThanOrEqual(1);
      expect(a.recall_at_k).toBeGreaterThan(0);
      expect(a.recall_at_k).toBeLessThanOrEqual(1);
    }
    // Random walks: a radius-1 FastDTW path is far from optimal for some pairs.
    expect(vs_full_dtw.recall_at_k).toBeLessThan(1);
  });
});
