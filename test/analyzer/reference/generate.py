#!/usr/bin/python3
"""
Generates the reference numbers the analyzer's TypeScript tests compare against. Run with Debian's
interpreter, which has numpy, scipy, pandas and statsmodels (not a pyenv python3 on PATH):

    /usr/bin/python3 test/analyzer/reference/generate.py

Writes stats.json (statistics primitives) and etsy-votes.json (Etsy's verdict and per-detector votes
on generated series: spikes, drops, flat, noisy, short, integer-valued, irregular, unsorted,
duplicated timestamps, dense windows for ks_test). Deterministic: a fixed seed.

Generated with Debian 12's python3-numpy 1.24, python3-scipy 1.10, python3-pandas 1.5,
python3-statsmodels 0.13 and python3-bottleneck 1.3 (pandas' Series.std() goes through bottleneck
when it is installed, summing sequentially; numpy sums pairwise; the TypeScript mirrors both). The
tests only read the JSON, so CI needs none of these packages.
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas
import scipy
import scipy.stats
import statsmodels
import statsmodels.api as sm
from statsmodels.tsa.adfvalues import mackinnonp

import etsy_algorithms as etsy

warnings.simplefilter('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20131)


def f(x):
    """JSON-safe float (NaN/inf as strings, which JSON lacks)."""
    x = float(x)
    if np.isnan(x):
        return 'NaN'
    if np.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def floats(a):
    return [f(x) for x in a]


# ---------------------------------------------------------------- statistics primitives
def stats_reference():
    import bottleneck
    out = {'versions': {'numpy': np.__version__, 'scipy': scipy.__version__, 'pandas': pandas.__version__,
                        'statsmodels': statsmodels.__version__, 'bottleneck': bottleneck.__version__}}

    out['t_isf'] = []
    for n in [3, 4, 5, 6, 7, 8, 10, 15, 20, 30, 50, 100, 200, 500, 1000, 1440, 5000, 8640, 100000]:
        for p in [.05 / (2 * n), 0.05, 0.01, 0.3]:
            out['t_isf'].append({'p': p, 'df': n - 2, 'value': f(scipy.stats.t.isf(p, n - 2))})
    for df in [0.5, 1, 1.5, 2.5]:
        out['t_isf'].append({'p': 0.001, 'df': df, 'value': f(scipy.stats.t.isf(0.001, df))})

    out['norm_cdf'] = [{'x': x, 'value': f(scipy.stats.norm.cdf(x))} for x in
                       [-8, -5, -3.3, -2, -1.2, -0.5, 0, 0.3, 1, 1.96, 2.5, 4, 7]]

    out['mackinnonp'] = [{'tau': t, 'value': f(mackinnonp(t, regression='c', N=1))} for t in
                         [-20, -18, -10, -5, -3.5, -2.86, -2, -1.61, -1.6, -1, 0, 1, 2.7, 3]]

    ks = []
    for n1, n2, shift, integer in [(20, 20, 0, False), (20, 20, 1.5, False), (50, 20, 1.0, False),
                                   (300, 60, 0.8, False), (300, 60, 0, False), (45, 30, 0.5, True),
                                   (120, 40, 2.0, True), (21, 37, 1.2, False), (500, 100, 0.3, False),
                                   (60, 60, 1.0, True), (1000, 200, 0.2, False), (25, 24, 3.0, False)]:
        a = rng.normal(0, 1, n1)
        b = rng.normal(shift, 1, n2)
        if integer:
            a = np.round(a * 2)
            b = np.round(b * 2)
        d, p = scipy.stats.ks_2samp(a, b)
        ks.append({'a': floats(a), 'b': floats(b), 'd': f(d), 'p': f(p)})
    out['ks_2samp'] = ks

    adf = []
    def adf_case(x, label):
        try:
            r = sm.tsa.stattools.adfuller(x, 10)
            adf.append({'label': label, 'x': floats(x), 'stat': f(r[0]), 'p': f(r[1]), 'usedlag': int(r[2]),
                        'nobs': int(r[3])})
        except Exception as err:
            adf.append({'label': label, 'x': floats(x), 'error': str(err)})
    adf_case(rng.normal(0, 1, 50), 'white noise 50')
    adf_case(np.cumsum(rng.normal(0, 1, 300)), 'random walk 300')
    ar = np.zeros(200)
    for i in range(1, 200):
        ar[i] = 0.6 * ar[i - 1] + rng.normal()
    adf_case(ar, 'AR(1) 0.6')
    adf_case(np.arange(60) * 0.5 + rng.normal(0, 1, 60), 'trend 60')
    adf_case(np.round(rng.normal(10, 3, 100)), 'integers 100')
    adf_case(rng.normal(0, 1, 24), 'white noise 24 (smallest allowed)')
    adf_case(rng.normal(0, 1, 23), 'white noise 23 (too short for maxlag 10)')
    adf_case(np.sin(np.arange(120) / 5.0) + rng.normal(0, 0.1, 120), 'sine 120')
    out['adfuller'] = adf

    ewm = []
    for n, kind in [(1, 'noise'), (2, 'noise'), (10, 'noise'), (300, 'noise'), (1440, 'noise'), (1440, 'constant'),
                    (500, 'integers'), (8640, 'noise')]:
        x = rng.normal(100, 10, n) if kind == 'noise' else (np.full(n, 3.3) if kind == 'constant' else np.round(rng.normal(5, 3, n)))
        s = pandas.Series(x)
        ewm.append({'x': floats(x), 'mean': f(s.ewm(com=50).mean().iloc[-1]), 'std': f(s.ewm(com=50).std().iloc[-1])})
    out['ewm'] = ewm

    sums = []
    for n in [1, 2, 7, 8, 9, 16, 127, 128, 129, 255, 1000, 1439, 1440, 8191, 8192, 8640, 10000]:
        x = rng.normal(1e6, 1e3, n) * rng.choice([1, 1e-3, 1e3], n)
        s = pandas.Series(x)
        sums.append({'x': floats(x), 'np_mean': f(np.mean(x)), 'np_std': f(np.std(x)), 'pd_mean': f(s.mean()),
                     'pd_std': f(s.std()), 'pd_median': f(s.median())})
    out['sums'] = sums

    hist = []
    for x in [rng.normal(0, 1, 1440), np.round(rng.normal(50, 10, 500)), np.full(30, 7.0),
              np.concatenate([rng.normal(0, 1, 200), [40.0]]), rng.uniform(0, 1, 16) * 0.1 + 1e9]:
        counts, edges = np.histogram(x, bins=15)
        hist.append({'x': floats(x), 'counts': [int(c) for c in counts], 'edges': floats(edges)})
    out['histogram'] = hist

    # numpy.linalg.lstsq([ts, 1], v) as Etsy's least_squares called it: short windows of epoch
    # timestamps are numerically rank 1 for LAPACK, which changes the fitted line and the vote.
    lsq = []
    for k in range(400):
        n = int(rng.choice([3, 5, 8, 12, 20, 30, 45, 61, 100, 150, 240]))
        step = int(rng.choice([1, 5, 10, 30, 60, 120]))
        end = 1700000000 + int(rng.randint(0, 1000000))
        x = np.array([end - step * (n - 1 - i) for i in range(n)], dtype=float)
        y = rng.normal(rng.uniform(-100, 1000), rng.uniform(0.1, 30), n)
        if rng.rand() < 0.5:
            y = y + rng.uniform(-1, 1) * (x - x[0]) * 0.01
        tail = rng.randint(1, 4)
        y[-tail:] += rng.choice([-1, 1]) * rng.uniform(0, 8) * y.std()
        y = np.array([float('%.7g' % v) for v in y])
        pts = [(t, v) for t, v in zip(x.tolist(), y.tolist())]
        lsq.append({'end': end, 'step': step, 'y': y.tolist(), 'vote': bool(etsy.least_squares(pts, end))})
    out['least_squares'] = lsq
    return out


# ---------------------------------------------------------------- Etsy's votes on generated series
NOW = 1700000000


def regular(n, step=60, end=NOW):
    return [end - step * (n - 1 - i) for i in range(n)]


def series_cases():
    cases = []

    def add(name, ts, vs, now=None, raw_order=None):
        points = [[int(t) if float(t).is_integer() else float(t), v] for t, v in zip(ts, vs)]
        if raw_order is not None:
            points = [points[i] for i in raw_order]
        cases.append({'name': name, 'points': points, 'now': now if now is not None else NOW + 30})

    def vals(a):
        # 7 significant digits keep the file small; the values are exact doubles either way.
        return [float('%.7g' % v) for v in a]

    def ints(a):
        return [int(v) for v in a]

    for k in range(4):
        base = rng.normal(100, 5, 1440)
        add('noisy %d' % k, regular(1440), vals(base))
        spike = base.copy(); spike[-1] += 60 + 20 * k
        add('spike last %d' % k, regular(1440), vals(spike))
        spike3 = base.copy(); spike3[-3:] += 40 + 10 * k
        add('spike tail %d' % k, regular(1440), vals(spike3))
        drop = base.copy(); drop[-3:] -= 50 + 10 * k
        add('drop tail %d' % k, regular(1440), vals(drop))
    for k, mult in enumerate([1, 3, 8]):
        x = rng.standard_cauchy(1440) * mult + 500
        add('heavy tails %d' % k, regular(1440), vals(x))
    add('flat', regular(1440), vals(np.full(1440, 42.0)))
    flat_spike = np.full(1440, 42.0); flat_spike[-1] = 90.0
    add('flat then spike', regular(1440), vals(flat_spike))
    flat_noise_end = np.full(1440, 5.0); flat_noise_end[-150:] += rng.normal(0, 1, 150)
    add('flat then noise', regular(1440), vals(flat_noise_end))
    zeros = np.zeros(1440); zeros[-1] = 3.0
    add('zeros then a value', regular(1440), vals(zeros))
    for n in [1, 2, 3, 4, 10, 25, 120]:
        add('short %d' % n, regular(n), vals(rng.normal(10, 2, n)))
    add('short spike 5', regular(5), [1.0, 1.2, 0.9, 1.1, 30.0])
    for k, lam in enumerate([0.3, 3, 40]):
        x = rng.poisson(lam, 1440)
        add('integers poisson %g' % lam, regular(1440), ints(x))
        x2 = x.copy(); x2[-2:] += int(10 + lam * 2)
        add('integers poisson %g spike' % lam, regular(1440), ints(x2))
    add('integers small range', regular(1440), ints(rng.randint(0, 3, 1440)))
    ts = np.cumsum(rng.uniform(10, 110, 1440)); ts = ts - ts[-1] + NOW
    add('irregular', ts, vals(rng.normal(0, 1, 1440)))
    x = rng.normal(0, 1, 1440); x[-1] = 9
    add('irregular spike', ts, vals(x))
    tr = np.arange(1440) * 0.05 + rng.normal(0, 1, 1440)
    add('trend', regular(1440), vals(tr))
    tr2 = tr.copy(); tr2[-3:] += 12
    add('trend step', regular(1440), vals(tr2))
    x = rng.normal(20, 2, 1440); x[-1] = 35
    order = rng.permutation(1440)
    add('unsorted spike', regular(1440), vals(x), raw_order=list(order))
    add('unsorted noisy', regular(1440), vals(rng.normal(20, 2, 1440)), raw_order=list(rng.permutation(1440)))
    # Duplicated timestamps: every 7th point written twice, the second write differing.
    base_ts = regular(1440)
    x = rng.normal(300, 30, 1440)
    dup_ts, dup_vs = [], []
    for i, (t, v) in enumerate(zip(base_ts, x)):
        dup_ts.append(t); dup_vs.append(float(v))
        if i % 7 == 0 or i == 1439:
            dup_ts.append(t); dup_vs.append(float(v + (500 if i == 1439 else rng.normal(0, 30))))
    add('duplicated timestamps', dup_ts, dup_vs)
    # 24 h at 60 s plus first-hour behaviour: the last hour levels off far from the first hour.
    lv = np.concatenate([rng.normal(10, 1, 1380), rng.normal(16, 1, 60)])
    add('level shift last hour', regular(1440), vals(lv))
    # Dense windows for ks_test: 10 s resolution over 2 h, probe shifted in the last 10 minutes.
    for k, (shift, noise) in enumerate([(0, 1), (3, 1), (1.5, 1), (6, 0.5)]):
        x = rng.normal(50, noise, 720); x[-60:] += shift
        add('dense shift %g' % shift, regular(720, step=10), vals(x))
    rw = np.cumsum(rng.normal(0, 1, 720)); rw[-60:] += 25
    add('dense random walk shift', regular(720, step=10), vals(rw))
    # 22 reference points (too few for ADF with maxlag 10) and a shifted dense probe.
    ref_ts = list(np.linspace(NOW - 3570, NOW - 630, 22).round())
    probe_ts = regular(40, step=15)
    x = list(rng.normal(5, 1, 22)) + list(rng.normal(20, 1, 40))
    add('ks with a short reference', ref_ts + probe_ts, vals(x))
    add('stale', regular(1440, end=NOW - 900), vals(rng.normal(1, 0.1, 1440)))
    add('now well after', regular(1440), vals(rng.normal(1, 0.1, 1440)), now=NOW + 499)
    small = rng.normal(0.001, 0.0002, 1440); small[-1] = 0.004
    add('small magnitudes spike', regular(1440), vals(small))
    big = rng.normal(5e9, 1e6, 1440); big[-3:] += 2e7
    add('large magnitudes spike', regular(1440), vals(big))
    add('long window 8640', regular(8640, step=10), vals(np.concatenate([rng.normal(0, 1, 8639), [7.0]])))
    # Near-threshold fuzz: shifts of 1-8 sigma on the last values, so detectors sit close to their
    # cut-offs and any difference in arithmetic shows up as a different vote.
    for k in range(200):
        n = int(rng.choice([5, 12, 30, 61, 100, 240, 600]))
        kind = rng.choice(['normal', 'integers', 'uniform', 'lognormal'])
        if kind == 'normal':
            x = rng.normal(rng.uniform(-50, 500), rng.uniform(0.1, 20), n)
        elif kind == 'integers':
            x = rng.poisson(rng.uniform(1, 30), n).astype(float)
        elif kind == 'uniform':
            x = rng.uniform(0, 10, n)
        else:
            x = rng.lognormal(1, 0.7, n)
        tail = int(rng.randint(1, 4))
        x[-tail:] += rng.choice([-1, 1]) * rng.uniform(1, 8) * (np.std(x) + 1e-9)
        if kind == 'integers':
            x = np.round(x)
        step = int(rng.choice([10, 30, 60]))
        add('fuzz %d %s n=%d' % (k, kind, n), regular(n, step=step), ints(x) if kind == 'integers' else vals(x),
            now=NOW + int(rng.randint(0, 400)))
    return cases


def judge(case):
    ts = etsy.sort_dedupe([(p[0], p[1]) for p in case['points']])
    verdict, ensemble, datapoint, error = etsy.run_selected_algorithm(ts, case['now'])
    out = {'verdict': verdict}
    if ensemble:
        out['votes'] = {name: (None if v is None else bool(v)) for name, v in zip(etsy.ALGORITHMS, ensemble)}
    if error:
        out['error'] = error
    return out


def main():
    with open(os.path.join(HERE, 'stats.json'), 'w') as fh:
        json.dump(stats_reference(), fh)
    cases = series_cases()
    for c in cases:
        c['expected'] = judge(c)
    with open(os.path.join(HERE, 'etsy-votes.json'), 'w') as fh:
        json.dump({'generator': 'generate.py', 'cases': cases}, fh)
    tally = {}
    for c in cases:
        tally[c['expected']['verdict']] = tally.get(c['expected']['verdict'], 0) + 1
    print('%d cases: %s' % (len(cases), tally), file=sys.stderr)


if __name__ == '__main__':
    main()
