import { holtResidual } from './holtResidual.js';
import { levelShift } from './levelShift.js';
import { registerDetector } from './registry.js';
import { seasonalDaily, seasonalWeekly } from './seasonalBaseline.js';
import type { Detector } from './types.js';
import { varianceShift } from './varianceShift.js';

/** Kale's detectors beyond Etsy's nine (DESIGN §6.4), registered by name for presets and configs. */
export const BEYOND_CLASSIC: ReadonlyArray<Detector<any>> = [
  levelShift, varianceShift, holtResidual, seasonalDaily, seasonalWeekly,
];

for (const d of BEYOND_CLASSIC) registerDetector(d);
