import { firstHourAverage } from './firstHourAverage.js';
import { grubbs } from './grubbs.js';
import { histogramBins } from './histogramBins.js';
import { ksTest } from './ksTest.js';
import { leastSquares } from './leastSquares.js';
import { meanSubtractionCumulation } from './meanSubtractionCumulation.js';
import { medianAbsoluteDeviation } from './medianAbsoluteDeviation.js';
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

const registry = new Map<string, Detector>();

/** Adds a detector under its name (built-ins, later detector sets, and config `customDetectors`). */
export function registerDetector(detector: Detector<any>): void {
  if (registry.has(detector.name)) throw new Error(`detector "${detector.name}" is already registered`);
  registry.set(detector.name, detector as Detector);
}

export function getDetector(name: string): Detector | undefined {
  return registry.get(name);
}

export function detectorNames(): string[] {
  return [...registry.keys()];
}

/** Runs one detector with its defaults overridden by `options`. */
export function mergeOptions(detector: Detector, overrides: DetectorOptions | undefined): DetectorOptions {
  return overrides ? { ...detector.defaults, ...overrides } : detector.defaults;
}

for (const d of [
  firstHourAverage, meanSubtractionCumulation, stddevFromAverage, stddevFromMovingAverage, leastSquares,
  grubbs, histogramBins, medianAbsoluteDeviation, ksTest,
]) registerDetector(d as Detector<any>);
