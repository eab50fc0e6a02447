import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../../../analyzer/stats/rounding.js';

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour, as numpy.round does, and everything else to the nearest', () => {
    expect([0.5, 1.5, 2.5, 3.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, -2, -2]);
    expect([0.49, 0.51, 2.4, 2.6, -2.6].map(roundHalfEven)).toEqual([0, 1, 2, 3, -3]);
    expect(roundHalfEven(-0.5)).toBe(-0);
  });
});
