import { describe, expect, it } from 'vitest';
import { bandRadius } from '../../../oculus/distances/band.js';

describe('bandRadius', () => {
  it("a window percentage becomes a radius by rounding up (the archive's CBF figure needs it)", () => {
    expect(bandRadius(11, 128)).toBe(15);
    expect(bandRadius(10, 60)).toBe(6);
    expect(bandRadius(0, 128)).toBe(0);
    expect(bandRadius(100, 128)).toBe(128);
    expect(() => bandRadius(-1, 10)).toThrow(RangeError);
  });
});
