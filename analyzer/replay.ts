import type { Series } from '../core/store/store.js';
import { analyzeSeries, type Analysis } from './analyze.js';
import type { Preset } from './presets.js';
import type { AnalyzerRules } from './rules.js';
import { seasonalPeriods } from './seasonalHistory.js';

export interface ReplayRow {
  readonly timestamp: number;
  readonly value: number;
  readonly analysis: Analysis;
  /** What a user thresholds (replay's `anomaly_score` column): higher = rarer, in [0, 1]. */
  readonly score: number;
  /** Flagged: the row `kale replay` writes as anomalous = 1. */
  readonly anomalous: boolean;
}

/**
 * Feeds a series through the analyzer as if live: row i is judged on the rows up to it that fall in
 * its analysis window (the last `fullDuration` seconds), with the clock at its timestamp. When the
 * preset has seasonal detectors, the rows of the longest period before the window are their history,
 * as the torus rollups are in the live analyzer (there bucket means, here the rows themselves).
 */
export function* replaySeries(series: Series, preset: Preset, rules: AnalyzerRules): Generator<ReplayRow> {
  const { timestamps, values } = series;
  const historySpan = (seasonalPeriods(preset).at(-1) ?? 0) + rules.fullDuration;
  let start = 0;
  let historyStart = 0;
  for (let i = 0; i < timestamps.length; i++) {
    const now = timestamps[i];
    while (timestamps[start] < now - rules.fullDuration) start++;
    while (timestamps[historyStart] < now - historySpan) historyStart++;
    const context = historyStart < start
      ? { 'history.timestamps': timestamps.subarray(historyStart, i + 1), 'history.values': values.subarray(historyStart, i + 1) }
      : undefined;
    const analysis = analyzeSeries(timestamps.subarray(start, i + 1), values.subarray(start, i + 1), { preset, rules, now, context });
    yield { timestamp: now, value: values[i], analysis, score: analysis.score, anomalous: analysis.verdict === 'anomalous' };
  }
}
