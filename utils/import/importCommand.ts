import fs from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import type { Point } from '../../core/store/store.js';
import { progress } from '../bench/stats.js';
import { backfill } from './backfill.js';
import { IMPORT_FORMATS, detectFormat, parseHistory, type ImportFormat } from './parse.js';

/** At most this many bad rows are printed; the summary counts all of them. */
const MAX_BAD_ROWS_SHOWN = 100;

interface ImportOptions {
  metric?: string;
  format?: ImportFormat;
  shiftToNow?: boolean;
  json?: boolean;
}

/** Moves a file's points so its newest one is at `now`, keeping their spacing. */
function shiftToNow(series: Map<string, Point[]>, now: number): void {
  let newest = -Infinity;
  for (const points of series.values()) for (const [ts] of points) if (ts > newest) newest = ts;
  const offset = Math.floor(now - newest);
  for (const [name, points] of series)
    series.set(
      name,
      points.map(([ts, v]) => [ts + offset, v] as const),
    );
}

export function importCommand(): Command {
  return withGlobalOptions(new Command('import'))
    .description(
      'backfill the raw window and the torus schemas from CSV, Graphite render JSON or Skyline JSON files',
    )
    .argument('<files...>', 'history files')
    .option(
      '--metric <name>',
      'metric the points go to (default: the file name without extension; Graphite JSON: each target)',
    )
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension and content)').choices(
        IMPORT_FORMATS,
      ),
    )
    .option(
      '--shift-to-now',
      "move each file's points so its newest one is now (replay an old export as live data)",
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Formats:
  csv            timestamp,value rows (a header row is optional; extra columns are ignored)
  graphite-json  [{"target": NAME, "datapoints": [[value, timestamp], ...]}, ...]
  skyline-json   {"results": [[timestamp, value], ...]}
Timestamps are epoch seconds (milliseconds are recognised) or ISO 8601 (UTC). Bad rows are listed as
FILE:LINE: reason and skipped; empty and null values are gaps, skipped without complaint. Points older
than FULL_DURATION go to the torus schemas only (roomba would trim them from the raw window at once);
with no torus schema they are not stored: use --shift-to-now to import an old export as recent data.\n`,
    )
    .action(
      action(async (ctx, files: string[], opts: ImportOptions) => {
        for (const f of files) if (!fs.existsSync(f)) throw new UsageError(`no such file: ${f}`);
        const merged = new Map<string, Point[]>();
        const now = Date.now() / 1000;
        let bad = 0,
          empty = 0;
        const emptyFiles: string[] = [];
        for (const file of files) {
          const text = fs.readFileSync(file, 'utf8');
          const parsed = parseHistory(opts.format ?? detectFormat(file, text), text, file, opts.metric);
          for (const row of parsed.bad) {
            if (bad++ < MAX_BAD_ROWS_SHOWN) process.stderr.write(`${file}:${row.line}: ${row.reason}\n`);
          }
          empty += parsed.empty;
          if (opts.shiftToNow) shiftToNow(parsed.series, now);
          let filePoints = 0;
          for (const [name, points] of parsed.series) {
            const into = merged.get(name);
            // Not push(...points): a long file would overflow the argument limit.
            if (into) for (const p of points) into.push(p);
            else merged.set(name, points);
            filePoints += points.length;
          }
          if (filePoints === 0) emptyFiles.push(file);
        }
        if (bad > MAX_BAD_ROWS_SHOWN)
          process.stderr.write(`… and ${bad - MAX_BAD_ROWS_SHOWN} more bad rows\n`);

        const { importRouting } = await import('./torusRoute.js');
        const route = importRouting(ctx.config);
        const skipped = [...merged.keys()].filter((name) => route.isSkipped(name));
        for (const name of skipped) merged.delete(name);
        const total = [...merged.values()].reduce((sum, points) => sum + points.length, 0);
        const result = await backfill(merged, {
          store: ctx.store(),
          windowStart: now - ctx.config.fullDuration,
          route: route.route,
          onProgress: (done) => progress('importing', done, total),
        });
        const summary = {
          files: files.length,
          metrics: merged.size,
          ...result,
          skippedMetrics: skipped.length,
          badRows: bad,
          emptyValues: empty,
          torus: route.route ? 'routed' : route.unavailable,
        };
        if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else process.stdout.write(describe(summary));
        if (!route.route && result.olderThanWindow) {
          const hint = opts.shiftToNow ? '' : '; --shift-to-now imports them as recent';
          process.stderr.write(
            `kale: ${n(result.olderThanWindow)} points older than FULL_DURATION were not stored (no torus schema)${hint}\n`,
          );
        }
        if (emptyFiles.length) {
          process.stderr.write(`kale: no points imported from ${emptyFiles.join(', ')}\n`);
          process.exitCode = 1;
        }
      }),
    );
}

const n = (v: number) => v.toLocaleString('en-US');
const plural = (v: number, word: string) => `${n(v)} ${word}${v === 1 ? '' : 's'}`;

function describe(s: {
  files: number;
  metrics: number;
  points: number;
  windowPoints: number;
  olderThanWindow: number;
  torusWrites: number;
  skippedMetrics: number;
  badRows: number;
  emptyValues: number;
  torus: string;
}): string {
  const lines = [
    `read ${plural(s.points, 'point')} for ${plural(s.metrics, 'metric')} from ${plural(s.files, 'file')}`,
  ];
  lines.push(
    `  raw window: ${plural(s.windowPoints, 'point')}${s.olderThanWindow ? ` (${n(s.olderThanWindow)} older than FULL_DURATION kept out)` : ''}`,
  );
  lines.push(
    s.torus === 'routed'
      ? `  torus: ${plural(s.torusWrites, 'bucket write')}`
      : `  torus: not written (${s.torus})`,
  );
  lines.push(
    `  skipped: ${plural(s.badRows, 'bad row')}, ${plural(s.emptyValues, 'empty value')}, ${plural(s.skippedMetrics, 'metric')} on the skip list`,
  );
  return `${lines.join('\n')}\n`;
}
