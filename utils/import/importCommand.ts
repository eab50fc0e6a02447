import fs from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import type { Point } from '../../core/store/store.js';
import { progress } from '../bench/stats.js';
import { backfill } from './backfill.js';
import { IMPORT_FORMATS, detectFormat, parseHistory, type ImportFormat } from './parse.js';
import { importRouting } from './torusRoute.js';

/** At most this many bad rows are printed; the summary counts all of them. */
const MAX_BAD_ROWS_SHOWN = 100;

interface ImportOptions { metric?: string; format?: ImportFormat; json?: boolean }

export function importCommand(): Command {
  return withGlobalOptions(new Command('import'))
    .description('backfill the raw window and the torus schemas from CSV, Graphite render JSON or Skyline JSON files')
    .argument('<files...>', 'history files')
    .option('--metric <name>', 'metric the points go to (default: the file name without extension; Graphite JSON: each target)')
    .addOption(new Option('--format <format>', 'file format (default: from the extension and content)').choices(IMPORT_FORMATS))
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `
Formats:
  csv            timestamp,value rows (a header row is optional; extra columns are ignored)
  graphite-json  [{"target": NAME, "datapoints": [[value, timestamp], ...]}, ...]
  skyline-json   {"results": [[timestamp, value], ...]}
Timestamps are epoch seconds (milliseconds are recognised) or ISO 8601 (UTC). Bad rows are listed as
FILE:LINE: reason and skipped; empty and null values are gaps, skipped without complaint. Points older
than FULL_DURATION go to the torus schemas only (roomba would trim them from the raw window at once).\n`)
    .action(action(async (ctx, files: string[], opts: ImportOptions) => {
      for (const f of files) if (!fs.existsSync(f)) throw new UsageError(`no such file: ${f}`);
      const merged = new Map<string, Point[]>();
      let bad = 0, empty = 0;
      const emptyFiles: string[] = [];
      for (const file of files) {
        const text = fs.readFileSync(file, 'utf8');
        const parsed = parseHistory(opts.format ?? detectFormat(file, text), text, file, opts.metric);
        for (const row of parsed.bad) {
          if (bad++ < MAX_BAD_ROWS_SHOWN) process.stderr.write(`${file}:${row.line}: ${row.reason}\n`);
        }
        empty += parsed.empty;
        let filePoints = 0;
        for (const [name, points] of parsed.series) {
          const into = merged.get(name);
          // Not push(...points): a long file would overflow the argument limit.
          if (into) for (const p of points) into.push(p); else merged.set(name, points);
          filePoints += points.length;
        }
        if (filePoints === 0) emptyFiles.push(file);
      }
      if (bad > MAX_BAD_ROWS_SHOWN) process.stderr.write(`… and ${bad - MAX_BAD_ROWS_SHOWN} more bad rows\n`);

      const route = importRouting(ctx.config);
      const skipped = [...merged.keys()].filter((name) => route.isSkipped(name));
      for (const name of skipped) merged.delete(name);
      const total = [...merged.values()].reduce((sum, points) => sum + points.length, 0);
      const now = Date.now() / 1000;
      const result = await backfill(merged, {
        store: ctx.store(),
        windowStart: now - ctx.config.fullDuration,
        route: route.route,
        onProgress: (done) => progress('importing', done, total),
      });
      const summary = {
        files: files.length, metrics: merged.size, ...result, skippedMetrics: skipped.length, badRows: bad, emptyValues: empty,
        torus: route.route ? 'routed' : route.unavailable,
      };
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(describe(summary));
      if (emptyFiles.length) {
        process.stderr.write(`kale: no points imported from ${emptyFiles.join(', ')}\n`);
        process.exitCode = 1;
      }
    }));
}

const n = (v: number) => v.toLocaleString('en-US');
const plural = (v: number, word: string) => `${n(v)} ${word}${v === 1 ? '' : 's'}`;

function describe(s: { files: number; metrics: number; points: number; windowPoints: number; olderThanWindow: number; torusWrites: number; skippedMetrics: number; badRows: number; emptyValues: number; torus: string }): string {
  const lines = [`imported ${plural(s.points, 'point')} into ${plural(s.metrics, 'metric')} from ${plural(s.files, 'file')}`];
  lines.push(`  raw window: ${plural(s.windowPoints, 'point')}${s.olderThanWindow ? ` (${n(s.olderThanWindow)} older than FULL_DURATION kept out)` : ''}`);
  lines.push(s.torus === 'routed' ? `  torus: ${plural(s.torusWrites, 'bucket write')}` : `  torus: not written (${s.torus})`);
  lines.push(`  skipped: ${plural(s.badRows, 'bad row')}, ${plural(s.emptyValues, 'empty value')}, ${plural(s.skippedMetrics, 'metric')} on the skip list`);
  return `${lines.join('\n')}\n`;
}
