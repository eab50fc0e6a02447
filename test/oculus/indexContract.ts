import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExcluded, type ShapeIndex } from '../../oculus/index/shapeIndex.js';
import type { ScorerName } from '../../oculus/search/scorer.js';
import type { Shape } from '../../oculus/shapes/shape.js';
import { bruteForce, metricBatches, noExclusions, shapesOf, type OpenIndex } from './fixtures.js';

const K = 10;

/** What every ShapeIndex backend must do; run against the embedded index and a real Elasticsearch. */
export function shapeIndexContract(name: string, open: OpenIndex, skip = false) {
  describe.skipIf(skip)(`ShapeIndex contract: ${name}`, () => {
    let index: ShapeIndex;
    const shapes = shapesOf(metricBatches(300));
    const queries = shapes.filter((s) => !s.flat).slice(0, 8);

    beforeAll(async () => {
      index = await open();
      await index.replace('1h', [shapes]);
    });
    afterAll(async () => {
      await index?.close();
    });

    it('counts and returns what was imported (values at float32 precision)', async () => {
      expect(await index.count('1h')).toBe(300);
      expect(await index.count('24h')).toBe(0);
      const got = (await index.get('1h', shapes[7].name))!;
      expect(got.name).toBe(shapes[7].name);
      expect(got.flat).toBe(false);
      got.z.forEach((v, i) => expect(v).toBeCloseTo(shapes[7].z[i], 5));
      got.raw.forEach((v, i) => expect(v).toBeCloseTo(shapes[7].raw[i], 3));
      expect(got.stats.mean).toBeCloseTo(shapes[7].stats.mean, 9);
      expect(await index.get('1h', 'no.such.metric')).toBeNull();
      expect(await index.get('24h', shapes[7].name)).toBeNull();
    });

    for (const scorer of ['euclidean', 'dtw', 'fastdtw'] as ScorerName[]) {
      it(`${scorer}: the top k equals an exact brute-force ranking`, async () => {
        for (const q of queries) {
          const exclude = { names: [q.name], segments: [] };
          const res = await index.search('1h', {
            shape: q,
            k: K,
            scoring: { scorer, band: 10, radius: 3 },
            exclude,
          });
          const truth = bruteForce(shapes, q, scorer, K, (n) => isExcluded(n, exclude));
          expect(res.hits.map((h) => h.shape.name)).toEqual(truth.map((t) => t.name));
          res.hits.forEach((h, i) => expect(h.score).toBeCloseTo(truth[i].score, 3));
        }
      });
    }

    it('leaves out the query itself and names with an excluded segment', async () => {
      const q = queries[1];
      const res = await index.search('1h', {
        shape: q,
        k: 50,
        scoring: { scorer: 'euclidean', band: 10, radius: 3 },
        exclude: { names: [q.name], segments: ['staging', 'svc1'] },
      });
      expect(res.hits.length).toBe(50);
      for (const h of res.hits) {
        expect(h.shape.name).not.toBe(q.name);
        expect(h.shape.name.split('.')).not.toContain('staging');
        expect(h.shape.name.split('.')).not.toContain('svc1');
      }
    });

    it('a flat query finds flat shapes, nearest level first', async () => {
      const flat = shapes.filter((s) => s.flat);
      const q = flat[3];
      const res = await index.search('1h', {
        shape: q,
        k: 3,
        scoring: { scorer: 'dtw', band: 10, radius: 3 },
        exclude: { names: [q.name], segments: [] },
      });
      expect(res.hits.every((h) => h.shape.flat)).toBe(true);
      const levels = res.hits.map((h) => h.shape.stats.mean);
      expect(levels.map((l) => Math.abs(l - q.stats.mean))).toEqual([25, 25, 50]);
    });

    it('a new import replaces the old contents entirely', async () => {
      const fresh: Shape[] = shapesOf(metricBatches(40, 99)).map((s) => ({ ...s, name: `fresh.${s.name}` }));
      await index.replace('1h', [fresh]);
      expect(await index.count('1h')).toBe(40);
      expect(await index.get('1h', shapes[7].name)).toBeNull();
      const q = fresh.find((s) => !s.flat)!;
      const res = await index.search('1h', {
        shape: q,
        k: 5,
        scoring: { scorer: 'euclidean', band: 10, radius: 3 },
        exclude: noExclusions,
      });
      expect(res.hits[0].shape.name).toBe(q.name);
      expect(res.hits[0].score).toBeCloseTo(0, 6);
      await index.replace('1h', [shapes]);
    });

    it('searching an empty window answers no hits', async () => {
      const res = await index.search('24h', {
        shape: queries[0],
        k: 5,
        scoring: { scorer: 'euclidean', band: 10, radius: 3 },
        exclude: noExclusions,
      });
      expect(res.hits).toEqual([]);
    });
  });
}
