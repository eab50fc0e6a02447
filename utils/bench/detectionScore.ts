/**
 * Scores a detector's flagged rows against point labels.
 *
 * - A labelled episode is a run of consecutive labelled rows. It gets a tolerance window of
 *   `tolerance` rows on each side, because point labels are stricter than the moment a person
 *   would call an anomaly visible.
 * - An episode is caught when any flagged row falls inside its window; it counts once however many
 *   rows are flagged there.
 * - Every flagged row outside all windows is a false positive.
 * - The windowed score follows NAB's standard profile: a caught window earns σ(y) for its earliest
 *   detection (y = −1 at the window's first row, 0 at its last, so earlier is better), a missed
 *   window costs 1, each false positive costs `fpCost`. It is normalised so that flagging nothing
 *   scores 0 and catching every window at its first row scores 100.
 */
import { labelledEpisodes, scaledSigmoid } from './nabScore.js';

export interface ScoreOptions {
  /** Rows of slack before and after each labelled episode. */
  readonly tolerance: number;
  /** Cost of one false positive in the windowed score (NAB standard profile: 0.11). */
  readonly fpCost: number;
}

export const DEFAULT_SCORE_OPTIONS: ScoreOptions = { tolerance: 5, fpCost: 0.11 };

/** Counts that add up across files, so domains and the pool are scored by summing. */
export interface ScoreCounts {
  points: number;
  episodes: number;
  caught: number;
  falsePositives: number;
  flagged: number;
  /** NAB raw score, and its values for "flag nothing" and "perfect". */
  raw: number;
  nullRaw: number;
  perfectRaw: number;
}

export interface ScoreSummary {
  precision: number;
  recall: number;
  f1: number;
  fpPer1000: number;
  windowed: number;
}

export function scoreFile(
  labels: ArrayLike<number>,
  flagged: ArrayLike<boolean | number>,
  options: ScoreOptions = DEFAULT_SCORE_OPTIONS,
): ScoreCounts {
  const n = labels.length;
  if (flagged.length !== n) throw new Error(`${flagged.length} verdicts for ${n} labelled rows`);
  const episodes = labelledEpisodes(labels);
  const inWindow = new Uint8Array(n);
  const windows = episodes.map((e) => {
    const from = Math.max(0, e.start - options.tolerance);
    const to = Math.min(n - 1, e.end + options.tolerance);
    inWindow.fill(1, from, to + 1);
    return { from, to };
  });
  const perfectEach = scaledSigmoid(-1);
  let caught = 0;
  let raw = 0;
  for (const w of windows) {
    let first = -1;
    for (let i = w.from; i <= w.to; i++)
      if (flagged[i]) {
        first = i;
        break;
      }
    if (first < 0) {
      raw -= 1;
      continue;
    }
    caught++;
    const span = w.to - w.from;
    const y = span === 0 ? -1 : (first - w.to) / span;
    raw += scaledSigmoid(y);
  }
  let falsePositives = 0;
  let flaggedCount = 0;
  for (let i = 0; i < n; i++) {
    if (!flagged[i]) continue;
    flaggedCount++;
    if (!inWindow[i]) falsePositives++;
  }
  raw -= options.fpCost * falsePositives;
  return {
    points: n,
    episodes: episodes.length,
    caught,
    falsePositives,
    flagged: flaggedCount,
    raw,
    nullRaw: -windows.length,
    perfectRaw: perfectEach * windows.length,
  };
}

export function emptyCounts(): ScoreCounts {
  return {
    points: 0,
    episodes: 0,
    caught: 0,
    falsePositives: 0,
    flagged: 0,
    raw: 0,
    nullRaw: 0,
    perfectRaw: 0,
  };
}

export function summarise(c: ScoreCounts): ScoreSummary {
  const detections = c.caught + c.falsePositives;
  const precision = detections === 0 ? 0 : c.caught / detections;
  const recall = c.episodes === 0 ? 0 : c.caught / c.episodes;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const range = c.perfectRaw - c.nullRaw;
  // With no labelled episode there is no range to normalise by: the false positives alone count,
  // each as `fpCost` of one window.
  const windowed = range > 0 ? (100 * (c.raw - c.nullRaw)) / range : 100 * c.raw;
  return {
    precision,
    recall,
    f1,
    fpPer1000: c.points === 0 ? 0 : (1000 * c.falsePositives) / c.points,
    windowed,
  };
}
