import { anomalyScore } from './consensus.js';
import { mergeOptions } from './detectors/registry.js';
import { seasonalZ } from './detectors/seasonalBaseline.js';
import type { DetectorInput, Vote } from './detectors/types.js';
import { isSeasonal, type Preset } from './presets.js';
import { robustZ } from './stats/robust.js';

/** A robust z of this size maps to 0.5: the robust detectors' own threshold. */
const HALF_STRENGTH_Z = 6;

/** How strong a robust z is, in [0, 1): z² / (z² + 6²), so 0.5 at 6 σ, 0.8 at 12 σ, → 1 beyond. */
export function zStrength(z: number): number {
  if (Number.isNaN(z)) return 0;
  const z2 = z * z;
  return z2 === Infinity ? 1 : z2 / (z2 + HALF_STRENGTH_Z * HALF_STRENGTH_Z);
}

/**
 * The anomaly score in [0, 1] that ranks anomalies: the mean of the share of detectors
 * voting anomalous, how far the latest value is from the window (robust z, median and MAD), and,
 * when a seasonal detector could judge, how far it is from the same time a day or a week earlier
 * (the larger robust z). Votes alone have ten levels; the strengths order two anomalies with the
 * same votes by how extreme they are. 0 when no detector voted anomalous, which also keeps the
 * extra work off the metrics nothing saw.
 */
export function scoreAnomaly(
  input: DetectorInput,
  votes: Readonly<Record<string, Vote>>,
  list: ReadonlyArray<Vote>,
  preset: Preset,
): number {
  if (!list.includes(true)) return 0;
  const { values } = input;
  let sum = anomalyScore(list) + zStrength(robustZ(values[values.length - 1], values));
  let parts = 2;
  let seasonal = -1;
  for (const entry of preset.detectors) {
    const vote = votes[entry.name];
    if (!isSeasonal(entry) || vote === null || vote === undefined) continue;
    const o = mergeOptions(entry.detector, entry.options);
    const z = seasonalZ(input, Number(o.period), Number(o.minPairs), Number(o.maxPairs));
    if (z !== null) seasonal = Math.max(seasonal, zStrength(z));
  }
  if (seasonal >= 0) {
    sum += seasonal;
    parts++;
  }
  return sum / parts;
}
