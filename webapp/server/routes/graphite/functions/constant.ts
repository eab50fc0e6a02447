import type { FunctionDef } from './types.js';

export const constantFunctions: FunctionDef[] = [
  {
    // Grafana's "Save & test" renders constantLine(100): without it the datasource reads as broken.
    name: 'constantLine',
    group: 'Special',
    description: 'A flat line at `value` across the range (three points, as graphite-web draws it).',
    params: [{ name: 'value', type: 'float', required: true }],
    run: async (ctx, a) => {
      const value = a.value as number;
      const start = Math.floor(ctx.from);
      const step = Math.max(1, Math.floor((ctx.until - ctx.from) / 2));
      const name = String(value);
      return [
        {
          name,
          pathExpression: name,
          tags: { name },
          start,
          step,
          values: Float64Array.of(value, value, value),
          metrics: [],
          consolidate: 'average',
        },
      ];
    },
  },
];
