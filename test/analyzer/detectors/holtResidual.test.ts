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

  it('forecasts across a missing point: a ramp after a gap is normal, a jump after it is not', () => {
    // A steep ramp sampled every minute, the 201st point missing: across the gap the ramp moves two
    // steps (20), which a forecast of one step would miss by 10, far beyond the noise of ±1.
    const kept = Array.from(noise(240), (x, i) => [1_700_000_000 + 60 * i, 10 + 10 * i + x]).filter(
      (_, i) => i !== 200,
    );
    const afterGap = (jump: number) => {
      const rows = kept.slice(0, 201);
      const values = Float64Array.from(rows, ([, v], i) => (i === 200 ? v + jump : v));
      const timestamps = Float64Array.from(rows, ([t]) => t);
      return { timestamps, values, now: timestamps[200], fullDuration: 86400 };
    };
    expect(holtResidual.evidence?.(afterGap(0), holtResidual.defaults)).toBeLessThan(3);
    expect(run(holtResidual, afterGap(40))).toBe(true);
  });

  it('restarts after a gap longer than its trend remembers, rather than forecasting across it', () => {
    // A steep ramp for 200 minutes, then nothing for two days, then the series where it was.
    const before = Array.from(noise(200), (x, i) => [1_700_000_000 + 60 * i, 10 + 10 * i + x]);
    const after = Array.from(noise(40, 3), (x, i) => [1_700_000_000 + 60 * (200 + 2880 + i), 2000 + x]);
    const upTo = (k: number) => {
      const rows = [...before, ...after.slice(0, k)];
      const timestamps = Float64Array.from(rows, ([t]) => t);
      return {
        timestamps,
        values: Float64Array.from(rows, ([, v]) => v),
        now: timestamps.at(-1)!,
        fullDuration: 86400 * 3,
      };
    };
    // The first value after the gap has no forecast; the next ones are judged from it, not from two days of ramp.
    expect(holtResidual.evidence?.(upTo(1), holtResidual.defaults)).toBeNull();
    expect(run(holtResidual, upTo(1))).toBe(false);
    for (let k = 2; k <= 40; k++) expect(run(holtResidual, upTo(k))).toBe(false);
  });

  it('votes false on windows too short to judge', () => {
    expect(run(holtResidual, input([1, 1, 1, 9]))).toBe(false);
  });
});
