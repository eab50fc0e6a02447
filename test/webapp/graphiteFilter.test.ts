import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWebapp } from './fixtures.js';
import { MINUTE, renderTarget, startGraphiteKale } from './graphiteData.js';

/** Four series of the last hour with known levels: flat 5, rising 0…59, flat 40, and one null at the end. */
const SERIES: Record<string, (i: number) => number | null> = {
  'rank.flat5': () => 5,
  'rank.rising': (i) => i,
  'rank.flat40': () => 40,
  'rank.host10': (i) => (i === 59 ? null : 30),
};

describe('Graphite filters and sorting (functions/filter.ts)', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ w, close } = await startGraphiteKale());
    await w.store.append(
      Object.entries(SERIES).map(([name, f]) => ({
        name,
        points: Array.from({ length: 60 }, (_, i): [number, number | null] => [
          MINUTE - 3540 + i * 60,
          f(i),
        ]).filter((p): p is [number, number] => p[1] !== null),
      })),
    );
  });
  afterAll(async () => close());

  const targets = async (target: string) => {
    const { status, body } = await renderTarget(w.url, target, MINUTE - 3600);
    return status === 200 ? body.map((s) => s.target) : body.error;
  };

  it('ranks by the current, highest, average or summed value, highest or lowest first', async () => {
    // Current values: rising 59, flat40 40, host10 30 (its last value before the null), flat5 5.
    expect(await targets('highestCurrent(rank.*, 2)')).toEqual(['rank.rising', 'rank.flat40']);
    expect(await targets('highestCurrent(rank.*)')).toEqual(['rank.rising']);
    expect(await targets('lowestCurrent(rank.*, 2)')).toEqual(['rank.flat5', 'rank.host10']);
    expect(await targets('highestMax(rank.*, 1)')).toEqual(['rank.rising']);
    // Averages: flat40 40, host10 30, rising 29.5, flat5 5.
    expect(await targets('highestAverage(rank.*, 3)')).toEqual(['rank.flat40', 'rank.host10', 'rank.rising']);
    expect(await targets('lowestAverage(rank.*, 2)')).toEqual(['rank.flat5', 'rank.rising']);
    expect(await targets("highest(rank.*, 1, 'sum')")).toEqual(['rank.flat40']);
    expect(await targets("lowest(rank.*, 1, 'min')")).toEqual(['rank.rising']);
    expect(await targets("highest(rank.*, 1, 'median')")).toMatch(
      /highest: func must be one of average, current/,
    );
  });

  it('limits and sorts by name, naturally or not, either way round', async () => {
    expect(await targets('limit(rank.*, 2)')).toEqual(['rank.flat40', 'rank.flat5']);
    expect(await targets('sortByName(rank.*)')).toEqual([
      'rank.flat40',
      'rank.flat5',
      'rank.host10',
      'rank.rising',
    ]);
    expect(await targets('sortByName(rank.*, true)')).toEqual([
      'rank.flat5',
      'rank.flat40',
      'rank.host10',
      'rank.rising',
    ]);
    expect(await targets('sortByName(rank.*, false, true)')).toEqual([
      'rank.rising',
      'rank.host10',
      'rank.flat5',
      'rank.flat40',
    ]);
  });
});
