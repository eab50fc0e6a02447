import { expect } from 'vitest';
import { mergeOptions } from '../../../analyzer/detectors/registry.js';
import type { Detector, Vote } from '../../../analyzer/detectors/types.js';
import { PRESETS } from '../../../analyzer/presets.js';
import { seriesFromPoints } from '../../../analyzer/series.js';
import { loadReference } from '../referenceData.js';

interface VoteCase {
  name: string;
  points: Array<[number, number]>;
  now: number;
  expected: { votes?: Record<string, Vote> };
}

const { cases } = loadReference<{ cases: VoteCase[] }>('etsy-votes.json');

/**
 * Runs one of Etsy's nine alone, with the etsy preset's options, over every reference series that
 * reached the detectors (reference/etsy_algorithms.py), and expects Etsy Skyline's own vote on each.
 * The reference must hold both verdicts for the detector, so the comparison cannot pass by default.
 */
export function expectEtsyVotes(detector: Detector): void {
  const entry = PRESETS.etsy.detectors.find((d) => d.name === detector.name);
  if (!entry) throw new Error(`${detector.name} is not in the etsy preset`);
  const options = mergeOptions(detector, entry.options);
  const seen = new Set<Vote>();
  const wrong: string[] = [];
  for (const c of cases) {
    const expected = c.expected.votes?.[detector.name];
    if (expected === undefined) continue;
    const s = seriesFromPoints(c.points);
    const got = detector.detect(
      { timestamps: s.timestamps, values: s.values, now: c.now, fullDuration: 86400 },
      options,
    );
    seen.add(expected);
    if (got !== expected) wrong.push(`${c.name}: got ${got}, Etsy ${expected}`);
  }
  expect(wrong).toEqual([]);
  expect(seen.has(true) && (seen.has(false) || seen.has(null))).toBe(true);
}
