import { Command } from 'commander';
import { positiveInteger } from '../../core/cliNumbers.js';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import { compileSchemas, toRegExp } from '../../core/torus/schemas.js';
import { parseTime } from '../../core/time.js';
import { printResult } from '../bench/stats.js';
import { migrate } from './migrate.js';

interface MigrateFlags {
  source: string;
  destination: string;
  interval: string;
  start?: string;
  end?: string;
  match?: string;
  stat?: string[];
  concurrency: string;
  dryRun?: boolean;
  verbose?: boolean;
  json?: boolean;
}

export function migrateCommand(): Command {
  return withGlobalOptions(new Command('migrate'))
    .description(
      "copy torus data from one schema to another (e.g. after changing a schema's prefix, type or step)",
    )
    .requiredOption('--source <schema>', 'schema to read (by name, from the config)')
    .requiredOption('--destination <schema>', 'schema to write (by name, from the config)')
    .requiredOption('--interval <name>', 'interval to copy; both schemas must define it')
    .option('--start <time>', 'only buckets starting at or after this (e.g. "7 days ago", epoch, ISO 8601)')
    .option('--end <time>', 'only buckets starting at or before this')
    .option('--match <regex>', 'only names matching this regex (unanchored)')
    .option('--stat <name...>', 'only these names')
    .option('--concurrency <n>', 'buckets copied at once', '4')
    .option('--dry-run', 'count what would be copied; write nothing')
    .option('--verbose', 'print each source bucket and the keys it writes')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Each source bucket's values are written to the destination at the bucket's start time (the sub-bucket's,
with a resolution), so a coarser destination step merges buckets and the destination's type, prefix,
resolution and retention apply. Values are already stored, so the destination's transform is not applied.
Each source bucket is copied once: a ledger in the Store records what was copied, so running it again
(or after an interruption) copies only what is left. Buckets still open are skipped and counted as "open";
run it again once they have closed. --dry-run counts every closed bucket, including ones already copied.
`,
    )
    .action(
      action(async (ctx, flags: MigrateFlags) => {
        const schemas = compileSchemas(ctx.config.horizon.schemas);
        const byName = (flag: string, name: string) => {
          const s = schemas.find((x) => x.name === name);
          if (!s)
            throw new UsageError(
              `${flag}: no torus schema named "${name}" in the config (have: ${schemas.map((x) => x.name).join(', ') || 'none'})`,
            );
          if (!s.intervals.has(flags.interval))
            throw new UsageError(
              `--interval: schema "${name}" has no interval "${flags.interval}" (has: ${[...s.intervals.keys()].join(', ')})`,
            );
          return s;
        };
        const source = byName('--source', flags.source);
        const destination = byName('--destination', flags.destination);
        if (source === destination) throw new UsageError('--source and --destination name the same schema');
        const concurrency = positiveInteger('--concurrency', flags.concurrency);
        let match: RegExp | undefined;
        try {
          match = flags.match === undefined ? undefined : toRegExp(flags.match);
        } catch (err) {
          throw new UsageError(`--match: ${(err as Error).message}`);
        }
        const now = Date.now() / 1000;
        const result = await migrate({
          store: ctx.store(),
          source,
          destination,
          interval: flags.interval,
          start: flags.start === undefined ? undefined : parseTime(flags.start, now),
          end: flags.end === undefined ? undefined : parseTime(flags.end, now),
          match,
          stats: flags.stat && new Set(flags.stat),
          concurrency,
          dryRun: !!flags.dryRun,
          now,
          onBucket: flags.verbose
            ? (b) =>
                process.stderr.write(
                  `${b.key} (${new Date(b.ts * 1000).toISOString()}): ${b.values} values -> ${[...new Set(b.writes.map((w) => w.key))].join(' ') || '(dropped: older than retention)'}\n`,
                )
            : undefined,
        });
        printResult(
          {
            source: flags.source,
            destination: flags.destination,
            interval: flags.interval,
            dry_run: !!flags.dryRun,
            ...result,
          },
          flags.json,
        );
      }),
    );
}
