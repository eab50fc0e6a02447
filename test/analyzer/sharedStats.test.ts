import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../analyzer/stats/lowerBound.js';
import { median } from '../../analyzer/stats/median.js';
import { SeriesSummary, summaryOf } from '../../analyzer/stats/seriesSummary.js';
import { pairwiseSum, pairwiseSumSquaredDeviations, sequentialSum } from '../../analyzer/stats/sums.js';
import { ValueBuckets, valueRange } from '../../analyzer/stats/valueBuckets.js';

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const KINDS: Record<string, (r: () => number, i: number) => number> = {
  normal: (r) => 100 + (r() + r() + r() - 1.5) * 10,
  integers: (r) => Math.floor(r() * 7),
  mostlyZero: (r) => (r() < 0.6 ? 0 : r() * 10),
  large: (r) => 1e9 + (r() - 0.5) * 1e3,
  narrow: (r) => 1e9 + (r() - 0.5) * 1e-5,
  negative: (r, i) => -50 + Math.sin(i / 30) * 5 + r(),
};

function series(kind: string, n: number, seed: number): Float64Array {
  const r = lcg(seed);
  return Float64Array.from({ length: n }, (_, i) => KINDS[kind](r, i));
}

describe('statistics shared between detectors', () => {
  it('value buckets bound every interval count, whatever the boundary convention', () => {
    let decided = 0;
    for (const kind of Object.keys(KINDS)) {
      for (const n of [256, 1000, 3000]) {
        const v = series(kind, n, n);
        const { min, max } = valueRange(v);
        const buckets = ValueBuckets.build(v, min, max)!;
        expect(buckets).not.toBeNull();
        const r = lcg(7);
        for (let q = 0; q < 60; q++) {
          const m = v[Math.floor(r() * n)];
          const d = r() * (max - min) * (q % 2 ? 0.01 : 0.5);
          const open = v.filter((x) => Math.abs(x - m) < d).length;
          const closed = v.filter((x) => Math.abs(x - m) <= d).length;
          const halfOpen = v.filter((x) => x >= m - d && x < m + d).length;
          const equal = v.filter((x) => x === m).length;
          const b = buckets.countBetween(m - d, m + d);
          for (const exact of [open, closed, halfOpen]) {
            expect(b.atLeast).toBeLessThanOrEqual(exact);
            expect(b.atMost).toBeGreaterThanOrEqual(exact);
          }
          const e = buckets.countBetween(m, m);
          expect(e.atMost).toBeGreaterThanOrEqual(equal);
          if (b.atLeast === b.atMost) decided++;
        }
      }
    }
    // The bounds are useful, not just safe: most intervals are decided from the counts alone.
    expect(decided).toBeGreaterThan(0);
  });

  it('value buckets are not built over NaNs or a flat window', () => {
    const v = series('normal', 300, 1);
    v[10] = NaN;
    const { min, max } = valueRange(v);
    expect(ValueBuckets.build(v, min, max)).toBeNull();
    expect(ValueBuckets.build(new Float64Array(300).fill(3), 3, 3)).toBeNull();
  });

  it('the bucketed median is the middle of the sorted values', () => {
    for (const kind of Object.keys(KINDS)) {
      for (const n of [255, 256, 257, 1440, 8640, 8641]) {
        const v = series(kind, n, 3 * n);
        const sorted = Float64Array.from(v).sort();
        const expected = n % 2 ? sorted[n >> 1] : 0.5 * (sorted[(n >> 1) - 1] + sorted[n >> 1]);
        expect(median(v)).toBe(expected);
        expect(new SeriesSummary(v).median).toBe(expected);
      }
    }
  });

  it('sequential prefix sums are resumed exactly, in any order of requests', () => {
    const v = series('normal', 5000, 11);
    const s = new SeriesSummary(v);
    for (const k of [1000, 5000, 300, 4999, 0, 5000]) expect(s.sequentialSum(k)).toBe(sequentialSum(v, 0, k));
  });

  it('the summary is shared by one input object and no other', () => {
    const v = series('normal', 400, 5);
    const input = { values: v };
    expect(summaryOf(input)).toBe(summaryOf(input));
    expect(summaryOf({ values: v })).not.toBe(summaryOf(input));
    expect(summaryOf(input).mean).toBe(pairwiseSum(v) / v.length);
  });

  it('squared deviations are summed as numpy sums the materialised squares', () => {
    for (const n of [1, 7, 8, 9, 127, 128, 129, 1000, 8640]) {
      const v = series('large', n, n);
      const c = pairwiseSum(v) / n;
      const squares = v.map((x) => (x - c) * (x - c));
      expect(pairwiseSumSquaredDeviations(v, c)).toBe(pairwiseSum(squares));
    }
  });

  it('lowerBound finds where a window starts', () => {
    const t = Float64Array.from({ length: 100 }, (_, i) => 1000 + 60 * i);
    for (const x of [-1, 1000, 1001, 1060, 6940, 6941, 7000]) {
      expect(lowerBound(t, x)).toBe(
        t.findIndex((y) => y >= x) === -1 ? t.length : t.findIndex((y) => y >= x),
      );
    }
  });
});
