import type { Series } from '../core/store/store.js';
import { analyzeSeries, type Analysis } from './analyze.js';
import type { Preset } from './presets.js';
import type { AnalyzerRules } from './rules.js';

export interface ReplayRow {
  readonly timestamp: number;
  readonly value: number;
  readonly analysis: Analysis;
}

/**
 * Feeds a series through the analyzer as if live: row i is judged on the rows up to it that fall in
 * its analysis window (the last `fullDuration` seconds), with the clock at its timestamp.
 */
export function* replaySeries(series: Series, preset: Preset, rules: AnalyzerRules): Generator<ReplayRow> {
  const { timestamps, values } = series;
  let start = 0;
  for (let i = 0; i < timestamps.length; i++) {
    const now = timestamps[i];
    while (timestamps[start] < now - rules.fullDuration) start++;
    const analysis = analyzeSeries(timestamps.subarray(start, i + 1), values.subarray(start, i + 1), { preset, rules, now });
    yield { timestamp: now, value: values[i], analysis };
  }
}
