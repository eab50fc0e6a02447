import { Command } from 'commander';
import { action, configFromOptions, withGlobalOptions, withPortOptions, type GlobalOptions } from '../cli.js';
import { runServices } from '../runServices.js';
import type { StartService } from '../service.js';

/** `kale start`: every service in one process, on embedded defaults unless configured otherwise. */
export function startCommand(services: ReadonlyArray<{ name: string; start: () => Promise<StartService> }>): Command {
  const cmd = withPortOptions(withGlobalOptions(new Command('start')), ['pickle', 'udp', 'line', 'webapp'])
    .description(`run all services in one process (${services.map((s) => s.name).join(', ') || 'none yet'})`)
    .option('--interval <seconds>', 'analyzer cycle interval in seconds')
    .option('--preset <name>', 'analyzer preset');
  return cmd.action(action(async (ctx) => {
    const flags = cmd.optsWithGlobals() as GlobalOptions;
    await runServices({
      config: ctx.config,
      store: ctx.store(),
      log: ctx.log,
      services: await Promise.all(services.map((s) => s.start())),
      reloadConfig: () => configFromOptions(flags, analyzerFlags(cmd.opts())),
    });
  }, (opts: { interval?: string; preset?: string }) => analyzerFlags(opts)));
}

function analyzerFlags(opts: { interval?: string; preset?: string }): Record<string, unknown> {
  return { analyzer: { interval: opts.interval === undefined ? undefined : Number(opts.interval), preset: opts.preset } };
}
