import { Command } from 'commander';
import { positiveInteger } from '../../core/cliNumbers.js';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import { printResult, progress } from '../bench/stats.js';
import type { Proto } from '../senders/sender.js';
import { senderTarget, withTargetOptions } from '../senders/target.js';
import { horizonCountersSince, readHorizonCounters } from './horizonCounters.js';
import { generateLoad } from './generateLoad.js';

interface LoadgenOptions {
  proto: Proto;
  rate: string;
  duration: string;
  metrics: string;
  batch: string;
  cleanup?: boolean;
  json?: boolean;
}

export function loadgenCommand(): Command {
  const cmd = withTargetOptions(withGlobalOptions(new Command('loadgen')), 'udp')
    .description('send sustained load to a running kale and count exactly what was stored')
    .requiredOption('--rate <n>', 'points per second')
    .requiredOption('--duration <seconds>', 'how long to send')
    .option('--metrics <m>', 'distinct metric names the points are spread over', '100')
    .option('--batch <n>', 'points per send (split into 500-point pickle frames or 32 KiB datagrams)', '1000')
    .option('--cleanup', 'remove the generated metrics from the store afterwards')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Metrics are named loadgen.<run>.m<i>. Counting what was stored reads the same store the running kale
writes to, so give the same --redis URL (or REDIS_URL); with the embedded store only "sent" is known.
Prints one line: proto, run, rate asked, seconds spent sending, sent, stored, lost, points/s sent.
When points were lost, also the change in horizon's counters over the run (horizon_received,
horizon_rejected_<reason>, horizon_skipped, horizon_dropped; they count all traffic to that kale).
Exits 1 when fewer points were stored than sent.
`,
    );
  return cmd.action(
    action(async (ctx, opts: LoadgenOptions) => {
      const rate = positiveInteger('--rate', opts.rate);
      const duration = Number(opts.duration);
      if (!(duration > 0)) throw new UsageError(`--duration: expected seconds > 0, got "${opts.duration}"`);
      const m = positiveInteger('--metrics', opts.metrics);
      const batch = positiveInteger('--batch', opts.batch);
      const { host, port } = senderTarget(ctx.config, opts.proto);
      const store = ctx.config.redis.url ? ctx.store() : undefined;
      if (store && !(await store.ping())) throw new Error(`cannot reach Redis at ${ctx.config.redis.url}`);

      const before = store && (await readHorizonCounters(store))?.counters;
      const run = Date.now().toString(36);
      const names = Array.from({ length: m }, (_, i) => `loadgen.${run}.m${i}`);
      // The protocol encoders and the window decoder load only when the command runs.
      const [{ openSender }, { waitForStored }] = await Promise.all([
        import('../senders/openSender.js'),
        import('./countStored.js'),
      ]);
      const sender = await openSender(opts.proto, host, port);
      const { sent, seconds } = await generateLoad({
        sender,
        names,
        rate,
        durationSeconds: duration,
        batch,
        onProgress: (done, total) => progress(`sending ${opts.proto} to ${host}:${port}`, done, total),
      });
      const stored = store ? await waitForStored(store, names, sent) : undefined;
      // Where lost points went, by horizon's counters in its next status (written every selfMetricsInterval,
      // stamped in whole seconds), once the stored count has settled.
      const horizon =
        store && stored !== undefined && stored < sent
          ? await horizonCountersSince(
              store,
              before ?? {},
              Math.floor(Date.now() / 1000) + 1,
              (ctx.config.horizon.selfMetricsInterval + 5) * 1000,
            )
          : undefined;
      if (store && opts.cleanup) for (const name of names) await store.trim(name, Date.now() / 1000 + 1e9);
      printResult(
        {
          proto: opts.proto,
          run: `loadgen.${run}`,
          rate,
          seconds: Number(seconds.toFixed(3)),
          sent,
          stored: stored ?? 'unknown (embedded store: pass --redis)',
          lost: stored === undefined ? 'unknown' : sent - stored,
          sent_per_s: Math.round(sent / seconds),
          ...Object.fromEntries(
            Object.entries(horizon ?? {}).map(([k, v]) => [`horizon_${k.replace('.', '_')}`, v]),
          ),
        },
        opts.json,
      );
      if (stored !== undefined && stored < sent) process.exitCode = 1;
    }),
  );
}
