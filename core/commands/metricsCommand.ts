import { Command } from 'commander';
import { action, withGlobalOptions } from '../cli.js';
import { globToRegExp } from '../store/keys.js';

export function metricsCommand(): Command {
  return withGlobalOptions(new Command('metrics'))
    .description('list metric names in the analysis window')
    .argument('[glob]', "only names matching this glob ('*' matches any run of characters)")
    .option('--json', 'print a JSON array')
    .action(action(async (ctx, glob: string | undefined, opts: { json?: boolean }) => {
      const re = glob ? globToRegExp(glob) : undefined;
      const names = (await ctx.store().listMetrics()).filter((n) => !re || re.test(n));
      process.stdout.write(opts.json ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(''));
    }));
}
