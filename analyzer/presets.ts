import type { KaleConfig } from '../core/config/schema.js';
import type { Detector, DetectorInput, DetectorOptions, Vote } from './detectors/types.js';
import { CLASSIC_DETECTORS, DETECTORS, getDetector } from './detectors/registry.js';
import { SEASONAL_DETECTORS } from './detectors/seasonalBaseline.js';
import type { InputResolution } from './context/metricContext.js';

export interface PresetDetector {
  readonly name: string;
  readonly options?: DetectorOptions;
  /**
   * Calibrated presets: the input resolutions (analyzer/context/metricContext.ts) at which this
   * detector gives no evidence, as if it abstained.
   */
  readonly skipOn?: ReadonlyArray<InputResolution>;
  /** The built-in detector of that name (analyzer/detectors/registry.ts), or a config's custom one. */
  readonly detector: Detector;
}

/** A line-up entry by name; the detector is looked up once, here, so a misspelt name fails at load. */
interface NamedDetector {
  readonly name: string;
  readonly options?: DetectorOptions;
  readonly skipOn?: ReadonlyArray<InputResolution>;
}

const builtIn = (entries: ReadonlyArray<NamedDetector>): PresetDetector[] =>
  entries.map((e) => ({ ...e, detector: getDetector(e.name) }));

/**
 * A preset is a detector line-up plus the rules around it. `etsy` reproduces Etsy Skyline's
 * analyzer (its quirks included) so verdicts can be checked against the original; `consensus` and
 * `default` fix the quirks (docs/detection.md).
 */
export interface Preset {
  readonly name: string;
  readonly detectors: ReadonlyArray<PresetDetector>;
  /**
   * Which clock window-relative detectors use: `given` = the caller's clock (Etsy used the wall
   * clock), `newest` = the newest timestamp, so a delayed series is judged on its own last hour.
   */
  readonly clock: 'given' | 'newest';
  /**
   * What a detector that cannot judge (DetectorError) does: `abort` = Etsy's analyzer caught the
   * exception around the whole ensemble and reported "not anomalous" with no votes; `abstain` = only
   * that detector votes null.
   */
  readonly onDetectorError: 'abort' | 'abstain';
  /**
   * With `gate`, a seasonal baseline that could judge has the last word against an anomaly: when
   * every seasonal detector with history votes "normal", the value is what this time of day (or
   * week) always looks like (a nightly batch, the noon peak), and the verdict is normal whatever the
   * others say. Without history they abstain and the gate is open.
   */
  readonly seasonal?: 'vote' | 'gate';
  /**
   * Lowest anomaly score (analyzer/anomalyScore.ts) at which an episode alerts; weaker detections
   * are recorded and shown but page nobody. Etsy's Skyline alerted on every verdict: 0.
   */
  readonly alertScore?: number;
  /**
   * How detectors' findings become a verdict: `consensus` (Etsy: enough detectors vote yes, the score
   * ranks), or `calibrated`: each detector's evidence is judged against the metric's own history of
   * it, combined, and only the first row of an incident is flagged (analyzer/calibration/).
   */
  readonly severity?: 'consensus' | 'calibrated';
}

const classic = (overrides: Record<string, DetectorOptions>) =>
  builtIn(CLASSIC_DETECTORS.map((name) => ({ name, options: overrides[name] })));

export const PRESETS: Readonly<Record<string, Preset>> = {
  etsy: {
    name: 'etsy',
    detectors: classic({
      median_absolute_deviation: { abstainWhenNormal: true },
      grubbs: { twoSided: false },
      least_squares: { fit: 'lstsq' },
    }),
    clock: 'given',
    onDetectorError: 'abort',
  },
  // Kale's first line-up, before calibration: the classic detectors that still judge a short window
  // well, fixed (MAD votes false, two-sided grubbs, exact fit), with Kale's robust ones, by Etsy's
  // consensus. Dropped: first_hour_average and ks_test need minute data and vote "no" on anything
  // coarser; stddev_from_average and histogram_bins mostly repeat the others' false alarms. Nine
  // votes, so CONSENSUS keeps its meaning; the seasonal ones abstain without a period of history.
  consensus: {
    name: 'consensus',
    detectors: builtIn([
      { name: 'median_absolute_deviation', options: { abstainWhenNormal: false } },
      { name: 'grubbs', options: { twoSided: true } },
      { name: 'stddev_from_moving_average' },
      { name: 'least_squares', options: { fit: 'exact' } },
      { name: 'mean_subtraction_cumulation' },
      { name: 'holt_residual' },
      { name: 'level_shift' },
      { name: 'seasonal_daily' },
      { name: 'seasonal_weekly' },
    ]),
    clock: 'newest',
    onDetectorError: 'abstain',
    seasonal: 'gate',
    // Measured on the dev set: alerts from scores below this were mostly false.
    alertScore: 0.75,
  },
  // Kale's calibrated line-up (docs/detection.md): detectors that each see one kind of strangeness
  // (a point far from the day, a miss of the short-term forecast, a shifted level, a bend from the
  // local line, a break from the same time yesterday and last week), each judged against the
  // metric's own history of its evidence and combined so that one decisive signal counts. A detector
  // of changed spread was tried and removed: on the dev sets it found no anomaly the others missed
  // and raised false pages. The two that judge the latest values against the whole input earn their
  // place on minute and hourly series and cost it on series judged at five minutes, on both
  // five-minute dev sets, roughened too (docs/detection.md, "The line-up by resolution"). The local
  // line is two hours at five minutes a row; at an hour a row it runs through a day's cycle, and it
  // cost every hourly-ring set measured (docs/detection.md, "`local_trend` on hourly metrics").
  default: {
    name: 'default',
    detectors: builtIn([
      { name: 'median_absolute_deviation', skipOn: ['fiveMinute'] },
      { name: 'holt_residual' },
      { name: 'level_shift', skipOn: ['fiveMinute'] },
      { name: 'local_trend', skipOn: ['hourly'] },
      { name: 'seasonal_daily', options: { references: 3 } },
      { name: 'seasonal_weekly' },
    ]),
    clock: 'newest',
    onDetectorError: 'abstain',
    severity: 'calibrated',
    // 0.4 = rarer than once in 470 hours (20 days) of this metric's own history: an hourly metric pages
    // by chance about once in three weeks, a one-minute one about once a week, as its rows are more
    // chances (analyzer/calibration/calibrate.ts, docs/detection.md).
    alertScore: 0.4,
  },
};

/** Does the preset read the week of context (calibrated or seasonal detectors)? */
export function usesContext(preset: Preset): boolean {
  return preset.severity === 'calibrated' || preset.detectors.some(isSeasonal);
}

/** Is this line-up entry a built-in seasonal baseline? A custom detector never is, whatever its name. */
export function isSeasonal(entry: PresetDetector): boolean {
  return SEASONAL_DETECTORS.has(entry.name) && entry.detector === DETECTORS.get(entry.name);
}

/** The detector names of a preset, in line-up order. */
export function lineUpOf(preset: Preset): string[] {
  return preset.detectors.map((d) => d.name);
}

export class UnknownPresetError extends Error {}

export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p)
    throw new UnknownPresetError(`unknown preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return p;
}

/** A config's custom detector: `(input) => true | false | null`, like the built-ins. */
type CustomDetectorFn = (input: DetectorInput, options: DetectorOptions) => Vote;

/** The named preset with the config's `analyzer.customDetectors` appended to its line-up. */
export function resolvePreset(name: string, config: KaleConfig): Preset {
  const base = getPreset(name);
  const custom = Object.entries(config.analyzer.customDetectors);
  if (custom.length === 0) return base;
  return {
    ...base,
    detectors: [
      ...base.detectors,
      ...custom.map(([detectorName, fn]) => ({
        name: detectorName,
        detector: {
          name: detectorName,
          description: 'custom detector from the config',
          defaults: {},
          detect: fn as unknown as CustomDetectorFn,
        },
      })),
    ],
  };
}
