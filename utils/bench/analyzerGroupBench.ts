/**
 * `kale bench analyzer-group`: real `kale analyzer` processes in a group on a real Redis. Each run
 * kills one with SIGKILL, spikes a metric in its share and times how long until that anomaly is
 * recorded by another member and until the survivors have settled; then restarts it and times how
 * long until every member splits by the full list again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { positive } from '../../core/cliNumbers.js';
import { groupSettled } from '../../analyzer/group.js';
import { rendezvousOwner } from '../../analyzer/rendezvous.js';
import { action, withGlobalOptions } from '../../core/cli.js';
import { ANALYZER_MEMBERS } from '../../core/store/keys.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { startRedisServer } from '../redisServer.js';
import { median, printResult, progress } from './stats.js';

const KALE_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/kale.js');

interface Options {
  members: string;
  metrics: string;
  interval: string;
  runs: string;
  json?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function analyzerGroupBenchCommand(): Command {
  return withGlobalOptions(new Command('analyzer-group'))
    .description('kill -9 and restart members of an analyzer group: takeover and rebalance times (medians)')
    .option('--members <n>', 'analyzer processes', '3')
    .option('--metrics <n>', 'metrics (a day at 60 s each)', '300')
    .option('--interval <s>', 'analyzer interval in seconds', '2')
    .option('--runs <n>', 'kill/restart rounds (medians reported)', '3')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (_ctx, opts: Options) => {
        const members = Math.max(2, Math.floor(positive('--members', opts.members)));
        const metrics = Math.floor(positive('--metrics', opts.metrics));
        const interval = positive('--interval', opts.interval);
        const runs = Math.floor(positive('--runs', opts.runs));
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-bench-group-'));
        const config = path.join(dir, 'kale.json');
        fs.writeFileSync(config, JSON.stringify({ analyzer: { interval, preset: 'etsy', workers: 0 } }));
        const redis = await startRedisServer();
        const store = RedisStore.connect(redis.url);
        const lease = store.groupLease(ANALYZER_MEMBERS);
        const children: ChildProcess[] = [];
        const start = () => {
          const child = spawn(
            process.execPath,
            [KALE_BIN, 'analyzer', '--redis', redis.url, '--config', config],
            { stdio: 'ignore' },
          );
          children.push(child);
          return child;
        };
        /** Seconds from `since` until `check` holds (polled every 50 ms; gives up after 60 intervals). */
        const timeUntil = async (what: string, since: number, check: () => Promise<boolean>) => {
          for (;;) {
            if (await check()) return (Date.now() - since) / 1000;
            if (Date.now() - since > 60 * interval * 1000)
              throw new Error(`analyzer-group bench: gave up waiting for ${what}`);
            await sleep(50);
          }
        };
        const settledAt = (count: number) => async () => {
          const live = await lease.members();
          return live.length === count && groupSettled(live);
        };
        try {
          const now = Math.floor(Date.now() / 1000);
          const names = Array.from({ length: metrics }, (_, i) => `bench.group.m${i}`);
          const day = (): Array<[number, number]> =>
            Array.from({ length: 1440 }, (_, i) => [now - 60 * (1440 - i), 50 + 5 * Math.sin(i * 1.7)]);
          for (let i = 0; i < names.length; i += 100)
            await store.append(names.slice(i, i + 100).map((name) => ({ name, points: day() })));
          for (let i = 0; i < members; i++) start();
          await timeUntil('the group to form', Date.now(), settledAt(members));
          const takeover: number[] = [];
          const survivorsSettled: number[] = [];
          const rebalance: number[] = [];
          for (let r = 0; r < runs; r++) {
            progress('bench analyzer-group rounds', r, runs);
            const ids = (await lease.members()).map((m) => m.id);
            const victim = children.shift()!;
            const victimId = ids.find((id) => id.includes(`-${victim.pid}-`))!;
            const metric = names.find((n) => rendezvousOwner(n, ids) === victimId)!;
            const killedAt = Date.now();
            victim.kill('SIGKILL');
            await store.append([{ name: metric, points: [[Math.floor(killedAt / 1000), 550 + r]] }]);
            const recorded = async () =>
              (await store.anomalyHistory({ metric })).some((a) => a.detectedAt * 1000 >= killedAt);
            takeover.push(await timeUntil('the takeover', killedAt, recorded));
            survivorsSettled.push(
              await timeUntil('the survivors to settle', killedAt, settledAt(members - 1)),
            );
            const restartedAt = Date.now();
            start();
            rebalance.push(await timeUntil('the rebalance', restartedAt, settledAt(members)));
          }
          progress('bench analyzer-group rounds', runs, runs);
          printResult(
            {
              bench: 'analyzer-group',
              members,
              metrics,
              interval,
              runs,
              takeover_s: median(takeover),
              takeover_intervals: median(takeover) / interval,
              survivors_settled_s: median(survivorsSettled),
              rebalance_s: median(rebalance),
              rebalance_intervals: median(rebalance) / interval,
            },
            opts.json,
          );
        } finally {
          for (const c of children) c.kill('SIGKILL');
          await store.close();
          await redis.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
    );
}
