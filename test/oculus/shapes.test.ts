import { describe, expect, it } from 'vitest';
import { paa } from '../../oculus/shapes/paa.js';
import { fillGaps, resampleValues, resampleWindow } from '../../oculus/shapes/resample.js';
import { sax } from '../../oculus/shapes/sax.js';
import { shapeFromDrawn, shapeFromSeries } from '../../oculus/shapes/shape.js';
import { WINDOW_GRIDS } from '../../oculus/shapes/windows.js';
import { isFlat, stats, znormalise } from '../../oculus/shapes/znorm.js';

const series = (points: Array<[number, number]>) => ({
  timestamps: Float64Array.from(points, (p) => p[0]),
  values: Float64Array.from(points, (p) => p[1]),
});

describe('shapes', () => {
  it('resamples the last hour onto 60 one-minute cells ending at the last point, averaging within a cell', () => {
    const pts: Array<[number, number]> = [];
    for (let t = 0; t < 7200; t += 30) pts.push([960_000 + t, t]);
    const r = resampleWindow(series(pts), WINDOW_GRIDS['1h'])!;
    expect(r.values.length).toBe(60);
    expect(r.end).toBe(960_000 + 7200);
    // Last cell holds the points at 7140 and 7170 s.
    expect(r.values[59]).toBe((7140 + 7170) / 2);
    expect(r.values[0]).toBe((3600 + 3630) / 2);
  });

  it('fills gaps by linear interpolation and ignores NaN and Infinity', () => {
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < 60; i++) {
      if (i >= 20 && i < 30) continue; // a ten-minute gap
      pts.push([i * 60, i === 5 ? NaN : i === 6 ? Infinity : i]);
    }
    const r = resampleWindow(series(pts), WINDOW_GRIDS['1h'])!;
    expect(Array.from(r.values).every(Number.isFinite)).toBe(true);
    expect(r.values[25]).toBeCloseTo(25, 9);
    expect(r.values[5]).toBeCloseTo(5, 9);
    expect(r.values[6]).toBeCloseTo(6, 9);
  });

  it('holds edge gaps flat and returns null when too few cells have data', () => {
    const v = Float64Array.of(NaN, NaN, 2, NaN, 4, NaN);
    fillGaps(v);
    expect(Array.from(v)).toEqual([2, 2, 2, 3, 4, 4]);
    const sparse = series([[0, 1], [600, 2], [1200, 3]]);
    expect(resampleWindow(sparse, WINDOW_GRIDS['1h'])).toBeNull();
    expect(resampleWindow(series([]), WINDOW_GRIDS['1h'])).toBeNull();
    expect(resampleWindow(series([[0, NaN], [60, NaN]]), WINDOW_GRIDS['1h'])).toBeNull();
  });

  it('flat windows are marked flat, z-normalise to zeros and keep their level', () => {
    const pts: Array<[number, number]> = Array.from({ length: 60 }, (_, i) => [i * 60, 42]);
    const s = shapeFromSeries('flat', series(pts), '1h', 32)!;
    expect(s.flat).toBe(true);
    expect(s.stats.mean).toBe(42);
    expect(Array.from(s.z).every((x) => x === 0)).toBe(true);
    expect(isFlat(stats([1e9, 1e9 + 1e-3]))).toBe(true);
    expect(isFlat(stats([0, 1e-3]))).toBe(false);
  });

  it('z-normalises to mean 0 and standard deviation 1', () => {
    const z = znormalise([1, 2, 3, 4, 10]);
    const s = stats(z);
    expect(s.mean).toBeCloseTo(0, 12);
    expect(s.std).toBeCloseTo(1, 12);
  });

  it('PAA averages equal segments, and splits straddling points by weight', () => {
    expect(Array.from(paa([1, 1, 3, 3], 2))).toEqual([1, 3]);
    // 3 points into 2 segments of 1.5: [1, 0.5·2] / 1.5 and [0.5·2, 3] / 1.5.
    const p = paa([1, 2, 3], 2);
    expect(p[0]).toBeCloseTo((1 + 1) / 1.5, 12);
    expect(p[1]).toBeCloseTo((1 + 3) / 1.5, 12);
  });

  it('SAX cuts at the N(0,1) quantiles', () => {
    expect(sax([-2, -0.5, 0.1, 2])).toBe('aceh');
    expect(sax([-2, 2], 4)).toBe('ad');
  });

  it('a drawn shape of any length is stretched onto the window grid; gaps (NaN) are bridged', () => {
    const s = shapeFromDrawn([0, NaN, 2], '24h', 32)!;
    expect(s.raw.length).toBe(WINDOW_GRIDS['24h'].points);
    expect(s.raw[0]).toBe(0);
    expect(s.raw[s.raw.length - 1]).toBe(2);
    expect(s.paa.length).toBe(32);
    expect(resampleValues([NaN, NaN], 10)).toBeNull();
    expect(Array.from(resampleValues([5], 3)!)).toEqual([5, 5, 5]);
  });
});
