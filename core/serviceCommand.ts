import type { Command } from 'commander';
import { configFromOptions, type CommandContext, type GlobalOptions } from './cli.js';
import { runServices } from './runServices.js';
import type { StartService } from './service.js';

/**
 * Runs one service as its own process (`kale horizon`, `kale analyzer`, …) until SIGTERM; SIGHUP re-reads
 * the configuration with the same flags (and `extraConfig`, the command's own flags shaped as config).
 */
export function runServiceCommand(
  cmd: Command,
  ctx: CommandContext,
  service: StartService,
  extraConfig?: Record<string, unknown>,
): Promise<void> {
  return runServices({
    config: ctx.config,
    store: ctx.store(),
    log: ctx.log,
    // A service run alone serves its own GET /metrics when metrics.port is set (the webapp's auth rules).
    services: [
      service,
      async (ctx) => (await import('../webapp/server/metricsListener.js')).startMetricsListener(ctx),
    ],
    reloadConfig: () => configFromOptions(cmd.optsWithGlobals() as GlobalOptions, extraConfig),
  });
}
