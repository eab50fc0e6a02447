import { describe, expect, it } from 'vitest';
import { anomalyScore, isConsensus } from '../../analyzer/consensus.js';
import { classifyException } from '../../analyzer/exceptions.js';
import { SecondOrder } from '../../analyzer/secondOrder.js';
import { seriesFromPoints } from '../../analyzer/series.js';

const RULES = { minTolerableLength: 3, stalePeriod: 500, maxTolerableBoredom: 100, boredomSetSize: 1 };

describe('consensus (Etsy: at most 9 − CONSENSUS detectors vote false)', () => {
  it('counts an abstention as "not false", which is how Etsy\'s MAD quirk voted yes', () => {
    const five = [true, true, true, true, true, false, false, false];
    expect(isConsensus([...five, null], 6)).toBe(true);
    expect(isConsensus([...five, false], 6)).toBe(false);
    expect(anomalyScore([true, false, null, true])).toBe(0.5);
  });
});

describe('exceptions, in order TooShort, Stale, Boring', () => {
  const f = (points: Array<[number, number]>, now: number) => {
    const s = seriesFromPoints(points);
    return classifyException(s.timestamps, s.values, now, RULES);
  };
  it('classifies', () => {
    expect(
      f(
        [
          [1000, 1],
          [1060, 1],
        ],
        1060,
      ),
    ).toBe('TooShort');
    expect(
      f(
        [
          [1000, 1],
          [1060, 2],
          [1120, 3],
        ],
        1700,
      ),
    ).toBe('Stale');
    expect(
      f(
        [
          [1000, 4],
          [1060, 4],
          [1120, 4],
        ],
        1120,
      ),
    ).toBe('Boring');
    expect(
      f(
        [
          [1000, 4],
          [1060, 5],
          [1120, 4],
        ],
        1120,
      ),
    ).toBeNull();
  });
  it('judges the sorted, de-duplicated window (last write wins)', () => {
    // Written out of order, with the newest timestamp written twice: the last write (3) counts.
    expect(
      f(
        [
          [1120, 9],
          [1000, 3],
          [1060, 3],
          [1120, 3],
        ],
        1120,
      ),
    ).toBe('Boring');
  });
});

describe('second-order detection (Skyline is_anomalously_anomalous)', () => {
  it('surfaces the first trigger, not the same value again within 300 s, then only unusual gaps', () => {
    const so = new SecondOrder();
    expect(so.surfaces('m', 1000, 5)).toBe(true);
    expect(so.surfaces('m', 1100, 5)).toBe(false);
    // Triggers every 600 s are routine; a trigger after a long quiet spell is not.
    expect(so.surfaces('m', 1600, 6)).toBe(false);
    for (let t = 2200; t <= 6400; t += 600) so.surfaces('m', t, t);
    expect(so.surfaces('m', 7000, 1)).toBe(false);
    expect(so.surfaces('m', 60_000, 2)).toBe(true);
  });
});
