import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { action, withGlobalOptions } from '../../core/cli.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { AppendBatch, WindowStore } from '../../core/store/store.js';
import { startRedisCluster, type RedisCluster } from '../redisCluster.js';
import { appendCeiling } from './redisCeiling.js';
import { benchRedis } from './benchRedis.js';
import { median, printResult, progress } from './stats.js';

interface Options {
  metrics: string;
  points: string;
  batch: string;
  repeat: string;
  cluster?: boolean;
  json?: boolean;
}

export function storeBenchCommand(): Command {
  return withGlobalOptions(new Command('store'))
    .description(
      'append and read throughput of the Redis and embedded stores, beside redis-benchmark -P 64 APPEND',
    )
    .option('--metrics <n>', 'metrics written', '10000')
    .option('--points <n>', 'points per metric', '100')
    .option('--batch <n>', 'points per append call', '10000')
    .option('--repeat <n>', 'runs per backend (medians reported)', '3')
    .option('--cluster', 'also measure a three-master Redis Cluster on this box (started by the bench)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const metrics = Number(opts.metrics);
        const points = Number(opts.points);
        const batchPoints = Number(opts.batch);
        const repeat = Number(opts.repeat);
        const own = await benchRedis(ctx.config);
        const url = own.url;
        let cluster: RedisCluster | undefined;
        try {
          if (opts.cluster) cluster = await startRedisCluster(3);
          const port = Number(new URL(url).port || 6379);
          const ceiling = await appendCeiling(port);
          const redis: number[][] = [];
          const embedded: number[][] = [];
          const clustered: number[][] = [];
          for (let r = 0; r < repeat; r++) {
            progress('bench store', r, repeat);
            const rs = RedisStore.connect(url);
            await rs.client.flushdb();
            redis.push(await measure(rs, metrics, points, batchPoints));
            await rs.client.flushdb();
            await rs.close();
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-bench-'));
            const es = EmbeddedStore.open(dir);
            embedded.push(await measure(es, metrics, points, batchPoints));
            await es.close();
            fs.rmSync(dir, { recursive: true, force: true });
            if (cluster) {
              await cluster.flushAll();
              const cs = RedisStore.connect(cluster.url);
              clustered.push(await measure(cs, metrics, points, batchPoints));
              await cs.close();
              await cluster.flushAll();
            }
          }
          progress('bench store', repeat, repeat);
          const redisAppend = median(redis.map((m) => m[0]));
          printResult(
            {
              bench: 'store',
              points: metrics * points,
              redis_append_points_per_s: Math.round(redisAppend),
              redis_read_points_per_s: Math.round(median(redis.map((m) => m[1]))),
              embedded_append_points_per_s: Math.round(median(embedded.map((m) => m[0]))),
              embedded_read_points_per_s: Math.round(median(embedded.map((m) => m[1]))),
              ...(cluster && {
                cluster_append_points_per_s: Math.round(median(clustered.map((m) => m[0]))),
                cluster_read_points_per_s: Math.round(median(clustered.map((m) => m[1]))),
              }),
              redis_benchmark_append_per_s: Math.round(ceiling),
              redis_append_vs_ceiling: redisAppend / ceiling,
            },
            opts.json,
          );
        } finally {
          await cluster?.stop();
          await own.stop();
        }
      }),
    );
}

/** Returns [append points/s, read+decode points/s]. */
async function measure(
  store: WindowStore,
  metrics: number,
  points: number,
  batchPoints: number,
): Promise<[number, number]> {
  const names = Array.from({ length: metrics }, (_, i) => `bench.host${i % 100}.metric${i}`);
  const t0 = 1_700_000_000;
  const perBatchMetrics = Math.max(1, Math.floor(batchPoints / Math.max(1, Math.min(points, batchPoints))));
  const pointsPerCall = Math.min(points, batchPoints);
  const start = process.hrtime.bigint();
  for (let p = 0; p < points; p += pointsPerCall) {
    for (let m = 0; m < metrics; m += perBatchMetrics) {
      const batch: AppendBatch[] = [];
      for (let k = m; k < Math.min(metrics, m + perBatchMetrics); k++) {
        const pts: Array<[number, number]> = [];
        for (let j = p; j < Math.min(points, p + pointsPerCall); j++)
          pts.push([t0 + j * 60, Math.sin(j) * 100 + k]);
        batch.push({ name: names[k], points: pts });
      }
      await store.append(batch);
    }
  }
  const appendS = Number(process.hrtime.bigint() - start) / 1e9;
  const readStart = process.hrtime.bigint();
  let read = 0;
  for (let i = 0; i < names.length; i += 1000) {
    for (const s of await store.readWindows(names.slice(i, i + 1000))) read += s?.timestamps.length ?? 0;
  }
  const readS = Number(process.hrtime.bigint() - readStart) / 1e9;
  if (read !== metrics * points) throw new Error(`read back ${read} points, wrote ${metrics * points}`);
  return [(metrics * points) / appendS, read / readS];
}
