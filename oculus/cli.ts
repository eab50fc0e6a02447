import { Command, Option } from 'commander';
import { action, fail, UsageError, withGlobalOptions, withMetricsPortOption } from '../core/cli.js';
import { runServiceCommand } from '../core/serviceCommand.js';
import type { SimilarResponse } from './api.js';
import { SCORERS } from './search/scorer.js';
import { SHAPE_WINDOWS } from './shapes/windows.js';

/** The shape indexes and the Elasticsearch client load only when a command runs, not for `kale --help`. */
const loadApi = () => import('./api.js');
type Api = Awaited<ReturnType<typeof loadApi>>;

/** `kale oculus [--once]`: the shape importer, every `oculus.interval` seconds or one pass. */
export function oculusCommand(): Command {
  const cmd = withMetricsPortOption(withGlobalOptions(new Command('oculus')))
    .description(
      "import every metric's recent shape (1h, 24h) into the shape index (Elasticsearch, or embedded)",
    )
    .option('--once', 'run one import pass, print its summary and exit')
    .option('--json', 'with --once: print the summary as JSON');
  return cmd.action(
    action(async (ctx, opts: { once?: boolean; json?: boolean }) => {
      if (opts.once) {
        const api = await loadApi();
        const oculus = api.openOculus(ctx.config, ctx.store());
        try {
          const result = await oculus.importNow().catch((err) => indexError(api, err));
          process.stdout.write(
            opts.json
              ? `${JSON.stringify(result)}\n`
              : result.windows
                  .map(
                    (w) =>
                      `${w.window}: ${w.indexed} indexed (${w.flat} flat), ${w.skipped} skipped of ${w.metrics}\n`,
                  )
                  .join(''),
          );
        } finally {
          await oculus.close();
        }
        return;
      }
      await runServiceCommand(cmd, ctx, (await import('./service.js')).startOculus);
    }),
  );
}

interface SimilarFlags {
  scorer: string;
  k: string;
  window: string;
  band?: string;
  radius?: string;
  exclude?: string;
  collections?: boolean;
  json?: boolean;
}

/** `kale similar NAME`: the metrics shaped most like NAME's recent window. */
export function similarCommand(): Command {
  return withGlobalOptions(new Command('similar'))
    .description("list the metrics whose recent shape is closest to NAME's")
    .argument('<name>', 'metric name (without the metrics. prefix)')
    .addOption(new Option('--scorer <scorer>', 'distance').choices(SCORERS).default('euclidean'))
    .option('--k <n>', 'number of results', '20')
    .addOption(
      new Option('--window <window>', 'which recent window to compare').choices(SHAPE_WINDOWS).default('1h'),
    )
    .option('--band <pct>', 'dtw: Sakoe-Chiba band, percent of the window (default 10)')
    .option('--radius <r>', 'fastdtw: radius (default 10)')
    .option('--exclude <segments>', 'comma-separated name segments to leave out (e.g. staging,canary)')
    .option('--collections', 'search saved collections too')
    .option('--json', 'print the full response (scores, series) as JSON')
    .action(
      action(async (ctx, name: string, opts: SimilarFlags) => {
        const api = await loadApi();
        const oculus = api.openOculus(ctx.config, ctx.store());
        try {
          // Nothing imported yet on the embedded index (no `kale oculus` running): import now.
          if (oculus.index.kind === 'embedded' && (await oculus.index.count(opts.window as '1h')) === 0) {
            ctx.log.info('shape index is empty: importing once first');
            await oculus.importNow();
          }
          const res = await oculus
            .similar(name.replace(/^metrics\./, ''), {
              scorer: opts.scorer,
              k: opts.k,
              window: opts.window,
              band: opts.band,
              radius: opts.radius,
              exclude: opts.exclude,
              over: opts.collections ? 'all' : 'metrics',
            })
            .catch((err) => indexError(api, err));
          process.stdout.write(opts.json ? `${JSON.stringify(res)}\n` : formatTable(res));
        } finally {
          await oculus.close();
        }
      }),
    );
}

function formatTable(res: SimilarResponse): string {
  if (res.matches.length === 0)
    return `no similar ${res.query.flat ? 'flat ' : ''}shapes found (${res.backend} index)\n`;
  const rows = res.matches.map(
    (m, i) =>
      `${String(i + 1).padStart(3)}  ${m.distance.toFixed(4).padStart(10)}  ${m.kind === 'collection' ? `[${m.collection?.title}] ` : ''}${m.name}${m.flat ? ' (flat)' : ''}`,
  );
  return `${['  #    distance  name', ...rows].join('\n')}\n`;
}

/** Query mistakes are usage errors (exit 2); an unreachable index is one clear line (exit 1). */
function indexError(api: Api, err: unknown): never {
  if (err instanceof api.UnknownMetricError || err instanceof api.ShapeQueryError)
    throw new UsageError(err.message);
  if (err instanceof api.ShapeIndexUnavailableError) {
    process.stderr.write(`kale: ${err.message}\n`);
    process.exit(1);
  }
  return fail(err);
}
