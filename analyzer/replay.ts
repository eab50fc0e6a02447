import { grownArray } from '../core/grownArray.js';
import type { Series } from '../core/store/store.js';
import { analyzeSeries, type Analysis } from './analyze.js';
import { MetricState } from './calibration/metricState.js';
import { usesContext, type Preset } from './presets.js';
import type { AnalyzerRules } from './rules.js';
import { MetricContext } from './context/metricContext.js';
import { lowerBound } from './stats/lowerBound.js';

export interface ReplayRow {
  readonly timestamp: number;
  readonly value: number;
  /** Null for a late row (older than the newest point so far): the live analyzer never judges one on its own. */
  readonly analysis: Analysis | null;
  /** What a user thresholds (replay's `anomaly_score` column): higher = rarer, in [0, 1]. */
  readonly score: number;
  /** Flagged: the row `kale replay` writes as anomalous = 1. */
  readonly anomalous: boolean;
}

export interface ReplayOptions {
  /** Lowest score flagged anomalous (calibrated presets); default: the preset's. */
  readonly alertScore?: number;
}

/**
 * Feeds rows through the analyzer as if they arrived live, one output row per input row, in input
 * order. Each row is stored the way horizon stores it (a repeated timestamp replaces the value, a
 * late one is inserted in time order) and the newest point is judged on the rows of its analysis
 * window (the last `fullDuration` seconds), with the clock at its timestamp. A late row changes the
 * window but is not judged itself. Like the live analyzer, it rolls the window's closed slots into
 * the metric's week of context (analyzer/context/metricContext.ts) and, for a calibrated
 * preset, keeps the metric's state from row to row as the live analyzer keeps it from cycle to cycle.
 */
export function* replaySeries(
  rows: Series,
  preset: Preset,
  rules: AnalyzerRules,
  opts: ReplayOptions = {},
): Generator<ReplayRow> {
  const rings = usesContext(preset) ? MetricContext.empty() : undefined;
  const state = preset.severity === 'calibrated' ? MetricState.fresh(0, preset.detectors.length) : undefined;
  let timestamps = new Float64Array(1024);
  let values = new Float64Array(1024);
  let n = 0;
  let start = 0;
  for (let r = 0; r < rows.timestamps.length; r++) {
    const ts = rows.timestamps[r];
    const value = rows.values[r];
    if (n > 0 && ts < timestamps[n - 1]) {
      const at = lowerBound(timestamps.subarray(0, n), ts);
      if (timestamps[at] === ts) values[at] = value;
      else {
        timestamps = grownArray(timestamps, n + 1);
        values = grownArray(values, n + 1);
        timestamps.copyWithin(at + 1, at, n);
        values.copyWithin(at + 1, at, n);
        timestamps[at] = ts;
        values[at] = value;
        n++;
      }
      yield { timestamp: ts, value, analysis: null, score: 0, anomalous: false };
      continue;
    }
    if (n > 0 && ts === timestamps[n - 1]) values[n - 1] = value;
    else {
      timestamps = grownArray(timestamps, n + 1);
      values = grownArray(values, n + 1);
      timestamps[n] = ts;
      values[n] = value;
      n++;
    }
    while (timestamps[start] < ts - rules.fullDuration) start++;
    const window = timestamps.subarray(start, n);
    rings?.absorb(window, values.subarray(start, n));
    const context = rings?.history(ts);
    const analysis = analyzeSeries(window, values.subarray(start, n), {
      preset,
      rules,
      now: ts,
      context,
      state,
      alertScore: opts.alertScore,
    });
    yield {
      timestamp: ts,
      value,
      analysis,
      score: analysis.score,
      anomalous: analysis.verdict === 'anomalous',
    };
  }
}
