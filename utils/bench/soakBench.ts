/**
 * `kale bench soak [--rate N] [--duration S] [--metrics M] [--steps R1,R2,…] [--prefill S] [--json]`
 *
 * Overload as it happens in production: msgpack UDP at a steady rate over many metrics into a real
 * `kale start` (horizon, analyzer, oculus and webapp in one process) against a real redis-server,
 * with the analyzer and oculus reading every window beside ingest. Reports what was sent, what Redis
 * holds (key lengths ÷ 15 bytes per point), what was lost and where (Kale's drop counters by reason,
 * the kernel's UDP receive-buffer errors), Kale's RSS every 10 s and whether it stays within 20 %
 * after the first minute (with its main thread's V8 heap and external memory, and its worker threads'
 * memory, beside it, to tell which part grows), `/api/status` latency (polled twice a second while sending), analyzer cycle and oculus
 * import times, and the load average beside them (the box may be shared). `--steps` runs the rates
 * in turn on one Kale (the windows keep growing, so later steps are the harder ones) and reports the
 * highest with 0 lost. `--prefill` starts from full windows that stay full (soakPrefill.ts): the way
 * to measure whether memory is flat, since from empty every buffer sized by a window grows with it.
 */
import os from 'node:os';
import fs from 'node:fs';
import { Command } from 'commander';
import { positive } from '../../core/cliNumbers.js';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { metricKey } from '../../core/store/keys.js';
import { runRoomba } from '../../horizon/roomba.js';
import { startRedisServer } from '../redisServer.js';
import { startSoakKale, type KaleMemory, type SoakKale } from './soakKale.js';
import { commandSecondsSpent, redisCommandSeconds } from './redisCommandTime.js';
import { prefillWindows } from './soakPrefill.js';
import { sendSoak } from './soakSender.js';
import { median, percentile, printResult } from './stats.js';

/** Every stored point is `[uint32 ts, float64 value]`: fixarray + 0xce + 4 bytes + 0xcb + 8 bytes. */
const BYTES_PER_POINT = 15;
const SAMPLE_MS = 10_000;
const STATUS_POLL_MS = 500;
/** A status answer slower than this counts as timed out (and as this long in the percentiles). */
const STATUS_TIMEOUT_MS = 10_000;
/** The drain ends when the stored count reaches what was sent or stops moving this long. */
const SETTLE_MS = 5000;

interface Options {
  rate: string;
  duration: string;
  metrics: string;
  steps?: string;
  analyzerInterval: string;
  oculusInterval: string;
  prefill?: string;
  mallocArenaMax: string;
  json?: boolean;
}

/** Points Redis holds under `names`, by key length (pipelined STRLEN). */
async function storedPoints(store: RedisStore, names: readonly string[]): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < names.length; i += 1000) {
    const pipeline = store.client.pipeline();
    for (const n of names.slice(i, i + 1000)) pipeline.strlen(metricKey(n));
    for (const [, len] of (await pipeline.exec()) ?? []) bytes += Number(len ?? 0);
  }
  return Math.round(bytes / BYTES_PER_POINT);
}

/** The kernel's count of datagrams dropped for a full receive buffer, box-wide (/proc/net/snmp). */
function udpRcvbufErrors(): number {
  const lines = fs
    .readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const [head, values] = lines.map((l) => l.split(/\s+/));
  return Number(values[head.indexOf('RcvbufErrors')]);
}

/** Horizon's drop counters (`dropped`, `dropped.<reason>`) from the status document it writes every 10 s. */
async function dropCounters(
  store: RedisStore,
): Promise<{ counters: Record<string, number>; updatedAt: number }> {
  const doc = (await store.getStatus()).horizon ?? {};
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(doc))
    if (k.startsWith('dropped') && typeof v === 'number') counters[k] = v;
  return { counters, updatedAt: typeof doc.updatedAt === 'number' ? doc.updatedAt : 0 };
}

/** One status answer: when it was asked (seconds into the phase) and how long it took. */
interface StatusAnswer {
  readonly at: number;
  readonly ms: number;
}

/** GET /api/status twice a second until stopped; latency until the whole body has arrived. */
function pollStatus(url: string): { stop: () => Promise<StatusAnswer[]> } {
  const answers: StatusAnswer[] = [];
  const started = performance.now();
  let running = true;
  const loop = (async () => {
    // Node loads its HTTP client on the first fetch (20 ms on an idle box, over 100 under load): one
    // request for the page first, not timed, so that the figures time Kale's answers, not the bench.
    await fetch(url, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) }).then(
      (r) => r.arrayBuffer(),
      () => {},
    );
    while (running) {
      const t0 = performance.now();
      const at = (t0 - started) / 1000;
      try {
        const res = await fetch(`${url}/api/status`, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
        await res.arrayBuffer();
        answers.push({ at, ms: performance.now() - t0 });
      } catch {
        answers.push({ at, ms: STATUS_TIMEOUT_MS });
      }
      await new Promise((r) => setTimeout(r, Math.max(0, STATUS_POLL_MS - (performance.now() - t0))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return answers;
    },
  };
}

/** The three slowest answers, slowest first, with when they were asked: "126.4 ms at 0.2 s, …". */
function slowestAnswers(answers: readonly StatusAnswer[]): string {
  return [...answers]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
    .map((a) => `${round(a.ms)} ms at ${round(a.at)} s`)
    .join(', ');
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One sample every 10 s, seconds into the phase: the process's RSS and Kale's memory by thread. */
interface MemorySample extends KaleMemory {
  readonly at: number;
  readonly rssMb: number;
}

/** (max − min) / min of the samples after the first minute, in %: the flatness the issue asks for. */
function spreadAfterFirstMinute(samples: readonly MemorySample[], key: keyof KaleMemory | 'rssMb') {
  const steady = samples.filter((m) => m.at > 60).map((m) => m[key]);
  return steady.length > 1
    ? round(((Math.max(...steady) - Math.min(...steady)) / Math.min(...steady)) * 100)
    : null;
}

/** One rate for `seconds` against the running Kale; everything the report says about it. */
async function phase(
  kale: SoakKale,
  store: RedisStore,
  names: readonly string[],
  rate: number,
  seconds: number,
  label: string,
  /** With a prefill: the first second sent; older points are the prefill's, trimmed before counting. */
  sentFrom?: number,
) {
  const stored0 = sentFrom === undefined ? await storedPoints(store, names) : 0;
  const drops0 = await dropCounters(store);
  const kernel0 = udpRcvbufErrors();
  const redisTime0 = await redisCommandSeconds(store.client);
  const cycles0 = kale.cycles.length;
  const imports0 = kale.imports.length;
  const started = Date.now();
  const samples: MemorySample[] = [];
  const loads: number[] = [];
  let sentSoFar = 0;
  const status = pollStatus(kale.webapp);
  const sampler = setInterval(() => {
    const at = Math.round((Date.now() - started) / 1000);
    const rssMb = round(kale.rssMb());
    loads.push(os.loadavg()[0]);
    const last = kale.cycles.at(-1);
    void kale.memory().then(
      (m) => samples.push({ at, rssMb, ...m }),
      () => samples.push({ at, rssMb, heapUsedMb: NaN, heapTotalMb: NaN, externalMb: NaN, workersMb: NaN }),
    );
    process.stderr.write(
      `${label} ${at}/${seconds} s: sent ${sentSoFar.toLocaleString('en-US')}, Kale RSS ${rssMb} MB, load ${loads.at(-1)!.toFixed(2)}, cycles ${kale.cycles.length - cycles0}${last ? ` (last ${last.seconds} s)` : ''}, imports ${kale.imports.length - imports0}\n`,
    );
  }, SAMPLE_MS);
  const sent = await sendSoak({ port: kale.udpPort, rate, seconds, names }, (n) => {
    sentSoFar = n;
  });
  clearInterval(sampler);
  // While sending only: the count below trims windows in Redis, the bench's load, not Kale's.
  const answers = await status.stop();
  const latencies = answers.map((a) => a.ms);
  const redisTime = commandSecondsSpent(redisTime0, await redisCommandSeconds(store.client));
  // Roomba runs on the same script: what is left of the prefill goes, every point sent stays.
  if (sentFrom !== undefined) await runRoomba(store, 0, sentFrom);
  let stored = await storedPoints(store, names);
  for (
    let last = stored, movedAt = Date.now();
    stored - stored0 < sent && Date.now() - movedAt < SETTLE_MS;
  ) {
    await new Promise((r) => setTimeout(r, 500));
    stored = await storedPoints(store, names);
    if (stored !== last) {
      last = stored;
      movedAt = Date.now();
    }
  }
  // Horizon's first report after the drain has every drop of the phase (it reports every 10 s, in whole seconds).
  const drained = Date.now();
  let drops = await dropCounters(store);
  for (const until = drained + 15_000; drops.updatedAt * 1000 < drained - 1000 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 500));
    drops = await dropCounters(store);
  }
  const dropped = Object.fromEntries(
    Object.entries(drops.counters)
      .map(([k, v]) => [k.replace('.', '_'), v - (drops0.counters[k] ?? 0)])
      .filter(([, v]) => v !== 0),
  );
  samples.sort((a, b) => a.at - b.at);
  const series = (key: keyof MemorySample) => samples.map((m) => `${m.at}s:${round(m[key])}`).join(' ');
  const cycles = kale.cycles.slice(cycles0);
  const imports = kale.imports.slice(imports0);
  const storedNow = stored - stored0;
  return {
    rate,
    duration_s: seconds,
    metrics: names.length,
    sent,
    stored: storedNow,
    lost: sent - storedNow,
    lost_pct: sent ? round(((sent - storedNow) / sent) * 100, 3) : 0,
    kale_dropped: dropped,
    kernel_udp_rcvbuf_errors: udpRcvbufErrors() - kernel0,
    // Seconds Redis spent per command while sending (Kale's writes, reads and roomba's trims).
    redis_seconds_by_command: redisTime,
    rss_mb: series('rssMb'),
    rss_after_1min_spread_pct: spreadAfterFirstMinute(samples, 'rssMb'),
    main_heap_used_mb: series('heapUsedMb'),
    main_heap_total_mb: series('heapTotalMb'),
    main_external_mb: series('externalMb'),
    main_heap_total_after_1min_spread_pct: spreadAfterFirstMinute(samples, 'heapTotalMb'),
    // The analyzer's workers and oculus's shaping thread, heap and off-heap, as of their last answers.
    workers_mb: series('workersMb'),
    status_requests: latencies.length,
    status_p50_ms: round(percentile(latencies, 50)),
    status_p95_ms: round(percentile(latencies, 95)),
    status_max_ms: round(Math.max(...latencies)),
    status_slowest: slowestAnswers(answers),
    analyzer_cycles: cycles.length,
    analyzer_cycle_s: cycles.map((c) => c.seconds).join(' '),
    analyzer_cycle_median_s: cycles.length ? median(cycles.map((c) => c.seconds)) : null,
    // Judged of listed, per cycle; the rest were exceptions (too short, stale, boring, cut by the deadline).
    analyzer_analysed: cycles.map((c) => `${c.analysed}/${c.metrics}`).join(' '),
    analyzer_deadline_skipped: cycles.reduce((n, c) => n + c.deadline, 0),
    oculus_imports: imports.length,
    oculus_import_s: imports.map((i) => round(i.ms / 1000)).join(' '),
    load_average: loads.length
      ? `${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`
      : os.loadavg()[0].toFixed(2),
  };
}

export function soakBenchCommand(): Command {
  return withGlobalOptions(new Command('soak'))
    .description(
      'msgpack UDP at a steady rate into a real kale start (analyzer and oculus running) against a real Redis: lost points, RSS, /api/status latency, cycle times',
    )
    .option('--rate <n>', 'points per second', '300000')
    .option('--duration <s>', 'seconds of sending (per step with --steps)', '180')
    .option('--metrics <n>', 'distinct metric names', '10000')
    .option(
      '--steps <rates>',
      'comma-separated rates run in turn on one Kale (ascending); stops after the first that loses points',
    )
    .option('--analyzer-interval <s>', "Kale's analyzer.interval", '60')
    .option('--oculus-interval <s>', "Kale's oculus.interval", '120')
    .option(
      '--prefill <seconds>',
      "fill every window with this many seconds at the soak's rate per metric before sending, and run Kale with that fullDuration (no roomba grace), so windows stay full instead of growing from empty; at least --duration + 60",
    )
    .option(
      '--malloc-arena-max <n>',
      "glibc's MALLOC_ARENA_MAX for Kale's process, as npm start and deploy/systemd set it; 'inherit' leaves this environment's",
      '2',
    )
    .option('--json', 'print results as JSON')
    .action(
      action(async (_ctx, opts: Options) => {
        const rates = opts.steps
          ? opts.steps.split(',').map((r) => positive('--steps', r))
          : [positive('--rate', opts.rate)];
        const seconds = positive('--duration', opts.duration);
        const metrics = positive('--metrics', opts.metrics);
        const prefill = opts.prefill === undefined ? undefined : positive('--prefill', opts.prefill);
        if (prefill !== undefined) {
          if (rates.length > 1) throw new UsageError('--prefill measures one rate: use --rate, not --steps');
          // Roomba must not reach what the timed part sends before it is counted (the drain included).
          if (!Number.isInteger(prefill) || prefill < seconds + 60)
            throw new UsageError(
              `--prefill: expected whole seconds of at least --duration + 60 (${seconds + 60}), got "${opts.prefill}"`,
            );
        }
        const arenas = opts.mallocArenaMax === 'inherit' ? undefined : Number(opts.mallocArenaMax);
        if (arenas !== undefined && !(Number.isInteger(arenas) && arenas > 0))
          throw new UsageError(
            `--malloc-arena-max: expected a whole number ≥ 1 or 'inherit', got "${opts.mallocArenaMax}"`,
          );
        const names = Array.from({ length: metrics }, (_, i) => `soak.host${i % 100}.m${i}`);
        const redis = await startRedisServer();
        const store = RedisStore.connect(redis.url);
        let kale: SoakKale | undefined;
        try {
          let sentFrom: number | undefined;
          if (prefill !== undefined) {
            const perSecond = Math.max(1, Math.round(rates[0] / metrics));
            const filled = await prefillWindows(store, names, perSecond, prefill);
            sentFrom = filled.sentFrom;
            process.stderr.write(
              `prefill: ${filled.points.toLocaleString('en-US')} points (${prefill} s x ${perSecond}/s per metric) in ${(filled.ms / 1000).toFixed(1)} s\n`,
            );
          }
          kale = await startSoakKale({
            redisUrl: redis.url,
            analyzerInterval: positive('--analyzer-interval', opts.analyzerInterval),
            oculusInterval: positive('--oculus-interval', opts.oculusInterval),
            fullDuration: prefill,
            mallocArenaMax: arenas,
          });
          let best: number | null = null;
          for (const [i, rate] of rates.entries()) {
            const result = await phase(
              kale,
              store,
              names,
              rate,
              seconds,
              rates.length > 1 ? `step ${i + 1}/${rates.length} at ${rate}/s` : `soak at ${rate}/s`,
              sentFrom,
            );
            printResult(
              {
                bench: 'soak',
                ...(rates.length > 1 ? { step: i + 1 } : {}),
                windows: prefill === undefined ? 'from empty' : `prefilled ${prefill} s`,
                malloc_arena_max: arenas ?? process.env.MALLOC_ARENA_MAX ?? 'unset',
                ...result,
              },
              opts.json,
            );
            if (result.lost > 0) break;
            best = rate;
          }
          if (rates.length > 1)
            printResult({ bench: 'soak', highest_rate_with_0_lost: best ?? 'none of the steps' }, opts.json);
          const warnings = kale.warnings.filter((w) => /dropped|deadline|not taking writes/.test(w));
          if (warnings.length)
            process.stderr.write(
              `Kale's warnings about drops and deadlines:\n${warnings.slice(-10).join('\n')}\n`,
            );
        } finally {
          await kale?.stop();
          await store.close();
          await redis.stop();
        }
      }),
    );
}
