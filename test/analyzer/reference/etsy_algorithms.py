"""
Etsy Skyline's analyzer algorithms (skyline/src/analyzer/algorithms.py, 2013) ported to Python 3 and
today's libraries with their semantics unchanged, as the reference the `etsy` preset is checked
against:

- pandas.stats.moments.ewma/ewmstd(com=50)  -> Series.ewm(com=50).mean()/.std() (same adjusted weights)
- Series.iget(-1)                            -> Series.iloc[-1]
- scipy.array / scipy.std                    -> numpy.array / numpy.std (scipy re-exported numpy's)
- time()                                     -> the `now` argument (the clock is given, not read)

Everything else (population vs sample std, tail_avg, the histogram loop, round(), the KS windows, the
ADF call, MAD returning None when not triggered, the consensus count) is as Etsy wrote it.
"""
import numpy as np
import pandas
import scipy.stats
import statsmodels.api as sm

ALGORITHMS = [
    'first_hour_average',
    'mean_subtraction_cumulation',
    'stddev_from_average',
    'stddev_from_moving_average',
    'least_squares',
    'grubbs',
    'histogram_bins',
    'median_absolute_deviation',
    'ks_test',
]
CONSENSUS = 6
FULL_DURATION = 86400
MIN_TOLERABLE_LENGTH = 1
MAX_TOLERABLE_BOREDOM = 100
BOREDOM_SET_SIZE = 1
STALE_PERIOD = 500


class TooShort(Exception):
    pass


class Stale(Exception):
    pass


class Boring(Exception):
    pass


def tail_avg(timeseries):
    try:
        t = (timeseries[-1][1] + timeseries[-2][1] + timeseries[-3][1]) / 3
        return t
    except IndexError:
        return timeseries[-1][1]


def median_absolute_deviation(timeseries, now):
    series = pandas.Series([x[1] for x in timeseries])
    median = series.median()
    demedianed = np.abs(series - median)
    median_deviation = demedianed.median()
    if median_deviation == 0:
        return False
    test_statistic = demedianed.iloc[-1] / median_deviation
    if test_statistic > 6:
        return True


def grubbs(timeseries, now):
    series = np.array([x[1] for x in timeseries])
    stdDev = np.std(series)
    mean = np.mean(series)
    tail_average = tail_avg(timeseries)
    z_score = (tail_average - mean) / stdDev
    len_series = len(series)
    threshold = scipy.stats.t.isf(.05 / (2 * len_series), len_series - 2)
    threshold_squared = threshold * threshold
    grubbs_score = ((len_series - 1) / np.sqrt(len_series)) * np.sqrt(threshold_squared / (len_series - 2 + threshold_squared))
    return z_score > grubbs_score


def first_hour_average(timeseries, now):
    last_hour_threshold = now - (FULL_DURATION - 3600)
    series = pandas.Series([x[1] for x in timeseries if x[0] < last_hour_threshold], dtype=float)
    mean = (series).mean()
    stdDev = (series).std()
    t = tail_avg(timeseries)
    return abs(t - mean) > 3 * stdDev


def stddev_from_average(timeseries, now):
    series = pandas.Series([x[1] for x in timeseries])
    mean = series.mean()
    stdDev = series.std()
    t = tail_avg(timeseries)
    return abs(t - mean) > 3 * stdDev


def stddev_from_moving_average(timeseries, now):
    series = pandas.Series([x[1] for x in timeseries])
    expAverage = series.ewm(com=50).mean()
    stdDev = series.ewm(com=50).std()
    return abs(series.iloc[-1] - expAverage.iloc[-1]) > 3 * stdDev.iloc[-1]


def mean_subtraction_cumulation(timeseries, now):
    series = pandas.Series([x[1] if x[1] else 0 for x in timeseries])
    series = series - series[0:len(series) - 1].mean()
    stdDev = series[0:len(series) - 1].std()
    return abs(series.iloc[-1]) > 3 * stdDev


def least_squares(timeseries, now):
    x = np.array([t[0] for t in timeseries])
    y = np.array([t[1] for t in timeseries])
    A = np.vstack([x, np.ones(len(x))]).T
    m, c = np.linalg.lstsq(A, y, rcond=-1)[0]
    errors = []
    for i, value in enumerate(y):
        projected = m * x[i] + c
        error = value - projected
        errors.append(error)
    if len(errors) < 3:
        return False
    std_dev = np.std(errors)
    t = (errors[-1] + errors[-2] + errors[-3]) / 3
    return abs(t) > std_dev * 3 and round(std_dev) != 0 and round(t) != 0


def histogram_bins(timeseries, now):
    series = np.array([x[1] for x in timeseries])
    t = tail_avg(timeseries)
    h = np.histogram(series, bins=15)
    bins = h[1]
    for index, bin_size in enumerate(h[0]):
        if bin_size <= 20:
            if index == 0:
                if t <= bins[0]:
                    return True
            elif t >= bins[index] and t < bins[index + 1]:
                return True
    return False


def ks_test(timeseries, now):
    hour_ago = now - 3600
    ten_minutes_ago = now - 600
    reference = np.array([x[1] for x in timeseries if x[0] >= hour_ago and x[0] < ten_minutes_ago])
    probe = np.array([x[1] for x in timeseries if x[0] >= ten_minutes_ago])
    if reference.size < 20 or probe.size < 20:
        return False
    ks_d, ks_p_value = scipy.stats.ks_2samp(reference, probe)
    if ks_p_value < 0.05 and ks_d > 0.5:
        adf = sm.tsa.stattools.adfuller(reference, 10)
        if adf[1] < 0.05:
            return True
    return False


def run_selected_algorithm(timeseries, now):
    """Returns (verdict, ensemble, datapoint, error); the exceptions become verdict strings."""
    if len(timeseries) < MIN_TOLERABLE_LENGTH:
        return 'TooShort', None, None, None
    if now - timeseries[-1][0] > STALE_PERIOD:
        return 'Stale', None, timeseries[-1][1], None
    if len(set(item[1] for item in timeseries[-MAX_TOLERABLE_BOREDOM:])) == BOREDOM_SET_SIZE:
        return 'Boring', None, timeseries[-1][1], None
    try:
        ensemble = [globals()[algorithm](timeseries, now) for algorithm in ALGORITHMS]
        threshold = len(ensemble) - CONSENSUS
        if ensemble.count(False) <= threshold:
            return 'anomalous', ensemble, timeseries[-1][1], None
        return 'normal', ensemble, timeseries[-1][1], None
    except Exception as err:  # Etsy: logging.error("Algorithm error"); return False, [], 1
        return 'normal', [], 1, '%s: %s' % (type(err).__name__, err)


def sort_dedupe(points):
    """Kale's reader contract: sort by timestamp, the last write for a timestamp wins."""
    latest = {}
    for ts, v in points:
        latest[ts] = v
    return [(ts, latest[ts]) for ts in sorted(latest)]
