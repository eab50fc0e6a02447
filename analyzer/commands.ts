import { Command, Option } from 'commander';
import { action, UsageError, withGlobalOptions, withMetricsPortOption } from '../core/cli.js';
import type { KaleConfig } from '../core/config/schema.js';
import { runServiceCommand } from '../core/serviceCommand.js';
import { matchingRules } from './alerters/rules.js';
import { getPreset, PRESETS, UnknownPresetError } from './presets.js';
import { parseShard, ShardError, type Shard } from './shard.js';

interface AnalyzerFlags {
  interval?: string;
  once?: boolean;
  shard?: string;
  preset?: string;
  json?: boolean;
}

/**
 * Refuses an unknown `analyzer.preset` (from --preset or the config) as a usage error: one line and exit
 * 2 before any service starts, not a stack trace from the first cycle.
 */
export function assertKnownPreset(config: KaleConfig): void {
  try {
    getPreset(config.analyzer.preset);
  } catch (err) {
    if (err instanceof UnknownPresetError) throw new UsageError(`--preset / analyzer.preset: ${err.message}`);
    throw err;
  }
}

const analyzerConfig = (o: AnalyzerFlags) => ({
  analyzer: { interval: o.interval === undefined ? undefined : Number(o.interval), preset: o.preset },
});

/** `kale analyzer [--interval S] [--once] [--shard i/N] [--preset NAME]`. */
export function analyzerServiceCommand(): Command {
  const cmd = withMetricsPortOption(withGlobalOptions(new Command('analyzer')))
    .description('run the analyzer: judge every metric each interval, record anomalies, send alerts')
    .option('--interval <seconds>', 'cycle interval in seconds (default: config analyzer.interval, 60)')
    .option('--once', 'run one cycle, print its statistics as JSON and exit')
    .option('--shard <i/N>', 'analyse only the metrics whose stable name hash is i modulo N (0 <= i < N)')
    .addOption(new Option('--preset <name>', `detector preset (${Object.keys(PRESETS).join(', ')})`));
  return cmd.action(
    action(
      async (ctx, flags: AnalyzerFlags) => {
        let shard: Shard | undefined;
        try {
          shard = flags.shard ? parseShard(flags.shard) : undefined;
        } catch (err) {
          if (err instanceof ShardError) throw new UsageError(err.message);
          throw err;
        }
        assertKnownPreset(ctx.config);
        // The runner, its workers and the alerters (nodemailer, HTTP) load only when the command runs.
        const [{ AlertDispatcher, alertersFromConfig }, { AnalyzerRunner }, { analyzerService }] =
          await Promise.all([
            import('./alerters/dispatcher.js'),
            import('./runner.js'),
            import('./service.js'),
          ]);
        if (flags.once) {
          const store = ctx.store();
          const alerts = new AlertDispatcher(
            store,
            ctx.config.analyzer.alerts,
            alertersFromConfig(ctx.config),
            ctx.log,
          );
          const runner = new AnalyzerRunner({
            store,
            config: ctx.config,
            log: ctx.log,
            shard,
            onAnomalies: (r) => alerts.dispatch(r),
          });
          try {
            const report = await runner.runCycle();
            process.stdout.write(`${JSON.stringify(report)}\n`);
          } finally {
            await alerts.close(30_000);
            await runner.close();
          }
          return;
        }
        await runServiceCommand(cmd, ctx, analyzerService({ shard }), analyzerConfig(flags));
      },
      (flags: AnalyzerFlags) => analyzerConfig(flags),
    ),
  );
}

/** `kale verify-alerts NAME…`: which alert rules a metric name matches, and through which alerter. */
export function verifyAlertsCommand(): Command {
  return withGlobalOptions(new Command('verify-alerts'))
    .description('list the alert rules each metric name matches')
    .argument('<names...>', 'metric names')
    .option('--json', 'print {name: [{match, via, expiry, configured}]}')
    .action(
      action(async (ctx, names: string[], opts: { json?: boolean }) => {
        const a = ctx.config.analyzer.alerters as Record<string, unknown>;
        const out: Record<
          string,
          Array<{ match: string; via: string; expiry: number; configured: boolean }>
        > = {};
        for (const name of names) {
          out[name] = matchingRules(ctx.config.analyzer.alerts, name).map((r) => ({
            match: String(r.match),
            via: r.via,
            expiry: r.expiry,
            configured: a[r.via] !== undefined,
          }));
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(out)}\n`);
          return;
        }
        const lines: string[] = [];
        for (const [name, rules] of Object.entries(out)) {
          if (rules.length === 0) lines.push(`${name}: no alert rule matches`);
          for (const r of rules) {
            lines.push(
              `${name}: ${r.via} (match ${r.match}, one alert per ${r.expiry} s)${r.configured ? '' : ` — alerter "${r.via}" is not configured`}`,
            );
          }
        }
        process.stdout.write(lines.join('\n') + '\n');
      }),
    );
}
