import type { DetectorInput } from '../detectors/types.js';
import { lowerBound } from '../stats/lowerBound.js';

/**
 * A week of context for every metric without a longer raw window and without user configuration: the
 * analyzer rolls each closed hour of the raw window into a ring of hourly means covering the last
 * 8 days, kept in the Store beside the metric (`context` state, docs/detection.md).
 *
 * Why hourly for 8 days: an hour is the coarsest step that still draws a daily cycle (24 points a
 * day), and 8 days hold "the same hour last week" for every hour of the last day. The ring is one
 * binary value per metric, 8 + 192 × 4 = 776 bytes; the same rollup as torus buckets would be 192
 * Redis keys per metric (some 60 bytes of key overhead each before any data).
 *
 * The ring is filled from the raw window, so it needs the analyzer (or replay) to look at the metric
 * at least once per `fullDuration`; an hour it never saw stays empty (NaN) and is skipped.
 */
export const CONTEXT_STEP = 3600;
export const CONTEXT_HOURS = 8 * 24;
export const CONTEXT_BYTES = 8 + CONTEXT_HOURS * 4;

export class HourlyContext {
  private constructor(
    /** Hour id (epoch hours) of the newest closed hour rolled in; −1 = none yet. */
    private newest: number,
    /** Mean of hour h at h mod CONTEXT_HOURS; NaN = no points. */
    private readonly means: Float32Array,
  ) {}

  static empty(): HourlyContext {
    return new HourlyContext(-1, new Float32Array(CONTEXT_HOURS).fill(NaN));
  }

  /** A stored ring; an empty one when absent or damaged. */
  static decode(bytes: Uint8Array | null | undefined): HourlyContext {
    if (!bytes || bytes.length !== CONTEXT_BYTES) return HourlyContext.empty();
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const means = new Float32Array(CONTEXT_HOURS);
    for (let k = 0; k < CONTEXT_HOURS; k++) means[k] = dv.getFloat32(8 + 4 * k, true);
    return new HourlyContext(dv.getFloat64(0, true), means);
  }

  encode(): Uint8Array {
    const bytes = new Uint8Array(CONTEXT_BYTES);
    const dv = new DataView(bytes.buffer);
    dv.setFloat64(0, this.newest, true);
    for (let k = 0; k < CONTEXT_HOURS; k++) dv.setFloat32(8 + 4 * k, this.means[k], true);
    return bytes;
  }

  /**
   * Rolls in the hours the window has closed since the last call: every hour before the newest
   * point's hour and after the newest rolled in. Returns whether the ring changed.
   */
  absorb(timestamps: Float64Array, values: Float64Array): boolean {
    const n = timestamps.length;
    if (n === 0) return false;
    const current = Math.floor(timestamps[n - 1] / CONTEXT_STEP);
    const first = Math.max(
      this.newest + 1,
      current - CONTEXT_HOURS,
      Math.floor(timestamps[0] / CONTEXT_STEP),
    );
    if (first >= current) return false;
    for (let h = Math.max(this.newest + 1, current - CONTEXT_HOURS); h < first; h++)
      this.means[h % CONTEXT_HOURS] = NaN;
    let i = lowerBound(timestamps, first * CONTEXT_STEP);
    for (let h = first; h < current; h++) {
      const end = (h + 1) * CONTEXT_STEP;
      let sum = 0;
      let count = 0;
      for (; i < n && timestamps[i] < end; i++) {
        if (Number.isFinite(values[i])) {
          sum += values[i];
          count++;
        }
      }
      this.means[h % CONTEXT_HOURS] = count ? sum / count : NaN;
    }
    this.newest = current - 1;
    return true;
  }

  /**
   * The detector context (bucket starts and means, oldest first, with the bucket length) of the hours
   * before `before`, as the seasonal detectors read it; undefined when the ring holds none.
   */
  history(before: number): DetectorInput['context'] {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let h = this.newest - CONTEXT_HOURS + 1; h <= this.newest; h++) {
      if (h < 0 || (h + 1) * CONTEXT_STEP > before) continue;
      const m = this.means[h % CONTEXT_HOURS];
      if (Number.isNaN(m)) continue;
      ts.push(h * CONTEXT_STEP);
      vs.push(m);
    }
    if (ts.length === 0) return undefined;
    return {
      'history.timestamps': Float64Array.from(ts),
      'history.values': Float64Array.from(vs),
      'history.step': Float64Array.of(CONTEXT_STEP),
    };
  }
}

/**
 * For a metric sampled every half hour or slower, the raw window of a day is 24 to 48 points, while
 * its hourly context holds (means of at most two of) the same values for a week: the detectors then
 * see the context's hours before the window followed by the window. Finer metrics keep their window:
 * a day of 5-minute points is 288, and prepending the week cost the synthetic dev set 6 NAB points.
 */
export function lengthenedInput(input: DetectorInput, step: number): DetectorInput {
  const hist = input.context?.['history.timestamps'];
  const histValues = input.context?.['history.values'];
  if (!hist || !histValues || step < CONTEXT_STEP / 2) return input;
  const first = input.timestamps[0];
  let m = 0;
  while (m < hist.length && hist[m] + CONTEXT_STEP <= first) m++;
  if (m === 0) return input;
  const n = input.timestamps.length;
  const timestamps = new Float64Array(m + n);
  const values = new Float64Array(m + n);
  timestamps.set(hist.subarray(0, m));
  values.set(histValues.subarray(0, m));
  timestamps.set(input.timestamps, m);
  values.set(input.values, m);
  return { ...input, timestamps, values };
}
