import { Command } from 'commander';
import { flagScore } from '../../analyzer/analyze.js';
import { hourlyRarity, rarityOfScore } from '../../analyzer/calibration/calibrate.js';
import type { Preset } from '../../analyzer/presets.js';
import { replaySeries } from '../../analyzer/replay.js';
import { rulesFromConfig, type AnalyzerRules } from '../../analyzer/rules.js';
import { action, UsageError, withGlobalOptions } from '../../core/cli.js';
import { positive } from '../../core/cliNumbers.js';
import { NORMAL_SHAPE_NAMES, NORMAL_SHAPES, normalSeries } from './normalShapes.js';
import { presetNamed } from './presetOption.js';
import { printResult, progress } from './stats.js';

interface Options {
  preset: string;
  shapes?: string;
  days: string;
  step: string;
  warmUpDays: string;
  json?: boolean;
}

interface ShapeResult {
  /** Rows judged after the warm-up. */
  readonly rows: number;
  /** Rows replay flags anomalous (`anomalous` = 1): each one a page or an escalation. */
  readonly flagged: number;
  /** Calibrated presets: the flags chance alone gives at the flag score; null for a voting preset. */
  readonly expected: number | null;
}

/**
 * `kale bench quiet`: replays series that are all normal behaviour (utils/bench/normalShapes.ts)
 * through each preset and counts what it flags after a warm-up. A calibrated preset's flag score
 * stands for a rarity, so chance alone flags a known number of rows; a shape flagged far more often
 * than that is one whose normal behaviour the detectors mistake for trouble.
 */
export function quietBenchCommand(): Command {
  return withGlobalOptions(new Command('quiet'))
    .description('replay series of normal behaviour (no anomalies) and count the flags per shape and preset')
    .option('--preset <names>', 'comma-separated presets to compare', 'default')
    .option('--shapes <names>', `comma-separated shapes (${NORMAL_SHAPE_NAMES.join(', ')})`)
    .option('--days <n>', 'days of rows per shape', '28')
    .option('--step <seconds>', 'seconds between rows', '300')
    .option('--warm-up-days <n>', 'days replayed before flags count', '2')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const presets = opts.preset.split(',').map((name) => presetNamed(name.trim(), ctx.config));
        const shapes =
          opts.shapes === undefined ? NORMAL_SHAPE_NAMES : opts.shapes.split(',').map(shapeNamed);
        const step = positive('--step', opts.step);
        const days = positive('--days', opts.days);
        const warmUpDays = Number(opts.warmUpDays);
        if (!(warmUpDays >= 0 && warmUpDays < days))
          throw new UsageError(
            `--warm-up-days: expected a number from 0 to below --days, got "${opts.warmUpDays}"`,
          );
        const rows = Math.floor((days * 86400) / step);
        const warmUp = Math.floor((warmUpDays * 86400) / step);
        const rules = rulesFromConfig(ctx.config);
        const results: Record<string, Record<string, ShapeResult>> = {};
        for (const [i, shape] of shapes.entries()) {
          progress('bench quiet', i, shapes.length);
          const series = normalSeries(shape, rows, step);
          results[shape] = Object.fromEntries(
            presets.map((preset) => [preset.name, quietRun(series, preset, rules, warmUp, step)]),
          );
        }
        progress('bench quiet', shapes.length, shapes.length);
        if (!opts.json) printTable(results, presets);
        const flat: Record<string, unknown> = { bench: 'quiet', shapes: shapes.length, rows, step };
        for (const [shape, byPreset] of Object.entries(results))
          for (const [name, r] of Object.entries(byPreset)) flat[`${name}_${shape}_flagged`] = r.flagged;
        printResult(opts.json ? { ...flat, results } : flat, opts.json);
      }),
    );
}

function quietRun(
  series: ReturnType<typeof normalSeries>,
  preset: Preset,
  rules: AnalyzerRules,
  warmUp: number,
  step: number,
): ShapeResult {
  let flagged = 0;
  let index = 0;
  for (const row of replaySeries(series, preset, rules)) {
    if (index++ >= warmUp && row.anomalous) flagged++;
  }
  const judged = series.values.length - warmUp;
  // A calibrated flag score is a rarity per hour of the metric's life (analyzer/calibration/calibrate.ts).
  const perRow = 10 ** -(rarityOfScore(flagScore(preset, rules)) - hourlyRarity(0, step));
  return { rows: judged, flagged, expected: preset.severity === 'calibrated' ? judged * perRow : null };
}

function printTable(
  results: Record<string, Record<string, ShapeResult>>,
  presets: ReadonlyArray<Preset>,
): void {
  const lines = [
    `${'shape'.padEnd(16)} ${'preset'.padEnd(10)} ${'rows'.padStart(7)} ${'flagged'.padStart(8)} ${'chance'.padStart(7)}  what`,
  ];
  for (const [shape, byPreset] of Object.entries(results)) {
    for (const preset of presets) {
      const r = byPreset[preset.name];
      const chance = r.expected === null ? 'n/a' : r.expected.toFixed(1);
      lines.push(
        `${shape.padEnd(16)} ${preset.name.padEnd(10)} ${String(r.rows).padStart(7)} ${String(r.flagged).padStart(8)} ${chance.padStart(7)}  ${NORMAL_SHAPES[shape].what}`,
      );
    }
  }
  lines.push(
    'chance: the rows a calibrated preset flags by chance alone at its flag score; n/a for a voting preset.',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

function shapeNamed(name: string): string {
  const shape = name.trim();
  if (!(shape in NORMAL_SHAPES))
    throw new UsageError(`--shapes: unknown shape "${shape}" (known: ${NORMAL_SHAPE_NAMES.join(', ')})`);
  return shape;
}
