import os from 'node:os';
import { Command } from 'commander';
import { analyzeSeries } from '../../analyzer/analyze.js';
import { mergeOptions } from '../../analyzer/detectors/registry.js';
import { DetectorError } from '../../analyzer/detectors/types.js';
import { getPreset } from '../../analyzer/presets.js';
import { rulesFromConfig } from '../../analyzer/rules.js';
import { AnalyzerRunner, type CycleReport } from '../../analyzer/runner.js';
import { action, withGlobalOptions } from '../../core/cli.js';
import { metricKey, UNIQUE_METRICS } from '../../core/store/keys.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { encodePoints } from '../../core/store/windowCodec.js';
import { benchRedis } from './benchRedis.js';
import { median, printResult, progress } from './stats.js';

interface Options {
  metrics: string;
  points: string;
  repeat: string;
  workers?: string;
  preset: string;
  sample: string;
  json?: boolean;
}

/** Etsy Skyline's Python analyzer per metric on this machine. */
const ETSY_MS: Record<number, number> = { 1440: 4.7, 8640: 14.2 };

/**
 * `kale bench analyzer --metrics N --points L`: fills a real Redis with N metrics × L points (60 s
 * apart, ending now, so nothing is stale), runs full analyzer cycles against it and reports the
 * median cycle and where its time went; separately times the detectors per metric with no I/O, on
 * one thread, against Etsy's Python figures.
 */
export function analyzerBenchCommand(): Command {
  return withGlobalOptions(new Command('analyzer'))
    .description(
      'full analyzer cycle over Redis (N metrics × L points) and per-metric detector cost without I/O',
    )
    .option('--metrics <n>', 'metrics in Redis', '10000')
    .option('--points <n>', 'points per metric', '1440')
    .option('--repeat <n>', 'cycles (median reported)', '3')
    .option('--workers <n>', 'worker threads (default: config analyzer.workers = cores)')
    .option('--preset <name>', 'detector preset', 'etsy')
    .option('--sample <n>', 'series timed for the per-metric detector cost', '200')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const metrics = Number(opts.metrics);
        const points = Number(opts.points);
        const repeat = Number(opts.repeat);
        const now = Math.floor(Date.now() / 1000);

        const perMetric = detectorCost(points, Number(opts.sample), opts.preset, ctx.config, now);

        const own = await benchRedis(ctx.config);
        const url = own.url;
        const store = RedisStore.connect(url);
        try {
          await store.client.flushdb();
          const fillSeconds = await fill(store, metrics, points, now);
          const workers = opts.workers === undefined ? ctx.config.analyzer.workers : Number(opts.workers);
          const runner = new AnalyzerRunner({
            store,
            config: ctx.config,
            log: ctx.log,
            presetName: opts.preset,
            workers,
            writeStats: false,
            chunkSize: 500,
          });
          const cycles: CycleReport[] = [];
          const warming: CycleReport[] = [];
          try {
            // New metrics first learn from their windows, 50 of each chunk per cycle: those cycles
            // are reported apart, and the steady cycle is timed once every metric has warmed up.
            for (let w = 0; w < 20; w++) {
              progress('bench analyzer warm-up cycles', w, 20);
              const c = await runner.runCycle(now + 30);
              if (c.warmedUp === 0) break;
              warming.push(c);
            }
            for (let r = 0; r < repeat; r++) {
              progress('bench analyzer cycles', r, repeat);
              cycles.push(await runner.runCycle(now + 30));
            }
            progress('bench analyzer cycles', repeat, repeat);
          } finally {
            await runner.close();
          }
          const cycle = median(cycles.map((c) => c.runTime));
          const etsy = ETSY_MS[points];
          printResult(
            {
              bench: 'analyzer',
              metrics,
              points,
              preset: opts.preset,
              workers,
              cores: os.availableParallelism(),
              fill_s: fillSeconds,
              cycle_s: cycle,
              cycle_metrics_per_s: Math.round(metrics / cycle),
              projected_250k_cycle_s: (cycle / metrics) * 250_000,
              warm_up_cycles: warming.length,
              warm_up_cycle_s: warming.length ? median(warming.map((c) => c.runTime)) : 0,
              fetch_s: median(cycles.map((c) => c.fetchSeconds)),
              decode_cpu_s: median(cycles.map((c) => c.decodeSeconds)),
              detect_cpu_s: median(cycles.map((c) => c.detectSeconds)),
              analyzed: cycles[0].analyzed,
              anomalous: cycles[0].anomalous,
              // On a shared box wall time includes waiting for a core; CPU time is what the work costs.
              detector_us_per_metric: perMetric.total,
              detector_cpu_us_per_metric: perMetric.cpu,
              ...Object.fromEntries(Object.entries(perMetric.byDetector).map(([k, v]) => [`us_${k}`, v])),
              ...(etsy
                ? {
                    etsy_python_ms_per_metric: etsy,
                    speedup_vs_etsy: (etsy * 1000) / perMetric.total,
                    speedup_vs_etsy_cpu: (etsy * 1000) / perMetric.cpu,
                  }
                : {}),
              load_average_1m: os.loadavg()[0],
            },
            opts.json,
          );
        } finally {
          await store.client.flushdb().catch(() => {});
          await store.close();
          await own.stop();
        }
      }),
    );
}

/** Deterministic noisy series with a spike on one metric in fifty, like a busy production window. */
function makeSeries(k: number, points: number, now: number): { ts: Float64Array; vs: Float64Array } {
  const ts = new Float64Array(points);
  const vs = new Float64Array(points);
  let s = (k * 2654435761) >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const level = 10 + (k % 97) * 3;
  for (let i = 0; i < points; i++) {
    ts[i] = now - 60 * (points - 1 - i);
    vs[i] = Math.round((level + 5 * Math.sin(i / 30) + (rand() + rand() + rand() - 1.5) * 4) * 1000) / 1000;
  }
  if (k % 50 === 0) vs[points - 1] += 80;
  return { ts, vs };
}

/** Raw Skyline windows written straight into Redis, pipelined, like a Horizon that has run for a day. */
async function fill(store: RedisStore, metrics: number, points: number, now: number): Promise<number> {
  const t0 = performance.now();
  const batch = 200;
  for (let m = 0; m < metrics; m += batch) {
    progress('bench analyzer fill', m, metrics);
    const pipe = store.client.pipeline();
    const names: string[] = [];
    for (let k = m; k < Math.min(metrics, m + batch); k++) {
      const { ts, vs } = makeSeries(k, points, now);
      const pts: Array<[number, number]> = new Array(points);
      for (let i = 0; i < points; i++) pts[i] = [ts[i], vs[i]];
      const name = `bench.host${k % 1000}.metric${k}`;
      pipe.set(metricKey(name), encodePoints(pts));
      names.push(metricKey(name));
    }
    pipe.sadd(UNIQUE_METRICS, ...names);
    await pipe.exec();
  }
  progress('bench analyzer fill', metrics, metrics);
  return (performance.now() - t0) / 1000;
}

/** Median microseconds per metric for the whole preset and for each detector's share, one thread, no I/O. */
function detectorCost(
  points: number,
  sample: number,
  presetName: string,
  config: Parameters<typeof rulesFromConfig>[0],
  now: number,
) {
  const preset = getPreset(presetName);
  const rules = rulesFromConfig(config);
  const series = Array.from({ length: sample }, (_, k) => makeSeries(k, points, now));
  const rounds = 7;
  const total: number[] = [];
  const cpu: number[] = [];
  // Untimed rounds for two seconds first: the steady state is what a cycle of 250,000 metrics sees,
  // not the first thousands of calls, which run before V8 has optimised everything (at 1,440 points
  // the first rounds took twice as long as the tenth).
  const warmUntil = performance.now() + 2000;
  do {
    for (const s of series) analyzeSeries(s.ts, s.vs, { preset, rules, now: now + 30 });
  } while (performance.now() < warmUntil);
  for (let r = 0; r < rounds; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    for (const s of series) analyzeSeries(s.ts, s.vs, { preset, rules, now: now + 30 });
    total.push(((performance.now() - t) * 1000) / sample);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / sample);
  }
  // Each detector's share, timed inside full analyses: they get one input object per series, as in
  // analyzeSeries, so statistics they share (the series summary) are paid by the first that needs them.
  const detectors = preset.detectors.map(({ name, options, detector: d }) => ({
    name,
    d,
    o: mergeOptions(d, options),
  }));
  const times: Record<string, number[]> = Object.fromEntries(detectors.map(({ name }) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    const spent = new Float64Array(detectors.length);
    for (const s of series) {
      const input = { timestamps: s.ts, values: s.vs, now: now + 30, fullDuration: rules.fullDuration };
      detectors.forEach(({ d, o }, k) => {
        const t = performance.now();
        try {
          d.detect(input, o);
        } catch (err) {
          if (!(err instanceof DetectorError)) throw err;
        }
        spent[k] += performance.now() - t;
      });
    }
    detectors.forEach(({ name }, k) => times[name].push((spent[k] * 1000) / sample));
  }
  const byDetector = Object.fromEntries(detectors.map(({ name }) => [name, median(times[name])]));
  return { total: median(total), cpu: median(cpu), byDetector };
}
