import { describe, expect, it } from 'vitest';
import { stddevFromAverage } from '../../../analyzer/detectors/stddevFromAverage.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, run } from './series.js';

describe('stddev_from_average', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(stddevFromAverage));

  it('judges the average of the last three values against the whole window', () => {
    const flat = base(500);
    expect(run(stddevFromAverage, input(flat))).toBe(false);
    expect(run(stddevFromAverage, input([...flat, 110, 110, 110]))).toBe(true);
    expect(run(stddevFromAverage, input([...flat, 90, 90, 90]))).toBe(true);
    // One high value among the last three moves their average by a third of it: 3 σ is not reached.
    expect(run(stddevFromAverage, input([...flat, 100, 100, 104]))).toBe(false);
  });

  it('abstains on an empty window', () => {
    expect(run(stddevFromAverage, input([]))).toBeNull();
  });
});
