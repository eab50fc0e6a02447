import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../../analyzer/detectors/leastSquares.js';
import { expectEtsyVotes } from './etsyReference.js';
import { input, noise, run } from './series.js';

const ramp = Array.from(noise(300), (x, i) => 100 + 0.5 * i + 5 * x);

describe('least_squares', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(leastSquares));

  it('fits a line, so a noisy ramp is normal and the last three off it are not', () => {
    expect(run(leastSquares, input(ramp))).toBe(false);
    const last = ramp[ramp.length - 1];
    expect(run(leastSquares, input([...ramp, last + 60, last + 60, last + 60]))).toBe(true);
    expect(run(leastSquares, input([...ramp, last - 60, last - 60, last - 60]))).toBe(true);
  });

  it("keeps Etsy's guard: residuals whose std rounds to 0 are never anomalous", () => {
    const flat = Array<number>(300).fill(100);
    // Three values 3 above a flat line: far beyond 3 residual σ, but that σ (about 0.3) rounds to 0.
    expect(run(leastSquares, input([...flat, 103, 103, 103]))).toBe(false);
    expect(run(leastSquares, input([...flat, 110, 110, 110]))).toBe(true);
  });

  it('votes false below three values', () => {
    expect(run(leastSquares, input([1, 100]))).toBe(false);
  });
});
