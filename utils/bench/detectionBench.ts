import path from 'node:path';
import { Command } from 'commander';
import { alertRows, EPISODE_SECONDS, EPISODE_STEPS, episodeOptionsForStep } from '../../analyzer/episodes.js';
import type { Preset } from '../../analyzer/presets.js';
import { replaySeries } from '../../analyzer/replay.js';
import { rulesFromConfig, type AnalyzerRules } from '../../analyzer/rules.js';
import { action, UsageError, withGlobalOptions } from '../../core/cli.js';
import { addCounts } from './addCounts.js';
import { writeDetectionPlot } from './detectionPlot.js';
import {
  DEFAULT_SCORE_OPTIONS,
  emptyCounts,
  scoreFile,
  summarise,
  type ScoreCounts,
  type ScoreOptions,
  type ScoreSummary,
} from './detectionScore.js';
import { irregularSeries, parseIrregularities } from './irregularSeries.js';
import { fileNameMatcher, labelledFiles, readLabelledCsv, type LabelledSeries } from './labelledCsv.js';
import {
  NAB_PROFILES,
  nabReport,
  onePageCeilingScores,
  type NabProfileResult,
  type NabSummary,
} from './nabScore.js';
import { printResult, progress } from './stats.js';
import { nonNegative } from '../../core/cliNumbers.js';
import { presetNamed } from './presetOption.js';

interface Options {
  preset: string;
  files?: string;
  tolerance: string;
  fpCost: string;
  worst: string;
  plotDir: string;
  irregular?: string;
  json?: boolean;
}

/**
 * What is scored: `verdicts` = every row `kale replay` calls anomalous; `alerts` = the rows that
 * would page someone, i.e. the first detection of each episode (analyzer/episodes.ts).
 */
const LEVELS = ['alerts', 'verdicts'] as const;
/** The reference row of the NAB table: pages exactly at each labelled run's first row (onePageCeilingScores). */
const CEILING = 'one-page';
type Level = (typeof LEVELS)[number];

interface FileResult {
  readonly series: LabelledSeries;
  /** Replay's `anomaly_score` per row, per preset: what NAB thresholds. */
  readonly scores: Record<string, Float64Array>;
  readonly flagged: Record<string, Record<Level, boolean[]>>;
  readonly counts: Record<string, Record<Level, ScoreCounts>>;
}

export function detectionBenchCommand(): Command {
  return withGlobalOptions(new Command('detection'))
    .description(
      'replay labelled CSVs (timestamp,value,label) through kale replay and score presets side by side',
    )
    .argument(
      '<dirs...>',
      'folders of labelled CSV files named <domain>__<series>.csv; several are pooled into one sweep (one threshold over series of mixed steps, as a held-out corpus is scored), their domains named <folder>/<domain>',
    )
    .option('--preset <names>', 'comma-separated presets to compare', 'etsy,default')
    .option(
      '--files <pattern>',
      'only files whose name contains this, or matches it when it has a * (e.g. "seasonal_*")',
    )
    .option(
      '--tolerance <rows>',
      'rows of slack before and after each labelled episode',
      String(DEFAULT_SCORE_OPTIONS.tolerance),
    )
    .option(
      '--fp-cost <x>',
      'cost of one false positive in the windowed score (NAB standard: 0.11)',
      String(DEFAULT_SCORE_OPTIONS.fpCost),
    )
    .option('--worst <n>', 'files to plot (worst windowed score of the last preset)', '6')
    .option('--plot-dir <dir>', 'where the HTML plot goes', 'test-artifacts')
    .option(
      '--irregular <kinds>',
      "roughen each file's sampling first, reproducibly: jitter (±10 % of the step, never past a neighbour), drop (15 % of unlabelled rows), outage (6 hours of them), wander (each step 0.5–1.5× its length), comma-separated",
    )
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, dirs: string[], opts: Options) => {
        const presets = opts.preset.split(',').map((name) => presetNamed(name.trim(), ctx.config));
        const scoring: ScoreOptions = {
          tolerance: nonNegative('--tolerance', opts.tolerance),
          fpCost: nonNegative('--fp-cost', opts.fpCost),
        };
        const keep = opts.files === undefined ? () => true : fileNameMatcher(opts.files);
        const files = dirs.flatMap((dir) => {
          const found = labelledFiles(dir).filter(keep);
          if (found.length === 0)
            throw new UsageError(
              `${dir}: no .csv files${opts.files === undefined ? '' : ` matching "${opts.files}"`}`,
            );
          // Pooled folders may share domain names (a set and its 5-minute average): each keeps its own rows.
          const prefix = dirs.length > 1 ? `${path.basename(path.resolve(dir))}/` : '';
          return found.map((file) => ({ file, prefix }));
        });
        const irregular = parseIrregularities(opts.irregular ?? '', '--irregular');
        const rules = rulesFromConfig(ctx.config);
        const started = process.hrtime.bigint();
        const results: FileResult[] = [];
        for (const [i, { file, prefix }] of files.entries()) {
          progress('bench detection', i, files.length);
          const series = readLabelledCsv(file);
          results.push(
            benchFile(
              irregularSeries({ ...series, domain: prefix + series.domain }, irregular),
              presets,
              rules,
              scoring,
              ctx.config.analyzer.alertScore,
            ),
          );
        }
        progress('bench detection', files.length, files.length);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const names = presets.map((p) => p.name);
        const domains = [...new Set(results.map((r) => r.series.domain))];
        const table = (filter: (r: FileResult) => boolean) => tableFor(results.filter(filter), names);
        const byDomain = Object.fromEntries(domains.map((d) => [d, table((r) => r.series.domain === d)]));
        const pooled = table(() => true);
        // NAB: one threshold per preset and profile, swept over the pooled rows; domains are scored at it.
        const nabOf = (scoresOf: (r: FileResult) => ArrayLike<number>) =>
          nabReport(
            results.map((r) => ({ scores: scoresOf(r), labels: r.series.labels, group: r.series.domain })),
          );
        const nab = Object.fromEntries(names.map((name) => [name, nabOf((r) => r.scores[name])]));
        const ceiling = nabOf((r) => onePageCeilingScores(r.series.labels));
        const plot = writeDetectionPlot(
          path.resolve(opts.plotDir),
          `kale bench detection ${dirs.join(' ')}: worst files for ${names[names.length - 1]}`,
          worstFiles(results, names[names.length - 1], Number(opts.worst)).map((r) => ({
            series: r.series,
            flagged: names.map((name) => ({
              preset: name,
              rows: r.flagged[name].alerts,
              summary: describe(summarise(r.counts[name].alerts), r.counts[name].alerts),
            })),
          })),
        );
        if (!opts.json) {
          printTables(byDomain, pooled, names);
          printNab({ ...nab, [CEILING]: ceiling }, domains, [...names, CEILING]);
        }
        const flat: Record<string, unknown> = {
          bench: 'detection',
          files: files.length,
          points: results.reduce((s, r) => s + r.series.values.length, 0),
          irregular: [...irregular],
        };
        for (const name of names) {
          for (const level of LEVELS) {
            const s = pooled[name][level];
            for (const key of ['f1', 'precision', 'recall', 'fpPer1000', 'windowed'] as const)
              flat[`${name}_${level}_${key}`] = s[key];
          }
        }
        for (const name of names) {
          flat[`${name}_nab_windows`] = nab[name].standard.pooled.windows;
          for (const profile of NAB_PROFILES) {
            const r = nab[name][profile.name];
            flat[`${name}_nab_${profile.name}`] = r.pooled.score;
            flat[`${name}_nab_${profile.name}_threshold`] = r.threshold;
            flat[`${name}_nab_${profile.name}_found`] = r.pooled.detected;
          }
        }
        for (const profile of NAB_PROFILES)
          flat[`one_page_ceiling_nab_${profile.name}`] = ceiling[profile.name].pooled.score;
        flat.seconds = seconds;
        flat.plot = plot;
        printResult(
          opts.json ? { ...flat, tolerance: scoring.tolerance, domains: byDomain, pooled, nab } : flat,
          opts.json,
        );
      }),
    );
}

/** Replays one file through every preset (labels withheld), keeps its scores, and scores verdicts and alerts. */
/** `alertScore`: the config's minimum score to alert, over every preset's own (`analyzer.alertScore`). */
function benchFile(
  series: LabelledSeries,
  presets: ReadonlyArray<Preset>,
  rules: AnalyzerRules,
  scoring: ScoreOptions,
  alertScore: number | undefined,
): FileResult {
  const flagged: FileResult['flagged'] = {};
  const counts: FileResult['counts'] = {};
  const scored: FileResult['scores'] = {};
  const step = medianStep(series.timestamps);
  for (const preset of presets) {
    const episodes = episodeOptionsForStep(
      step,
      { ...EPISODE_SECONDS, minScore: alertScore ?? preset.alertScore },
      EPISODE_STEPS,
    );
    const verdicts: boolean[] = [];
    const scores = new Float64Array(series.values.length);
    let rows = 0;
    for (const row of replaySeries({ timestamps: series.timestamps, values: series.values }, preset, rules)) {
      if (rows === scores.length)
        throw new Error(`${series.file}: replay (${preset.name}) yielded more rows than the file has`);
      verdicts.push(row.anomalous);
      scores[rows++] = row.score;
    }
    if (rows !== scores.length)
      throw new Error(`${series.file}: replay (${preset.name}) yielded ${rows} rows for ${scores.length}`);
    scored[preset.name] = scores;
    const alerts = alertRows(series.file, series.timestamps, verdicts, scores, episodes);
    flagged[preset.name] = { alerts, verdicts };
    counts[preset.name] = {
      alerts: scoreFile(series.labels, alerts, scoring),
      verdicts: scoreFile(series.labels, verdicts, scoring),
    };
  }
  return { series, scores: scored, flagged, counts };
}

function medianStep(timestamps: Float64Array): number {
  if (timestamps.length < 2) return 0;
  const steps = new Float64Array(timestamps.length - 1);
  for (let i = 1; i < timestamps.length; i++) steps[i - 1] = timestamps[i] - timestamps[i - 1];
  steps.sort();
  return steps[steps.length >> 1];
}

type Table = Record<
  string,
  Record<Level, ScoreSummary & { episodes: number; caught: number; falsePositives: number; points: number }>
>;

function tableFor(results: ReadonlyArray<FileResult>, presets: ReadonlyArray<string>): Table {
  const out: Table = {};
  for (const name of presets) {
    out[name] = {} as Table[string];
    for (const level of LEVELS) {
      const c = emptyCounts();
      for (const r of results) addCounts(c, r.counts[name][level]);
      out[name][level] = {
        ...summarise(c),
        episodes: c.episodes,
        caught: c.caught,
        falsePositives: c.falsePositives,
        points: c.points,
      };
    }
  }
  return out;
}

/** Lowest windowed score first; files without labels rank by their false positives. */
function worstFiles(results: ReadonlyArray<FileResult>, preset: string, n: number): FileResult[] {
  return [...results]
    .sort((a, b) => summarise(a.counts[preset].alerts).windowed - summarise(b.counts[preset].alerts).windowed)
    .slice(0, n);
}

function describe(s: ScoreSummary, c: ScoreCounts): string {
  return `caught ${c.caught}/${c.episodes} episodes, ${c.falsePositives} false positives, F1 ${s.f1.toFixed(3)}, windowed ${s.windowed.toFixed(1)}`;
}

function printTables(byDomain: Record<string, Table>, pooled: Table, presets: ReadonlyArray<string>): void {
  const header = `${'domain'.padEnd(36)} ${'preset'.padEnd(10)} ${'level'.padEnd(8)} ${'episodes'.padStart(8)} ${'caught'.padStart(6)} ${'FP'.padStart(6)} ${'precision'.padStart(9)} ${'recall'.padStart(6)} ${'F1'.padStart(6)} ${'FP/1k'.padStart(6)} ${'windowed'.padStart(8)}`;
  const lines = [header];
  const rows = (domain: string, t: Table) => {
    for (const level of LEVELS) {
      for (const name of presets) {
        const s = t[name][level];
        lines.push(
          `${domain.padEnd(36)} ${name.padEnd(10)} ${level.padEnd(8)} ${String(s.episodes).padStart(8)} ${String(s.caught).padStart(6)} ${String(s.falsePositives).padStart(6)} ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(6)} ${s.f1.toFixed(3).padStart(6)} ${s.fpPer1000.toFixed(2).padStart(6)} ${s.windowed.toFixed(1).padStart(8)}`,
        );
      }
    }
  };
  for (const [domain, t] of Object.entries(byDomain)) rows(domain, t);
  rows('POOLED', pooled);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printNab(
  nab: Record<string, Record<string, NabProfileResult>>,
  domains: ReadonlyArray<string>,
  presets: ReadonlyArray<string>,
): void {
  const lines = [
    '',
    'NAB score (Lavin & Ahmad 2015): 0 = flag nothing, 100 = every window at its first row. One threshold per preset and profile',
    'for all files, swept over anomaly_score on the pool; domain rows are scored at that pooled threshold. n/a = no windows.',
    'windows = caught/total and FP = flagged rows outside every window, both at the standard threshold.',
    `${CEILING}: one page at the first row of every labelled run, the best a detector that pages once per incident can do.`,
    `${'domain'.padEnd(36)} ${'preset'.padEnd(10)} ${NAB_PROFILES.map((p) => p.name.padStart(14)).join(' ')} ${'windows'.padStart(9)} ${'FP'.padStart(6)}`,
  ];
  const cell = (s: NabSummary) => (s.score === null ? 'n/a' : s.score.toFixed(1));
  const row = (domain: string, name: string, pick: (r: NabProfileResult) => NabSummary) => {
    const standard = pick(nab[name].standard);
    lines.push(
      `${domain.padEnd(36)} ${name.padEnd(10)} ${NAB_PROFILES.map((p) => cell(pick(nab[name][p.name])).padStart(14)).join(' ')} ${`${standard.detected}/${standard.windows}`.padStart(9)} ${String(standard.falsePositives).padStart(6)}`,
    );
  };
  for (const domain of domains) for (const name of presets) row(domain, name, (r) => r.groups[domain]);
  for (const name of presets) row('POOLED', name, (r) => r.pooled);
  for (const name of presets) {
    const shown = (t: number) => (Number.isFinite(t) ? t.toPrecision(4) : 'none (flag nothing)');
    lines.push(
      `threshold ${name}: ${NAB_PROFILES.map((p) => `${p.name} ${shown(nab[name][p.name].threshold)}`).join(', ')}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
