/**
 * `kale bench render [--series N] [--requests N] [--concurrency N] [--repeat N] [--backend redis|embedded] [--json]`
 *
 * Grafana's Graphite requests against a real `kale webapp` process (the load generator keeps to this
 * one): N day-long one-minute metrics under one glob, then POST /render with form bodies as Grafana's
 * backend sends them (unix from/until, format=json, maxDataPoints of a wide panel) for the glob itself,
 * sumSeries of it and maxSeries(anomalies(…)) of it, /metrics/find one level down, and on Redis `refresh`:
 * the glob again, each request after every series got its next minute's point. Latency is until
 * the whole body has arrived; p50/p95 are the medians of --repeat runs; the server's CPU per request
 * comes from /proc. Each query's first request is reported apart (`*_first_*`), before the runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { positiveInteger } from '../../core/cliNumbers.js';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { Store } from '../../core/store/store.js';
import { benchRedis } from './benchRedis.js';
import { median, percentile, printResult, progress } from './stats.js';
import { seedStore } from './webappData.js';
import { cpuMs, startWebappProcess } from './webappBench.js';

interface Options {
  series: string;
  requests: string;
  concurrency: string;
  repeat: string;
  maxDataPoints: string;
  backend: string;
  json?: boolean;
}

const GLOB = 'bench.*.*.latency';
const round = (v: number) => Math.round(v * 10) / 10;

export function renderBenchCommand(): Command {
  return withGlobalOptions(new Command('render'))
    .description(
      "Graphite /render p50/p95 for a 24 h glob over N metrics, as Grafana's Graphite datasource asks for it",
    )
    .option('--series <n>', 'metrics the glob matches, each a day of one-minute points', '1000')
    .option('--requests <n>', 'requests per query per run', '60')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--repeat <n>', 'runs per query (medians reported)', '3')
    .option('--max-data-points <n>', "the panel's maxDataPoints (about its width in pixels)", '1000')
    .option('--backend <kind>', 'redis or embedded', 'redis')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const o = {
          series: positiveInteger('--series', opts.series),
          requests: positiveInteger('--requests', opts.requests),
          concurrency: positiveInteger('--concurrency', opts.concurrency),
          repeat: positiveInteger('--repeat', opts.repeat),
          maxDataPoints: positiveInteger('--max-data-points', opts.maxDataPoints),
        };
        if (!['redis', 'embedded'].includes(opts.backend))
          throw new UsageError(`--backend: expected redis or embedded, got "${opts.backend}"`);
        const redis = opts.backend === 'redis' ? await benchRedis(ctx.config) : undefined;
        try {
          const result = {
            bench: 'render',
            backend: opts.backend,
            series: o.series,
            max_data_points: o.maxDataPoints,
            concurrency: o.concurrency,
            load_avg_before: round(os.loadavg()[0]),
          };
          const figures = await benchRender(o, redis?.url);
          printResult({ ...result, ...figures, load_avg_after: round(os.loadavg()[0]) }, opts.json);
        } finally {
          await redis?.stop();
        }
      }),
    );
}

async function benchRender(
  o: { series: number; requests: number; concurrency: number; repeat: number; maxDataPoints: number },
  redisUrl?: string,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-bench-render-'));
  let kale: Awaited<ReturnType<typeof startWebappProcess>> | undefined;
  let writer: RedisStore | undefined;
  try {
    const names = Array.from({ length: o.series }, (_, i) => `bench.host${i % 100}.service${i}.latency`);
    const store: Store = redisUrl ? RedisStore.connect(redisUrl) : EmbeddedStore.open(dir);
    const seededAt = Math.floor(Date.now() / 1000);
    await seedStore(store, names, Math.min(50, o.series), seededAt);
    await store.close();
    const config = path.join(dir, 'bench.config.json');
    fs.writeFileSync(config, JSON.stringify({ logLevel: 'warn' }));
    kale = await startWebappProcess([
      '--config',
      config,
      '--data-dir',
      dir,
      ...(redisUrl ? ['--redis', redisUrl] : []),
    ]);
    const formAt = (target: string, now: number) =>
      new URLSearchParams({
        target,
        from: String(now - 86400),
        until: String(now),
        format: 'json',
        maxDataPoints: String(o.maxDataPoints),
      }).toString();
    const form = (target: string) => () => formAt(target, Math.floor(Date.now() / 1000));
    const queries: Record<string, Query> = {
      glob: { path: '/render', body: form(GLOB) },
      sum: { path: '/render', body: form(`sumSeries(${GLOB})`) },
      anomalies: { path: '/render', body: form(`maxSeries(anomalies(${GLOB}))`) },
      find: { path: '/metrics/find?query=bench.host1.*' },
    };
    if (redisUrl) {
      // A dashboard refreshed once a minute while horizon writes: before each request every series
      // gets its next minute's point, and the range moves on by that minute.
      writer = RedisStore.connect(redisUrl);
      const w = writer;
      let minute = Math.floor(seededAt / 60) * 60;
      queries.refresh = {
        path: '/render',
        before: () => {
          minute += 60;
          return w.append(names.map((name, i) => ({ name, points: [[minute, 100 + (i % 7)]] })));
        },
        body: () => formAt(GLOB, minute),
      };
    }
    const out: Record<string, number> = {};
    for (const [name, q] of Object.entries(queries)) {
      // The first request of each query apart: /render keeps the text of what it wrote, so later
      // requests over unchanged series only copy it.
      const cpuFirst = cpuMs(kale.child.pid!);
      out[`${name}_first_ms`] = round((await load(kale.url, q, 1, 1)).p50);
      out[`${name}_first_server_cpu_ms`] = round(cpuMs(kale.child.pid!) - cpuFirst);
      const runs: Array<{ p50: number; p95: number; cpu: number; bytes: number }> = [];
      for (let r = 0; r < o.repeat; r++) {
        progress(`bench render ${name}`, r, o.repeat);
        const cpu0 = cpuMs(kale.child.pid!);
        const run = await load(kale.url, q, o.requests, o.concurrency);
        runs.push({ ...run, cpu: (cpuMs(kale.child.pid!) - cpu0) / o.requests });
      }
      progress(`bench render ${name}`, o.repeat, o.repeat);
      out[`${name}_p50_ms`] = round(median(runs.map((x) => x.p50)));
      out[`${name}_p95_ms`] = round(median(runs.map((x) => x.p95)));
      out[`${name}_server_cpu_ms_per_req`] = round(median(runs.map((x) => x.cpu)));
      out[`${name}_kb`] = Math.round(runs[0].bytes / 1024);
    }
    return out;
  } finally {
    await writer?.close();
    kale?.child.kill('SIGTERM');
    if (kale) await new Promise((r) => kale!.child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Query {
  path: string;
  /** A form POST's body, made per request; a GET without it. */
  body?: () => string;
  /** Run before each request, outside its latency. */
  before?: () => Promise<void>;
}

/** `requests` requests with `concurrency` in flight. */
async function load(base: string, q: Query, requests: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next++ < requests) {
      await q.before?.();
      const t0 = performance.now();
      const res = await fetch(
        base + q.path,
        q.body
          ? {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: q.body(),
            }
          : {},
      ).catch((err: Error) => {
        throw new Error(`${q.path}: ${err.message} (${String(err.cause)})`);
      });
      const body = await res.arrayBuffer();
      if (!res.ok)
        throw new Error(`${q.path} answered ${res.status}: ${Buffer.from(body).toString('utf8', 0, 200)}`);
      latencies.push(performance.now() - t0);
      bytes = body.byteLength;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), bytes };
}
