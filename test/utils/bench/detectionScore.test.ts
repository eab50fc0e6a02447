import { describe, expect, it } from 'vitest';
import { scoreFile, summarise } from '../../../utils/bench/detectionScore.js';
import { labelledEpisodes, scaledSigmoid } from '../../../utils/bench/nabScore.js';

const rows = (n: number, on: number[]) => Array.from({ length: n }, (_, i) => (on.includes(i) ? 1 : 0));
const flags = (n: number, on: number[]) => Array.from({ length: n }, (_, i) => on.includes(i));
const opts = { tolerance: 2, fpCost: 0.11 };

describe('detection scoring', () => {
  it('groups consecutive labelled rows into episodes', () => {
    expect(labelledEpisodes(rows(12, [2, 3, 4, 8, 11]))).toEqual([
      { start: 2, end: 4 },
      { start: 8, end: 8 },
      { start: 11, end: 11 },
    ]);
    expect(labelledEpisodes(rows(5, []))).toEqual([]);
  });

  it('counts an episode once however many rows inside its tolerance window are flagged', () => {
    const c = scoreFile(rows(30, [10, 11, 12]), flags(30, [9, 10, 11, 12, 13, 14]), opts);
    expect(c).toMatchObject({ episodes: 1, caught: 1, falsePositives: 0, flagged: 6 });
    expect(summarise(c)).toMatchObject({ precision: 1, recall: 1, f1: 1 });
  });

  it('accepts detections within the tolerance on either side and counts the rest as false positives', () => {
    const labels = rows(40, [10, 30]);
    expect(scoreFile(labels, flags(40, [8]), opts).caught).toBe(1);
    expect(scoreFile(labels, flags(40, [12]), opts).caught).toBe(1);
    const c = scoreFile(labels, flags(40, [7, 13, 20, 30]), opts);
    expect(c).toMatchObject({ caught: 1, falsePositives: 3 });
    const s = summarise(c);
    expect(s.precision).toBeCloseTo(0.25);
    expect(s.recall).toBeCloseTo(0.5);
    expect(s.fpPer1000).toBeCloseTo(75);
  });

  it('rewards earlier detection inside the window and normalises the windowed score to 0 (nothing) .. 100 (first row)', () => {
    const labels = rows(50, [20, 21]);
    const at = (i: number) => summarise(scoreFile(labels, flags(50, [i]), opts)).windowed;
    expect(at(18)).toBeCloseTo(100);
    expect(at(18)).toBeGreaterThan(at(20));
    expect(at(20)).toBeGreaterThan(at(23));
    expect(summarise(scoreFile(labels, flags(50, []), opts)).windowed).toBe(0);
    expect(scaledSigmoid(0)).toBe(0);
    // False positives cost fpCost each, relative to the perfect-minus-nothing range.
    const withFp = summarise(scoreFile(labels, flags(50, [18, 40]), opts)).windowed;
    expect(withFp).toBeCloseTo(100 - (100 * 0.11) / (scaledSigmoid(-1) + 1));
  });

  it('scores a series without labels by its false positives alone', () => {
    const c = scoreFile(rows(1000, []), flags(1000, [5, 500]), opts);
    expect(c).toMatchObject({ episodes: 0, caught: 0, falsePositives: 2 });
    expect(summarise(c)).toMatchObject({ recall: 0, f1: 0, fpPer1000: 2 });
    expect(summarise(c).windowed).toBeCloseTo(-22);
  });

  it('refuses verdicts that do not line up with the labels', () => {
    expect(() => scoreFile(rows(3, []), flags(2, []), opts)).toThrow(/2 verdicts for 3/);
  });
});
