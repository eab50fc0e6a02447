import { describe, expect, it } from 'vitest';
import { meanSubtractionCumulation } from '../../../analyzer/detectors/meanSubtractionCumulation.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, run } from './series.js';

describe('mean_subtraction_cumulation', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(meanSubtractionCumulation));

  it('judges the latest value alone against the mean and std of the values before it', () => {
    const flat = base(200);
    expect(run(meanSubtractionCumulation, input([...flat, 101]))).toBe(false);
    expect(run(meanSubtractionCumulation, input([...flat, 110]))).toBe(true);
    expect(run(meanSubtractionCumulation, input([...flat, 90]))).toBe(true);
    // Three high values and then a normal one: only the latest counts.
    expect(run(meanSubtractionCumulation, input([...flat, 110, 110, 110, 100]))).toBe(false);
  });

  it('abstains on an empty window', () => {
    expect(run(meanSubtractionCumulation, input([]))).toBeNull();
  });
});
