import type { loadConfig } from './config/load.js';
import type { KaleConfig } from './config/schema.js';
import type { Logger } from './log.js';
import type { RunningService, ServiceContext, StartService } from './service.js';
import type { Store } from './store/store.js';

export interface RunOptions {
  config: KaleConfig;
  store: Store;
  log: Logger;
  services: ReadonlyArray<StartService>;
  /** Re-reads the configuration on SIGHUP. */
  reloadConfig?: () => ReturnType<typeof loadConfig>;
  /**
   * Runs once the ready line is out (e.g. seeding a demo); a failure is logged, the services keep
   * running. `runNow` starts every service's periodic work at once (an analyzer cycle, a shape import).
   */
  onReady?: (endpoints: Readonly<Record<string, number | string>>, runNow: () => void) => Promise<void>;
}

/**
 * Starts services in order once the store answers, prints the `kale ready {...}` line once every
 * listener is up, reloads on SIGHUP and stops everything (flushing) on SIGTERM/SIGINT. Resolves when
 * the services have stopped; the process exits `shutdownTimeout` seconds after the signal whatever
 * still hangs (a Redis that is away holds every command).
 */
export async function runServices(opts: RunOptions): Promise<void> {
  const running: RunningService[] = [];
  const ctx: ServiceContext = { config: opts.config, store: opts.store, log: opts.log };
  // Waits while Redis is not there yet; the CLI ends the process if it never comes (core/cli.ts).
  await opts.store.ping();
  try {
    for (const start of opts.services) running.push(await start(ctx));
  } catch (err) {
    await Promise.allSettled(running.reverse().map((s) => s.stop()));
    throw err;
  }
  // Keeps the process alive until a signal arrives, even when no service holds a socket open.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    const onHup = async () => {
      if (!opts.reloadConfig) return;
      try {
        const next = await opts.reloadConfig();
        for (const s of running) await s.reload?.(next);
        opts.log.info('configuration reloaded');
      } catch (err) {
        opts.log.error(`reload failed, keeping the previous configuration: ${(err as Error).message}`);
      }
    };
    const onStop = async (signal: string) => {
      process.off('SIGHUP', onHup);
      const bound = opts.config.shutdownTimeout;
      opts.log.info(`${signal}: stopping (at most ${bound} s)`);
      const stopping = new Set(running.map((s) => s.name));
      const deadline = setTimeout(() => {
        const what = stopping.size
          ? `${[...stopping].join(', ')} still stopping`
          : 'services stopped, connections still closing';
        opts.log.error(`${what} after ${bound} s (shutdownTimeout): exiting now`);
        process.exit(1);
      }, bound * 1000).unref();
      // All at once: one service waiting on an absent Redis must not hold back another's flush.
      await Promise.all(
        running.map((s) =>
          s
            .stop()
            .catch((err) => opts.log.error(`${s.name} did not stop cleanly: ${(err as Error).message}`))
            .finally(() => stopping.delete(s.name)),
        ),
      );
      // The embedded store writes its snapshot on close, next: cut short, it would lose the data.
      if (opts.store.kind === 'embedded') clearTimeout(deadline);
      clearInterval(keepAlive);
      resolve();
    };
    process.on('SIGHUP', onHup);
    process.once('SIGTERM', () => void onStop('SIGTERM'));
    process.once('SIGINT', () => void onStop('SIGINT'));
    // Only now: whoever reads the ready line may signal us at once.
    const endpoints = Object.assign({}, ...running.map((s) => s.endpoints));
    process.stdout.write(`kale ready ${JSON.stringify(endpoints)}\n`);
    const runNow = () => {
      for (const s of running) s.runNow?.();
    };
    opts
      .onReady?.(endpoints, runNow)
      .catch((err) => opts.log.error(`after ready: ${(err as Error).message}`));
  });
}
