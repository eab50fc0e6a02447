import { describe, expect, it } from 'vitest';
import { grubbs } from '../../../analyzer/detectors/grubbs.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, run } from './series.js';

const flat = base(200);

describe('grubbs', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(grubbs));

  it('flags a high average of the last three; a drop only when two-sided, as Etsy looked one way', () => {
    expect(run(grubbs, input(flat))).toBe(false);
    expect(run(grubbs, input([...flat, 120, 120, 120]))).toBe(true);
    expect(run(grubbs, input([...flat, 80, 80, 80]))).toBe(false);
    expect(run(grubbs, input([...flat, 80, 80, 80]), { twoSided: true })).toBe(true);
    expect(run(grubbs, input(flat), { twoSided: true })).toBe(false);
  });

  it('abstains on an empty window', () => {
    expect(run(grubbs, input([]))).toBeNull();
  });
});
