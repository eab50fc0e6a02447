/**
 * `kale bench roomba [--metrics 10000] [--seconds 240] [--per-second 30] [--repeat 3] [--json]`: what
 * one roomba pass costs Redis over full windows. The windows are filled as the prefilled soak fills
 * them (soakPrefill.ts: `--seconds` of history at `--per-second` points a second per metric), then each
 * round runs two passes: one whose cutoff is the oldest point (nothing to trim) and one that expires
 * the oldest 60 s (steady state at roomba's default interval), then appends the next 60 s so the windows
 * stay the same length. Reported: each kind of pass's wall time and Redis's time in the trim script
 * (INFO commandstats `evalsha`), medians over the rounds.
 */
import { Command } from 'commander';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { runRoomba } from '../../horizon/roomba.js';
import { benchRedis } from './benchRedis.js';
import { redisCommandSeconds } from './redisCommandTime.js';
import { prefillWindows } from './soakPrefill.js';
import { median, printResult, progress } from './stats.js';

interface Options {
  metrics: string;
  seconds: string;
  perSecond: string;
  repeat: string;
  json?: boolean;
}

/** Seconds a steady-state pass expires: roomba's default interval. */
const EXPIRED_SECONDS = 60;

/** The bench's counts and sizes: a fraction of a point or a round means nothing here. */
function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: expected a whole number of at least 1, got "${value}"`);
  return n;
}

interface PassCost {
  readonly ms: number;
  readonly redisSeconds: number;
  readonly removed: number;
}

export function roombaBenchCommand(): Command {
  return withGlobalOptions(new Command('roomba'))
    .description("one roomba pass over full windows: wall time and Redis's time in the trim script")
    .option('--metrics <n>', 'windows', '10000')
    .option('--seconds <n>', 'seconds of history in each window', '240')
    .option('--per-second <n>', 'points a second in each window', '30')
    .option('--repeat <n>', 'rounds (medians reported)', '3')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const metrics = wholeNumber('--metrics', opts.metrics);
        const seconds = wholeNumber('--seconds', opts.seconds);
        const perSecond = wholeNumber('--per-second', opts.perSecond);
        const repeat = wholeNumber('--repeat', opts.repeat);
        if (seconds <= EXPIRED_SECONDS)
          throw new UsageError(
            `--seconds: expected more than ${EXPIRED_SECONDS} (a pass expires the oldest ${EXPIRED_SECONDS} s), got "${opts.seconds}"`,
          );
        const redis = await benchRedis(ctx.config);
        const store = RedisStore.connect(redis.url);
        try {
          const names = Array.from({ length: metrics }, (_, i) => `roomba.host${i % 100}.m${i}`);
          let end = Math.floor(Date.now() / 1000);
          await prefillWindows(store, names, perSecond, seconds, end);
          const pass = async (cutoff: number): Promise<PassCost> => {
            const before = await redisCommandSeconds(store.client);
            const t0 = performance.now();
            const report = await runRoomba(store, 0, cutoff);
            const ms = performance.now() - t0;
            const after = await redisCommandSeconds(store.client);
            const redisSeconds = (after.get('evalsha') ?? 0) - (before.get('evalsha') ?? 0);
            return { ms, redisSeconds, removed: report.removed };
          };
          const nothing: PassCost[] = [];
          const expiring: PassCost[] = [];
          for (let r = 0; r < repeat; r++) {
            progress('bench roomba', r, repeat);
            const oldest = end - seconds;
            nothing.push(await pass(oldest));
            expiring.push(await pass(oldest + EXPIRED_SECONDS));
            end += EXPIRED_SECONDS;
            await prefillWindows(store, names, perSecond, EXPIRED_SECONDS, end);
          }
          progress('bench roomba', repeat, repeat);
          const figures = (costs: PassCost[]) => ({
            pass_ms: Math.round(median(costs.map((c) => c.ms))),
            redis_trim_s: median(costs.map((c) => c.redisSeconds)),
            redis_us_per_window: Math.round((median(costs.map((c) => c.redisSeconds)) * 1e6) / metrics),
            removed: median(costs.map((c) => c.removed)),
          });
          printResult(
            {
              bench: 'roomba',
              metrics,
              points_per_window: seconds * perSecond,
              rounds: repeat,
              nothing_expired: figures(nothing),
              expired_60s: figures(expiring),
            },
            opts.json,
          );
        } finally {
          await store.close();
          await redis.stop();
        }
      }),
    );
}
