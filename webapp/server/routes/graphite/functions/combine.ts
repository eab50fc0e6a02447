import { resample, type GSeries } from '../series.js';
import { pathExpressions, type FunctionDef, type SeriesArg } from './types.js';

/** The least common multiple of the inputs' steps, capped at 1000 × the widest (then the widest). */
function commonStep(list: readonly GSeries[]): number {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const widest = Math.max(...list.map((s) => s.step));
  const lcm = list.reduce((m, s) => (m / gcd(m, s.step)) * s.step, 1);
  return lcm <= widest * 1000 ? lcm : widest;
}

/** Point by point over the non-null values of every series, on one grid: null where all are null. */
function combine(name: string, fold: (xs: number[]) => number, aggregatedBy: string): FunctionDef {
  return {
    name, group: 'Combine', description: `One series: the ${aggregatedBy} of the lists' series at each point, ignoring nulls.`,
    params: [{ name: 'seriesLists', type: 'seriesList', required: true, multiple: true }],
    run: async (ctx, a) => {
      const list = await (a.seriesLists as SeriesArg)(ctx);
      if (list.length === 0) return [];
      const step = commonStep(list);
      const start = Math.floor(Math.min(...list.map((s) => s.start)) / step) * step;
      const end = Math.max(...list.map((s) => s.start + s.values.length * s.step));
      const length = Math.ceil((end - start) / step);
      const columns = list.map((s) => (s.step === step && s.start === start ? s.values : resample(s, start, step, length, s.consolidate)));
      const values = new Float64Array(length);
      const present: number[] = [];
      for (let j = 0; j < length; j++) {
        present.length = 0;
        for (const c of columns) if (j < c.length && !Number.isNaN(c[j])) present.push(c[j]);
        values[j] = present.length ? fold(present) : NaN;
      }
      const label = `${name}(${pathExpressions(list)})`;
      return [{
        name: label, pathExpression: label, tags: { name: label, aggregatedBy }, start, step, values,
        metrics: [...new Set(list.flatMap((s) => s.metrics))], consolidate: list[0].consolidate,
      }];
    },
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export const combineFunctions: FunctionDef[] = [
  combine('sumSeries', sum, 'sum'),
  combine('averageSeries', (xs) => sum(xs) / xs.length, 'average'),
  combine('maxSeries', (xs) => Math.max(...xs), 'max'),
  combine('minSeries', (xs) => Math.min(...xs), 'min'),
];
