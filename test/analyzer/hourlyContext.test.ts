import { describe, expect, it } from 'vitest';
import {
  CONTEXT_BYTES,
  CONTEXT_HOURS,
  HourlyContext,
  lengthenedInput,
} from '../../analyzer/context/hourlyContext.js';

const H = 3600;
const T0 = 1_700_006_400; // an hour boundary

/** One point a minute from hour `from` to hour `to` (exclusive), valued at its hour's index. */
function minutes(from: number, to: number) {
  const n = (to - from) * 60;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestamps[i] = T0 + from * H + 60 * i;
    values[i] = from + Math.floor(i / 60) + (i % 2 ? 0.5 : -0.5);
  }
  return { timestamps, values };
}

describe('hourly context ring', () => {
  it('rolls each closed hour in once, as its mean, and survives its bytes', () => {
    const ring = HourlyContext.empty();
    const day = minutes(0, 25);
    expect(ring.absorb(day.timestamps, day.values)).toBe(true);
    // The 25th hour is still open: nothing new until it closes.
    expect(ring.absorb(day.timestamps, day.values)).toBe(false);
    const back = HourlyContext.decode(ring.encode());
    expect(ring.encode()).toHaveLength(CONTEXT_BYTES);
    const h = back.history(T0 + 25 * H)!;
    expect(Array.from(h['history.values']!)).toEqual(Array.from({ length: 24 }, (_, k) => k));
    expect(h['history.timestamps']![3]).toBe(T0 + 3 * H);
    expect(h['history.step']![0]).toBe(H);
    expect(HourlyContext.decode(new Uint8Array(5)).history(T0)).toBeUndefined();
  });

  it('keeps 8 days, skips hours it never saw, and forgets the oldest', () => {
    const ring = HourlyContext.empty();
    const first = minutes(0, 3);
    ring.absorb(first.timestamps, first.values);
    // A gap of a day, then a window reaching 9 days on.
    const later = minutes(24 * 9 - 24, 24 * 9 + 1);
    ring.absorb(later.timestamps, later.values);
    const h = ring.history(T0 + 24 * 9 * H + H)!;
    const hours = Array.from(h['history.timestamps']!, (t) => (t - T0) / H);
    expect(hours.length).toBeLessThanOrEqual(CONTEXT_HOURS);
    expect(hours[0]).toBeGreaterThanOrEqual(24 * 9 - CONTEXT_HOURS);
    expect(hours).not.toContain(0);
    expect(hours.at(-1)).toBe(24 * 9 - 1);
  });

  it("lengthens an hourly metric's window with the hours before it, a half-hourly one too, and leaves a finer one alone", () => {
    const ts = Float64Array.from({ length: 24 }, (_, k) => T0 + (100 + k) * H);
    const input = {
      timestamps: ts,
      values: new Float64Array(24),
      now: ts[23],
      fullDuration: 86400,
      context: {
        'history.timestamps': Float64Array.from({ length: 120 }, (_, k) => T0 + k * H),
        'history.values': new Float64Array(120).fill(1),
      },
    };
    expect(lengthenedInput(input, H).timestamps).toHaveLength(100 + 24);
    expect(lengthenedInput(input, H / 2).timestamps).toHaveLength(100 + 24);
    expect(lengthenedInput(input, 300)).toBe(input);
  });
});
