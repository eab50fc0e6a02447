import { describe, expect, it } from 'vitest';
import { holtResidual } from '../../../analyzer/detectors/holtResidual.js';
import { levelShift } from '../../../analyzer/detectors/levelShift.js';
import { getDetector, UnknownDetectorError } from '../../../analyzer/detectors/registry.js';
import { seasonalDaily, seasonalWeekly } from '../../../analyzer/detectors/seasonalBaseline.js';
import type { Detector, DetectorInput } from '../../../analyzer/detectors/types.js';
import { varianceShift } from '../../../analyzer/detectors/varianceShift.js';

/** Deterministic noise in [−1, 1] (a fixed LCG), so every run sees the same series. */
function noise(n: number, seed = 7): Float64Array {
  const out = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 2 - 1;
  }
  return out;
}

function input(values: ArrayLike<number>, step = 60, context?: DetectorInput['context']): DetectorInput {
  const v = Float64Array.from(values);
  const timestamps = Float64Array.from(v, (_, i) => 1_700_000_000 + i * step);
  return { timestamps, values: v, now: timestamps[v.length - 1], fullDuration: 86400, context };
}

const run = (d: Detector<any>, i: DetectorInput, o: Record<string, number | boolean | string> = {}) => d.detect(i, { ...d.defaults, ...o });
const base = (n: number, level = 100, amp = 1) => Array.from(noise(n), (x) => level + amp * x);

describe('level_shift', () => {
  it('flags a sustained step once most of the recent values moved, not a single spike', () => {
    const flat = base(100);
    expect(run(levelShift, input(flat))).toBe(false);
    expect(run(levelShift, input([...flat, 130, 131, 129]))).toBe(true);
    expect(run(levelShift, input([...flat, 60, 59, 61]))).toBe(true);
    expect(run(levelShift, input([...flat, 130, 131]))).toBe(false);
    expect(run(levelShift, input([...flat, 100, 100, 100, 100, 500]))).toBe(false);
  });

  it('votes false on windows too short to judge', () => {
    expect(run(levelShift, input([1, 2, 3, 50, 50, 50]))).toBe(false);
  });
});

describe('variance_shift', () => {
  it('flags a burst of volatility at the same level, not a clean step', () => {
    const flat = base(100);
    const wild = Array.from(noise(12, 99), (x) => 100 + 20 * x);
    expect(run(varianceShift, input(flat))).toBe(false);
    expect(run(varianceShift, input([...flat, ...wild]))).toBe(true);
    expect(run(varianceShift, input([...flat, ...base(12, 200)]))).toBe(false);
  });

  it('catches calming down only when two-sided', () => {
    const calm = [...base(100, 100, 10), ...base(12, 100, 0.1)];
    expect(run(varianceShift, input(calm))).toBe(false);
    expect(run(varianceShift, input(calm), { twoSided: true })).toBe(true);
  });
});

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

describe('seasonal baselines', () => {
  // Hourly, a strong daily cycle: 1000 at noon, near 0 at midnight.
  const day = (h: number) => 500 - 500 * Math.cos((2 * Math.PI * h) / 24);
  const days = (d: number) => Array.from(noise(24 * d), (x, i) => day(i % 24) + 5 * x);

  it("judges noon against yesterday's noon, not against the night", () => {
    const history = days(3);
    const noonAgain = [...history, ...days(1).slice(0, 13)];
    expect(run(seasonalDaily, input(noonAgain, 3600))).toBe(false);
    const dropAtNoon = [...noonAgain.slice(0, -1), 10];
    expect(run(seasonalDaily, input(dropAtNoon, 3600))).toBe(true);
  });

  it('abstains without a full period of history, and uses longer history from the context', () => {
    const oneDay = days(1);
    expect(run(seasonalDaily, input(oneDay, 3600))).toBeNull();
    expect(run(seasonalWeekly, input(days(3), 3600))).toBeNull();
    const window = input([...oneDay.slice(0, 12), 10], 3600);
    const earlier = input(days(2), 3600);
    const shift = 2 * 86400;
    const context = {
      'history.timestamps': Float64Array.from(earlier.timestamps, (t) => t - shift),
      'history.values': earlier.values,
    };
    expect(run(seasonalDaily, { ...window, context })).toBe(true);
  });

  it('compares a minute series with the hourly bucket that held the same time a day earlier', () => {
    // Two days of hourly means (bucket starts) before a window of minute points, noon = 1000.
    const start = 1_699_920_000; // a UTC midnight
    const hours = Float64Array.from({ length: 48 }, (_, h) => start + h * 3600);
    const context = {
      'history.timestamps': hours,
      'history.values': Float64Array.from(hours, (_, h) => day(h % 24)),
      'history.step': Float64Array.of(3600),
    };
    // Today from 00:00 to 12:30 at one minute; the latest value is at 12:30 (inside the noon bucket).
    const minutes = Array.from({ length: 12 * 60 + 31 }, (_, m) => day(m / 60) + 5 * noise(1, m + 1)[0]);
    const today = (values: number[]) => {
      const i = input(values, 60);
      return { ...i, timestamps: Float64Array.from(i.timestamps, (_, m) => start + 2 * 86400 + m * 60), context };
    };
    expect(run(seasonalDaily, today(minutes))).toBe(false);
    expect(run(seasonalDaily, today([...minutes.slice(0, -1), 10]))).toBe(true);
    // Without the bucket step the minute points find no hourly timestamp within half a minute.
    const pointsOnly = { ...context, 'history.step': undefined };
    expect(run(seasonalDaily, { ...today(minutes), context: pointsOnly })).toBeNull();
  });
});

describe('registry', () => {
  it('finds the beyond-classic detectors by name', () => {
    for (const name of ['level_shift', 'variance_shift', 'holt_residual', 'seasonal_daily', 'seasonal_weekly']) {
      expect(getDetector(name).name).toBe(name);
    }
  });

  it('names the known detectors when asked for an unknown one', () => {
    expect(() => getDetector('level_shfit')).toThrow(UnknownDetectorError);
    expect(() => getDetector('level_shfit')).toThrow(/unknown detector "level_shfit" \(known: .*level_shift/);
  });
});
