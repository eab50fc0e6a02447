import { Command } from 'commander';
import { UsageError, action, withGlobalOptions } from '../cli.js';
import { parseTime } from '../time.js';
import { snapshotNote } from './snapshotNote.js';

export function seriesCommand(): Command {
  return withGlobalOptions(new Command('series'))
    .description("print a metric's stored window, sorted and de-duplicated")
    .argument('<name>', 'metric name (without the metrics. prefix)')
    .option('--from <time>', 'start (e.g. -2h, "5 days ago", epoch seconds, ISO 8601)')
    .option('--until <time>', 'end (default now)')
    .option('--json', 'print [[ts, value], ...]')
    .action(
      action(async (ctx, name: string, opts: { from?: string; until?: string; json?: boolean }) => {
        const store = ctx.store();
        const [series] = await store.readWindows([name.replace(/^metrics\./, '')]);
        if (!series)
          throw new UsageError(
            `no such metric: ${name}${snapshotNote(store) && ` in ${snapshotNote(store)}`}`,
          );
        const from = opts.from ? parseTime(opts.from) : -Infinity;
        const until = opts.until ? parseTime(opts.until) : Infinity;
        const rows: Array<[number, number]> = [];
        for (let i = 0; i < series.timestamps.length; i++) {
          const t = series.timestamps[i];
          if (t >= from && t <= until) rows.push([t, series.values[i]]);
        }
        process.stdout.write(
          opts.json ? `${JSON.stringify(rows)}\n` : rows.map(([t, v]) => `${t}\t${v}\n`).join(''),
        );
      }),
    );
}
