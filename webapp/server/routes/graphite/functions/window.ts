import { parseInterval } from '../time.js';
import { AGGREGATES, derived, resample, type Aggregate } from '../series.js';
import { input, seriesListParam, type FunctionDef } from './types.js';

export const windowFunctions: FunctionDef[] = [
  {
    name: 'summarize',
    group: 'Transform',
    description:
      'One point per `intervalString` (e.g. "1h"), aggregated by `func` (sum by default); buckets start at multiples of the interval, or at `from` with alignToFrom.',
    params: [
      seriesListParam,
      { name: 'intervalString', type: 'interval', required: true },
      { name: 'func', type: 'aggFunc', default: 'sum', options: AGGREGATES },
      { name: 'alignToFrom', type: 'boolean', default: false },
    ],
    run: async (ctx, a) => {
      const interval = parseInterval(a.intervalString as string);
      const func = (a.func ?? 'sum') as Aggregate;
      const aligned = a.alignToFrom === true;
      return (await input(a, ctx)).map((s) => {
        const end = s.start + s.values.length * s.step;
        const start = aligned ? s.start : s.start - (s.start % interval);
        const last = aligned ? end : end - (end % interval) + interval;
        const length = Math.max(0, Math.ceil((last - start) / interval));
        ctx.spend(length);
        const name = `summarize(${s.name}, "${a.intervalString}", "${func}"${aligned ? ', true' : ''})`;
        return derived(s, name, {
          start,
          step: interval,
          values: resample(s, start, interval, length, func),
          tags: { ...s.tags, name, summarize: String(a.intervalString), summarizeFunction: func },
        });
      });
    },
  },
  {
    name: 'movingAverage',
    group: 'Calculate',
    description:
      'Each point becomes the average of the `windowSize` points before it (a count, or an interval such as "5min"); earlier points are read so the first window is full.',
    params: [
      seriesListParam,
      { name: 'windowSize', type: 'intOrInterval', required: true },
      { name: 'xFilesFactor', type: 'float' },
    ],
    run: async (ctx, a) => {
      const size = a.windowSize as number | string;
      const xff = typeof a.xFilesFactor === 'number' ? a.xFilesFactor : 0;
      // A count of points needs the step first: graphite-web reads twice as well.
      const seconds =
        typeof size === 'string'
          ? parseInterval(size)
          : size * Math.max(1, ...(await input(a, ctx)).map((s) => s.step));
      const label = typeof size === 'string' ? `"${size}"` : String(size);
      return (await input(a, ctx.withFrom(ctx.from - seconds))).map((s) => {
        const points = typeof size === 'string' ? Math.max(1, Math.floor(seconds / s.step)) : size;
        const skip = Math.max(0, Math.floor((ctx.from - s.start) / s.step) + 1);
        const values = new Float64Array(Math.max(0, s.values.length - skip));
        // A running sum over the window: a window of any size costs one pass.
        let sum = 0;
        let n = 0;
        for (let i = 0; i < s.values.length; i++) {
          if (i >= skip) values[i - skip] = n > 0 && n / points >= xff ? sum / n : NaN;
          if (!Number.isNaN(s.values[i])) {
            sum += s.values[i];
            n++;
          }
          const leaving = i - points;
          if (leaving >= 0 && !Number.isNaN(s.values[leaving])) {
            sum -= s.values[leaving];
            n--;
          }
        }
        return derived(s, `movingAverage(${s.name},${label})`, { start: s.start + skip * s.step, values });
      });
    },
  },
];
