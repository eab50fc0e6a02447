import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config/schema.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { importShapes } from '../../oculus/importer.js';
import { ShapeIndexUnavailableError } from '../../oculus/errors.js';
import { ElasticShapeIndex } from '../../oculus/index/elasticIndex.js';
import { searchSimilar } from '../../oculus/search/searchShapes.js';
import { freePort } from '../../utils/redisServer.js';
import { elasticsearchUrl, freshIndexPrefix } from '../support/elasticsearch.js';
import { metricBatches, shapesOf } from './fixtures.js';
import { shapeIndexContract } from './indexContract.js';
import { ShapeChannel } from '../../oculus/shapeChunks.js';

if (!elasticsearchUrl)
  process.stderr.write(
    '*** Elasticsearch unavailable: the Elasticsearch shape index suites are SKIPPED ***\n',
  );

const open = async () =>
  new ElasticShapeIndex({ url: elasticsearchUrl!, prefix: freshIndexPrefix(), paaDims: 16 });

shapeIndexContract('Elasticsearch', open, !elasticsearchUrl);
// knn mode with more candidates than shapes: the server's candidates are every shape, so the contract's
// exact rankings must come out; what differs is where filters, flat queries, get and count run.
const openKnn = async () =>
  new ElasticShapeIndex({
    url: elasticsearchUrl!,
    prefix: freshIndexPrefix(),
    paaDims: 16,
    search: 'knn',
    knnCandidates: 500,
  });
shapeIndexContract('Elasticsearch, knn candidates', openKnn, !elasticsearchUrl);

describe.skipIf(!elasticsearchUrl)('knn candidates', () => {
  it('indexes the PAA vector, fetches only knnCandidates shapes and rescores them exactly', async () => {
    const shapes = shapesOf(metricBatches(300));
    const scan = await open();
    const knn = new ElasticShapeIndex({
      url: elasticsearchUrl!,
      prefix: freshIndexPrefix(),
      paaDims: 16,
      search: 'knn',
      knnCandidates: 40,
    });
    try {
      await Promise.all([scan.replace('1h', [shapes]), knn.replace('1h', [shapes])]);
      const mapping = await knn.client.indices.getMapping({ index: knn.alias('1h') });
      expect(Object.values(mapping)[0].mappings.properties!.paa).toMatchObject({
        type: 'dense_vector',
        dims: 16,
        similarity: 'l2_norm',
      });
      let agreeing = 0;
      const queries = shapes.filter((q) => !q.flat).slice(0, 10);
      for (const q of queries) {
        const query = {
          shape: q,
          k: 5,
          scoring: { scorer: 'euclidean' as const, band: 10, radius: 10 },
          exclude: { names: [q.name], segments: [] },
        };
        const [exact, approx] = await Promise.all([scan.search('1h', query), knn.search('1h', query)]);
        // Only the candidates were scored, each exactly: every score is the scan's score for that shape.
        expect(approx.examined).toBeLessThanOrEqual(40);
        expect(approx.hits).toHaveLength(5);
        const scanScores = new Map(
          (await scan.search('1h', { ...query, k: 300 })).hits.map((h) => [h.shape.name, h.score]),
        );
        for (const h of approx.hits) expect(h.score).toBeCloseTo(scanScores.get(h.shape.name)!, 9);
        if (approx.hits[0].shape.name === exact.hits[0].shape.name) agreeing++;
      }
      expect(agreeing).toBeGreaterThanOrEqual(8);
    } finally {
      await Promise.all([scan.close(), knn.close()]);
    }
  });
});

describe.skipIf(!elasticsearchUrl)('Elasticsearch index layout', () => {
  const index = new ElasticShapeIndex({
    url: elasticsearchUrl ?? 'http://127.0.0.1:1',
    prefix: freshIndexPrefix(),
    paaDims: 16,
  });
  afterAll(() => index.close());

  it('an import builds a new index and moves the window alias onto it, dropping the old one', async () => {
    const shapes = shapesOf(metricBatches(20));
    await index.replace('1h', [shapes]);
    const alias = index.alias('1h');
    const first = Object.keys(await index.client.indices.getAlias({ name: alias }));
    await index.replace('1h', [shapes.slice(0, 3)]);
    const second = Object.keys(await index.client.indices.getAlias({ name: alias }));
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    expect(await index.client.indices.exists({ index: first[0] })).toBe(false);
    const mapping = await index.client.indices.getMapping({ index: alias });
    const props = mapping[second[0]].mappings.properties!;
    expect(props.z).toMatchObject({ type: 'binary' });
    const doc = await index.client.get<{ sax: string; fingerprint: string; segments: string[] }>({
      index: alias,
      id: shapes[0].name,
    });
    expect(doc._source!.sax).toMatch(/^[a-h]{16}$/);
    expect(doc._source!.fingerprint).toBe(shapes[0].fingerprint);
    expect(doc._source!.fingerprint).toMatch(/^((sdec|dec|inc|sinc)( |$))*$/);
    expect(doc._source!.segments).toEqual(shapes[0].name.split('.'));
    const s = shapes[0];
    expect(doc._source).toEqual({
      name: s.name,
      segments: s.name.split('.'),
      window: '1h',
      flat: false,
      ...s.stats,
      start: s.start,
      step: s.step,
      z: Buffer.from(Float32Array.from(s.z).buffer).toString('base64'),
      sax: s.sax,
      fingerprint: s.fingerprint,
    });
    // The compatibility mode's queries still work on the lighter mapping: terms, and phrases on the fingerprint.
    await index.client.indices.refresh({ index: alias });
    const phrase = s.fingerprint.split(' ').slice(0, 4).join(' ');
    const found = await index.client.search({
      index: alias,
      query: {
        bool: {
          filter: [{ term: { sax: s.sax } }, { term: { segments: s.name.split('.')[1] } }],
          must: [{ match_phrase: { fingerprint: phrase } }],
        },
      },
    });
    expect(found.hits.hits.map((h) => h._id)).toContain(s.name);
  });

  it('an import drops a generation an importer killed mid-build left, not one younger than its own', async () => {
    const shapes = shapesOf(metricBatches(5));
    await index.replace('1h', [shapes]);
    const alias = index.alias('1h');
    const [live] = Object.keys(await index.client.indices.getAlias({ name: alias }));
    const born = Number(live.slice(alias.length + 1));
    // Older and behind no alias: a killed importer's. Younger: another importer's, still building.
    const [killed, building] = [`${alias}-${born - 1}`, `${alias}-${born + 3_600_000}`];
    for (const stray of [killed, building]) await index.client.indices.create({ index: stray });
    await index.replace('1h', [shapes]);
    expect(await index.client.indices.exists({ index: killed })).toBe(false);
    expect(await index.client.indices.exists({ index: live })).toBe(false);
    expect(await index.client.indices.exists({ index: building })).toBe(true);
    await index.client.indices.delete({ index: building });
  });

  it('a document the server rejects fails the import with its reason, and the alias stays where it was', async () => {
    const shapes = shapesOf(metricBatches(5));
    await index.replace('1h', [shapes]);
    const before = Object.keys(await index.client.indices.getAlias({ name: index.alias('1h') }));
    const immense = { ...shapes[1], sax: 'a'.repeat(40_000) }; // one keyword term over Lucene's 32,766 bytes
    await expect(index.replace('1h', [[shapes[0], immense, shapes[2]]])).rejects.toThrow(
      /1 documents failed, first: .*immense term/,
    );
    expect(Object.keys(await index.client.indices.getAlias({ name: index.alias('1h') }))).toEqual(before);
  });
});

describe.skipIf(!elasticsearchUrl)('another process reading the same Elasticsearch', () => {
  it('loads the shapes behind the alias and answers what the importing process answers, again after a new import', async () => {
    const prefix = freshIndexPrefix();
    const writer = new ElasticShapeIndex({ url: elasticsearchUrl!, prefix, paaDims: 16 });
    const reader = new ElasticShapeIndex({ url: elasticsearchUrl!, prefix, paaDims: 16 });
    const shapes = shapesOf(metricBatches(120));
    const q = shapes.find((s) => !s.flat)!;
    const query = {
      shape: q,
      k: 7,
      scoring: { scorer: 'dtw' as const, band: 10, radius: 10 },
      exclude: { names: [q.name], segments: [] },
    };
    const names = (r: { hits: Array<{ shape: { name: string } }> }) => r.hits.map((h) => h.shape.name);
    expect(await reader.count('1h')).toBe(0);
    await writer.replace('1h', [shapes]);
    const written = await writer.search('1h', query);
    const read = await reader.search('1h', query);
    expect(names(read)).toEqual(names(written));
    read.hits.forEach((h, i) => expect(h.score).toBeCloseTo(written.hits[i].score, 9));
    const got = (await reader.get('1h', shapes[3].name))!;
    got.z.forEach((v, i) => expect(v).toBeCloseTo(shapes[3].z[i], 5));
    expect(got.stats).toEqual(shapes[3].stats);
    await writer.replace('1h', [shapes.slice(0, 40)]);
    expect(await reader.count('1h')).toBe(40);
    await writer.close();
    await reader.close();
  });
});

describe.skipIf(!elasticsearchUrl)('an import streamed in chunks', () => {
  it('sends bodies while chunks still arrive, many in flight, and every shape reaches the server', async () => {
    const prefix = freshIndexPrefix();
    const writer = new ElasticShapeIndex({ url: elasticsearchUrl!, prefix, paaDims: 16, bulkBytes: 3_000 });
    const shapes = shapesOf(metricBatches(150));
    const channel = new ShapeChannel();
    const replacing = writer.replace('1h', channel);
    for (let i = 0; i < shapes.length; i += 17) {
      await channel.push(shapes.slice(i, i + 17));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    channel.close();
    await replacing;
    const alias = writer.alias('1h');
    await writer.client.indices.refresh({ index: alias });
    expect((await writer.client.count({ index: alias })).count).toBe(shapes.length);
    const reader = new ElasticShapeIndex({ url: elasticsearchUrl!, prefix, paaDims: 16 });
    expect(await reader.count('1h')).toBe(shapes.length);
    const last = (await reader.get('1h', shapes[shapes.length - 1].name))!;
    expect(last.stats).toEqual(shapes[shapes.length - 1].stats);
    await writer.close();
    await reader.close();
  });
});

describe.skipIf(!elasticsearchUrl)('import and search through Elasticsearch', () => {
  it('the importer fills both windows (an empty 24 h one too) and searches answer from Elasticsearch', async () => {
    const prefix = freshIndexPrefix();
    const config = configSchema.parse({
      elasticsearch: { url: elasticsearchUrl, index: prefix },
      oculus: { paaDims: 16 },
    });
    const index = new ElasticShapeIndex({ url: elasticsearchUrl!, prefix, paaDims: 16 });
    const store = EmbeddedStore.open();
    const batches = metricBatches(50);
    await store.append(batches);
    const result = await importShapes(config, store, index);
    expect(result.windows.map((w) => [w.window, w.indexed])).toEqual([
      ['1h', 50],
      ['24h', 0],
    ]);
    const res = await searchSimilar({ index, store, paaDims: 16 }, batches[0].name, {
      k: 5,
      scorer: 'dtw',
      exclude: 'staging',
    });
    expect(res.backend).toBe('elasticsearch');
    expect(res.matches).toHaveLength(5);
    expect(res.matches.every((m) => !m.name.includes('.staging.'))).toBe(true);
    await expect(searchSimilar({ index, store, paaDims: 16 }, 'no.such')).rejects.toThrow(
      'unknown metric "no.such"',
    );
    await index.close();
    await store.close();
  });
});

describe('Elasticsearch down', () => {
  it('search answers a clear ShapeIndexUnavailableError naming the server', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const index = new ElasticShapeIndex({ url, prefix: 'kale-down', paaDims: 16 });
    const store = EmbeddedStore.open();
    await store.append(metricBatches(3));
    const name = metricBatches(3)[0].name;
    const err = await searchSimilar({ index, store, paaDims: 16 }, name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShapeIndexUnavailableError);
    expect((err as Error).message).toContain(`Elasticsearch at ${url} is unreachable`);
    await expect(index.replace('1h', [shapesOf(metricBatches(3))])).rejects.toBeInstanceOf(
      ShapeIndexUnavailableError,
    );
    await index.close();
    await store.close();
  });
});
