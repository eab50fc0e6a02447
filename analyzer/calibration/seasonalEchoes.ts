import { mergeOptions } from '../detectors/registry.js';
import { isSeasonal, type Preset } from '../presets.js';
import type { MetricState } from './metricState.js';

/**
 * A seasonal detector compares a value with the one a period earlier. When that earlier value was
 * itself part of an incident, the comparison says "yesterday was strange", not "now is": an ordinary
 * value meeting yesterday's spike scores as high as the spike did, and the spike pages again a day
 * and a week later as an echo. On anomaly-dev at its NAB threshold, 102 of the 218 false positives
 * the seasonal detectors decided were such echoes (the row a period earlier, give or take two rows,
 * was labelled anomalous). So a seasonal detector whose reference lies in an incident, give or take
 * one sampling step (the slack of its "same time" match), abstains for that row: there is no
 * evidence either way, and the other detectors still judge it. Measured in docs/detection.md.
 */
export function withoutSeasonalEchoes(
  evidence: Array<number | null>,
  preset: Preset,
  state: MetricState,
  timestamp: number,
  step: number,
): Array<number | null> {
  preset.detectors.forEach((entry, i) => {
    if (evidence[i] === null || !isSeasonal(entry)) return;
    const { period } = mergeOptions(entry.detector, entry.options);
    if (typeof period === 'number' && state.incidentAround(timestamp - period, step)) evidence[i] = null;
  });
  return evidence;
}
