/**
 * LONG (3-6 minutes; longer on a loaded two-core box): a real 3-node Elasticsearch cluster on loopback,
 * started by this file (utils/elasticsearch.ts, 512 MB heap a node) and stopped after it, failing or
 * not. A node is killed with SIGKILL during an import (it completes), restarted, and another killed
 * during an import without replicas (that generation is built again) while searches run (each answers
 * the exact ranking). The alias never points at a partial index.
 */
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../core/config/schema.js';
import { ElasticShapeIndex } from '../../oculus/index/elasticIndex.js';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import type { ShapeQuery } from '../../oculus/index/shapeIndex.js';
import { importThroughKill, searchUntil } from '../../utils/bench/elasticClusterFailover.js';
import { startElasticsearchCluster, type ElasticsearchCluster } from '../../utils/elasticsearch.js';
import { clusterUnavailable, freshIndexPrefix } from '../support/elasticsearch.js';
import { metricBatches, shapesOf } from './fixtures.js';

const N = 1500;
const K = 10;

describe.skipIf(clusterUnavailable)('long: an Elasticsearch cluster losing a node', () => {
  let cluster: ElasticsearchCluster | undefined;
  const prefix = freshIndexPrefix();
  const indexes: ElasticShapeIndex[] = [];
  const open = (opts: Partial<ConstructorParameters<typeof ElasticShapeIndex>[0]> = {}) => {
    const index = new ElasticShapeIndex({ url: cluster!.urls.join(','), prefix, paaDims: 16, ...opts });
    indexes.push(index);
    return index;
  };

  beforeAll(async () => {
    cluster = await startElasticsearchCluster({ nodes: 3, heap: '512m' });
  }, 420_000);
  afterAll(async () => {
    await Promise.all(indexes.map((i) => i.close().catch(() => {})));
    await cluster?.stop();
  }, 120_000);

  const first = shapesOf(metricBatches(N, 1));
  const second = shapesOf(metricBatches(N, 2));
  const queries: ShapeQuery[] = second
    .filter((s) => !s.flat)
    .slice(0, 12)
    .map((shape, i) => ({
      shape,
      k: K,
      scoring: { scorer: i % 2 ? 'dtw' : 'euclidean', band: 10, radius: 3 },
      exclude: { names: [shape.name], segments: [] },
    }));

  it('takes every node URL, and gives new indexes one replica on a cluster of three', async () => {
    const importer = open();
    await importer.replace('1h', [first]);
    const admin = new Client({ node: cluster!.urls[2] });
    const settings = await admin.indices.getSettings({ index: importer.alias('1h') });
    expect(Object.values(settings)[0].settings?.index?.number_of_replicas).toBe('1');
    await admin.close();
    // A config with replicas set says so; a bad node list is refused naming the key.
    expect(configSchema.parse({ elasticsearch: { replicas: 0 } }).elasticsearch.replicas).toBe(0);
    expect(configSchema.parse({}).elasticsearch.replicas).toBe('auto');
    expect(() =>
      configSchema.parse({ elasticsearch: { url: `${cluster!.urls[0]},localhost:9200` } }),
    ).toThrow(/localhost:9200/);
  });

  it('completes an import that loses the node holding its new primary; the alias only ever sees whole indexes', async () => {
    const importer = open({ bulkBytes: 16_000 });
    const report = await importThroughKill(cluster!, importer, second);
    process.stderr.write(`cluster import through a kill: ${JSON.stringify(report)}\n`);
    // The replica had every acknowledged write: the generation went on in place.
    expect(report.generations).toBe(1);
    // The alias moved once, from the whole first generation to the whole second.
    expect(report.aliasSeen.map((s) => s.count)).toEqual([N, N]);
    expect(await importer.count('1h')).toBe(N);
    await cluster!.restartNode(report.killed, 300_000);
  }, 480_000);

  it('abandons a generation that lost its only copy and builds it again, while every search answers exactly', async () => {
    const exactIndex = new EmbeddedShapeIndex(null, 16);
    await exactIndex.replace('1h', [second]);
    const exact = await Promise.all(
      queries.map(async (q) =>
        (await exactIndex.search('1h', q)).hits.map((h) => ({ name: h.shape.name, score: h.score })),
      ),
    );
    await exactIndex.close();
    // The scan reader asks the cluster only where the alias points; the knn reader asks it every search
    // (more candidates than shapes, so its rescored top k is exact), from an index with a copy on every
    // node, so whichever node goes held a copy it was reading.
    const scan = open();
    const knnPrefix = freshIndexPrefix();
    await open({ search: 'knn', prefix: knnPrefix, replicas: 2 }).replace('1h', [second]);
    const knn = open({ search: 'knn', knnCandidates: N, prefix: knnPrefix });
    await Promise.all([scan.count('1h'), knn.count('1h')]);
    // No replica: losing the node with the new primary loses the generation.
    const importer = open({ bulkBytes: 16_000, replicas: 0, prefix: freshIndexPrefix() });
    await importer.replace('1h', [first]);
    let killedAt = 0;
    const importing = importThroughKill(cluster!, importer, second, () => {
      killedAt = Date.now();
    });
    const searching = searchUntil([scan, knn], queries, exact, importing, () => killedAt);
    const [imported, searched] = await Promise.all([importing, searching]);
    process.stderr.write(`cluster import without replicas through a kill: ${JSON.stringify(imported)}\n`);
    process.stderr.write(`cluster searches through the same kill: ${JSON.stringify(searched)}\n`);
    expect(imported.generations).toBe(2);
    expect(imported.aliasSeen.map((s) => s.count)).toEqual([N, N]);
    expect(await importer.count('1h')).toBe(N);
    expect(searched.failed).toBe(0);
    expect(searched.wrong).toBe(0);
    expect(searched.answeredAfterKill).toBeGreaterThanOrEqual(2);
    // A process that starts now (the webapp, `kale similar`) loads its copy from a surviving one.
    const cold = open();
    const res = await cold.search('1h', queries[0]);
    expect(res.hits.map((h) => h.shape.name)).toEqual(exact[0].map((h) => h.name));
    expect(await cold.count('1h')).toBe(N);
  }, 300_000);
});
