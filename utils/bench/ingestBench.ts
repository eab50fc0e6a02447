/**
 * `kale bench ingest --proto udp|pickle|line|remote-write [--rate N] [--duration S] [--metrics M] [--json]`
 *
 * Runs horizon in this process against Redis (its own throw-away redis-server unless --redis is given),
 * sends points from a worker thread the way real senders do (msgpack datagrams of 50 points; one
 * long-lived pickle TCP connection with carbon-relay's 500-point protocol-2 frames; plaintext lines on
 * one connection), then counts what Redis holds (bytes of every `metrics.*` key / bytes per point), not
 * what horizon thinks it wrote. Beside it, `redis-benchmark -P 64 APPEND` on the same server in the
 * same run is the ceiling. "Where the time goes": the main thread's event-loop utilisation (receive,
 * decode, validate, route, hand over), the writer thread's (group, encode, ioredis), the share of the
 * run the writer spent encoding (Store.append's synchronous part) and waiting on Redis with a write in
 * flight, and the CPU Redis used (INFO cpu) per second of the run.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { Packr } from 'msgpackr';
import { action, withGlobalOptions } from '../../core/cli.js';
import { validateConfig } from '../../core/config/load.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { startHorizonWith } from '../../horizon/service.js';
import { ThreadedWriter } from '../../horizon/threadedWriter.js';
import { encodeWriteRequest, remoteWriteSender } from '../senders/remoteWrite.js';
import { appendCeiling } from './redisCeiling.js';
import { benchRedis } from './benchRedis.js';
import { printResult } from './stats.js';

type Proto = 'udp' | 'pickle' | 'line' | 'remote-write';

interface SenderJob {
  kaleIngestSender: true;
  proto: Proto;
  port: number;
  rate: number;
  duration: number;
  metrics: number;
  ts: number;
}

/** Every stored point is `[uint32 ts, float64 value]`: fixarray + 0xce + 4 bytes + 0xcb + 8 bytes. */
const BYTES_PER_POINT = 15;
const UDP_POINTS = 50;
const PICKLE_POINTS = 500;
/** Prometheus 2.42's default max_samples_per_send. */
const REMOTE_WRITE_SAMPLES = 500;

/** Minimal pickle protocol-2 writer for `[(name, (ts, value)), …]`, byte for byte what carbon-relay sends. */
function pickleFrame(points: ReadonlyArray<[string, number, number]>): Buffer {
  const parts: Buffer[] = [Buffer.from([0x80, 0x02, 0x5d, 0x28])];
  for (const [name, ts, value] of points) {
    const n = Buffer.from(name);
    const b = Buffer.alloc(5 + n.length + 18 + 2);
    b[0] = 0x58;
    b.writeUInt32LE(n.length, 1);
    n.copy(b, 5);
    const at = 5 + n.length;
    b[at] = 0x47;
    b.writeDoubleBE(ts, at + 1);
    b[at + 9] = 0x47;
    b.writeDoubleBE(value, at + 10);
    b[at + 18] = 0x86;
    b[at + 19] = 0x86;
    parts.push(b);
  }
  parts.push(Buffer.from([0x65, 0x2e]));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** Pre-encoded payloads cycling through the metric names; values are never integers (fixed 15-byte points). */
function payloads(job: SenderJob): { bufs: Buffer[]; perBuf: number } {
  const perBuf =
    job.proto === 'udp'
      ? UDP_POINTS
      : job.proto === 'pickle'
        ? PICKLE_POINTS
        : job.proto === 'remote-write'
          ? REMOTE_WRITE_SAMPLES
          : 100;
  const packr = new Packr({ useRecords: false });
  const bufs: Buffer[] = [];
  const count = Math.max(1, Math.ceil(job.metrics / perBuf));
  for (let b = 0; b < count; b++) {
    const pts: Array<[string, number, number]> = [];
    for (let i = 0; i < perBuf; i++)
      pts.push([
        `bench.host${(b * perBuf + i) % 100}.m${(b * perBuf + i) % job.metrics}`,
        job.ts,
        b + i + 0.5,
      ]);
    if (job.proto === 'udp') bufs.push(packr.pack(pts.map(([n, t, v]) => [n, [t, v]])));
    else if (job.proto === 'pickle') bufs.push(pickleFrame(pts));
    // One sample per series per request, as Prometheus sends a scrape: `bench.hostH.mI` becomes `bench.hostH.mI;job=bench`.
    else if (job.proto === 'remote-write')
      bufs.push(
        encodeWriteRequest(
          pts.map(([n, t, v]) => ({ labels: { __name__: n, job: 'bench' }, samples: [[t * 1000, v]] })),
        ),
      );
    else bufs.push(Buffer.from(pts.map(([n, t, v]) => `${n} ${v} ${t}\n`).join('')));
  }
  return { bufs, perBuf };
}

/**
 * The sender (worker thread): with a rate, sends `perTick` payloads per 10 ms tick and sleeps until
 * that tick's deadline (numbered ticks, so a timer firing early cannot start an extra tick, and a
 * sender that fell behind catches up); without one, as fast as the socket takes.
 */
async function runSender(job: SenderJob): Promise<number> {
  const { bufs, perBuf } = payloads(job);
  let i = 0;
  let send: () => Promise<void> | void;
  let finish: () => Promise<void>;
  if (job.proto === 'remote-write') {
    const sender = remoteWriteSender(job.port);
    send = () => sender.send(bufs[i++ % bufs.length]);
    finish = () => sender.finish();
  } else if (job.proto === 'udp') {
    const s = dgram.createSocket('udp4');
    send = () => new Promise<void>((r) => s.send(bufs[i++ % bufs.length], job.port, '127.0.0.1', () => r()));
    finish = () => new Promise<void>((r) => s.close(() => r()));
  } else {
    const sock = net.connect(job.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    send = () =>
      sock.write(bufs[i++ % bufs.length])
        ? undefined
        : new Promise<void>((r) => sock.once('drain', () => r()));
    finish = () => new Promise<void>((r) => sock.end(() => r()));
  }
  const perTick = job.rate > 0 ? Math.max(1, Math.round(job.rate / 100 / perBuf)) : Infinity;
  const started = performance.now();
  const end = started + job.duration * 1000;
  let sent = 0;
  for (let tick = 1; performance.now() < end; tick++) {
    const deadline = started + tick * 10;
    for (let k = 0; k < perTick && (job.rate > 0 || performance.now() < deadline); k++) {
      await send();
      sent += perBuf;
    }
    const wait = deadline - performance.now();
    if (job.rate > 0 && wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await finish();
  return sent;
}

/**
 * CPU seconds (user + system) the calling thread has used, from /proc/thread-self/stat (Linux; NaN
 * elsewhere). Event-loop utilisation counts a thread waiting for a core as busy; on a shared box
 * that is most of the difference, so the bench reports both.
 */
function threadCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** `cpuSeconds` while sending; `threadCpuSeconds` also counts the thread's start (loading modules). */
interface SenderReport {
  sent: number;
  cpuSeconds: number;
  threadCpuSeconds: number;
}

if (!isMainThread && (workerData as SenderJob | undefined)?.kaleIngestSender) {
  const cpu0 = threadCpuSeconds();
  void runSender(workerData as SenderJob).then((sent) => {
    const total = threadCpuSeconds();
    parentPort!.postMessage({
      sent,
      cpuSeconds: total - cpu0,
      threadCpuSeconds: total,
    } satisfies SenderReport);
  });
}

/** Redis's own CPU time so far (user + system seconds). */
async function redisCpuSeconds(store: RedisStore): Promise<number> {
  const info = await store.client.info('cpu');
  const field = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

interface Options {
  proto: Proto;
  rate?: string;
  duration: string;
  metrics: string;
  json?: boolean;
}

export function ingestBenchCommand(): Command {
  return withGlobalOptions(new Command('ingest'))
    .description(
      'points/s horizon stores in Redis per protocol, points lost, and the redis-benchmark -P 64 APPEND ceiling',
    )
    .addOption(
      new Option('--proto <proto>', 'listener to drive')
        .choices(['udp', 'pickle', 'line', 'remote-write'])
        .default('udp'),
    )
    .option(
      '--rate <n>',
      'points per second to send (default: udp 300000, pickle/line/remote-write as fast as the socket takes)',
    )
    .option('--duration <s>', 'seconds of sending', '10')
    .option('--metrics <n>', 'distinct metric names', '10000')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const own = await benchRedis(ctx.config);
        const url = own.url;
        try {
          const port = Number(new URL(url).port || 6379);
          const ceiling = await appendCeiling(port);
          const store = RedisStore.connect(url);
          await store.client.flushdb();
          const config = validateConfig({
            logLevel: 'warn',
            horizon: {
              picklePort: opts.proto === 'pickle' ? 0 : 'off',
              udpPort: opts.proto === 'udp' ? 0 : 'off',
              linePort: opts.proto === 'line' ? 0 : 'off',
              remoteWritePort: opts.proto === 'remote-write' ? 0 : 'off',
              selfMetricsInterval: 3600,
              roombaInterval: 3600,
            },
          });
          const horizon = await startHorizonWith({ config, store, log: ctx.log });
          const job: SenderJob = {
            kaleIngestSender: true,
            proto: opts.proto,
            port: horizon.endpoints[opts.proto === 'remote-write' ? 'remoteWrite' : opts.proto] as number,
            rate: opts.rate !== undefined ? Number(opts.rate) : opts.proto === 'udp' ? 300_000 : 0,
            duration: Number(opts.duration),
            metrics: Number(opts.metrics),
            ts: Math.floor(Date.now() / 1000),
          };
          const writerThread = horizon.writer instanceof ThreadedWriter ? horizon.writer : undefined;
          const redisCpu0 = await redisCpuSeconds(store);
          // A UDP listener loses what arrives while its thread is stalled longer than the kernel buffer lasts.
          const loopDelay = monitorEventLoopDelay({ resolution: 10 });
          loopDelay.enable();
          const elu0 = performance.eventLoopUtilization();
          const mainCpu0 = threadCpuSeconds();
          const processCpu0 = process.cpuUsage();
          const writerElu0 = writerThread?.utilization();
          const t0 = performance.now();
          const worker = new Worker(new URL(import.meta.url), { workerData: job });
          const {
            sent,
            cpuSeconds: senderCpu,
            threadCpuSeconds: senderThreadCpu,
          } = await new Promise<SenderReport>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
          });
          await worker.terminate();
          // Drain: wait until nothing new has arrived for 300 ms and the writer's queue is empty. TCP
          // loses nothing, so there also wait for every point sent: a connection paused by back-pressure
          // can hold points in the kernel past a quiet spell (10 s without progress ends the wait).
          let last = -1;
          let progressAt = performance.now();
          for (;;) {
            const received = horizon.counters.received;
            if (received !== last) {
              last = received;
              progressAt = performance.now();
            }
            const quiet = performance.now() - progressAt;
            const tcpPending = opts.proto !== 'udp' && received < sent && quiet < 10_000;
            if (!tcpPending && quiet >= 300 && horizon.writer.depth === 0) break;
            await new Promise((r) => setTimeout(r, 100));
          }
          const seconds = (horizon.counters.lastWriteAt - t0) / 1000;
          const elu = performance.eventLoopUtilization(elu0);
          const writerElu = writerThread?.utilization(writerElu0);
          loopDelay.disable();
          const mainCpu = threadCpuSeconds() - mainCpu0;
          const processCpuUs = process.cpuUsage(processCpu0);
          const wall = (performance.now() - t0) / 1000;
          const redisCpuTotal = (await redisCpuSeconds(store)) - redisCpu0;
          const redisCpu = redisCpuTotal / wall;
          const flushMs = horizon.counters.flushMsTotal;
          const encodeMs = horizon.counters.encodeMsTotal;
          await horizon.stop();
          let bytes = 0;
          for (const key of await store.client.smembers('metrics.unique_metrics'))
            if (key.startsWith('metrics.bench.')) bytes += await store.client.strlen(key);
          await store.close();
          const stored = Math.round(bytes / BYTES_PER_POINT);
          // The writer thread, GC helpers and libuv: the whole process less the main and sender threads.
          const otherCpu = (processCpuUs.user + processCpuUs.system) / 1e6 - mainCpu - senderThreadCpu;
          const perPoint = (cpuSeconds: number) =>
            stored ? Math.round((cpuSeconds / stored) * 1e9) / 1e3 : null;
          const rate = stored / seconds;
          printResult(
            {
              bench: 'ingest',
              proto: opts.proto,
              duration_s: job.duration,
              metrics: job.metrics,
              target_rate: job.rate || 'max',
              sent,
              sent_points_per_s: Math.round(sent / job.duration),
              stored,
              lost: sent - stored,
              stored_points_per_s: Math.round(rate),
              redis_benchmark_append_per_s: Math.round(ceiling),
              vs_ceiling: rate / ceiling,
              main_thread_busy: elu.utilization,
              main_loop_delay_max_ms: Math.round(loopDelay.max / 1e6),
              writer_thread_busy: writerElu?.utilization ?? null,
              // Seconds of CPU Redis used per second of the run (1 = one core busy); the drain's idle tail counts.
              redis_cpu: redisCpu,
              // CPU actually used per stored point, in µs, from sending's start to the end of the drain.
              cpu_us_per_point: {
                horizon_main: perPoint(mainCpu),
                horizon_writer_and_helpers: perPoint(otherCpu),
                redis: perPoint(redisCpuTotal),
                sender: perPoint(senderCpu),
              },
              cpu_cores: {
                horizon_main: mainCpu / wall,
                horizon_writer_and_helpers: otherCpu / wall,
                redis: redisCpu,
                sender: senderCpu / wall,
              },
              writer_encode_share: encodeMs / (seconds * 1000),
              writer_waiting_on_redis_share: (flushMs - encodeMs) / (seconds * 1000),
              rejected: horizon.counters.rejectedTotal,
              dropped: horizon.counters.dropped,
            },
            opts.json,
          );
        } finally {
          await own.stop();
        }
      }),
    );
}
