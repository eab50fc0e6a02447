/**
 * `kale bench failover`: Redis Cluster failovers under ingest (utils/bench/failoverRound.ts), each on a
 * fresh 3-master, 3-replica cluster with `appendonly yes`; medians of points sent, stored, lost and
 * duplicated, time to fail over and time until Kale writes to the failed master's slots again.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { positive } from '../../core/cliNumbers.js';
import { action, withGlobalOptions } from '../../core/cli.js';
import { runFailoverRound, type FailoverRoundResult } from './failoverRound.js';
import { median, printResult, progress } from './stats.js';

const KALE_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/kale.js');

interface Options {
  metrics: string;
  rate: string;
  seconds: string;
  nodeTimeout: string;
  runs: string;
  json?: boolean;
}

export function failoverBenchCommand(): Command {
  return withGlobalOptions(new Command('failover'))
    .description(
      'kill -9 a Redis Cluster master under ingest: points sent/stored/lost, time to recover (medians)',
    )
    .option('--metrics <n>', 'metric names in the stream', '200')
    .option('--rate <n>', 'points per second', '5000')
    .option('--seconds <s>', 'length of the stream (the master dies halfway)', '10')
    .option('--node-timeout <ms>', "the cluster's cluster-node-timeout (Redis's default is 15000)", '1000')
    .option('--runs <n>', 'failovers, each on a fresh cluster (medians reported)', '3')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (_ctx, opts: Options) => {
        const runs = Math.floor(positive('--runs', opts.runs));
        const round = {
          kaleBin: KALE_BIN,
          metrics: Math.floor(positive('--metrics', opts.metrics)),
          rate: positive('--rate', opts.rate),
          seconds: positive('--seconds', opts.seconds),
          nodeTimeoutMs: Math.floor(positive('--node-timeout', opts.nodeTimeout)),
          analyzerInterval: 2,
        };
        const results: FailoverRoundResult[] = [];
        for (let r = 0; r < runs; r++) {
          progress('bench failover rounds', r, runs);
          results.push(await runFailoverRound(round));
        }
        progress('bench failover rounds', runs, runs);
        const med = (f: (r: FailoverRoundResult) => number) => median(results.map(f));
        printResult(
          {
            bench: 'failover',
            metrics: round.metrics,
            rate: round.rate,
            node_timeout_ms: round.nodeTimeoutMs,
            runs,
            sent: med((r) => r.sent),
            stored: med((r) => r.windows.stored),
            lost: med((r) => r.windows.lost),
            lost_max: Math.max(...results.map((r) => r.windows.lost)),
            duplicated: med((r) => r.windows.duplicated),
            torus_lost: med((r) => r.torus.lost),
            lost_on_survivors: Math.max(...results.map((r) => r.lostOnSurvivors)),
            loss_window_ms: med((r) => r.lossWindowMs),
            lost_sent_after_kill: Math.max(...results.map((r) => r.lostSentAfterKill)),
            metric_set_missing: Math.max(...results.map((r) => r.metricSet.missing)),
            failover_s: med((r) => r.failoverSeconds),
            recover_s: med((r) => r.recoverySeconds),
            analyzer_cycles_failed: Math.max(...results.map((r) => r.analyzerCycles.failed)),
          },
          opts.json,
        );
      }),
    );
}
