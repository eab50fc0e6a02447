import { Command } from 'commander';
import { positiveInteger } from '../../core/cliNumbers.js';
import { action, UsageError, withGlobalOptions } from '../../core/cli.js';
import { startElasticsearch } from '../elasticsearch.js';
import { benchMetrics } from './oculusMetrics.js';
import { fastDtwFigures, loadUcr, ucrErrors } from './oculusUcr.js';
import { printResult } from './stats.js';

interface Options {
  ucr?: string;
  window?: string;
  fastdtw?: boolean;
  sample: string;
  metrics?: string;
  queries: string;
  fastdtwRows: string;
  fastdtwQueries: string;
  es?: boolean;
  json?: boolean;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * `kale bench oculus --ucr DIR/NAME`: 1-NN error rates (Euclidean, full DTW, cDTW at the learned or
 * given window) as the UCR archive computes them; `--fastdtw` adds FastDTW against full DTW.
 * `kale bench oculus --metrics N`: index time, search latency and recall@20 for the embedded index and
 * Elasticsearch (its own throw-away server, unless --elasticsearch names one), memory per shape, and
 * FastDTW's agreement with exact DTW on the same shapes.
 */
export function oculusBenchCommand(): Command {
  return withGlobalOptions(new Command('oculus'))
    .description('Oculus: UCR 1-NN error rates (--ucr DIR/NAME) or index/search at scale (--metrics N)')
    .option('--ucr <dir/name>', 'UCR-format dataset: DIR/NAME holding NAME_TRAIN.tsv and NAME_TEST.tsv')
    .option(
      '--window <pct>',
      'cDTW window in percent of the length (default: learned by leave-one-out on train, 0-20)',
    )
    .option('--fastdtw', 'with --ucr: also FastDTW at r = 1, 5, 10, 30 against full DTW')
    .option('--sample <n>', 'with --fastdtw: test series used', '100')
    .option('--metrics <n>', 'synthetic one-hour metrics to index and search')
    .option('--queries <n>', 'with --metrics: searches per scorer and backend', '50')
    .option(
      '--fastdtw-rows <n>',
      'with --metrics: shapes FastDTW is compared with cDTW on (0: no comparison)',
      '20000',
    )
    .option('--fastdtw-queries <n>', 'with --metrics: queries of that comparison', '10')
    .option('--no-es', 'with --metrics: embedded index only')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        if (opts.ucr) {
          const window = opts.window === undefined ? undefined : Number(opts.window);
          if (window !== undefined && !(window >= 0 && window <= 100))
            throw new UsageError(`--window: expected a percentage 0-100, got "${opts.window}"`);
          const set = loadUcr(opts.ucr);
          const e = ucrErrors(set, window);
          const result: Record<string, unknown> = {
            euclidean: round4(e.euclidean),
            dtw: round4(e.dtw),
            cdtw: round4(e.cdtw),
            window: e.window,
          };
          if (opts.fastdtw) {
            result.fastdtw = fastDtwFigures(set, [1, 5, 10, 30], Number(opts.sample), e.window);
          }
          printResult(result, opts.json);
          return;
        }
        if (opts.metrics) {
          const n = positiveInteger('--metrics', opts.metrics);
          const queries = positiveInteger('--queries', opts.queries);
          const fastDtwRows = Number(opts.fastdtwRows);
          const fastDtwQueries = positiveInteger('--fastdtw-queries', opts.fastdtwQueries);
          if (!(Number.isInteger(fastDtwRows) && fastDtwRows >= 0))
            throw new UsageError(`--fastdtw-rows: expected an integer >= 0, got "${opts.fastdtwRows}"`);
          const own =
            opts.es !== false && !ctx.config.elasticsearch.url
              ? await startElasticsearch({ heap: '1g' })
              : undefined;
          // Ctrl-C or SIGTERM mid-run must not leave our Elasticsearch behind.
          const onSignal = () => void own?.stop().finally(() => process.exit(130));
          process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
          try {
            const url = opts.es === false ? null : (ctx.config.elasticsearch.url ?? own!.url);
            const result = await benchMetrics(ctx.config, n, queries, url, (label) => ctx.log.info(label), {
              fastDtwRows,
              fastDtwQueries: Math.min(fastDtwQueries, queries),
            });
            printResult({ bench: 'oculus', ...result }, opts.json);
          } finally {
            process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
            await own?.stop();
          }
          return;
        }
        throw new UsageError('bench oculus: give --ucr DIR/NAME or --metrics N');
      }),
    );
}
