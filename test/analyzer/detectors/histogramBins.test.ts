import { describe, expect, it } from 'vitest';
import { histogramBins } from '../../../analyzer/detectors/histogramBins.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, run } from './series.js';

const flat = base(1000, 100, 10);

describe('histogram_bins', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(histogramBins));

  it('flags a tail average in a sparse bin, not in a crowded one', () => {
    expect(run(histogramBins, input([...flat, 100, 100, 100]))).toBe(false);
    expect(run(histogramBins, input([...flat, 200, 150, 150, 150]))).toBe(true);
  });

  it("keeps Etsy's quirk: a tail average equal to the maximum is in no bin, so normal", () => {
    expect(run(histogramBins, input([...flat, 200, 200, 200]))).toBe(false);
  });

  it('abstains on an empty window', () => {
    expect(run(histogramBins, input([]))).toBeNull();
  });
});
