/**
 * `kale bench elastic-cluster`: a throw-away 3-node Elasticsearch cluster on loopback (512 MB heap a
 * node). Each run kills -9 the node holding a new index's primary halfway through an import, then the
 * node holding the searched index's primary while searches run, restarting each; it reports medians of
 * what the client saw (searches answered, failed and wrong; the slowest search after the kill; bulk
 * bodies retried; whole generations) and how long the cluster took to be whole again.
 */
import { Client } from '@elastic/elasticsearch';
import { Command } from 'commander';
import { action, UsageError, withGlobalOptions } from '../../core/cli.js';
import { ElasticShapeIndex } from '../../oculus/index/elasticIndex.js';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import type { ShapeQuery } from '../../oculus/index/shapeIndex.js';
import { shapeFromSeries, type Shape } from '../../oculus/shapes/shape.js';
import { startElasticsearchCluster, type ElasticsearchCluster } from '../elasticsearch.js';
import { gaussian, seededRandom } from '../seed/random.js';
import { importThroughKill, primaryNode, searchUntil } from './elasticClusterFailover.js';
import { median, printResult } from './stats.js';

interface Options {
  metrics: string;
  runs: string;
  heap: string;
  json?: boolean;
}

/** `n` one-hour random walks at 60 s as shapes (seeded: every run indexes the same). */
function walks(n: number, seed: number): Shape[] {
  const rand = seededRandom(seed);
  const t0 = 1_800_000_000;
  return Array.from({ length: n }, (_, m) => {
    let v = 0;
    const values = Float64Array.from({ length: 60 }, () => (v += gaussian(rand)));
    const timestamps = Float64Array.from({ length: 60 }, (_, i) => t0 - 3600 + i * 60);
    return shapeFromSeries(`bench.m${m}`, { timestamps, values }, '1h', 16)!;
  });
}

/** Seconds from the restart of a killed node until it is back in and every copy is allocated again. */
async function recovery(cluster: ElasticsearchCluster, node: number): Promise<number> {
  const since = Date.now();
  await cluster.restartNode(node, 300_000);
  return (Date.now() - since) / 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function elasticClusterBenchCommand(): Command {
  return withGlobalOptions(new Command('elastic-cluster'))
    .description(
      'kill -9 Elasticsearch nodes during an import and during searches: what clients see (medians)',
    )
    .option('--metrics <n>', 'one-hour shapes per import', '5000')
    .option('--runs <n>', 'rounds of (import kill, search kill), medians reported', '3')
    .option('--heap <size>', 'JVM heap of each node', '512m')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (_ctx, opts: Options) => {
        const n = Number(opts.metrics);
        const runs = Number(opts.runs);
        if (!(Number.isInteger(n) && n >= 100))
          throw new UsageError(`--metrics: expected an integer ≥ 100, got "${opts.metrics}"`);
        if (!(Number.isInteger(runs) && runs >= 1))
          throw new UsageError(`--runs: expected an integer ≥ 1, got "${opts.runs}"`);
        const cluster = await startElasticsearchCluster({ nodes: 3, heap: opts.heap });
        const stop = () => void cluster.stop().then(() => process.exit(130));
        process.once('SIGINT', stop).once('SIGTERM', stop);
        const closing: Array<{ close(): Promise<void> }> = [];
        try {
          const shapes = [walks(n, 1), walks(n, 2)];
          const queries: ShapeQuery[] = shapes[1]
            .filter((s) => !s.flat)
            .slice(0, 20)
            .map((shape, i) => ({
              shape,
              k: 20,
              scoring: { scorer: i % 2 ? 'dtw' : 'euclidean', band: 6, radius: 3 },
              exclude: { names: [shape.name], segments: [] },
            }));
          const exactIndex = new EmbeddedShapeIndex(null, 16);
          await exactIndex.replace('1h', [shapes[1]]);
          const exact = await Promise.all(
            queries.map(async (q) =>
              (await exactIndex.search('1h', q)).hits.map((h) => ({ name: h.shape.name, score: h.score })),
            ),
          );
          await exactIndex.close();
          const url = cluster.urls.join(',');
          const imports = [];
          const searches = [];
          for (let run = 0; run < runs; run++) {
            const prefix = `kale-bench-cluster-${run}`;
            const importer = new ElasticShapeIndex({ url, prefix, paaDims: 16 });
            closing.push(importer);
            // The same import with every node up: what the kill's import is compared with.
            const t0 = Date.now();
            await importer.replace('1h', [shapes[0]]);
            const baselineS = (Date.now() - t0) / 1000;
            const importStarted = Date.now();
            const imported = await importThroughKill(cluster, importer, shapes[1]);
            const importS = (Date.now() - importStarted) / 1000;
            imports.push({
              ...imported,
              baselineS,
              importS,
              recoverS: await recovery(cluster, imported.killed),
            });

            // The searched index in knn mode: each search asks the cluster (all candidates, so exact).
            const knnPrefix = `${prefix}-knn`;
            const knnImporter = new ElasticShapeIndex({ url, prefix: knnPrefix, paaDims: 16, search: 'knn' });
            closing.push(knnImporter);
            await knnImporter.replace('1h', [shapes[1]]);
            const scan = new ElasticShapeIndex({ url, prefix, paaDims: 16 });
            const knn = new ElasticShapeIndex({
              url,
              prefix: knnPrefix,
              paaDims: 16,
              search: 'knn',
              knnCandidates: n,
            });
            closing.push(scan, knn);
            await Promise.all([scan.count('1h'), knn.count('1h')]);
            const admin = new Client({ nodes: cluster.urls });
            const victim = (await primaryNode(admin, cluster, knn.alias('1h')))!;
            await admin.close();
            let killedAt = 0;
            let nodeLeftS = Number.NaN;
            const survivor = new Client({ node: cluster.urls[(victim + 1) % cluster.urls.length] });
            const killing = (async () => {
              await sleep(8000);
              await cluster.nodes[victim].kill();
              killedAt = Date.now();
              // How long until the master has dropped the node (and promoted the copies it held).
              while ((await survivor.cluster.health()).number_of_nodes > cluster.nodes.length - 1)
                await sleep(20);
              nodeLeftS = (Date.now() - killedAt) / 1000;
              await sleep(15_000);
            })();
            const searched = await searchUntil([scan, knn], queries, exact, killing, () => killedAt);
            await survivor.close();
            searches.push({ ...searched, nodeLeftS, recoverS: await recovery(cluster, victim) });
            process.stderr.write(
              `run ${run + 1}/${runs}: ${JSON.stringify({ import: imports.at(-1), search: searches.at(-1) })}\n`,
            );
          }
          const med = <T>(rows: T[], f: (r: T) => number) => median(rows.map(f));
          printResult(
            {
              metrics: n,
              runs,
              import: {
                generations: med(imports, (r) => r.generations),
                resent_to_another_node: med(imports, (r) => r.retries.resent),
                bulk_retries: med(imports, (r) => r.retries.bulk),
                publish_retries: med(imports, (r) => r.retries.publish),
                no_kill_s: med(imports, (r) => r.baselineS),
                with_kill_s: med(imports, (r) => r.importS),
                published_after_kill_s: med(imports, (r) => r.publishedAfterS),
                partial_alias_seen: imports.filter((r) => r.aliasSeen.some((s) => s.count !== n)).length,
                node_back_green_s: med(imports, (r) => r.recoverS),
              },
              search: {
                answered: med(searches, (r) => r.answered),
                failed: med(searches, (r) => r.failed),
                wrong: med(searches, (r) => r.wrong),
                answered_after_kill: med(searches, (r) => r.answeredAfterKill),
                scan_median_before_kill_ms: med(searches, (r) => r.medianBeforeKillMs[0]),
                scan_median_after_kill_ms: med(searches, (r) => r.medianAfterKillMs[0]),
                knn_median_before_kill_ms: med(searches, (r) => r.medianBeforeKillMs[1]),
                knn_median_after_kill_ms: med(searches, (r) => r.medianAfterKillMs[1]),
                slowest_after_kill_ms: med(searches, (r) => r.slowestAfterKillMs),
                node_left_s: med(searches, (r) => r.nodeLeftS),
                node_back_green_s: med(searches, (r) => r.recoverS),
              },
            },
            opts.json,
          );
        } finally {
          await Promise.all(closing.map((c) => c.close().catch(() => {})));
          await cluster.stop();
        }
      }),
    );
}
