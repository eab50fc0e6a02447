import { Command } from 'commander';
import { UsageError, action, withGlobalOptions } from '../cli.js';
import { globMatcher, globTooLong } from '../glob.js';
import { snapshotNote } from './snapshotNote.js';

export function metricsCommand(): Command {
  return withGlobalOptions(new Command('metrics'))
    .description('list metric names in the analysis window')
    .argument('[glob]', "only names matching this glob ('*' matches any run of characters)")
    .option('--json', 'print a JSON array')
    .action(
      action(async (ctx, glob: string | undefined, opts: { json?: boolean }) => {
        const tooLong = glob === undefined ? undefined : globTooLong(glob);
        if (tooLong) throw new UsageError(`glob: ${tooLong}`);
        const matches = glob === undefined ? undefined : globMatcher(glob);
        const store = ctx.store();
        const names = (await store.listMetrics()).filter((n) => !matches || matches(n));
        const note = snapshotNote(store);
        if (note) process.stderr.write(`kale: listed from ${note}\n`);
        process.stdout.write(opts.json ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(''));
      }),
    );
}
