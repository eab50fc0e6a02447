import { derived, type GSeries } from '../series.js';
import { input, seriesListParam, type Args, type FunctionDef, type ParamDef } from './types.js';

/** A Transform that maps each series' values to new ones and names the result `name(series,…)`. */
function pointwise(
  name: string,
  description: string,
  params: readonly ParamDef[],
  label: (s: GSeries, a: Args) => string,
  map: (values: Float64Array, a: Args) => Float64Array,
): FunctionDef {
  return {
    name,
    group: 'Transform',
    description,
    params: [seriesListParam, ...params],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) => derived(s, label(s, a), { values: map(s.values, a) })),
  };
}

/**
 * graphite-web's keepLastValue: a run of nulls after a value, at most `limit` long, repeats that
 * value; a longer run stays null (the gap is real), and so do nulls before the first value.
 */
function keepLast(values: Float64Array, limit: number): Float64Array {
  const out = Float64Array.from(values);
  let last = -1;
  for (let i = 0; i <= values.length; i++) {
    if (i < values.length && Number.isNaN(values[i])) continue;
    const run = i - last - 1;
    if (last >= 0 && run > 0 && run <= limit) out.fill(values[last], last + 1, i);
    last = i;
  }
  return out;
}

const name = (fn: string) => (s: GSeries) => `${fn}(${s.name})`;

export const pointwiseFunctions: FunctionDef[] = [
  pointwise(
    'transformNull',
    'Replaces every null with `default` (0 unless given).',
    [{ name: 'default', type: 'float', default: 0 }],
    (s, a) => `transformNull(${s.name},${a.default})`,
    (v, a) => v.map((x) => (Number.isNaN(x) ? (a.default as number) : x)),
  ),
  pointwise(
    'keepLastValue',
    'Fills a run of nulls with the value before it, when the run is at most `limit` points long (any length unless given).',
    [{ name: 'limit', type: 'integer' }],
    name('keepLastValue'),
    (v, a) => keepLast(v, typeof a.limit === 'number' ? a.limit : Infinity),
  ),
  pointwise('absolute', 'The absolute value of every point.', [], name('absolute'), (v) => v.map(Math.abs)),
  pointwise(
    'offset',
    'Adds `factor` to every value.',
    [{ name: 'factor', type: 'float', required: true }],
    (s, a) => `offset(${s.name},${a.factor})`,
    (v, a) => v.map((x) => x + (a.factor as number)),
  ),
  pointwise(
    'derivative',
    'The change since the previous point; null where either is null. For counters, nonNegativeDerivative handles resets.',
    [],
    name('derivative'),
    (v) => v.map((x, i) => (i === 0 ? NaN : x - v[i - 1])),
  ),
  pointwise(
    'integral',
    'The running sum of the values from the first point; nulls stay null and add nothing.',
    [],
    name('integral'),
    (v) => {
      let sum = 0;
      return v.map((x) => (Number.isNaN(x) ? NaN : (sum += x)));
    },
  ),
];
