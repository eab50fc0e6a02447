/**
 * One Redis Cluster failover under load, measured: 3 masters with a replica each (`appendonly yes`),
 * a real `kale horizon` ingesting a counted pickle stream with a torus schema, a real `kale analyzer`
 * judging it, and a kill -9 of the master that serves the metric set halfway through the stream.
 * Every point's value is its sequence number, so each one sent is found (or not) exactly: the round
 * reports sent, stored, lost and duplicated points in the windows and in the torus, where the lost
 * ones were, and how long Kale took to write to the failed master's slots again. Shared by
 * `kale bench failover` and test/scaleout/redisClusterFailover.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import calculateSlot from 'cluster-key-slot';
import { unpackMultiple } from 'msgpackr';
import { UNIQUE_METRICS, metricKey } from '../../core/store/keys.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { startRedisCluster, type RedisCluster } from '../redisCluster.js';
import { waitForStored } from '../loadgen/countStored.js';
import { openSender } from '../senders/openSender.js';
import type { NamedPoint } from '../senders/sender.js';
import { startKaleProcess, type KaleProcess } from './failoverKale.js';

export interface FailoverRoundOptions {
  /** The built `kale` entry point (dist/bin/kale.js). */
  readonly kaleBin: string;
  /** Metric names; half send from the start, the rest join one by one through the stream. */
  readonly metrics: number;
  /** Points per second. */
  readonly rate: number;
  /** Length of the stream; the master dies halfway. */
  readonly seconds: number;
  /** The cluster's `cluster-node-timeout` (ms): the silence after which a master is failed over. */
  readonly nodeTimeoutMs: number;
  readonly analyzerInterval: number;
}

/** What the points of one store (raw windows or torus lists) came to. */
export interface Tally {
  /** Distinct points found. */
  readonly stored: number;
  readonly lost: number;
  /** Points found more than once (a command retried after its master had run it). */
  readonly duplicated: number;
}

export interface FailoverRoundResult {
  readonly sent: number;
  readonly windows: Tally;
  readonly torus: Tally;
  /** Lost window points of metrics the surviving masters serve (must be 0: no loss but replication's). */
  readonly lostOnSurvivors: number;
  /**
   * How long before the kill the earliest lost point was sent (ms): the replication window seen, plus
   * however long horizon held the point before writing it (seconds on a loaded box).
   */
  readonly lossWindowMs: number;
  /** Lost points sent after the kill (must be 0: what arrives during the outage is written once it ends). */
  readonly lostSentAfterKill: number;
  /** Names with points that the metric set misses, and names in it without points. */
  readonly metricSet: { readonly names: number; readonly missing: number; readonly extra: number };
  /** Kill to the replica serving as master with every slot covered (s). */
  readonly failoverSeconds: number;
  /** Kill to the first point sent after it readable from a metric of the failed master's slots (s). */
  readonly recoverySeconds: number;
  /** horizon's warnings and errors (its outage lines among them), for a round that went wrong. */
  readonly horizonWarnings: string[];
  /** Analyzer cycles that finished after recovery, and cycles that failed in the whole round. */
  readonly analyzerCycles: { readonly afterRecovery: number; readonly failed: number };
}

const NAME_PREFIX = 'failover.';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds from `since` until `check` holds (polled every 50 ms, at most `maxMs`). */
async function secondsUntil(since: number, maxMs: number, what: string, check: () => Promise<boolean>) {
  for (;;) {
    if (await check().catch(() => false)) return (Date.now() - since) / 1000;
    if (Date.now() - since > maxMs) throw new Error(`failover round: gave up waiting for ${what}`);
    await sleep(50);
  }
}

/** The values of every point of `raws` (msgpack `[ts, value]` records) by how often each appears. */
function valueCounts(raws: ReadonlyArray<Uint8Array | null>): Map<number, number> {
  const seen = new Map<number, number>();
  for (const raw of raws)
    if (raw)
      unpackMultiple(raw as Buffer, (p: [number, number]) => {
        seen.set(p[1], (seen.get(p[1]) ?? 0) + 1);
      });
  return seen;
}

/** The values in the round's torus lists by how often each appears. */
async function torusValues(store: RedisStore): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  const keys = await store.torusKeys(`${NAME_PREFIX}*:hour:*`);
  for (const v of await store.torusRead('series', keys))
    if (v?.type === 'series') for (const x of v.values) seen.set(x, (seen.get(x) ?? 0) + 1);
  return seen;
}

function tally(sent: number, seen: Map<number, number>): Tally {
  let stored = 0;
  let duplicated = 0;
  for (let k = 0; k < sent; k++) {
    const n = seen.get(k) ?? 0;
    if (n > 0) stored++;
    if (n > 1) duplicated += n - 1;
  }
  return { stored, lost: sent - stored, duplicated };
}

export async function runFailoverRound(opts: FailoverRoundOptions): Promise<FailoverRoundResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-failover-'));
  const config = path.join(dir, 'kale.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      logLevel: 'info',
      horizon: {
        schemas: [
          {
            name: 'failover',
            type: 'series',
            match: `^${NAME_PREFIX}`,
            intervals: { hour: { step: 3600, steps: 2 } },
          },
        ],
      },
      analyzer: { interval: opts.analyzerInterval, preset: 'etsy', workers: 0 },
    }),
  );
  const names = Array.from({ length: opts.metrics }, (_, i) => `${NAME_PREFIX}m${i}`);
  const total = Math.round(opts.rate * opts.seconds);
  // Names keep joining through the stream, so some first reach the metric set just before the kill.
  const nameOf = (k: number) =>
    names[k % Math.min(opts.metrics, Math.ceil(opts.metrics / 2 + (opts.metrics / 2) * (k / total)))];
  let cluster: RedisCluster | undefined;
  const processes: KaleProcess[] = [];
  let store: RedisStore | undefined;
  try {
    cluster = await startRedisCluster({
      masters: 3,
      replicas: 1,
      appendOnly: true,
      nodeTimeoutMs: opts.nodeTimeoutMs,
    });
    const horizon = await startKaleProcess(opts.kaleBin, [
      'horizon',
      '--redis',
      cluster.url,
      '--config',
      config,
      '--pickle-port',
      '0',
      '--udp-port',
      'off',
      '--line-port',
      'off',
    ]);
    processes.push(horizon);
    const analyzer = await startKaleProcess(opts.kaleBin, [
      'analyzer',
      '--redis',
      cluster.url,
      '--config',
      config,
    ]);
    processes.push(analyzer);
    store = RedisStore.connect(cluster.url);
    await store.firstConnection;

    const victim = await cluster.masterOf(calculateSlot(UNIQUE_METRICS));
    const slotMaster = new Map<string, number>();
    for (const n of names) slotMaster.set(n, await cluster.masterOf(calculateSlot(metricKey(n))));
    const onVictim = names.slice(0, Math.ceil(opts.metrics / 2)).filter((n) => slotMaster.get(n) === victim);

    // The stream: every 10 ms, what the schedule says is due, in one send; when each batch left is kept.
    const sender = await openSender('pickle', '127.0.0.1', Number(horizon.ready.pickle));
    const sentAt = new Float64Array(total);
    let sent = 0;
    let killedAt = 0;
    let sentAtKill = 0;
    const started = Date.now();
    const stream = (async () => {
      while (sent < total) {
        const due = Math.min(total, Math.floor((opts.rate * (Date.now() - started)) / 1000));
        const batch: NamedPoint[] = [];
        const now = Date.now();
        for (; sent < due; sent++) {
          batch.push({ name: nameOf(sent), ts: Math.floor(now / 1000), value: sent });
          sentAt[sent] = now;
        }
        if (batch.length) await sender.send(batch);
        await sleep(10);
      }
      await sender.close();
    })();

    await sleep((opts.seconds * 1000) / 2);
    sentAtKill = sent;
    killedAt = Date.now();
    await cluster.kill(victim);
    // Once it has exited, nothing sent can be acknowledged by it.
    const deadAt = Date.now();
    const c = cluster;
    const [failoverSeconds, recoverySeconds] = await Promise.all([
      secondsUntil(killedAt, 120_000, 'the failover', async () => {
        const promoted = (await c.nodes()).some((n) => n.role === 'master' && n.port !== victim);
        if (!promoted || (await c.masterOf(calculateSlot(UNIQUE_METRICS))) === victim) return false;
        await c.waitHealthy(1000);
        return true;
      }),
      secondsUntil(killedAt, 120_000, 'a point written after the kill', async () => {
        const raws = await store!.readRawWindows(onVictim);
        return [...valueCounts(raws).keys()].some((v) => v >= sentAtKill);
      }),
    ]);
    const recoveredAt = killedAt + recoverySeconds * 1000;
    await stream;
    const cycleAt = (line: string) => Date.parse(line.slice(0, 24));
    const cyclesAfterRecovery = () =>
      analyzer.log.filter((l) => / cycle: /.test(l) && cycleAt(l) > recoveredAt).length;
    await secondsUntil(
      recoveredAt,
      5000 + 3000 * opts.analyzerInterval,
      'an analyzer cycle after recovery',
      async () => cyclesAfterRecovery() > 0,
    ).catch(() => {});

    // On a loaded box one flush of a backlog can take seconds: only a count still for 15 s is final.
    await waitForStored(store, names, sent, 15_000, 120_000);
    const windows = valueCounts(await store.readRawWindows(names));
    // A flush writes the torus after its appends: the last flushes' torus may still be on its way.
    let torusSeen = await torusValues(store);
    for (let last = -1, since = Date.now(); torusSeen.size < sent && Date.now() - since < 3000; ) {
      await sleep(200);
      torusSeen = await torusValues(store);
      if (torusSeen.size !== last) [last, since] = [torusSeen.size, Date.now()];
    }
    let lostOnSurvivors = 0;
    let lostSentAfterKill = 0;
    let earliestLost = Infinity;
    for (let k = 0; k < sent; k++) {
      if (windows.has(k)) continue;
      if (slotMaster.get(nameOf(k)) !== victim) lostOnSurvivors++;
      if (sentAt[k] > deadAt) lostSentAfterKill++;
      earliestLost = Math.min(earliestLost, sentAt[k]);
    }
    const withPoints = new Set(
      (await store.readRawWindows(names)).flatMap((raw, i) => (raw ? [metricKey(names[i])] : [])),
    );
    const listed = new Set(
      (await store.client.smembers(UNIQUE_METRICS)).filter((k) => k.startsWith(`metrics.${NAME_PREFIX}`)),
    );
    return {
      sent,
      windows: tally(sent, windows),
      torus: tally(sent, torusSeen),
      lostOnSurvivors,
      lossWindowMs: Number.isFinite(earliestLost) ? Math.max(0, killedAt - earliestLost) : 0,
      lostSentAfterKill,
      metricSet: {
        names: listed.size,
        missing: [...withPoints].filter((k) => !listed.has(k)).length,
        extra: [...listed].filter((k) => !withPoints.has(k)).length,
      },
      failoverSeconds,
      recoverySeconds,
      horizonWarnings: horizon.log.filter((l) => / (warn|error) /.test(l)),
      analyzerCycles: {
        afterRecovery: cyclesAfterRecovery(),
        failed: analyzer.log.filter((l) => /cycle failed/.test(l)).length,
      },
    };
  } finally {
    await store?.close();
    await Promise.all(processes.map((p) => p.stop()));
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
