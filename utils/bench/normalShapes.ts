import type { Series } from '../../core/store/store.js';
import { fnv1a } from '../../core/fnv1a.js';
import { gaussian, seededRandom } from '../seed/random.js';

/**
 * `kale bench quiet`: series whose every row is the metric's normal behaviour, the shapes ops metrics
 * take when nothing is wrong. A detector that pages on them cries wolf. Each is reproducible (one seed
 * per name) and starts at a midnight, UTC, so daily shapes line up with the day.
 */
type Shape = (random: () => number) => (i: number, t: number) => number;

const DAY = 86400;
const dayPhase = (t: number) => (t % DAY) / DAY;
/** Saturday or Sunday (1970-01-01 was a Thursday). */
const weekend = (t: number) => Math.floor(t / DAY + 3) % 7 >= 5;

export const NORMAL_SHAPES: Readonly<Record<string, { readonly what: string; readonly shape: Shape }>> = {
  gaussian: {
    what: 'white noise around a level: the reference, any page here is chance',
    shape: (r) => () => 100 + 5 * gaussian(r),
  },
  random_walk: {
    what: 'a level that wanders with no pull back (a queue, a balance)',
    shape: (r) => {
      let level = 0;
      return () => (level += gaussian(r));
    },
  },
  growth: {
    what: 'steady growth with noise (disk usage, users)',
    shape: (r) => (i) => 10 + 0.01 * i + 2 * gaussian(r),
  },
  integer_gauge: {
    what: 'a small integer that steps now and then (instances in a group, 2 to 6)',
    shape: (r) => {
      let count = 4;
      return () => {
        if (r() < 0.02) count = Math.min(6, Math.max(2, count + (r() < 0.5 ? -1 : 1)));
        return count;
      };
    },
  },
  cron_burst: {
    what: 'a job that runs for 30 minutes every 6 hours',
    shape: (r) => (_i, t) => (t % (6 * 3600) < 1800 ? 80 : 10) + gaussian(r),
  },
  daily_weekend: {
    what: 'a daily cycle, half as deep on Saturdays and Sundays',
    shape: (r) => (_i, t) =>
      50 + (weekend(t) ? 10 : 25) * Math.sin(2 * Math.PI * dayPhase(t)) + 2 * gaussian(r),
  },
  missed_scrapes: {
    what: 'a daily cycle where 1 % of rows read 0 (a scrape or a flush that missed)',
    shape: (r) => (_i, t) =>
      r() < 0.01 ? 0 : 100 + 30 * Math.sin(2 * Math.PI * dayPhase(t)) + 5 * gaussian(r),
  },
  latency: {
    what: 'a heavy-tailed latency (lognormal) with a daily cycle',
    shape: (r) => (_i, t) => Math.exp(3 + 0.5 * Math.sin(2 * Math.PI * dayPhase(t)) + gaussian(r)),
  },
  bimodal: {
    what: 'a gauge flipping between about 0 and 100 (a CPU busy or idle)',
    shape: (r) => {
      let busy = false;
      return () => {
        if (r() < 0.02) busy = !busy;
        return (busy ? 100 : 0) + Math.abs(gaussian(r));
      };
    },
  },
  bursty_count: {
    what: 'a count with median 1 and bursts of about 50x in 1 % of rows',
    shape: (r) => () => {
      const base = Math.floor(-Math.log(1 - r()) * 1.44);
      return r() < 0.01 ? 50 * (1 + base) : base;
    },
  },
  daily_reset: {
    what: 'a counter that climbs all day and resets at midnight (requests today)',
    shape: (r) => (_i, t) => 100 * dayPhase(t) + gaussian(r),
  },
  irregular_reset: {
    what: 'a fill that is purged every 12 to 36 hours (a spool, a cache)',
    shape: (r) => {
      let filled = 0;
      let purgeAt = DAY;
      return (i, t) => {
        if (i === 0) filled = t;
        if (t - filled >= purgeAt) {
          filled = t;
          purgeAt = (0.5 + r()) * DAY;
        }
        return (100 * (t - filled)) / (1.5 * DAY) + gaussian(r);
      };
    },
  },
};

export const NORMAL_SHAPE_NAMES = Object.keys(NORMAL_SHAPES);

/** Midnight UTC, a Monday: weekly shapes start their week there. */
const START = 1_700_438_400;

/** `rows` points of the named shape, one every `step` seconds, from a Monday midnight UTC. */
export function normalSeries(name: string, rows: number, step: number): Series {
  const entry = NORMAL_SHAPES[name];
  if (!entry) throw new Error(`unknown shape "${name}"`);
  const value = entry.shape(seededRandom(fnv1a(name)));
  const timestamps = new Float64Array(rows);
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    timestamps[i] = START + i * step;
    values[i] = value(i, timestamps[i]);
  }
  return { timestamps, values };
}
