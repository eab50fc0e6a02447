import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { Command } from 'commander';
import { action, withGlobalOptions } from '../../core/cli.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { snapshotPath } from '../../core/store/embedded/layout.js';
import type { AppendBatch } from '../../core/store/store.js';
import { median, printResult, progress } from './stats.js';

interface Options {
  mb: string;
  metrics: string;
  repeat: string;
  json?: boolean;
}

// A msgpack [uint32 timestamp, float64 value] point in a Skyline window.
const BYTES_PER_POINT = 15;

/**
 * `kale bench embedded`: how long the serving event loop pauses while the embedded store compacts a
 * data dir of `--mb` (ingest keeps appending meanwhile), how long compaction takes, and how long a
 * restart takes to load it.
 */
export function embeddedBenchCommand(): Command {
  return withGlobalOptions(new Command('embedded'))
    .description(
      'event-loop pauses during embedded-store compaction at a given size, compaction and reopen times',
    )
    .option('--mb <n>', 'raw window bytes in the store, in MB', '250')
    .option('--metrics <n>', 'metrics holding them', '20000')
    .option('--repeat <n>', 'compactions and reopens measured (medians reported)', '3')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (_ctx, opts: Options) => {
        const repeat = Number(opts.repeat);
        const metrics = Number(opts.metrics);
        const perMetric = Math.ceil((Number(opts.mb) * 1e6) / BYTES_PER_POINT / metrics);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-bench-embedded-'));
        // No compaction on its own: the bench starts each one.
        const options = { compactBytes: Number.MAX_SAFE_INTEGER };
        try {
          let store = EmbeddedStore.open(dir, options);
          await fill(store, metrics, perMetric);
          await store.compact();
          const runs: Array<{
            seconds: number;
            maxMs: number;
            p99Ms: number;
            gcMaxMs: number;
            appended: number;
            worstTick: { ms: number; atS: number };
          }> = [];
          const loads: number[] = [];
          const idle: typeof runs = [];
          for (let r = 0; r < repeat; r++) {
            progress('bench embedded: compactions', r, repeat);
            loads.push(os.loadavg()[0]);
            runs.push(await compactUnderIngest(store, metrics));
            idle.push(await compactUnderIngest(store, metrics, runs[r].seconds * 1000));
          }
          progress('bench embedded: compactions', repeat, repeat);
          const snapshotBytes = fs.statSync(snapshotPath(dir)).size;
          await store.close();
          const opens: number[] = [];
          for (let r = 0; r < repeat; r++) {
            const t0 = performance.now();
            store = EmbeddedStore.open(dir, options);
            opens.push((performance.now() - t0) / 1000);
            await store.close();
          }
          printResult(
            {
              bench: 'embedded',
              window_mb: Math.round((metrics * perMetric * BYTES_PER_POINT) / 1e6),
              snapshot_mb: Math.round(snapshotBytes / 1e6),
              metrics,
              compaction_s: median(runs.map((x) => x.seconds)),
              event_loop_max_ms: median(runs.map((x) => x.maxMs)),
              event_loop_p99_ms: median(runs.map((x) => x.p99Ms)),
              // The longest garbage collection of the serving thread in that time: its own heap, not the compaction's.
              gc_max_ms: median(runs.map((x) => x.gcMaxMs)),
              points_appended_during_compaction: median(runs.map((x) => x.appended)),
              // The same ingest for as long, without a compaction: what this machine pauses anyway.
              baseline_event_loop_max_ms: median(idle.map((x) => x.maxMs)),
              baseline_event_loop_p99_ms: median(idle.map((x) => x.p99Ms)),
              baseline_gc_max_ms: median(idle.map((x) => x.gcMaxMs)),
              reopen_s: median(opens),
              // Every compaction's own maximum, and its longest late ingest tick: how late, and when (s after the start).
              event_loop_max_each_ms: runs.map((x) => Math.round(x.maxMs)).join(' '),
              longest_tick_each: runs
                .map(
                  (x) =>
                    `${Math.round(x.worstTick.ms)}ms@${x.worstTick.atS.toFixed(2)}/${x.seconds.toFixed(2)}s`,
                )
                .join(' '),
              load_average: `${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`,
            },
            opts.json,
          );
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
    );
}

async function fill(store: EmbeddedStore, metrics: number, perMetric: number): Promise<void> {
  const t0 = 1_700_000_000;
  const step = Math.min(perMetric, 100);
  for (let from = 0; from < perMetric; from += step) {
    progress('bench embedded: fill', from, perMetric);
    for (let m = 0; m < metrics; m += 1000) {
      const batch: AppendBatch[] = [];
      for (let k = m; k < Math.min(metrics, m + 1000); k++) {
        const points: Array<[number, number]> = [];
        for (let j = from; j < Math.min(perMetric, from + step); j++)
          points.push([t0 + j * 60, Math.sin(j + k) * 100 + 0.5]);
        batch.push({ name: `bench.host${k % 100}.metric${k}`, points });
      }
      await store.append(batch);
    }
    await store.flush();
  }
  progress('bench embedded: fill', perMetric, perMetric);
}

/**
 * One compaction (or, with `idleMs`, that long without one: the baseline of this machine) while a
 * point per metric is appended every 20 ms for 1,000 metrics, as ingest would.
 */
async function compactUnderIngest(store: EmbeddedStore, metrics: number, idleMs?: number) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let t0 = performance.now();
  let appended = 0;
  let ts = 1_800_000_000;
  // The ingest timer doubles as a probe: its longest late tick, and when in the compaction it came.
  let lastTick = performance.now();
  let worst = { ms: 0, atS: 0 };
  const ingest = setInterval(() => {
    const now = performance.now();
    if (now - lastTick - 20 > worst.ms) worst = { ms: now - lastTick - 20, atS: (now - t0) / 1000 };
    lastTick = now;
    ts++;
    const batch: AppendBatch[] = [];
    for (let k = 0; k < Math.min(1000, metrics); k++)
      batch.push({ name: `bench.host${k % 100}.metric${k}`, points: [[ts, k]] });
    void store.append(batch);
    appended += batch.length;
  }, 20);
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, e.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  delay.enable();
  t0 = performance.now();
  if (idleMs === undefined) await store.compact();
  else await new Promise((r) => setTimeout(r, idleMs));
  const seconds = (performance.now() - t0) / 1000;
  delay.disable();
  gc.disconnect();
  clearInterval(ingest);
  await store.flush();
  return {
    seconds,
    maxMs: delay.max / 1e6,
    p99Ms: delay.percentile(99) / 1e6,
    gcMaxMs,
    appended,
    worstTick: worst,
  };
}
