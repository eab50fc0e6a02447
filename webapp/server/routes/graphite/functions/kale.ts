import { derived } from '../series.js';
import { input, seriesListParam, type FunctionDef } from './types.js';

export const kaleFunctions: FunctionDef[] = [
  {
    name: 'anomalies',
    group: 'Kale',
    description:
      "Kale's anomaly score (0 to 1) of each series' metrics at each point: the highest score the analyzer recorded in that point's slot, 0 where it recorded none, null where the series has no value.",
    params: [seriesListParam],
    run: async (ctx, a) => {
      const list = await input(a, ctx);
      const byMetric = new Map<string, Array<{ ts: number; score: number }>>();
      for (const r of await ctx.records()) {
        const rows = byMetric.get(r.metric) ?? [];
        rows.push({ ts: r.timestamp, score: r.score });
        byMetric.set(r.metric, rows);
      }
      return list.map((s) => {
        const values = s.values.map((v) => (Number.isNaN(v) ? NaN : 0));
        for (const m of s.metrics) {
          for (const { ts, score } of byMetric.get(m) ?? []) {
            const j = Math.floor((ts - s.start) / s.step);
            if (j >= 0 && j < values.length && !(values[j] >= score)) values[j] = score;
          }
        }
        return derived(s, `anomalies(${s.name})`, { values, consolidate: 'max' });
      });
    },
  },
];
