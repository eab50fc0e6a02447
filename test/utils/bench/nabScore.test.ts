import { describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  nabNormalised,
  nabReport,
  nabScoreFile,
  nabSweep,
  nabWindows,
  onePageCeilingScores,
  probationRows,
  scaledSigmoid,
  type NabFile,
} from '../../../utils/bench/nabScore.js';

const [standard, lowFp, lowFn] = NAB_PROFILES;

/** `n` rows labelled 1 at `on`, scoring `hits[row]` where given and 0 elsewhere. */
function file(n: number, on: number[], hits: Record<number, number> = {}): NabFile {
  const labels = new Uint8Array(n);
  for (const i of on) labels[i] = 1;
  const scores = new Float64Array(n);
  for (const [row, score] of Object.entries(hits)) scores[Number(row)] = score;
  return { labels, scores };
}

/** Normalised score of one file at threshold 1 (rows scoring 1 are the detections). */
const at1 = (f: NabFile, profile = standard) => nabNormalised(nabScoreFile(f, 1, profile));

// The reference file: 100 rows, one anomaly at row 50. Probation = min(⌊0.15·100⌋, 750) = 15 rows.
// Window length ⌊0.1·100/1⌋ = 10, so 5 rows either side: rows 45..55, width 11.
// null = −A_FN = −1, perfect = A_TP = 1 (standard), so normalised = 100·(raw + 1)/2.
const N = 100;
const ANOMALY = [50];

describe('NAB windows', () => {
  it('centres windows of 10 % of the rows, split among the anomalies, and merges overlaps', () => {
    expect(probationRows(100)).toBe(15);
    expect(probationRows(10_000)).toBe(750); // 15 % would be 1,500: capped as NAB does
    expect(nabWindows(file(N, ANOMALY).labels)).toEqual([{ from: 45, to: 55 }]);
    // A run of labelled rows 60..64 is one anomaly at its centre, 62.
    expect(nabWindows(file(N, [60, 61, 62, 63, 64]).labels)).toEqual([{ from: 57, to: 67 }]);
    // Three anomalies in 300 rows (probation 45): ⌊0.1·300/3⌋ = 10 each → ±5. Rows 50 and 58 overlap → one window 45..63.
    expect(nabWindows(file(300, [50, 58, 150]).labels)).toEqual([
      { from: 45, to: 63 },
      { from: 145, to: 155 },
    ]);
  });

  it('drops a window that starts inside the probationary period', () => {
    // Two anomalies in 100 rows: ⌊0.1·100/2⌋ = 5 rows each → ±2. Row 16's window 14..18 starts before row 15.
    expect(nabWindows(file(N, [16, 50]).labels)).toEqual([{ from: 48, to: 52 }]);
  });
});

describe('NAB score of one file', () => {
  it('scores 100 for a detection at the first row of the window and 0 for none', () => {
    expect(at1(file(N, ANOMALY, { 45: 1 }))).toBeCloseTo(100, 10);
    expect(at1(file(N, ANOMALY))).toBe(0);
    expect(nabScoreFile(file(N, ANOMALY, { 45: 1 }), 1, standard)).toMatchObject({
      windows: 1,
      detected: 1,
      falsePositives: 0,
    });
  });

  it('credits earlier detections more', () => {
    // Row 50: y = −(55 − 50 + 1)/11 = −0.545; σ = 2/(1 + e^{−2.727}) − 1 = 0.8772; /σ(−1) = 0.8891 → 100·1.8891/2 = 94.46.
    expect(at1(file(N, ANOMALY, { 50: 1 }))).toBeCloseTo(94.457, 2);
    // Row 55 (last): y = −1/11; σ = 2/(1 + e^{−0.4545}) − 1 = 0.2234; /σ(−1) = 0.2265 → 61.32.
    expect(at1(file(N, ANOMALY, { 55: 1 }))).toBeCloseTo(61.324, 2);
  });

  it('counts only the first detection in a window', () => {
    // 50, 52 and 55 flagged: only row 50 counts, as if it were alone (94.46), not a sum.
    expect(at1(file(N, ANOMALY, { 50: 1, 52: 1, 55: 1 }))).toBeCloseTo(94.457, 2);
    expect(at1(file(N, ANOMALY, { 45: 1, 50: 1 }))).toBeCloseTo(100, 10);
  });

  it('charges a false positive A_FP, less just after a window', () => {
    // Row 20 has no window before it: costs A_FP = 0.11. raw = 1 − 0.11 = 0.89 → 100·1.89/2 = 94.5.
    const withFp = file(N, ANOMALY, { 20: 1, 45: 1 });
    expect(nabScoreFile(withFp, 1, standard)).toMatchObject({ detected: 1, falsePositives: 1 });
    expect(at1(withFp)).toBeCloseTo(94.5, 10);
    // reward_low_FP: A_FP = 0.22 → raw 0.78 → 89. reward_low_FN: null = −2, raw 0.89 → 100·2.89/3 = 96.33.
    expect(at1(withFp, lowFp)).toBeCloseTo(89, 10);
    expect(at1(withFp, lowFn)).toBeCloseTo(96.333, 2);
    // Row 56, one row after the window: y = (56 − 55)/(11 − 1) = 0.1, σ = 2/(1 + e^{0.5}) − 1 = −0.2449,
    // cost 0.11·0.2449 = 0.0269 → raw 0.9731 → 98.65.
    expect(at1(file(N, ANOMALY, { 45: 1, 56: 1 }))).toBeCloseTo(98.653, 2);
    // Far after the window (y ≥ 3 from row 85 on), the full A_FP again.
    expect(at1(file(N, ANOMALY, { 45: 1, 90: 1 }))).toBeCloseTo(94.5, 10);
    expect(scaledSigmoid(3)).toBe(-1);
  });

  it('ignores detections in the probationary period', () => {
    expect(at1(file(N, ANOMALY, { 3: 1, 14: 1, 45: 1 }))).toBeCloseTo(100, 10);
    expect(nabScoreFile(file(N, ANOMALY, { 3: 1, 14: 1 }), 1, standard)).toMatchObject({
      falsePositives: 0,
      raw: -1,
    });
  });

  it('has no normalised score for a pool without windows, but counts its false positives', () => {
    const c = nabScoreFile(file(N, [], { 30: 1 }), 1, standard);
    expect(c).toMatchObject({ windows: 0, falsePositives: 1 });
    expect(c.raw).toBeCloseTo(-0.11, 10);
    expect(nabNormalised(c)).toBeNull();
  });
});

describe('NAB threshold sweep', () => {
  it('finds the one threshold that is best across files', () => {
    // File A: its window is caught at row 45 with score 0.9; a false positive at row 20 scores 0.95.
    // File B: no anomaly; a false positive at row 30 scores 0.92.
    // Candidates (standard): none → −1; 0.95 → −1 − 0.11 = −1.11; 0.92 → −1.22; 0.9 → 1 − 0.22 = 0.78;
    // 0 → every row flagged, far worse. Best: 0.9, normalised 100·1.78/2 = 89.
    // B alone would prefer flagging nothing, but the threshold is shared.
    const a = { ...file(N, ANOMALY, { 20: 0.95, 45: 0.9 }), group: 'a' };
    const b = { ...file(N, [], { 30: 0.92 }), group: 'b' };
    const [best] = nabSweep([a, b], [standard]);
    expect(best.threshold).toBe(0.9);
    expect(best.raw).toBeCloseTo(0.78, 10);
    const report = nabReport([a, b]);
    expect(report.standard.threshold).toBe(0.9);
    expect(report.standard.pooled).toMatchObject({ windows: 1, detected: 1, falsePositives: 2 });
    expect(report.standard.pooled.score).toBeCloseTo(89, 10);
    expect(report.standard.groups.b).toMatchObject({ windows: 0, falsePositives: 1, score: null });
    // reward_low_FP: at 0.9 raw = 1 − 0.44 = 0.56 > −1, still 0.9; normalised 100·1.56/2 = 78.
    expect(report.reward_low_FP.threshold).toBe(0.9);
    expect(report.reward_low_FP.pooled.score).toBeCloseTo(78, 10);
  });

  it('moves a window credit to an earlier row that a lower threshold adds', () => {
    // Row 50 scores 0.9 (94.46 alone), row 45 scores 0.5: at 0.5 the window's first detection is row 45 → 100.
    const [best] = nabSweep([file(N, ANOMALY, { 45: 0.5, 50: 0.9 })], [standard]);
    expect(best.threshold).toBe(0.5);
    expect(best.raw).toBeCloseTo(1, 10);
  });

  it('flags nothing when every detection costs more than it earns', () => {
    const [best] = nabSweep([file(N, ANOMALY, { 20: 0.9 })], [standard]);
    expect(best.threshold).toBe(Number.POSITIVE_INFINITY);
    expect(best.raw).toBe(-1);
  });

  it('agrees with scoring every candidate threshold one by one', () => {
    // Deterministic pseudo-random scores and labels over three files.
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const files = [300, 500, 800].map((n) => {
      const labels = new Uint8Array(n);
      const scores = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = rand() < 0.01 ? 1 : 0;
        scores[i] = Math.round(rand() * 200) / 200;
      }
      return { labels, scores };
    });
    const candidates = [Number.POSITIVE_INFINITY, ...new Set(files.flatMap((f) => [...f.scores]))];
    for (const best of nabSweep(files)) {
      const rawAt = (t: number) => files.reduce((s, f) => s + nabScoreFile(f, t, best.profile).raw, 0);
      const brute = Math.max(...candidates.map(rawAt));
      expect(best.raw).toBeCloseTo(brute, 9);
      expect(rawAt(best.threshold)).toBeCloseTo(best.raw, 9);
    }
  });
});

describe('one-page ceiling', () => {
  it("pages the first row of each labelled run: inside a short run's window, before a long run's", () => {
    // Run 50..52: centre 51, window 46..56, so its first row is inside and caught.
    const short = file(N, [50, 51, 52]);
    const shortPages = onePageCeilingScores(short.labels);
    expect([...shortPages.keys()].filter((i) => shortPages[i] === 1)).toEqual([50]);
    expect(nabScoreFile({ ...short, scores: shortPages }, 1, standard)).toMatchObject({
      detected: 1,
      falsePositives: 0,
    });
    // Run 30..69: centre 49, window 44..54; its first row (30) pages before the window opens.
    const long = file(
      N,
      Array.from({ length: 40 }, (_, i) => 30 + i),
    );
    const longPages = onePageCeilingScores(long.labels);
    expect(nabScoreFile({ ...long, scores: longPages }, 1, standard)).toMatchObject({
      detected: 0,
      falsePositives: 1,
    });
  });
});
