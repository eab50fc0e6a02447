import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import { metricBatches, shapesOf } from './fixtures.js';
import { shapeIndexContract } from './indexContract.js';

shapeIndexContract('embedded, in memory', async () => new EmbeddedShapeIndex(null, 16));
shapeIndexContract(
  'embedded, scan split over threads',
  async () => new EmbeddedShapeIndex(null, 16, { threads: 3, parallelFromRows: 0 }),
);
shapeIndexContract(
  'embedded, on disk',
  async () => new EmbeddedShapeIndex(fs.mkdtempSync(path.join(os.tmpdir(), 'kale-oculus-')), 16),
);

describe('embedded index search', () => {
  it('prunes by PAA lower bounds: far fewer exact distances than shapes', async () => {
    const index = new EmbeddedShapeIndex(null, 16);
    const shapes = shapesOf(metricBatches(2000));
    await index.replace('1h', [shapes]);
    for (const scorer of ['euclidean', 'dtw'] as const) {
      const res = await index.search('1h', {
        shape: shapes[0],
        k: 5,
        scoring: { scorer, band: 10, radius: 3 },
        exclude: { names: [], segments: [] },
      });
      expect(res.hits[0].shape.name).toBe(shapes[0].name);
      expect(res.examined).toBeLessThan(shapes.length / 2);
    }
  });
});

describe('embedded index files', () => {
  it('another process (a second instance on the same directory) sees each new import', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-oculus-'));
    const writer = new EmbeddedShapeIndex(dir, 16);
    const reader = new EmbeddedShapeIndex(dir, 16);
    expect(await reader.count('1h')).toBe(0);
    const shapes = shapesOf(metricBatches(30));
    await writer.replace('1h', [shapes]);
    expect(await reader.count('1h')).toBe(30);
    expect((await reader.get('1h', shapes[2].name))!.stats.mean).toBeCloseTo(shapes[2].stats.mean, 9);
    await writer.replace('1h', [shapes.slice(0, 5)]);
    expect(await reader.count('1h')).toBe(5);
    expect(fs.readdirSync(path.join(dir, 'oculus'))).toEqual(['shapes-1h.bin']);
  });
});
