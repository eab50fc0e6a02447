import { Command } from 'commander';
import { action, withGlobalOptions, withMetricsPortOption, withPortOptions } from '../core/cli.js';
import { runServiceCommand } from '../core/serviceCommand.js';

/** `kale horizon`: the ingest service alone. */
export function horizonCommand(): Command {
  const cmd = withMetricsPortOption(
    withPortOptions(withGlobalOptions(new Command('horizon')), ['pickle', 'udp', 'line', 'remoteWrite']),
  ).description(
    'ingest: pickle TCP/UDP (carbon-relay, statsd), msgpack UDP, plaintext TCP and Prometheus remote_write into the Store',
  );
  // The listeners, decoders and writer load only when the command runs, not for `kale --help`.
  return cmd.action(
    action(async (ctx) => runServiceCommand(cmd, ctx, (await import('./service.js')).startHorizon)),
  );
}

/** `kale schema-debug NAME…`: which schemas, keys and aggregates each name produces. */
export function schemaDebugCommand(): Command {
  return withGlobalOptions(new Command('schema-debug'))
    .description(
      'print, for each name, the torus schemas it matches, the keys it would write and the aggregates it generates',
    )
    .argument('<names...>', 'metric names')
    .option('--json', 'print the reports as JSON')
    .action(
      action(async (ctx, names: string[], opts: { json?: boolean }) => {
        const [{ Router }, { explainName, formatReport }] = await Promise.all([
          import('../core/torus/router.js'),
          import('./schemaDebug.js'),
        ]);
        const router = new Router(ctx.config.horizon);
        const reports = names.map((n) => explainName(router, n));
        process.stdout.write(
          opts.json ? `${JSON.stringify(reports)}\n` : reports.map(formatReport).join('\n'),
        );
      }),
    );
}
