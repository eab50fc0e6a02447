import { incompleteBeta, logGamma } from './special.js';

/** Survival function of Student's t with `df` degrees of freedom. */
export function studentTSf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, x);
  return t >= 0 ? tail : 1 - tail;
}

/**
 * Inverse survival function (upper quantile) of Student's t, like `scipy.stats.t.isf(p, df)`:
 * NaN for df ≤ 0 or p outside (0, 1). Bisection in log space brackets the root, Newton on the
 * log-survival polishes it to double precision.
 */
export function studentTIsf(p: number, df: number): number {
  if (!(df > 0) || !(p > 0) || !(p < 1)) return NaN;
  if (p === 0.5) return 0;
  if (p > 0.5) return -studentTIsf(1 - p, df);
  // Bracket: sf is decreasing in t.
  let lo = 0;
  let hi = 1;
  while (studentTSf(hi, df) > p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let t = 0.5 * (lo + hi);
  for (let i = 0; i < 200; i++) {
    t = 0.5 * (lo + hi);
    if (studentTSf(t, df) > p) lo = t;
    else hi = t;
    if (hi - lo <= 1e-3 * hi) break;
  }
  // Newton on f(t) = log sf(t) - log p, with d/dt log sf = -pdf/sf.
  const logNorm = lgammaRatio(df);
  for (let i = 0; i < 50; i++) {
    const sf = studentTSf(t, df);
    const pdf = Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
    const step = ((Math.log(sf) - Math.log(p)) * sf) / pdf;
    const next = t + step;
    if (!Number.isFinite(next)) break;
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next)) {
      t = next;
      break;
    }
    t = next;
  }
  return t;
}

function lgammaRatio(df: number): number {
  return logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
}
