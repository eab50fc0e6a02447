import { describe, expect, it } from 'vitest';
import { localTrend } from '../../../analyzer/detectors/localTrend.js';
import type { DetectorInput } from '../../../analyzer/detectors/types.js';
import { base, input, noise, run } from './series.js';

const evidence = (i: DetectorInput) => localTrend.evidence!(i, localTrend.defaults);

/** A series that wanders: drifts of ±2 a row, each 20 rows long, over ±1 noise. */
const wandering = (n: number): number[] => {
  const jitter = noise(n, 11);
  let level = 0;
  return Array.from({ length: n }, (_, i) => {
    level += Math.floor(i / 20) % 2 === 0 ? 2 : -2;
    return level + jitter[i];
  });
};

describe('local_trend', () => {
  it('sees a drift that starts, within three rows, where the whole window has drifted far more', () => {
    const calm = [...wandering(200), ...Array.from({ length: 30 }, () => 0)];
    const last = calm[calm.length - 1];
    const still = calm.map((v, i) => (i >= 200 ? last + noise(30, 3)[i - 200] : v));
    expect(evidence(input(still))).toBeLessThan(4);
    const bent = [...still, last - 6, last - 12, last - 18];
    expect(evidence(input(bent))).toBeGreaterThan(8);
    expect(run(localTrend, input(bent))).toBe(true);
  });

  it('follows a straight ramp without alarm and judges against its own noise', () => {
    const ramp = base(60, 0, 1).map((v, i) => v + 5 * i);
    expect(evidence(input(ramp))).toBeLessThan(4);
    expect(run(localTrend, input(ramp))).toBe(false);
    // The same ramp bending flat: the line through the rows before says the next should keep rising.
    const flattened = [...ramp, ramp[59], ramp[59], ramp[59]];
    expect(evidence(input(flattened))).toBeGreaterThan(8);
  });

  it('extrapolates over a gap by the time it lasted, not by rows', () => {
    const ramp = base(40, 0, 0.5).map((v, i) => v + i);
    const values = Float64Array.from(ramp);
    // One row a minute, then the last three arrive after ten quiet minutes, still on the line.
    const timestamps = Float64Array.from(values, (_, i) => 1_700_000_000 + 60 * (i < 37 ? i : i + 10));
    for (let i = 37; i < 40; i++) values[i] = i + 10;
    expect(
      evidence({ timestamps, values, now: timestamps[39], fullDuration: 86400 } satisfies DetectorInput),
    ).toBeLessThan(4);
  });

  it('abstains past a gap longer than its reference spans, rather than carry the line across it', () => {
    const ramp = base(40, 0, 0.5).map((v, i) => v + i);
    const values = Float64Array.from(ramp);
    // One row a minute, then the last three arrive after a quiet hour, at the level the ramp had left.
    const timestamps = Float64Array.from(values, (_, i) => 1_700_000_000 + 60 * (i < 37 ? i : i + 60));
    for (let i = 37; i < 40; i++) values[i] = 36;
    const input = { timestamps, values, now: timestamps[39], fullDuration: 86400 } satisfies DetectorInput;
    expect(evidence(input)).toBeNull();
  });

  it('abstains on a window too short to fit a line, and says 0 for a perfectly flat one', () => {
    expect(evidence(input(base(20)))).toBeNull();
    expect(evidence(input(Array.from({ length: 40 }, () => 5)))).toBe(0);
  });
});
