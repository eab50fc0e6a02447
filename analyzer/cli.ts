import fs from 'node:fs';
import { Command, Option } from 'commander';
import { action, UsageError, withGlobalOptions } from '../core/cli.js';
import { parseTime } from '../core/time.js';
import { analyzeSeries, type Analysis } from './analyze.js';
import { PRESETS, resolvePreset, UnknownPresetError, type Preset } from './presets.js';
import { replaySeries } from './replay.js';
import { rulesFromConfig } from './rules.js';
import { readSeriesCsv, readSeriesJson, SeriesFileError } from './seriesFile.js';
import type { KaleConfig } from '../core/config/schema.js';
import { analyzerServiceCommand, verifyAlertsCommand } from './commands.js';

const presetOption = () =>
  new Option(
    '--preset <name>',
    `detector preset (${Object.keys(PRESETS).join(', ')}; default: config analyzer.preset)`,
  );

function presetFrom(config: KaleConfig, name: string | undefined): Preset {
  try {
    return resolvePreset(name ?? config.analyzer.preset, config);
  } catch (err) {
    if (err instanceof UnknownPresetError) throw new UsageError(`--preset: ${err.message}`);
    throw err;
  }
}

/** File problems are the caller's to fix: exit 2 with one line. */
function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof SeriesFileError) throw new UsageError(err.message);
    throw err;
  }
}

/** `kale analyze FILE [--preset] [--now TS] [--json]`. */
export function analyzeCommand(): Command {
  return withGlobalOptions(new Command('analyze'))
    .description(
      'analyse one series ([[ts, value], …] or {"results": […]}) and print every vote and the verdict',
    )
    .argument('<file>', "JSON file ('-' = stdin)")
    .addOption(presetOption())
    .option(
      '--now <time>',
      'the clock (epoch seconds, ISO 8601, -2h, …); default: wall clock for etsy, the newest point otherwise',
    )
    .option('--json', 'print {"verdict", "votes", "datapoint", "score"}')
    .action(
      action(async (ctx, file: string, opts: { preset?: string; now?: string; json?: boolean }) => {
        const preset = presetFrom(ctx.config, opts.preset);
        const series = usage(() => readSeriesJson(file));
        const n = series.timestamps.length;
        const now =
          opts.now !== undefined
            ? parseTime(opts.now)
            : preset.clock === 'given'
              ? Date.now() / 1000
              : n
                ? series.timestamps[n - 1]
                : Date.now() / 1000;
        const rules = rulesFromConfig(ctx.config);
        // A calibrated preset judges the last point against the metric's own history: the file's rows,
        // replayed as the live analyzer would have seen them.
        let result: Analysis | null = null;
        if (preset.severity === 'calibrated')
          for (const row of replaySeries(series, preset, rules)) result = row.analysis ?? result;
        result ??= analyzeSeries(series.timestamps, series.values, { preset, rules, now });
        process.stdout.write(
          opts.json ? `${JSON.stringify(toJson(result))}\n` : describe(result, preset.name),
        );
      }),
    );
}

/** JSON has no NaN: an empty series has no datapoint. */
function toJson(a: Analysis): Record<string, unknown> {
  return { ...a, datapoint: Number.isFinite(a.datapoint) ? a.datapoint : null };
}

function describe(a: Analysis, preset: string): string {
  const lines = [`preset     ${preset}`];
  for (const [name, vote] of Object.entries(a.votes ?? {})) {
    lines.push(`${name.padEnd(28)} ${vote === null ? 'no vote' : vote ? 'ANOMALOUS' : 'normal'}`);
  }
  if (a.error) lines.push(`error      ${a.error}`);
  lines.push(`datapoint  ${a.datapoint}`, `score      ${a.score.toFixed(3)}`, `verdict    ${a.verdict}`);
  return lines.join('\n') + '\n';
}

/** `kale replay FILE.csv [--preset] -o OUT.csv`. */
export function replayCommand(): Command {
  return withGlobalOptions(new Command('replay'))
    .description('feed a timestamp,value CSV through the analyzer point by point, as if live')
    .argument('<file>', "CSV file ('-' = stdin)")
    .addOption(presetOption())
    .option('-o, --output <file>', 'write timestamp,value,anomaly_score,anomalous here (default: stdout)')
    .action(
      action(async (ctx, file: string, opts: { preset?: string; output?: string }) => {
        const preset = presetFrom(ctx.config, opts.preset);
        const series = usage(() => readSeriesCsv(file));
        const out = opts.output ? fs.createWriteStream(opts.output) : process.stdout;
        const write = (s: string) =>
          new Promise<void>((resolve, reject) => {
            if (out.write(s)) resolve();
            else out.once('drain', resolve).once('error', reject);
          });
        await write('timestamp,value,anomaly_score,anomalous\n');
        let chunk = '';
        for (const row of replaySeries(series, preset, rulesFromConfig(ctx.config))) {
          chunk += `${row.timestamp},${Number.isNaN(row.value) ? '' : row.value},${row.score.toFixed(4)},${row.anomalous ? 1 : 0}\n`;
          if (chunk.length > 1 << 16) {
            await write(chunk);
            chunk = '';
          }
        }
        await write(chunk);
        if (opts.output)
          await new Promise<void>((resolve, reject) =>
            (out as fs.WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
      }),
    );
}

export function analyzerCommands(): Command[] {
  return [analyzerServiceCommand(), analyzeCommand(), replayCommand(), verifyAlertsCommand()];
}
