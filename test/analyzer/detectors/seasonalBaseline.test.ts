import { describe, expect, it } from 'vitest';
import { seasonalDaily, seasonalWeekly } from '../../../analyzer/detectors/seasonalBaseline.js';
import { input, noise, run } from './series.js';

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

  it('with three references, judges against the median of three days, which one strange day cannot move', () => {
    // Yesterday's noon dropped to 10; today's noon is ordinary.
    const history = days(4);
    const noon = 3 * 24 + 12;
    history[noon] = 10;
    const today = input([...history, ...days(1).slice(0, 13)], 3600);
    expect(run(seasonalDaily, today)).toBe(true);
    expect(run(seasonalDaily, today, { references: 3 })).toBe(false);
    // Today's own drop still shows against the median.
    const dropToday = input([...days(4), ...days(1).slice(0, 12), 10], 3600);
    expect(run(seasonalDaily, dropToday, { references: 3 })).toBe(true);
    // With fewer days of history than references, the days there are make the median.
    const twoDays = input([...days(2), ...days(1).slice(0, 12), 10], 3600);
    expect(run(seasonalDaily, twoDays, { references: 3 })).toBe(true);
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
      return {
        ...i,
        timestamps: Float64Array.from(i.timestamps, (_, m) => start + 2 * 86400 + m * 60),
        context,
      };
    };
    expect(run(seasonalDaily, today(minutes))).toBe(false);
    expect(run(seasonalDaily, today([...minutes.slice(0, -1), 10]))).toBe(true);
    // Without the bucket step the minute points find no hourly timestamp within half a minute.
    const pointsOnly = { ...context, 'history.step': undefined };
    expect(run(seasonalDaily, { ...today(minutes), context: pointsOnly })).toBeNull();
  });
});
