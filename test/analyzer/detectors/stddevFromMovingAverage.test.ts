import { describe, expect, it } from 'vitest';
import { stddevFromMovingAverage } from '../../../analyzer/detectors/stddevFromMovingAverage.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, run } from './series.js';

describe('stddev_from_moving_average', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(stddevFromMovingAverage));

  it('judges the latest value against an exponentially weighted mean and std', () => {
    const flat = base(500);
    expect(run(stddevFromMovingAverage, input([...flat, 101]))).toBe(false);
    expect(run(stddevFromMovingAverage, input([...flat, 110]))).toBe(true);
    expect(run(stddevFromMovingAverage, input([...flat, 90]))).toBe(true);
  });

  it('weights recent values: a level reached long ago is normal, even far from the window mean', () => {
    const moved = [...base(500), ...base(500, 200)];
    expect(run(stddevFromMovingAverage, input(moved))).toBe(false);
  });

  it('abstains on an empty window', () => {
    expect(run(stddevFromMovingAverage, input([]))).toBeNull();
  });
});
