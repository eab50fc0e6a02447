#!/usr/bin/python3
"""
Times the Python reference of Etsy's analyzer (etsy_algorithms.py: the original algorithms on today's
numpy/scipy/pandas/statsmodels) per metric, on the same kind of series `kale bench analyzer` uses, so
the speed-up can be measured on the same box under the same load:

    /usr/bin/python3 test/analyzer/reference/time_etsy.py 1440 200
"""
import math
import sys
import time
import warnings

import etsy_algorithms as etsy

warnings.simplefilter('ignore')


def series(k, points, now):
    # The same shape as utils/bench/analyzerBench.ts makeSeries (not the same random numbers).
    import random
    rnd = random.Random(k)
    level = 10 + (k % 97) * 3
    out = []
    for i in range(points):
        v = level + 5 * math.sin(i / 30) + (rnd.random() + rnd.random() + rnd.random() - 1.5) * 4
        out.append((now - 60 * (points - 1 - i), round(v * 1000) / 1000))
    if k % 50 == 0:
        out[-1] = (out[-1][0], out[-1][1] + 80)
    return out


def main():
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 1440
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    now = 1700000000
    data = [series(k, points, now) for k in range(sample)]
    etsy.run_selected_algorithm(data[0], now + 30)  # warm imports and caches
    c0, w0 = time.process_time(), time.perf_counter()
    for s in data:
        etsy.run_selected_algorithm(s, now + 30)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    print('etsy python points=%d sample=%d wall_ms_per_metric=%.3f cpu_ms_per_metric=%.3f load_average_1m=%.2f'
          % (points, sample, wall * 1000 / sample, cpu * 1000 / sample, __import__('os').getloadavg()[0]))


if __name__ == '__main__':
    main()
