import { describe, expect, it } from 'vitest';
import {
  CONTEXT_HOURS,
  FINE_SLOTS,
  MetricContext,
  inputResolution,
  judgedResolution,
  lengthenedInput,
} from '../../analyzer/context/metricContext.js';
import { MeanRing } from '../../analyzer/context/meanRing.js';

const H = 3600;

/** A window lengthened as the analyzer does it for a metric sampled every `step` seconds. */
const lengthened = (input: Parameters<typeof judgedResolution>[0], step: number) =>
  lengthenedInput(input, judgedResolution(input, step));
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

describe('metric context rings', () => {
  it('rolls each closed hour in once, as its mean, and survives its bytes', () => {
    const ring = MetricContext.empty();
    const day = minutes(0, 25);
    expect(ring.absorb(day.timestamps, day.values)).toBe(true);
    // The 25th hour is still open: nothing new until it closes.
    expect(ring.absorb(day.timestamps, day.values)).toBe(false);
    const back = MetricContext.decode(ring.encode());
    expect(ring.encode()).toHaveLength(MeanRing.bytesFor(CONTEXT_HOURS));
    const h = back.history(T0 + 25 * H)!;
    expect(Array.from(h['history.values']!)).toEqual(Array.from({ length: 24 }, (_, k) => k));
    expect(h['history.timestamps']![3]).toBe(T0 + 3 * H);
    expect(h['history.step']![0]).toBe(H);
    expect(MetricContext.decode(new Uint8Array(5)).history(T0)).toBeUndefined();
  });

  it('keeps 8 days, skips hours it never saw, and forgets the oldest', () => {
    const ring = MetricContext.empty();
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
    expect(lengthened(input, H).timestamps).toHaveLength(100 + 24);
    expect(lengthened(input, H / 2).timestamps).toHaveLength(100 + 24);
    expect(lengthened(input, 300)).toBe(input);
  });
});

/** One point every `step` seconds for `hours` hours from T0, valued at its index. */
function sampled(step: number, hours: number) {
  const n = (hours * H) / step;
  return {
    timestamps: Float64Array.from({ length: n }, (_, i) => T0 + i * step),
    values: Float64Array.from({ length: n }, (_, i) => i),
  };
}

describe('input resolution', () => {
  it('follows the sampling step, with a tenth of slack below each boundary', () => {
    const of = (steps: number[]) => steps.map((step) => inputResolution(step));
    expect(of([60, 240, 269])).toEqual(['raw', 'raw', 'raw']);
    expect(of([270, 297, 300, 900, 1619])).toEqual(Array(5).fill('fiveMinute'));
    expect(of([1620, 1790, 3600, 86400])).toEqual(Array(4).fill('hourly'));
  });

  it('keeps a metric on the five-minute ring down to half its step', () => {
    const onRing = (steps: number[]) => steps.map((step) => inputResolution(step, true));
    expect(onRing([150, 200, 269, 300, 1619])).toEqual(Array(5).fill('fiveMinute'));
    expect(onRing([60, 149])).toEqual(['raw', 'raw']);
    expect(onRing([1620, 3600])).toEqual(['hourly', 'hourly']);
  });
});

describe('five-minute ring', () => {
  it('is kept for a metric sampled every 5 to 30 minutes only, and survives its bytes', () => {
    const hourlyBytes = MeanRing.bytesFor(CONTEXT_HOURS);
    for (const [step, kept] of [
      [60, false],
      [300, true],
      [900, true],
      [1800, false],
      [3600, false],
    ] as const) {
      const ring = MetricContext.empty();
      const s = sampled(step, 48);
      ring.absorb(s.timestamps, s.values);
      expect(ring.encode().length, `step ${step}`).toBe(
        kept ? hourlyBytes + MeanRing.bytesFor(FINE_SLOTS) : hourlyBytes,
      );
      const h = MetricContext.decode(ring.encode()).history(T0 + 48 * H)!;
      expect(h['recent.timestamps'] !== undefined, `step ${step}`).toBe(kept);
      expect(h['history.values']).toHaveLength(47);
    }
    const ring = MetricContext.empty();
    const s = sampled(300, 48);
    ring.absorb(s.timestamps, s.values);
    const recent = MetricContext.decode(ring.encode()).history(T0 + 48 * H)!;
    // Every closed slot is its one point: the last one (the newest point's slot) is still open.
    expect(Array.from(recent['recent.values']!)).toEqual(Array.from({ length: 48 * 12 - 1 }, (_, i) => i));
    expect(recent['recent.timestamps']![5]).toBe(T0 + 5 * 300);
  });

  it('is dropped when the metric turns finer, and keeps 7 days', () => {
    const ring = MetricContext.empty();
    const week = sampled(300, 9 * 24);
    expect(ring.absorb(week.timestamps, week.values)).toBe(true);
    const recent = ring.history(T0 + 9 * 24 * H)!['recent.timestamps']!;
    expect(recent.length).toBeLessThanOrEqual(FINE_SLOTS);
    expect(recent[0]).toBeGreaterThanOrEqual(week.timestamps.at(-1)! - 7 * 24 * H);
    expect(recent.at(-1)).toBe(week.timestamps.at(-2));
    const minutes = sampled(60, 9 * 24 + 2);
    expect(ring.absorb(minutes.timestamps, minutes.values)).toBe(true);
    expect(ring.history(T0 + 9 * 24 * H)!['recent.timestamps']).toBeUndefined();
  });

  it('keeps the ring of a metric sampled irregularly around 5 minutes while its median step dips below 270 s', () => {
    const regular = sampled(300, 48);
    const ring = MetricContext.empty();
    ring.absorb(regular.timestamps, regular.values);
    // Then a day whose steps run 4 minutes: a metric sampled every 2.5 to 7.5 minutes has such days.
    const last = regular.timestamps.at(-1)!;
    const short = {
      timestamps: Float64Array.from({ length: 360 }, (_, i) => last + 240 * (i + 1)),
      values: new Float64Array(360).fill(7),
    };
    ring.absorb(short.timestamps, short.values);
    const recent = ring.history(short.timestamps.at(-1)!)!;
    expect(recent['recent.timestamps']!.length).toBeGreaterThan(47 * 12);
    expect(recent['recent.values']!.at(-1)).toBe(7);
    const input = { ...short, now: short.timestamps.at(-1)!, fullDuration: 86400, context: recent };
    expect(lengthened(input, 240).timestamps.length).toBeGreaterThan(short.timestamps.length);
  });

  it('keeps the ring when the window holds only a point or two, after a gap longer than the window', () => {
    const regular = sampled(300, 48);
    const ring = MetricContext.empty();
    ring.absorb(regular.timestamps, regular.values);
    const back = regular.timestamps.at(-1)! + 2 * 86400;
    for (const timestamps of [Float64Array.of(back), Float64Array.of(back, back + 300)]) {
      ring.absorb(timestamps, new Float64Array(timestamps.length).fill(3));
      expect(ring.history(back + 600)!['recent.timestamps']!.length).toBeGreaterThan(47 * 12);
    }
  });

  it('keeps the ring of a 5-minute metric whose steps run a little short, and judges a half-hourly one on the hours', () => {
    // A collector's clock a little fast (or points sent a little early): the median of the recent
    // steps falls a few seconds short of the nominal one, which must not drop the ring.
    const five = sampled(297, 48);
    const ring = MetricContext.empty();
    ring.absorb(five.timestamps, five.values);
    expect(ring.history(T0 + 48 * H)!['recent.timestamps']!.length).toBeGreaterThan(47 * 12);
    const halfHour = sampled(1790, 48);
    const input = {
      ...halfHour,
      now: halfHour.timestamps.at(-1)!,
      fullDuration: 86400,
      context: {
        'history.timestamps': Float64Array.from({ length: 24 }, (_, k) => T0 - (24 - k) * H),
        'history.values': new Float64Array(24).fill(2),
      },
    };
    expect(lengthened(input, 1790).values[0]).toBe(2);
  });

  it("lengthens a 5-minute metric's day with the ring's slots before it, at its own resolution", () => {
    const window = {
      timestamps: sampled(300, 24).timestamps.map((t) => t + 6 * 24 * H),
      values: new Float64Array(288),
    };
    const input = {
      ...window,
      now: window.timestamps[287],
      fullDuration: 86400,
      context: {
        'recent.timestamps': Float64Array.from({ length: 7 * 288 }, (_, k) => T0 + k * 300),
        'recent.values': new Float64Array(7 * 288).fill(1),
        'history.timestamps': Float64Array.from({ length: 7 * 24 }, (_, k) => T0 + k * H),
        'history.values': new Float64Array(7 * 24).fill(2),
      },
    };
    const longer = lengthened(input, 300);
    expect(longer.timestamps).toHaveLength(7 * 288);
    expect(longer.values[0]).toBe(1);
    expect(longer.timestamps[6 * 288 - 1] + 300).toBe(window.timestamps[0]);
    expect(lengthened(input, 60)).toBe(input);
    expect(lengthened(input, 3600).values[0]).toBe(2);
  });
});
