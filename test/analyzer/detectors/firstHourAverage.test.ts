import { describe, expect, it } from 'vitest';
import { firstHourAverage } from '../../../analyzer/detectors/firstHourAverage.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, run } from './series.js';

// A day of minutes: the first hour is the oldest 60 values of the window.
const day = base(1440);

describe('first_hour_average', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(firstHourAverage));

  it('compares the last three values with the first hour of the window', () => {
    expect(run(firstHourAverage, input(day))).toBe(false);
    expect(run(firstHourAverage, input([...day.slice(0, -3), 110, 110, 110]))).toBe(true);
    expect(run(firstHourAverage, input([...day.slice(0, -3), 90, 90, 90]))).toBe(true);
  });

  it('sees only the first hour: a day that moved away after it is anomalous, a wild middle is not', () => {
    const movedOn = [...day.slice(0, 60), ...base(1380, 200)];
    expect(run(firstHourAverage, input(movedOn))).toBe(true);
    const wildMiddle = [...day.slice(0, 60), ...base(1320, 100, 500), ...day.slice(-60)];
    expect(run(firstHourAverage, input(wildMiddle))).toBe(false);
  });
});
