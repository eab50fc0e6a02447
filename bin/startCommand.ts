import { Command } from 'commander';
import {
  UsageError,
  action,
  configFromOptions,
  withGlobalOptions,
  withPortOptions,
  type GlobalOptions,
} from '../core/cli.js';
import type { KaleConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import { runServices } from '../core/runServices.js';
import type { StartService } from '../core/service.js';
import type { Store } from '../core/store/store.js';

interface StartFlags {
  interval?: string;
  preset?: string;
  seed?: string | boolean;
}

/** `kale start`: every service in one process, on embedded defaults unless configured otherwise. */
export function startCommand(
  services: ReadonlyArray<{ name: string; start: () => Promise<StartService> }>,
): Command {
  const cmd = withPortOptions(withGlobalOptions(new Command('start')), [
    'pickle',
    'udp',
    'line',
    'remoteWrite',
    'webapp',
  ])
    .description(`run all services in one process (${services.map((s) => s.name).join(', ')})`)
    .option('--interval <seconds>', 'analyzer cycle interval in seconds')
    .option('--preset <name>', 'analyzer preset')
    .option(
      '--seed [metrics]',
      'once ready, fill the store with a demo: a day of metrics (default 20) with injected anomalies, streamed to this process',
    );
  return cmd.action(
    action(
      async (ctx, flags: StartFlags) => {
        const seedMetrics =
          flags.seed === undefined ? undefined : flags.seed === true ? 20 : Number(flags.seed);
        if (seedMetrics !== undefined && !(Number.isInteger(seedMetrics) && seedMetrics > 0))
          throw new UsageError(`--seed: expected a number of metrics, got "${flags.seed}"`);
        (await import('../analyzer/commands.js')).assertKnownPreset(ctx.config);
        const store = ctx.store();
        await runServices({
          config: ctx.config,
          store,
          log: ctx.log,
          services: await Promise.all(services.map((s) => s.start())),
          reloadConfig: () => configFromOptions(cmd.optsWithGlobals() as GlobalOptions, analyzerFlags(flags)),
          onReady:
            seedMetrics === undefined
              ? undefined
              : async (endpoints, runNow) => {
                  await seedDemo(ctx.config, store, ctx.log, endpoints, seedMetrics);
                  // Show the demo at once: an analyzer cycle and a shape import now, not at their next interval.
                  runNow();
                },
        });
      },
      (flags: StartFlags) => analyzerFlags(flags),
    ),
  );
}

function analyzerFlags(flags: StartFlags): Record<string, unknown> {
  return {
    analyzer: {
      interval: flags.interval === undefined ? undefined : Number(flags.interval),
      preset: flags.preset,
    },
  };
}

/**
 * The demo seed of `kale seed`, run inside this process: with the embedded store no other process can
 * write the history, so it goes through the import path here and the newest minutes arrive live over
 * this process's own pickle (or plaintext) listener.
 */
async function seedDemo(
  config: KaleConfig,
  store: Store,
  log: Logger,
  endpoints: Readonly<Record<string, number | string>>,
  metrics: number,
): Promise<void> {
  const [{ runSeed }, { importRouting }, { openSender }] = await Promise.all([
    import('../utils/seed/runSeed.js'),
    import('../utils/import/torusRoute.js'),
    import('../utils/senders/openSender.js'),
  ]);
  const proto =
    typeof endpoints.pickle === 'number' ? 'pickle' : typeof endpoints.line === 'number' ? 'line' : undefined;
  if (!proto) throw new Error('--seed needs the pickle or plaintext listener open');
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const sender = await openSender(proto, host, endpoints[proto] as number);
  try {
    const result = await runSeed({
      store,
      route: importRouting(config).route,
      sender,
      metrics,
      hours: 24,
      step: 60,
      liveSeconds: Math.min(600, config.maxResolution / 2),
      randomSeed: 1,
      now: Date.now() / 1000,
      livePaceMs: 100,
    });
    const { arrived, expected } = result.arrival;
    log.info(
      `seeded ${result.metrics.length} metrics: ${arrived} of ${expected} points stored; the analyzer judges them now`,
    );
  } finally {
    await sender.close();
  }
}
