/**
 * How a window percentage becomes a Sakoe–Chiba band radius: r = ceil(pct/100 · length). Rounding up is
 * what the UCR archive did (its CBF figure of 0.0044 at 11 % needs r = 15 of 128, not round() = 14).
 */
export function bandRadius(pct: number, length: number): number {
  if (!(pct >= 0)) throw new RangeError(`band must be a percentage >= 0, got ${pct}`);
  // The tiny slack keeps pct·length that is an integer in exact arithmetic (e.g. 10 % of 60) from
  // rounding up because of binary floating point.
  return Math.max(0, Math.min(length, Math.ceil((pct * length) / 100 - 1e-9)));
}
