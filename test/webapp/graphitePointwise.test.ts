import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../../core/store/store.js';
import type { TestWebapp } from './fixtures.js';
import { MINUTE, renderTarget, startGraphiteKale } from './graphiteData.js';

/** One value a minute for the last hour, −30…29, with runs of 1, 2, 5 and 3 minutes missing. */
const GAPPY = 'gappy.series';
const MISSING = new Set([10, 20, 21, 30, 31, 32, 33, 34, 40, 41, 42]);
const gappyPoints = (): Point[] =>
  Array.from({ length: 60 }, (_, i) => i)
    .filter((i) => !MISSING.has(i))
    .map((i) => [MINUTE - 3540 + i * 60, i - 30]);

describe('Graphite point-by-point transforms (functions/pointwise.ts)', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ w, close } = await startGraphiteKale());
    await w.store.append([{ name: GAPPY, points: gappyPoints() }]);
  });
  afterAll(async () => close());

  /** The target's first series as [value, timestamp] over the gappy hour, by minute index. */
  const render = async (target: string) => {
    const { status, body } = await renderTarget(w.url, target, MINUTE - 3600);
    expect(status).toBe(200);
    const at = new Map(body[0].datapoints.map(([v, ts]) => [ts, v]));
    return {
      target: body[0].target,
      values: Array.from({ length: 60 }, (_, i) => at.get(MINUTE - 3540 + i * 60)),
    };
  };
  const raw = (i: number) => (MISSING.has(i) ? null : i - 30);
  const lastSeen = (i: number): number => (MISSING.has(i) ? lastSeen(i - 1) : i - 30);

  it('transformNull fills every null, keepLastValue only runs up to its limit', async () => {
    const zero = await render('transformNull(gappy.series)');
    expect(zero.target).toBe('transformNull(gappy.series,0)');
    expect(zero.values).toEqual(Array.from({ length: 60 }, (_, i) => raw(i) ?? 0));
    expect((await render('transformNull(gappy.series, -1.5)')).values[20]).toBe(-1.5);

    const kept = await render('keepLastValue(gappy.series)');
    expect(kept.target).toBe('keepLastValue(gappy.series)');
    expect(kept.values).toEqual(Array.from({ length: 60 }, (_, i) => lastSeen(i)));
    const limited = await render('keepLastValue(gappy.series, 2)');
    expect(limited.values.slice(9, 12)).toEqual([-21, -21, -19]);
    expect(limited.values.slice(19, 23)).toEqual([-11, -11, -11, -8]);
    // Runs longer than the limit are real gaps, left null.
    expect(limited.values.slice(29, 36)).toEqual([-1, null, null, null, null, null, 5]);
    expect(limited.values.slice(39, 44)).toEqual([9, null, null, null, 13]);
    expect((await render('keepLastValue(gappy.series, 3)')).values.slice(39, 44)).toEqual([9, 9, 9, 9, 13]);
  });

  it('absolute, offset, derivative and integral follow graphite-web, nulls staying null', async () => {
    const abs = await render('absolute(gappy.series)');
    expect(abs.target).toBe('absolute(gappy.series)');
    expect(abs.values).toEqual(
      Array.from({ length: 60 }, (_, i) => (raw(i) === null ? null : Math.abs(i - 30))),
    );
    const shifted = await render('offset(gappy.series, 2.5)');
    expect(shifted.target).toBe('offset(gappy.series,2.5)');
    expect(shifted.values[0]).toBe(-27.5);
    const d = await render('derivative(gappy.series)');
    expect(d.values.slice(1, 13)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, null, null, 1]);
    const sumSoFar = await render('integral(gappy.series)');
    let total = 0;
    expect(sumSoFar.values).toEqual(
      Array.from({ length: 60 }, (_, i) => {
        const v = raw(i);
        return v === null ? null : (total += v);
      }),
    );
  });
});
