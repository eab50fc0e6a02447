import { firstHourAverage } from './firstHourAverage.js';
import { grubbs } from './grubbs.js';
import { histogramBins } from './histogramBins.js';
import { holtResidual } from './holtResidual.js';
import { ksTest } from './ksTest.js';
import { leastSquares } from './leastSquares.js';
import { levelShift } from './levelShift.js';
import { localTrend } from './localTrend.js';
import { meanSubtractionCumulation } from './meanSubtractionCumulation.js';
import { medianAbsoluteDeviation } from './medianAbsoluteDeviation.js';
import { seasonalDaily, seasonalWeekly } from './seasonalBaseline.js';
import { stddevFromAverage } from './stddevFromAverage.js';
import { stddevFromMovingAverage } from './stddevFromMovingAverage.js';
import type { Detector, DetectorOptions } from './types.js';

/** Etsy Skyline's nine, in its settings.ALGORITHMS order. */
export const CLASSIC_DETECTORS: ReadonlyArray<string> = [
  'first_hour_average',
  'mean_subtraction_cumulation',
  'stddev_from_average',
  'stddev_from_moving_average',
  'least_squares',
  'grubbs',
  'histogram_bins',
  'median_absolute_deviation',
  'ks_test',
];

/**
 * Every built-in detector by name: Etsy's nine and Kale's own. Presets name detectors from this table;
 * a config's custom detectors travel inside the preset (analyzer/presets.ts `resolvePreset`) instead.
 */
const BUILT_IN: ReadonlyArray<Detector> = [
  firstHourAverage,
  meanSubtractionCumulation,
  stddevFromAverage,
  stddevFromMovingAverage,
  leastSquares,
  grubbs,
  histogramBins,
  medianAbsoluteDeviation,
  ksTest,
  levelShift,
  localTrend,
  holtResidual,
  seasonalDaily,
  seasonalWeekly,
];
export const DETECTORS: ReadonlyMap<string, Detector> = new Map(BUILT_IN.map((d) => [d.name, d]));

export class UnknownDetectorError extends Error {}

/** The built-in detector called `name`; an unknown name is a mistake in a preset, so it throws. */
export function getDetector(name: string): Detector {
  const detector = DETECTORS.get(name);
  if (!detector)
    throw new UnknownDetectorError(`unknown detector "${name}" (known: ${[...DETECTORS.keys()].join(', ')})`);
  return detector;
}

/** A detector's defaults with `overrides` laid over them. */
export function mergeOptions(detector: Detector, overrides: DetectorOptions | undefined): DetectorOptions {
  return overrides ? { ...detector.defaults, ...overrides } : detector.defaults;
}
