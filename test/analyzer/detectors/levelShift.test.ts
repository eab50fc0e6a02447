import { describe, expect, it } from 'vitest';
import { levelShift } from '../../../analyzer/detectors/levelShift.js';
import { base, input, run } from './series.js';

describe('level_shift', () => {
  it('flags a sustained step once most of the recent values moved, not a single spike', () => {
    const flat = base(100);
    expect(run(levelShift, input(flat))).toBe(false);
    expect(run(levelShift, input([...flat, 130, 131, 129]))).toBe(true);
    expect(run(levelShift, input([...flat, 60, 59, 61]))).toBe(true);
    expect(run(levelShift, input([...flat, 130, 131]))).toBe(false);
    expect(run(levelShift, input([...flat, 100, 100, 100, 100, 500]))).toBe(false);
  });

  it('votes false on windows too short to judge', () => {
    expect(run(levelShift, input([1, 2, 3, 50, 50, 50]))).toBe(false);
  });
});
