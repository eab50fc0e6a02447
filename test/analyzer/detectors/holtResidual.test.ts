import { describe, expect, it } from 'vitest';
import { holtResidual } from '../../../analyzer/detectors/holtResidual.js';
import { input, noise, run } from './series.js';

describe('holt_residual', () => {
  it('forecasts a trend, so a steady ramp is normal and a jump off it is not', () => {
    const ramp = Array.from(noise(200), (x, i) => 10 + 0.5 * i + x);
    expect(run(holtResidual, input(ramp))).toBe(false);
    expect(run(holtResidual, input([...ramp, ramp[ramp.length - 1] + 40]))).toBe(true);
    expect(run(holtResidual, input([...ramp, ramp[ramp.length - 1] - 40]))).toBe(true);
  });

  it('votes false on windows too short to judge', () => {
    expect(run(holtResidual, input([1, 1, 1, 9]))).toBe(false);
  });
});
