import { upperIncompleteGamma } from './special.js';

/** Standard normal CDF via erfc(x) = Q(1/2, x²). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = z / Math.SQRT2;
  const erfcAbs = upperIncompleteGamma(0.5, x * x);
  return x < 0 ? 0.5 * erfcAbs : 1 - 0.5 * erfcAbs;
}
