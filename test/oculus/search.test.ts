import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { ShapeQueryError, UnknownMetricError } from '../../oculus/errors.js';
import { importShapes } from '../../oculus/importer.js';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import { resolveSearchOptions } from '../../oculus/search/options.js';
import { searchByValues, searchSimilar } from '../../oculus/search/searchShapes.js';
import { configSchema } from '../../core/config/schema.js';
import { metricBatches, T0 } from './fixtures.js';

async function setup() {
  const store = EmbeddedStore.open();
  const batches = metricBatches(100);
  await store.append(batches);
  const index = new EmbeddedShapeIndex(null, 16);
  const config = configSchema.parse({ oculus: { paaDims: 16 } });
  const imported = await importShapes(config, store, index);
  return { store, index, batches, imported, deps: { store, index, paaDims: 16 } };
}

describe('similarity search', () => {
  it('the importer indexes every metric with enough data, per window, and counts flat ones', async () => {
    const { imported, store } = await setup();
    const oneHour = imported.windows.find((w) => w.window === '1h')!;
    expect(oneHour).toMatchObject({ metrics: 100, indexed: 100, flat: 4, skipped: 0 });
    // One hour of points is too little of a day to have a 24 h shape.
    expect(imported.windows.find((w) => w.window === '24h')).toMatchObject({ indexed: 0, skipped: 100 });
    await store.close();
  });

  it('by name: ranked matches with distances, values to plot and the query itself left out', async () => {
    const { deps, batches, store } = await setup();
    const name = batches[0].name;
    const res = await searchSimilar(deps, name, { k: '5', scorer: 'dtw' });
    expect(res.backend).toBe('embedded');
    expect(res.query.name).toBe(name);
    expect(res.query.z).toHaveLength(60);
    expect(res.matches).toHaveLength(5);
    expect(res.matches.map((m) => m.name)).not.toContain(name);
    const d = res.matches.map((m) => m.distance);
    expect([...d].sort((a, b) => a - b)).toEqual(d);
    expect(res.matches[0]).toMatchObject({ kind: 'metric', step: 60, flat: false });
    expect(res.matches[0].values).toHaveLength(60);
    expect(res.options).toMatchObject({ k: 5, scorer: 'dtw', window: '1h', band: 10 });
    await store.close();
  });

  it('a metric in the Store but not yet indexed is searched from its stored window', async () => {
    const { deps, store } = await setup();
    await store.append([
      {
        name: 'late.arrival',
        points: Array.from(
          { length: 60 },
          (_, i) => [T0 - 3600 + i * 60, Math.sin(i / 5)] as [number, number],
        ),
      },
    ]);
    const res = await searchSimilar(deps, 'late.arrival', { k: 3 });
    expect(res.matches).toHaveLength(3);
    await store.close();
  });

  it('unknown metrics, and metrics with too little data, are clear errors', async () => {
    const { deps, store } = await setup();
    await expect(searchSimilar(deps, 'no.such.metric')).rejects.toThrow(UnknownMetricError);
    await expect(searchSimilar(deps, 'no.such.metric')).rejects.toThrow('unknown metric "no.such.metric"');
    await store.append([
      {
        name: 'sparse',
        points: [
          [T0, 1],
          [T0 + 60, 2],
        ],
      },
    ]);
    await expect(searchSimilar(deps, 'sparse')).rejects.toThrow(ShapeQueryError);
    await store.close();
  });

  it('a drawn shape: any length, gaps as null, stretched onto the window', async () => {
    const { deps, store, batches } = await setup();
    const target = batches[10].points.map((p) => p[1]);
    const drawn = target.filter((_, i) => i % 2 === 0).map((v, i) => (i === 3 ? null : v)) as number[];
    const res = await searchByValues(deps, drawn, { k: 3 });
    expect(res.query.name).toBeNull();
    expect(res.matches[0].name).toBe(batches[10].name);
    await expect(searchByValues(deps, [1])).rejects.toThrow(ShapeQueryError);
    await expect(searchByValues(deps, [null, null] as unknown as number[])).rejects.toThrow(
      'no finite number',
    );
    await expect(searchByValues(deps, ['a', 2] as unknown as number[])).rejects.toThrow(
      'every value must be a number',
    );
    await store.close();
  });

  it('a flat metric is matched by level to other flat metrics', async () => {
    const { deps, store, batches } = await setup();
    const res = await searchSimilar(deps, batches[24].name, { k: 2 });
    expect(res.query.flat).toBe(true);
    expect(res.matches.map((m) => m.name)).toEqual([batches[49].name, batches[74].name]);
    expect(res.matches[0].distance).toBe(25);
    await store.close();
  });

  it('name-segment exclusions', async () => {
    const { deps, store, batches } = await setup();
    const res = await searchSimilar(deps, batches[0].name, { k: 30, exclude: 'staging, svc2' });
    expect(res.matches.length).toBe(30);
    expect(res.matches.every((m) => !m.name.includes('.staging.') && !m.name.startsWith('svc2.'))).toBe(true);
    await store.close();
  });

  it('searches saved collections, alone or with metrics', async () => {
    const { deps, store, batches } = await setup();
    await store.saveCollection({
      id: 'c1',
      title: 'the incident',
      description: 'd',
      metric: batches[5].name,
      points: batches[5].points,
      createdAt: T0,
    });
    const only = await searchSimilar(deps, batches[5].name, { over: 'collections', k: 5 });
    expect(only.matches).toHaveLength(1);
    expect(only.matches[0]).toMatchObject({
      kind: 'collection',
      name: batches[5].name,
      collection: { id: 'c1', title: 'the incident' },
    });
    expect(only.matches[0].distance).toBeCloseTo(0, 5);
    const all = await searchSimilar(deps, batches[5].name, { over: 'all', k: 3 });
    expect(all.matches[0].kind).toBe('collection');
    expect(all.matches.slice(1).every((m) => m.kind === 'metric')).toBe(true);
    await store.close();
  });

  it('options are validated with messages naming the option', () => {
    expect(resolveSearchOptions({})).toMatchObject({
      k: 20,
      scorer: 'euclidean',
      window: '1h',
      over: 'metrics',
      exclude: [],
    });
    expect(() => resolveSearchOptions({ k: 0 })).toThrow('k: expected an integer from 1 to 500');
    expect(() => resolveSearchOptions({ k: '2.5' })).toThrow(ShapeQueryError);
    expect(() => resolveSearchOptions({ scorer: 'cosine' })).toThrow(
      'scorer: expected one of euclidean, dtw, fastdtw',
    );
    expect(() => resolveSearchOptions({ window: '7d' })).toThrow('window: expected 1h or 24h');
    expect(() => resolveSearchOptions({ band: -1 })).toThrow('band:');
    expect(() => resolveSearchOptions({ over: 'everything' })).toThrow('over:');
    expect(resolveSearchOptions({ exclude: ['a', ' b '] }).exclude).toEqual(['a', 'b']);
  });
});
