import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../analyzer/detectors/leastSquares.js';
import { AdfError, adfuller } from '../../analyzer/stats/adf.js';
import { ewmLast } from '../../analyzer/stats/ewm.js';
import { binCount, histogramEdges } from '../../analyzer/stats/histogram.js';
import { ksTwoSample } from '../../analyzer/stats/ksTwoSample.js';
import { mackinnonP } from '../../analyzer/stats/mackinnon.js';
import { median } from '../../analyzer/stats/median.js';
import { normalCdf } from '../../analyzer/stats/normal.js';
import { simpleRegression } from '../../analyzer/stats/ols.js';
import { studentTIsf } from '../../analyzer/stats/studentT.js';
import { numpyMean, numpyStd, pandasMean, pandasStd } from '../../analyzer/stats/sums.js';
import { f64, loadReference } from './referenceData.js';

interface StatsReference {
  t_isf: Array<{ p: number; df: number; value: number }>;
  norm_cdf: Array<{ x: number; value: number }>;
  mackinnonp: Array<{ tau: number; value: number }>;
  ks_2samp: Array<{ a: number[]; b: number[]; d: number; p: number }>;
  adfuller: Array<{
    label: string;
    x: number[];
    stat?: number;
    p?: number;
    usedlag?: number;
    nobs?: number;
    error?: string;
  }>;
  ewm: Array<{ x: number[]; mean: number; std: number }>;
  sums: Array<{
    x: number[];
    np_mean: number;
    np_std: number;
    pd_mean: number;
    pd_std: number;
    pd_median: number;
  }>;
  histogram: Array<{ x: number[]; counts: number[]; edges: number[] }>;
}

const ref = loadReference<StatsReference>('stats.json');

const close = (actual: number, expected: number, rel: number) => {
  if (Number.isNaN(expected)) return expect(actual).toBeNaN();
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
};

describe('statistics against scipy / numpy / pandas / statsmodels', () => {
  it('Student-t upper quantiles match scipy.stats.t.isf (and closed forms exactly)', () => {
    // scipy's stdtrit is itself only good to ~2e-9 relative (see the closed forms below), so the
    // comparison with it allows that; against exact formulas ours is good to a few ulps.
    for (const c of ref.t_isf) close(studentTIsf(c.p, c.df), c.value, 5e-9);
    for (const p of [0.05, 0.01, 0.3, 1e-5]) {
      close(studentTIsf(p, 1), 1 / Math.tan(Math.PI * p), 1e-13);
      close(studentTIsf(p, 2), ((1 - 2 * p) * Math.SQRT2) / Math.sqrt(4 * p * (1 - p)), 1e-13);
    }
    expect(studentTIsf(0.01, 0)).toBeNaN();
    expect(studentTIsf(0.01, -1)).toBeNaN();
  });

  it('normal CDF matches scipy.stats.norm.cdf', () => {
    for (const c of ref.norm_cdf) close(normalCdf(c.x), c.value, 1e-12);
  });

  it('MacKinnon p-values match statsmodels mackinnonp', () => {
    for (const c of ref.mackinnonp) close(mackinnonP(c.tau), c.value, 1e-12);
  });

  it('two-sample KS statistic and exact p-value match scipy.stats.ks_2samp', () => {
    for (const c of ref.ks_2samp) {
      const r = ksTwoSample(f64(c.a), f64(c.b));
      expect(r.d).toBe(c.d);
      close(r.p, c.p, 1e-9);
    }
  });

  it('augmented Dickey–Fuller matches statsmodels adfuller(x, 10)', () => {
    for (const c of ref.adfuller) {
      if (c.error) {
        expect(() => adfuller(f64(c.x), 10), c.label).toThrow(AdfError);
        continue;
      }
      const r = adfuller(f64(c.x), 10);
      expect(r.usedLag, c.label).toBe(c.usedlag);
      expect(r.nobs, c.label).toBe(c.nobs);
      close(r.stat, c.stat!, 1e-9);
      close(r.p, c.p!, 1e-9);
    }
  });

  it('EWMA and EW std (com 50) match pandas ewm to the bit', () => {
    for (const c of ref.ewm) {
      const { mean, std: s } = ewmLast(f64(c.x), 50);
      expect(mean).toBe(c.mean);
      if (Number.isNaN(c.std)) expect(s).toBeNaN();
      else expect(s).toBe(c.std);
    }
  });

  it('means, standard deviations and medians match numpy and pandas to the bit', () => {
    for (const c of ref.sums) {
      const x = f64(c.x);
      expect(numpyMean(x), `np.mean n=${x.length}`).toBe(c.np_mean);
      expect(numpyStd(x), `np.std n=${x.length}`).toBe(c.np_std);
      expect(pandasMean(x), `pd mean n=${x.length}`).toBe(c.pd_mean);
      const s = pandasStd(x);
      if (Number.isNaN(c.pd_std)) expect(s).toBeNaN();
      else expect(s, `pd std n=${x.length}`).toBe(c.pd_std);
      expect(median(x)).toBe(c.pd_median);
    }
  });

  it('histogram counts and edges match numpy.histogram(bins=15)', () => {
    for (const c of ref.histogram) {
      const edges = histogramEdges(f64(c.x), 15);
      expect(Array.from(edges)).toEqual(c.edges);
      expect(c.counts.map((_, k) => binCount(f64(c.x), edges, k))).toEqual(c.counts);
    }
  });

  it('least squares on epoch timestamps is exact where the uncentred fit is not', () => {
    const t = new Float64Array(1440);
    const v = new Float64Array(1440);
    for (let i = 0; i < t.length; i++) {
      t[i] = 1_700_000_000 + 60 * i;
      v[i] = 0.25 * (t[i] - 1_700_000_000) + 7;
    }
    const fit = simpleRegression(t, v);
    expect(fit.slope).toBe(0.25);
    for (let i = 0; i < t.length; i++)
      expect(fit.slope * (t[i] - fit.centre) + fit.intercept).toBeCloseTo(v[i], 9);
  });
});

describe('least_squares with fit lstsq reproduces numpy.linalg.lstsq as Etsy called it', () => {
  const cases = loadReference<{
    least_squares: Array<{ end: number; step: number; y: number[]; vote: boolean }>;
  }>('stats.json').least_squares;
  it(`agrees on all ${cases.length} votes, including windows LAPACK treats as rank 1`, () => {
    const mismatches: number[] = [];
    cases.forEach((c, k) => {
      const n = c.y.length;
      const timestamps = Float64Array.from({ length: n }, (_, i) => c.end - c.step * (n - 1 - i));
      const vote = leastSquares.detect(
        { timestamps, values: f64(c.y), now: c.end, fullDuration: 86400 },
        { ...leastSquares.defaults, fit: 'lstsq' },
      );
      if (vote !== c.vote) mismatches.push(k);
    });
    expect(mismatches).toEqual([]);
  });
});
