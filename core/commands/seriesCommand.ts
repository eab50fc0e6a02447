import { Command } from 'commander';
import { UsageError, action, withGlobalOptions } from '../cli.js';
import { parseTime } from '../time.js';
import { EmbeddedStore } from '../store/embeddedStore.js';
import type { Store } from '../store/store.js';

/** Says plainly that an embedded data dir is read as of its last snapshot, which a running kale renews every 30 s. */
function snapshotNote(store: Store): string {
  if (!(store instanceof EmbeddedStore) || store.loadedSnapshotAt === undefined) return '';
  const age = Math.max(0, Math.round(Date.now() / 1000 - store.loadedSnapshotAt));
  return ` in the data dir's snapshot of ${age} s ago (a running kale writes one every 30 s: a metric it took since is not there yet; --redis reads live)`;
}

export function seriesCommand(): Command {
  return withGlobalOptions(new Command('series'))
    .description("print a metric's stored window, sorted and de-duplicated")
    .argument('<name>', 'metric name (without the metrics. prefix)')
    .option('--from <time>', 'start (e.g. -2h, "5 days ago", epoch seconds, ISO 8601)')
    .option('--until <time>', 'end (default now)')
    .option('--json', 'print [[ts, value], ...]')
    .action(action(async (ctx, name: string, opts: { from?: string; until?: string; json?: boolean }) => {
      const store = ctx.store();
      const [series] = await store.readWindows([name.replace(/^metrics\./, '')]);
      if (!series) throw new UsageError(`no such metric: ${name}${snapshotNote(store)}`);
      const from = opts.from ? parseTime(opts.from) : -Infinity;
      const until = opts.until ? parseTime(opts.until) : Infinity;
      const rows: Array<[number, number]> = [];
      for (let i = 0; i < series.timestamps.length; i++) {
        const t = series.timestamps[i];
        if (t >= from && t <= until) rows.push([t, series.values[i]]);
      }
      process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : rows.map(([t, v]) => `${t}\t${v}\n`).join(''));
    }));
}
