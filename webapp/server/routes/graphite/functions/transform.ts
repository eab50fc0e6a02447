import { derived, type Aggregate, type GSeries } from '../series.js';
import { input, seriesListParam, type FunctionDef } from './types.js';

/**
 * graphite-web's `_nonNegativeDelta`: the rise since the previous value; a fall is a counter reset
 * (null), or a wrap past `maxValue` when one is given; a null in between starts over.
 */
function nonNegativeDeltas(s: GSeries, maxValue: number | null, minValue: number | null): Float64Array {
  const out = new Float64Array(s.values.length);
  let prev = NaN;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if ((maxValue !== null && v > maxValue) || (minValue !== null && v < minValue)) {
      out[i] = NaN;
      prev = NaN;
      continue;
    }
    if (Number.isNaN(prev) || Number.isNaN(v)) out[i] = NaN;
    else if (v >= prev) out[i] = v - prev;
    else if (maxValue !== null) out[i] = maxValue + 1 + v - prev;
    else if (minValue !== null) out[i] = v - minValue;
    else out[i] = NaN;
    prev = v;
  }
  return out;
}

const optionalNumber = (v: unknown) => (typeof v === 'number' ? v : null);

export const transformFunctions: FunctionDef[] = [
  {
    name: 'scale',
    group: 'Transform',
    description: 'Multiplies every value by `factor`.',
    params: [seriesListParam, { name: 'factor', type: 'float', required: true }],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) =>
        derived(s, `scale(${s.name},${a.factor})`, { values: s.values.map((v) => v * (a.factor as number)) }),
      ),
  },
  {
    name: 'perSecond',
    group: 'Transform',
    description:
      'A counter as its rise per second between points; a fall (a reset) is null unless `maxValue` says where it wraps.',
    params: [seriesListParam, { name: 'maxValue', type: 'float' }, { name: 'minValue', type: 'float' }],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) => {
        const d = nonNegativeDeltas(s, optionalNumber(a.maxValue), optionalNumber(a.minValue));
        return derived(s, `perSecond(${s.name})`, { values: d.map((v) => v / s.step) });
      }),
  },
  {
    name: 'nonNegativeDerivative',
    group: 'Transform',
    description:
      'A counter as its rise between points; a fall (a reset) is null unless `maxValue` says where it wraps.',
    params: [seriesListParam, { name: 'maxValue', type: 'float' }, { name: 'minValue', type: 'float' }],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) =>
        derived(s, `nonNegativeDerivative(${s.name})`, {
          values: nonNegativeDeltas(s, optionalNumber(a.maxValue), optionalNumber(a.minValue)),
        }),
      ),
  },
  {
    name: 'consolidateBy',
    group: 'Special',
    description:
      'How maxDataPoints merges points of the series when there are more than the panel can show (average by default).',
    params: [
      seriesListParam,
      {
        name: 'consolidationFunc',
        type: 'string',
        required: true,
        options: ['average', 'sum', 'min', 'max', 'first', 'last'],
      },
    ],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) =>
        derived(s, `consolidateBy(${s.name},"${a.consolidationFunc}")`, {
          consolidate: a.consolidationFunc as Aggregate,
        }),
      ),
  },
];
