import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanPool } from '../../oculus/index/scanPool.js';
import { TableBuilder } from '../../oculus/index/tableBuilder.js';
import { searchTable } from '../../oculus/index/tableSearch.js';
import { ShapeScorer, type ScorerName } from '../../oculus/search/scorer.js';
import type { Shape } from '../../oculus/shapes/shape.js';
import { metricBatches, shapesOf } from './fixtures.js';

describe('a scan split over worker threads', () => {
  const pool = new ScanPool({ threads: 3, parallelFromRows: 0 });
  afterAll(() => pool.close());
  // Every shape twice under another name: ties at equal scores must resolve as one thread would.
  const base = shapesOf(metricBatches(1500, 5));
  const shapes: Shape[] = [...base, ...base.map((s) => ({ ...s, name: `copy.${s.name}` }))];
  const builder = new TableBuilder('1h', 60, 60, 16);
  for (const s of shapes) builder.add(s);
  const table = builder.build();
  const queries = base.filter((s) => !s.flat).slice(0, 12);
  // Workers start on first use (under tsx, slowly): warm them so they take part from the first test.
  beforeAll(() =>
    searchTable(
      table,
      {
        shape: queries[0],
        k: 5,
        scoring: { scorer: 'euclidean', band: 10, radius: 3 },
        exclude: { names: [], segments: [] },
      },
      pool,
    ),
  );

  for (const scorer of ['euclidean', 'dtw'] as ScorerName[]) {
    it(`${scorer}: every score is the row's exact distance and the scores are brute force's, ties included`, async () => {
      for (const q of queries) {
        const scoring = { scorer, band: 10, radius: 3 };
        // Brute force: every row scored alone (for DTW the scalar cdtw; the scan pairs rows in wasm).
        const s = new ShapeScorer(q.z, q.paa, scoring);
        const exact = new Map(
          shapes
            .map(
              (c, row) =>
                [c.name, c.flat || c.name === q.name ? Infinity : s.exactAt(table.z, row * 60)] as const,
            )
            .filter(([, score]) => score < Infinity),
        );
        const truth = [...exact.values()].sort((a, b) => a - b).slice(0, 15);
        // Seeds chosen among every row, and among a sample of them (every 100th row; every 3,000th).
        for (const [p, seedSample] of [
          [undefined, undefined],
          [pool, undefined],
          [undefined, 30],
          [pool, 30],
          [pool, 1],
        ] as const) {
          const res = await searchTable(
            table,
            { shape: q, k: 15, scoring, exclude: { names: [q.name], segments: [] } },
            p,
            seedSample,
          );
          expect(res.hits.map((h) => h.score)).toEqual(truth);
          for (const h of res.hits) expect(exact.get(h.shape.name)).toBe(h.score);
        }
      }
    });

    it(`${scorer}: answers exactly what a single thread answers, ties included, every time`, async () => {
      for (const q of queries) {
        const query = {
          shape: q,
          k: 15,
          scoring: { scorer, band: 10, radius: 3 },
          exclude: { names: [q.name], segments: ['staging'] },
        };
        const single = await searchTable(table, query);
        for (let round = 0; round < 3; round++) {
          const split = await searchTable(table, query, pool);
          expect(split.hits.map((h) => [h.shape.name, h.score])).toEqual(
            single.hits.map((h) => [h.shape.name, h.score]),
          );
        }
      }
    });
  }
});
