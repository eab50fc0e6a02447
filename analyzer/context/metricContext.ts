import type { DetectorInput } from '../detectors/types.js';
import { recentStep } from '../stats/recentStep.js';
import { MeanRing } from './meanRing.js';

/**
 * A week of context for every metric without a longer raw window and without user configuration: the
 * analyzer rolls the raw window's closed slots into rings of means kept in the Store beside the metric
 * (`context` state, docs/detection.md):
 *
 * - **Hourly, 8 days** (192 means, 776 bytes), for every metric: an hour is the coarsest step that still
 *   draws a daily cycle, and 8 days hold "the same hour last week" for every hour of the last day. The
 *   seasonal detectors compare with it, and a metric sampled every half hour or slower is judged on it.
 * - **Five-minute, 7 days** (2,016 means, 8,072 bytes), only for a metric sampled every 5 to 30
 *   minutes, so that its detectors see the week at its own resolution (a 5-minute point is its slot's
 *   mean). Hourly means before a day of 5-minute points were measured and lost: an hourly mean
 *   varies less than a point, so the week read as calmer than the day.
 *
 * The same rollups as torus buckets would be one Redis key per bucket per metric, which is why each is
 * one binary value instead.
 */
export const CONTEXT_STEP = 3600;
export const CONTEXT_HOURS = 8 * 24;
export const FINE_STEP = 300;
export const FINE_SLOTS = 7 * 24 * (CONTEXT_STEP / FINE_STEP);
const HOURLY_BYTES = MeanRing.bytesFor(CONTEXT_HOURS);
const FINE_BYTES = MeanRing.bytesFor(FINE_SLOTS);

/**
 * A measured step wanders around the nominal one (a collector's jitter, a late or missing point), so a
 * step up to 10 % short of a boundary is on it: a 5-minute metric whose recent steps' median is 297 s
 * must not lose its five-minute ring, nor a 30-minute one flip between rings from cycle to cycle.
 */
const STEP_SLACK = 0.9;
/**
 * A metric already on the five-minute ring keeps it while its step stays above half the ring's. A
 * metric sampled irregularly (every 2.5 to 7.5 minutes, say) has a median step that crosses 270 s
 * again and again: each crossing dropped its week of context and judged it with another line-up
 * (16 % of the rows of such a series, the ring lost some 270 times in 10,000 rows).
 */
const FINE_STAY = 0.5;
/**
 * Steps a window must hold before its step moves a metric onto the five-minute ring or off it. After
 * a gap longer than the window, the window holds only what came since: one point has no step, and
 * two have the gap for one, which dropped the ring's week and started it empty.
 */
const STEPS_TO_DECIDE = 8;

/**
 * Which ring a metric's detectors see its week at (lengthenedInput): `hourly` from a half-hour step,
 * `fiveMinute` from a five-minute one (from half of it for a metric on that ring already), `raw` (its
 * own day, no ring) below that.
 */
export type InputResolution = 'raw' | 'fiveMinute' | 'hourly';

export function inputResolution(step: number, onFineRing = false): InputResolution {
  if (step >= STEP_SLACK * (CONTEXT_STEP / 2)) return 'hourly';
  return step >= (onFineRing ? FINE_STAY : STEP_SLACK) * FINE_STEP ? 'fiveMinute' : 'raw';
}

/** The resolution a window is judged at: its metric is on the five-minute ring when its context holds that ring. */
export function judgedResolution(input: DetectorInput, step: number): InputResolution {
  return inputResolution(step, input.context?.['recent.timestamps'] !== undefined);
}

export class MetricContext {
  private constructor(
    private readonly hours: MeanRing,
    private fine: MeanRing | null,
  ) {}

  static empty(): MetricContext {
    return new MetricContext(MeanRing.empty(CONTEXT_STEP, CONTEXT_HOURS), null);
  }

  /** Stored rings; empty ones when absent or damaged. */
  static decode(bytes: Uint8Array | null | undefined): MetricContext {
    if (!bytes || (bytes.length !== HOURLY_BYTES && bytes.length !== HOURLY_BYTES + FINE_BYTES))
      return MetricContext.empty();
    const hours = MeanRing.decode(bytes.subarray(0, HOURLY_BYTES), CONTEXT_STEP, CONTEXT_HOURS);
    const fine =
      bytes.length > HOURLY_BYTES
        ? MeanRing.decode(bytes.subarray(HOURLY_BYTES), FINE_STEP, FINE_SLOTS)
        : null;
    return new MetricContext(hours, fine);
  }

  /** The hourly ring's bytes, followed by the five-minute ring's when the metric keeps one. */
  encode(): Uint8Array {
    const hours = this.hours.encode();
    if (!this.fine) return hours;
    const bytes = new Uint8Array(HOURLY_BYTES + FINE_BYTES);
    bytes.set(hours);
    bytes.set(this.fine.encode(), HOURLY_BYTES);
    return bytes;
  }

  /** Rolls in the slots the window has closed since the last call. Returns whether the stored bytes changed. */
  absorb(timestamps: Float64Array, values: Float64Array): boolean {
    let changed = this.hours.absorb(timestamps, values);
    const onFine =
      timestamps.length > STEPS_TO_DECIDE
        ? inputResolution(recentStep(timestamps), this.fine !== null) === 'fiveMinute'
        : this.fine !== null;
    if (!onFine) {
      changed ||= this.fine !== null;
      this.fine = null;
    } else {
      this.fine ??= MeanRing.empty(FINE_STEP, FINE_SLOTS);
      changed = this.fine.absorb(timestamps, values) || changed;
    }
    return changed;
  }

  /**
   * The detector context of the slots before `before`: `history.*` (bucket starts, means and the
   * bucket length) from the hourly ring, as the seasonal detectors read it, and `recent.*` from the
   * five-minute ring; undefined when the rings hold nothing.
   */
  history(before: number): DetectorInput['context'] {
    const hours = this.hours.closedBefore(before);
    const fine = this.fine?.closedBefore(before);
    if (!hours && !fine) return undefined;
    return {
      ...(hours && {
        'history.timestamps': hours.timestamps,
        'history.values': hours.values,
        'history.step': Float64Array.of(CONTEXT_STEP),
      }),
      ...(fine && { 'recent.timestamps': fine.timestamps, 'recent.values': fine.values }),
    };
  }
}

/**
 * The detectors' input: the raw window of a day, preceded by the context's slots before it at the
 * resolution it is judged at (judgedResolution). A metric sampled every half hour or slower gets the hourly ring's week (24 to 48
 * raw points become a week); one sampled every 5 to 30 minutes the five-minute ring's (288 points become
 * 2,016 at 5 minutes); a finer one keeps its day (1,440 points a day at one a minute). A week of points
 * at 5 minutes, measured: NAB standard 31.6 → 34.8 on the synthetic dev set
 * and 35.4 → 36.5 on the dev set's minute series averaged to 5 minutes (docs/detection.md).
 */
export function lengthenedInput(input: DetectorInput, resolution: InputResolution): DetectorInput {
  const [slotTs, slotValues, slot] =
    resolution === 'hourly'
      ? [input.context?.['history.timestamps'], input.context?.['history.values'], CONTEXT_STEP]
      : resolution === 'fiveMinute'
        ? [input.context?.['recent.timestamps'], input.context?.['recent.values'], FINE_STEP]
        : [undefined, undefined, 0];
  if (!slotTs || !slotValues) return input;
  const first = input.timestamps[0];
  let m = 0;
  while (m < slotTs.length && slotTs[m] + slot <= first) m++;
  if (m === 0) return input;
  const n = input.timestamps.length;
  const timestamps = new Float64Array(m + n);
  const values = new Float64Array(m + n);
  timestamps.set(slotTs.subarray(0, m));
  values.set(slotValues.subarray(0, m));
  timestamps.set(input.timestamps, m);
  values.set(input.values, m);
  return { ...input, timestamps, values };
}
