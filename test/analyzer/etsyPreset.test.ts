import { describe, expect, it } from 'vitest';
import { analyzeSeries } from '../../analyzer/analyze.js';
import { getPreset } from '../../analyzer/presets.js';
import type { AnalyzerRules } from '../../analyzer/rules.js';
import { seriesFromPoints } from '../../analyzer/series.js';
import { loadReference } from './referenceData.js';

interface VoteCase {
  name: string;
  points: Array<[number, number]>;
  now: number;
  expected: { verdict: string; votes?: Record<string, boolean | null>; error?: string };
}

const { cases } = loadReference<{ cases: VoteCase[] }>('etsy-votes.json');

/** Etsy's settings.py defaults, as in reference/etsy_algorithms.py. */
const ETSY_RULES: AnalyzerRules = {
  fullDuration: 86400,
  stalePeriod: 500,
  minTolerableLength: 1,
  maxTolerableBoredom: 100,
  boredomSetSize: 1,
  consensus: 6,
};

describe('preset etsy reproduces Etsy Skyline (reference/etsy_algorithms.py) detector by detector', () => {
  it('covers every kind of series the comparison uses', () => {
    const names = cases.map((c) => c.name).join(' ');
    for (const kind of [
      'spike',
      'drop',
      'flat',
      'noisy',
      'short',
      'integers',
      'irregular',
      'unsorted',
      'duplicated',
      'dense',
    ]) {
      expect(names).toContain(kind);
    }
  });

  for (const c of cases) {
    it(c.name, () => {
      const s = seriesFromPoints(c.points);
      const got = analyzeSeries(s.timestamps, s.values, {
        preset: getPreset('etsy'),
        rules: ETSY_RULES,
        now: c.now,
      });
      expect(got.votes ?? null).toEqual(c.expected.votes ?? null);
      expect(got.verdict).toBe(c.expected.verdict);
      expect(Boolean(got.error)).toBe(Boolean(c.expected.error));
    });
  }
});
