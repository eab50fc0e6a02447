import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../oculus/shapes/fingerprint.js';
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
    const sparse = series([
      [0, 1],
      [600, 2],
      [1200, 3],
    ]);
    expect(resampleWindow(sparse, WINDOW_GRIDS['1h'])).toBeNull();
    expect(resampleWindow(series([]), WINDOW_GRIDS['1h'])).toBeNull();
    expect(
      resampleWindow(
        series([
          [0, NaN],
          [60, NaN],
        ]),
        WINDOW_GRIDS['1h'],
      ),
    ).toBeNull();
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

  it("the fingerprint is Etsy Oculus's: values scaled onto 0–25 (ceil), pair differences named, steady ones dropped", () => {
    // Worked by hand from helpers/fingerprint.rb. min 0, max 25 (scale ×1): differences previous − next
    // −25 sinc, 4 sdec, 1 dec, −1 s, −4 inc, 5 sdec, 2 dec, 3 dec, 4 sdec, −2 inc, −5 sinc.
    expect(fingerprint([0, 25, 21, 20, 21, 25, 20, 18, 15, 11, 13, 18])).toBe(
      'sinc sdec dec inc sdec dec dec sdec inc sinc',
    );
    // Scale 25/10 = 2.5: 0, ceil(2.5) = 3, ceil(1.25) = 2, 25 → −3 inc, 1 dec, −23 sinc.
    expect(fingerprint([0, 1, 0.5, 10])).toBe('inc dec sinc');
    // Scale 25/200 from min 100: 0, 25 → −25 sinc; then 25, ceil(0.125) = 1 → 24 sdec.
    expect(fingerprint([100, 300, 101])).toBe('sinc sdec');
    // Constant series: 25/0 · 0 is NaN → every value 0; all zeros are 0 too: nothing but steady pairs.
    expect(fingerprint([7, 7, 7])).toBe('');
    expect(fingerprint([0, 0, 0])).toBe('');
    // What the importer stores: the fingerprint of the window's resampled values.
    const drawn = shapeFromDrawn([0, 25, 21, 20], '1h', 32)!;
    expect(drawn.fingerprint).toBe(fingerprint(drawn.raw));
  });
});
