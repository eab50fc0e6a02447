import { describe, expect, it } from 'vitest';
import { medianAbsoluteDeviation } from '../../../analyzer/detectors/medianAbsoluteDeviation.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, run } from './series.js';

const flat = base(300);

describe('median_absolute_deviation', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(medianAbsoluteDeviation));

  it('flags a latest value more than six MADs from the median, either way', () => {
    expect(run(medianAbsoluteDeviation, input([...flat, 101]))).toBe(false);
    expect(run(medianAbsoluteDeviation, input([...flat, 104]))).toBe(true);
    expect(run(medianAbsoluteDeviation, input([...flat, 96]))).toBe(true);
  });

  it("abstains when normal only with Etsy's fall-through", () => {
    expect(run(medianAbsoluteDeviation, input([...flat, 101]), { abstainWhenNormal: true })).toBeNull();
    expect(run(medianAbsoluteDeviation, input([...flat, 104]), { abstainWhenNormal: true })).toBe(true);
  });

  it('votes false when most values sit on the median (MAD 0), whatever the latest', () => {
    expect(run(medianAbsoluteDeviation, input([...Array(300).fill(5), 1000]))).toBe(false);
  });

  it('gives its evidence as a robust z of the latest value', () => {
    const near = medianAbsoluteDeviation.evidence!(input([...flat, 101]), medianAbsoluteDeviation.defaults);
    const far = medianAbsoluteDeviation.evidence!(input([...flat, 130]), medianAbsoluteDeviation.defaults);
    expect(near).toBeLessThan(3);
    expect(far).toBeGreaterThan(20);
  });
});
