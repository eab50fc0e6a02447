/**
 * The Numenta Anomaly Benchmark score (Lavin & Ahmad 2015, "Evaluating Real-time Anomaly Detection
 * Algorithms – the Numenta Anomaly Benchmark"), written from the paper and NAB's documented rules:
 *
 * - Anomalies are runs of consecutive labelled rows; each run is one anomaly at its centre row.
 * - Windows total 10 % of a file's rows, split evenly among its anomalies and centred on each
 *   (length ⌊0.1·n/k⌋, ⌊length/2⌋ rows either side, clipped to the file). Overlapping windows merge.
 * - The probationary period, the first min(⌊0.15·n⌋, 750) rows, is not scored: detections there are
 *   ignored, and, as NAB's labeller does, a window that starts inside it is dropped.
 * - A detection is a row whose score ≥ the threshold. In a window only the earliest detection counts:
 *   it earns A_TP·σ(y)/σ(−1), y = −(last row − row + 1)/width, so the window's first row earns A_TP
 *   exactly and its last row little. A window without detection costs A_FN.
 * - A detection outside every window costs A_FP·σ(y), y = (row − previous window's last row)/(its width − 1),
 *   so a detection just after a window costs little; with no window before it, y = 3 and it costs A_FP.
 *   σ(y) = 2/(1 + e^{5y}) − 1, and −1 from y = 3 on.
 * - Normalised per pool of files: 100·(raw − null)/(perfect − null), null = flag nothing (−A_FN per
 *   window), perfect = every window caught at its first row (A_TP per window).
 * - One threshold for every file of a run, per profile: the score value that maximises the pooled raw
 *   score, found by one sweep over all rows sorted by score.
 */

import { addCounts } from './addCounts.js';

export interface NabProfile {
  readonly name: string;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** NAB's three application profiles (its config/profiles.json). */
export const NAB_PROFILES: ReadonlyArray<NabProfile> = [
  { name: 'standard', tp: 1, fp: 0.11, fn: 1 },
  { name: 'reward_low_FP', tp: 1, fp: 0.22, fn: 1 },
  { name: 'reward_low_FN', tp: 1, fp: 0.11, fn: 2 },
];

/** Share of a file's rows covered by its anomaly windows. */
export const NAB_WINDOW_FRACTION = 0.1;
/** Share of a file's first rows left unscored while a detector learns, capped at 750 rows (15 % of 5,000). */
export const NAB_PROBATION_FRACTION = 0.15;
export const NAB_PROBATION_MAX_ROWS = 750;

/** An anomaly window: inclusive row range. */
export interface NabWindow {
  readonly from: number;
  readonly to: number;
}

/** One scored file: the detector's score per row and the 0/1 label per row. */
export interface NabFile {
  readonly scores: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
}

/** Sums that add up across files, so domains and the pool are scored by summing. */
export interface NabCounts {
  windows: number;
  detected: number;
  falsePositives: number;
  raw: number;
  nullRaw: number;
  perfectRaw: number;
}

export interface Episode {
  readonly start: number;
  readonly end: number;
}

/** Runs of consecutive labelled rows, as inclusive row ranges. */
export function labelledEpisodes(labels: ArrayLike<number>): Episode[] {
  const out: Episode[] = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const on = i < labels.length && labels[i] === 1;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  return out;
}

/** NAB's scaled sigmoid: σ(−1) ≈ 0.9866, σ(0) = 0, σ(1) ≈ −0.9866, −1 from 3 on. */
export function scaledSigmoid(y: number): number {
  return y >= 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

export function probationRows(rows: number): number {
  return Math.min(Math.floor(NAB_PROBATION_FRACTION * rows), NAB_PROBATION_MAX_ROWS);
}

export function nabWindows(labels: ArrayLike<number>): NabWindow[] {
  const n = labels.length;
  const centres = labelledEpisodes(labels).map((e) => Math.floor((e.start + e.end) / 2));
  if (centres.length === 0) return [];
  const half = Math.floor(Math.floor((NAB_WINDOW_FRACTION * n) / centres.length) / 2);
  const probation = probationRows(n);
  const out: NabWindow[] = [];
  for (const c of centres) {
    const from = Math.max(0, c - half);
    const to = Math.min(n - 1, c + half);
    if (from < probation) continue;
    const last = out[out.length - 1];
    if (last && from <= last.to) out[out.length - 1] = { from: last.from, to: Math.max(last.to, to) };
    else out.push({ from, to });
  }
  return out;
}

/** A detection's worth before the profile's weight: > 0 inside a window (A_TP units), < 0 outside (A_FP units). */
interface RowWorth {
  /** Index of the row's window in the file's window list, −1 outside every window. */
  readonly window: number;
  readonly unit: number;
}

/** Walks the scorable rows of a file in order, telling each one's window and unit worth. */
function forEachScorableRow(
  n: number,
  windows: ReadonlyArray<NabWindow>,
  visit: (row: number, worth: RowWorth) => void,
): void {
  let next = 0;
  let previous: NabWindow | undefined;
  for (let i = probationRows(n); i < n; i++) {
    while (next < windows.length && windows[next].to < i) previous = windows[next++];
    const w = windows[next];
    if (w && w.from <= i) {
      visit(i, { window: next, unit: scaledSigmoid(-(w.to - i + 1) / (w.to - w.from + 1)) / MAX_TP });
    } else {
      const y = previous ? (i - previous.to) / Math.max(1, previous.to - previous.from) : 3;
      visit(i, { window: -1, unit: scaledSigmoid(y) });
    }
  }
}

export function emptyNabCounts(): NabCounts {
  return { windows: 0, detected: 0, falsePositives: 0, raw: 0, nullRaw: 0, perfectRaw: 0 };
}

/** 0 = flag nothing, 100 = every window at its first row; null for a pool without windows (nothing to normalise by). */
export function nabNormalised(c: NabCounts): number | null {
  const range = c.perfectRaw - c.nullRaw;
  return range > 0 ? (100 * (c.raw - c.nullRaw)) / range : null;
}

/** One file at one threshold: rows with score ≥ threshold are detections. */
export function nabScoreFile(file: NabFile, threshold: number, profile: NabProfile): NabCounts {
  const n = file.labels.length;
  if (file.scores.length !== n) throw new Error(`${file.scores.length} scores for ${n} labelled rows`);
  const windows = nabWindows(file.labels);
  const caught = new Uint8Array(windows.length);
  const c = emptyNabCounts();
  c.windows = windows.length;
  c.nullRaw = -profile.fn * windows.length;
  c.perfectRaw = profile.tp * windows.length;
  c.raw = c.nullRaw;
  forEachScorableRow(n, windows, (i, worth) => {
    if (!(file.scores[i] >= threshold)) return;
    if (worth.window < 0) {
      c.falsePositives++;
      c.raw += profile.fp * worth.unit;
    } else if (!caught[worth.window]) {
      caught[worth.window] = 1;
      c.detected++;
      c.raw += profile.tp * worth.unit + profile.fn;
    }
  });
  return c;
}

export interface NabBest {
  readonly profile: NabProfile;
  /** Rows scoring at least this are detections; Infinity when flagging nothing scores best. */
  readonly threshold: number;
  /** Pooled raw score at that threshold. */
  readonly raw: number;
}

/**
 * The best single threshold over all files for each profile. Every distinct score is a candidate
 * (plus "flag nothing"). All scorable rows are sorted by score once, highest first; lowering the
 * threshold past a row changes the pooled raw score by that row alone (a false positive's cost, or
 * its window's credit if it is now the window's earliest detection), so the sweep is O(N log N).
 * On a tie the higher threshold (fewer detections) wins.
 */
export function nabSweep(
  files: ReadonlyArray<NabFile>,
  profiles: ReadonlyArray<NabProfile> = NAB_PROFILES,
): NabBest[] {
  const scores: number[] = [];
  const windowOf: number[] = [];
  const units: number[] = [];
  let windowCount = 0;
  for (const file of files) {
    const n = file.labels.length;
    if (file.scores.length !== n) throw new Error(`${file.scores.length} scores for ${n} labelled rows`);
    const windows = nabWindows(file.labels);
    const offset = windowCount;
    windowCount += windows.length;
    forEachScorableRow(n, windows, (i, worth) => {
      const s = file.scores[i];
      if (Number.isNaN(s)) return;
      scores.push(s);
      windowOf.push(worth.window < 0 ? -1 : offset + worth.window);
      units.push(worth.unit);
    });
  }
  const order = Uint32Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  // Best unit credit so far per window (its earliest detection); NaN = not detected yet.
  const credit = new Float64Array(windowCount).fill(Number.NaN);
  const totals = profiles.map((p) => -p.fn * windowCount);
  const best = profiles.map((p, k) => ({ profile: p, threshold: Number.POSITIVE_INFINITY, raw: totals[k] }));
  for (let k = 0; k < order.length; k++) {
    const r = order[k];
    const w = windowOf[r];
    const u = units[r];
    if (w < 0) {
      for (let p = 0; p < profiles.length; p++) totals[p] += profiles[p].fp * u;
    } else if (Number.isNaN(credit[w])) {
      credit[w] = u;
      for (let p = 0; p < profiles.length; p++) totals[p] += profiles[p].tp * u + profiles[p].fn;
    } else if (u > credit[w]) {
      for (let p = 0; p < profiles.length; p++) totals[p] += profiles[p].tp * (u - credit[w]);
      credit[w] = u;
    }
    const threshold = scores[r];
    if (k + 1 < order.length && scores[order[k + 1]] === threshold) continue;
    for (let p = 0; p < profiles.length; p++) {
      if (totals[p] > best[p].raw) best[p] = { profile: profiles[p], threshold, raw: totals[p] };
    }
  }
  return best;
}

/** Per profile: the pooled best threshold, and every group (domain) and the pool scored at it. */
export interface NabProfileResult {
  readonly threshold: number;
  readonly pooled: NabSummary;
  readonly groups: Record<string, NabSummary>;
}

export interface NabSummary extends NabCounts {
  score: number | null;
}

/** Sweeps the pool for each profile's threshold, then scores every group at that one threshold. */
export function nabReport(
  files: ReadonlyArray<NabFile & { readonly group: string }>,
  profiles: ReadonlyArray<NabProfile> = NAB_PROFILES,
): Record<string, NabProfileResult> {
  const out: Record<string, NabProfileResult> = {};
  for (const b of nabSweep(files, profiles)) {
    const pooled = emptyNabCounts();
    const groups: Record<string, NabCounts> = {};
    for (const f of files) {
      const c = nabScoreFile(f, b.threshold, b.profile);
      addCounts(pooled, c);
      addCounts((groups[f.group] ??= emptyNabCounts()), c);
    }
    const summary = (c: NabCounts): NabSummary => ({ ...c, score: nabNormalised(c) });
    out[b.profile.name] = {
      threshold: b.threshold,
      pooled: summary(pooled),
      groups: Object.fromEntries(Object.entries(groups).map(([g, c]) => [g, summary(c)])),
    };
  }
  return out;
}

/**
 * What a detector that pages once per incident can earn at best: a score of 1 on the first row of every
 * labelled run and 0 elsewhere. A run longer than its window (the window is centred on the run) is
 * paged before the window opens, so that page costs a false positive and the window is missed: this
 * ceiling says how much of 100 the labelling leaves to a one-page detector.
 */
export function onePageCeilingScores(labels: ArrayLike<number>): Float64Array {
  const scores = new Float64Array(labels.length);
  for (const e of labelledEpisodes(labels)) scores[e.start] = 1;
  return scores;
}
