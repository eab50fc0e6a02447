import type { Vote } from '../../core/store/store.js';

export type { Vote };

/**
 * What every detector sees. Detectors are pure functions of this input and their options: no I/O,
 * no clock of their own (the clock is `now`), so they run the same in the analyzer, in `kale analyze`,
 * in `kale replay` and in tests.
 */
export interface DetectorInput {
  /** Ascending, de-duplicated epoch seconds. */
  readonly timestamps: Float64Array;
  /** Values aligned with `timestamps`. */
  readonly values: Float64Array;
  /** The analysis clock: windows such as "the last 10 minutes" are relative to it. */
  readonly now: number;
  /** Length of the analysis window in seconds (FULL_DURATION). */
  readonly fullDuration: number;
  /** Metric name, for detectors that consult per-metric context; absent for ad-hoc series. */
  readonly metric?: string;
  /**
   * Longer-range context a detector may use when the caller has it (e.g. seasonal baselines from
   * torus rollups, keyed by the detector's own choice of name). Absent context means "abstain or
   * fall back", never an error.
   */
  readonly context?: Readonly<Record<string, Float64Array | undefined>>;
}

/** Per-detector knobs; each detector documents its own keys and supplies defaults. */
export type DetectorOptions = Readonly<Record<string, number | boolean | string>>;

export interface Detector<O extends DetectorOptions = DetectorOptions> {
  readonly name: string;
  readonly description: string;
  readonly defaults: O;
  /** `true` anomalous, `false` normal, `null` abstains (not enough data, or by design). */
  detect(input: DetectorInput, options: O): Vote;
  /**
   * How strong the detector's own statistic is for the latest value (|z|, |log ratio|: ≥ 0, larger =
   * stranger), or null when it cannot judge. Calibrated presets turn it into a tail probability
   * against the metric's history of it (analyzer/calibration/); `detect` is its fixed threshold.
   */
  evidence?(input: DetectorInput, options: O): number | null;
}

/**
 * A detector that cannot judge this input the way its reference implementation would (e.g. the ADF
 * regression has too few rows). Presets decide what it means: Etsy's analyzer dropped the whole
 * verdict; the default preset lets that detector abstain.
 */
export class DetectorError extends Error {}

/** Average of the last three values (the last value when fewer), summed newest first as Etsy did. */
export function tailAverage(values: Float64Array): number {
  const n = values.length;
  if (n < 3) return values[n - 1];
  return (values[n - 1] + values[n - 2] + values[n - 3]) / 3;
}

/** Builds a detector with typed options; options passed at run time are merged over the defaults. */
export function defineDetector<O extends DetectorOptions>(d: Detector<O>): Detector<O> {
  return d;
}
