import { Command } from 'commander';
import { positiveInteger } from '../../core/cliNumbers.js';
import { AnalyzerRunner } from '../../analyzer/runner.js';
import { action, UsageError, withGlobalOptions } from '../../core/cli.js';
import type { KaleConfig } from '../../core/config/schema.js';
import type { Logger } from '../../core/log.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { AppendBatch, Point } from '../../core/store/store.js';
import { runRoomba } from '../../horizon/roomba.js';
import { importShapes } from '../../oculus/importer.js';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import { gaussian, seededRandom } from '../seed/random.js';
import { benchRedis } from './benchRedis.js';
import { median, printResult, progress } from './stats.js';

interface Options {
  metrics: string;
  points: string;
  repeat: string;
  json?: boolean;
}

const STEP = 60;

/**
 * `kale bench capacity`: what each periodic pass costs per metric, for the capacity model
 * (docs/scaling.md). Fills a Redis of its own with N metrics × L points at 60 s (random walks with a
 * daily cycle, ending now) through the Store's append, then measures, per metric: Redis memory (windows
 * and the metric set; then the analyzer's state), and for one analyzer cycle (the configured preset,
 * after its warm-up), one roomba pass (trimming one point a metric, as every minute in steady state) and
 * one Oculus import of both windows into an in-memory index: wall time, this process's CPU (every
 * thread, workers included), Redis's CPU (`INFO cpu`) and the bytes Redis sent (`INFO stats`).
 */
export function capacityBenchCommand(): Command {
  return withGlobalOptions(new Command('capacity'))
    .description(
      'per-metric cost of the analyzer cycle, roomba and the Oculus import, and Redis bytes per metric',
    )
    .option('--metrics <n>', 'metrics in Redis', '5000')
    .option('--points <n>', 'points per metric (1,440: a day at 60 s)', '1440')
    .option('--repeat <n>', 'timed passes of each kind (median reported)', '3')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const metrics = positiveInteger('--metrics', opts.metrics);
        const points = positiveInteger('--points', opts.points);
        const repeat = positiveInteger('--repeat', opts.repeat);
        if (ctx.config.redis.url?.startsWith('redis-cluster://'))
          throw new UsageError(
            'bench capacity: give one Redis server (its INFO figures are per server), not a cluster',
          );
        const own = await benchRedis(ctx.config);
        const store = RedisStore.connect(own.url);
        try {
          await store.client.flushdb();
          const result = await measure(ctx.config, ctx.log, store, metrics, points, repeat);
          printResult({ bench: 'capacity', metrics, points, ...result }, opts.json);
        } finally {
          await store.client.flushdb().catch(() => {});
          await store.close();
          await own.stop();
        }
      }),
    );
}

interface PassCost {
  wall_s: number;
  kale_cpu_us_per_metric: number;
  redis_cpu_us_per_metric: number;
  redis_sent_bytes_per_metric: number;
}

async function measure(
  config: KaleConfig,
  log: Logger,
  store: RedisStore,
  metrics: number,
  points: number,
  repeat: number,
) {
  const onProgress = (label: string) => log.info(label);
  const now = Math.floor(Date.now() / 1000);
  const redis = new RedisFigures(store.client);
  const emptyBytes = await redis.usedMemory();
  onProgress('fill');
  await fill(store, metrics, points, now);
  const windowBytes = await redis.usedMemory();

  // Times `pass` `repeat` times; each run's figures are divided by the metrics it covered.
  const timed = async (label: string, pass: (r: number) => Promise<unknown>): Promise<PassCost> => {
    const runs: PassCost[] = [];
    for (let r = 0; r < repeat; r++) {
      onProgress(`${label} ${r + 1}/${repeat}`);
      const before = await redis.counters();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await pass(r);
      const wall = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const after = await redis.counters();
      runs.push({
        wall_s: wall,
        kale_cpu_us_per_metric: (used.user + used.system) / metrics,
        redis_cpu_us_per_metric: ((after.cpu - before.cpu) * 1e6) / metrics,
        redis_sent_bytes_per_metric: (after.sent - before.sent) / metrics,
      });
    }
    const pick = (k: keyof PassCost) => median(runs.map((x) => x[k]));
    return {
      wall_s: pick('wall_s'),
      kale_cpu_us_per_metric: pick('kale_cpu_us_per_metric'),
      redis_cpu_us_per_metric: pick('redis_cpu_us_per_metric'),
      redis_sent_bytes_per_metric: pick('redis_sent_bytes_per_metric'),
    };
  };

  // No deadline: on a loaded box a cycle cut short would report the cost of fewer metrics.
  const analyzerConfig = { ...config, analyzer: { ...config.analyzer, cycleDeadline: 86_400 } };
  const runner = new AnalyzerRunner({
    store,
    config: analyzerConfig,
    log,
    writeStats: false,
    chunkSize: 500,
  });
  let analyzer: PassCost;
  let warmUpCycles = 0;
  try {
    // A calibrated preset's new metrics learn from their windows over the first cycles: not steady state.
    while (warmUpCycles < 30 && (await runner.runCycle(now + 30)).warmedUp > 0) {
      onProgress(`analyzer warm-up cycle ${++warmUpCycles}`);
    }
    analyzer = await timed('analyzer cycle', () => runner.runCycle(now + 30));
  } finally {
    await runner.close();
  }
  const stateBytes = await redis.usedMemory();

  const index = new EmbeddedShapeIndex(null, config.oculus.paaDims);
  const windows = config.oculus.windows;
  let shapeBytes = 0;
  const oculus = await timed('oculus import', async () => {
    await importShapes(config, store, index);
    shapeBytes = windows.reduce((sum, w) => sum + index.columnBytes(w), 0);
  });
  await index.close();

  // Each pass trims the oldest point of every window, as roomba does each minute in steady state.
  const keep = (points - 1) * STEP;
  const roomba = await timed('roomba', (r) => runRoomba(store, keep, now + STEP * (r + 1)));

  return {
    preset: config.analyzer.preset,
    analyzer_workers: config.analyzer.workers,
    redis_bytes_per_metric_windows: (windowBytes - emptyBytes) / metrics,
    redis_bytes_per_metric_with_state: (stateBytes - emptyBytes) / metrics,
    analyzer_warm_up_cycles: warmUpCycles,
    analyzer,
    oculus_import: { ...oculus, windows: windows.join(','), shape_bytes_per_metric: shapeBytes / metrics },
    roomba,
  };
}

/**
 * Redis's own figures: memory in use, CPU seconds (main and background threads) and bytes sent. One
 * server: on a cluster INFO would answer for one node only.
 */
class RedisFigures {
  constructor(private readonly client: { info(section: string): Promise<string> }) {}

  async usedMemory(): Promise<number> {
    return field(await this.client.info('memory'), 'used_memory');
  }

  async counters(): Promise<{ cpu: number; sent: number }> {
    const cpu = await this.client.info('cpu');
    const stats = await this.client.info('stats');
    return {
      cpu: field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys'),
      sent: field(stats, 'total_net_output_bytes'),
    };
  }
}

function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
  if (!m) throw new Error(`Redis INFO has no ${name}`);
  return Number(m[1]);
}

/**
 * A day of points per metric, like a horizon that has run for a day: a random walk on a daily cycle,
 * each metric its own level and scale. Appended through the Store, 50 metrics a call.
 */
async function fill(store: RedisStore, metrics: number, points: number, now: number): Promise<void> {
  const rand = seededRandom(17);
  const first = now - STEP * (points - 1);
  for (let m = 0; m < metrics; m += 50) {
    progress('bench capacity fill', m, metrics);
    const batch: AppendBatch[] = [];
    for (let k = m; k < Math.min(metrics, m + 50); k++) {
      const level = rand() * 1000,
        scale = 1 + rand() * 50;
      let walk = 0;
      const pts: Point[] = new Array(points);
      for (let i = 0; i < points; i++) {
        walk += gaussian(rand) * 0.1;
        const t = first + STEP * i;
        pts[i] = [t, level + scale * (Math.sin((2 * Math.PI * t) / 86400) + walk)];
      }
      batch.push({ name: `capacity.host${k % 1000}.metric${k}`, points: pts });
    }
    await store.append(batch);
  }
  progress('bench capacity fill', metrics, metrics);
}
