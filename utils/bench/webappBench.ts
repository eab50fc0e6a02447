import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { positiveInteger } from '../../core/cliNumbers.js';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import type { TorusSchemaConfig } from '../../core/config/schema.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { Store } from '../../core/store/store.js';
import { benchRedis } from './benchRedis.js';
import { median, percentile, printResult, progress } from './stats.js';
import { daySeries, seedStore, seedTorus } from './webappData.js';

interface Options {
  anomalies: string;
  series: string;
  concurrency: string;
  requests: string;
  repeat: string;
  backend: string;
  loads: string;
  json?: boolean;
}

const KALE_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/kale.js');
const TORUS_METRICS = 100;
const SCHEMAS: TorusSchemaConfig[] = [
  {
    name: 'bench',
    type: 'series',
    match: '^bench\\.',
    intervals: { '1m': { step: 60, steps: 1500 }, '1h': { step: '1h', steps: 48 } },
  },
];

export function webappBenchCommand(): Command {
  return withGlobalOptions(new Command('webapp'))
    .description(
      'API p50/p95 under concurrent load (/api/anomalies, /api/series, /api/torus/series) and Anomalies page time to interactive in Chromium',
    )
    .option('--anomalies <n>', 'current anomalies listed', '10000')
    .option(
      '--series <n>',
      'metrics with a stored day-long window (and the ones /api/series asks for)',
      '1000',
    )
    .option('--concurrency <n>', 'requests in flight at once', '8')
    .option('--requests <n>', 'requests per endpoint per run', '300')
    .option('--repeat <n>', 'runs per endpoint (medians reported)', '3')
    .option('--loads <n>', 'page loads in Chromium (median reported)', '5')
    .option('--backend <kind>', 'embedded, redis or both', 'both')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (ctx, opts: Options) => {
        const o = {
          anomalies: positiveInteger('--anomalies', opts.anomalies),
          series: positiveInteger('--series', opts.series),
          concurrency: positiveInteger('--concurrency', opts.concurrency),
          requests: positiveInteger('--requests', opts.requests),
          repeat: positiveInteger('--repeat', opts.repeat),
          loads: positiveInteger('--loads', opts.loads),
        };
        if (!['embedded', 'redis', 'both'].includes(opts.backend))
          throw new UsageError(`--backend: expected embedded, redis or both, got "${opts.backend}"`);
        if (!fs.existsSync(KALE_BIN)) throw new UsageError(`${KALE_BIN} is missing: run npm run build first`);
        // The box is shared: the load average says how contended each figure was.
        const result: Record<string, unknown> = {
          bench: 'webapp',
          anomalies: o.anomalies,
          concurrency: o.concurrency,
          load_avg_before: round(os.loadavg()[0]),
        };
        for (const kind of opts.backend === 'both' ? ['embedded', 'redis'] : [opts.backend]) {
          const own = kind === 'redis' ? await benchRedis(ctx.config) : undefined;
          const redisUrl = own?.url;
          try {
            Object.assign(result, prefixed(kind, await benchBackend(o, redisUrl)));
          } finally {
            await own?.stop();
          }
        }
        result.load_avg_after = round(os.loadavg()[0]);
        printResult(result, opts.json);
      }),
    );
}

const prefixed = (p: string, r: Record<string, number>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [`${p}_${k}`, v]));

async function benchBackend(
  o: {
    anomalies: number;
    series: number;
    concurrency: number;
    requests: number;
    repeat: number;
    loads: number;
  },
  redisUrl?: string,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-bench-webapp-'));
  let kale: { url: string; child: ChildProcess } | undefined;
  try {
    const names = Array.from(
      { length: Math.max(o.anomalies, o.series) },
      (_, i) => `bench.host${i % 100}.service${i}.latency`,
    );
    const now = Math.floor(Date.now() / 1000);
    const store: Store = redisUrl ? RedisStore.connect(redisUrl) : EmbeddedStore.open(dir);
    if (store instanceof RedisStore) await store.client.flushdb();
    await seedStore(store, names, o.anomalies, now, o.series);
    for (let i = 0; i < TORUS_METRICS; i++)
      await seedTorus(store, SCHEMAS, names[i], daySeries(now, i, false), now);
    await store.close();
    const config = path.join(dir, 'bench.config.json');
    fs.writeFileSync(config, JSON.stringify({ logLevel: 'warn', horizon: { schemas: SCHEMAS } }));
    kale = await startWebappProcess([
      '--config',
      config,
      '--data-dir',
      dir,
      ...(redisUrl ? ['--redis', redisUrl] : []),
    ]);
    const base = kale.url;
    const pick = (i: number, n: number) => encodeURIComponent(names[i % n]);
    const endpoints: Record<string, (i: number) => string> = {
      // What the Anomalies page fetches: the whole list, compact.
      anomalies: () => '/api/anomalies?view=compact',
      series: (i) => `/api/series?metric=${pick(i, o.series)}&from=-24h`,
      torus: (i) => `/api/torus/series?stat=avg(${pick(i, TORUS_METRICS)})&interval=1h&start=-24h`,
    };
    const out: Record<string, number> = {};
    for (const [name, url] of Object.entries(endpoints)) {
      const runs: Array<{ p50: number; p95: number; rps: number; cpu: number }> = [];
      for (let r = 0; r < o.repeat; r++) {
        progress(`bench webapp ${name}`, r, o.repeat);
        const cpu0 = cpuMs(kale.child.pid!);
        const run = await load(base, url, o.requests, o.concurrency);
        runs.push({ ...run, cpu: (cpuMs(kale.child.pid!) - cpu0) / o.requests });
      }
      out[`${name}_p50_ms`] = round(median(runs.map((x) => x.p50)));
      out[`${name}_p95_ms`] = round(median(runs.map((x) => x.p95)));
      out[`${name}_req_per_s`] = Math.round(median(runs.map((x) => x.rps)));
      out[`${name}_server_cpu_ms_per_req`] = round(median(runs.map((x) => x.cpu)));
    }
    const page = await anomaliesPageTiming(base, o.loads, o.anomalies);
    out.anomalies_bytes = (
      await (await fetch(`${base}/api/anomalies?view=compact`)).arrayBuffer()
    ).byteLength;
    out.tti_ms = round(page.tti);
    out.scroll_frame_p95_ms = round(page.frameP95);
    return out;
  } finally {
    kale?.child.kill('SIGTERM');
    if (kale) await new Promise((r) => kale!.child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const round = (v: number) => Math.round(v * 10) / 10;

/**
 * CPU time (user + system) a process has used, from /proc (Linux; NaN elsewhere). Per request it is
 * the server's own cost, which a busy shared box inflates far less than wall-clock latency.
 */
export function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const CLOCK_TICKS_PER_S = 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/** `kale webapp` in its own process, so the load generator does not share its event loop. */
export function startWebappProcess(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [KALE_BIN, 'webapp', '--webapp-port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`kale webapp exited ${code} before it was ready`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^kale ready (\{.*\})$/.exec(line);
      if (m) resolve({ url: JSON.parse(m[1]).webapp, child });
    });
  });
}

/** `requests` GETs with `concurrency` in flight; latency = until the whole body has arrived. */
async function load(base: string, url: (i: number) => string, requests: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const t0 = performance.now();
      const res = await fetch(base + url(i));
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${url(i)} answered ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rps: requests / seconds };
}

/**
 * Time to interactive of the Anomalies page: from navigation until the list is drawn and answers the
 * down key (the next row is selected). Then scrolls the whole list frame by frame and reports the p95
 * frame time, the "smooth with 10,000 rows" figure.
 */
async function anomaliesPageTiming(
  base: string,
  loads: number,
  anomalies: number,
): Promise<{ tti: number; frameP95: number }> {
  const { chromium } = await import('playwright-core').catch(() => {
    throw new UsageError(
      'playwright-core is not installed (npm install): it drives Chromium for the page timing',
    );
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const ttis: number[] = [];
    let frames: number[] = [];
    for (let i = 0; i < loads; i++) {
      progress('bench webapp page', i, loads);
      const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${base}/#/anomalies`);
      // The list is a listbox: the selected row's option carries aria-selected.
      await page.waitForSelector('[role=option][aria-selected=true] [data-testid=anomaly-row]');
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(SECOND_ROW_SELECTED);
      ttis.push(performance.now() - t0);
      const count = await page.textContent('[data-testid=anomaly-count]');
      if (count !== `${anomalies.toLocaleString('en-US')} anomalous`)
        throw new Error(`the page lists "${count}", expected ${anomalies}`);
      if (i === loads - 1) frames = await page.evaluate<number[]>(SCROLL_FRAMES);
      await context.close();
    }
    progress('bench webapp page', loads, loads);
    return { tti: median(ttis), frameP95: percentile(frames, 95) };
  } finally {
    await browser.close();
  }
}

// Page-side code as strings: this file is type-checked without the DOM library.
const SECOND_ROW_SELECTED =
  "document.querySelectorAll('[role=option]')[1]?.getAttribute('aria-selected') === 'true'";

/** Scrolls the list 2,000 px per frame to its end and returns each frame's duration in ms. */
const SCROLL_FRAMES = `new Promise((resolve) => {
  const list = document.querySelector('.vlist');
  const times = [];
  let last = performance.now();
  const step = (now) => {
    times.push(now - last);
    last = now;
    list.scrollTop += 2000;
    if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1 || times.length > 1000) resolve(times.slice(1));
    else requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})`;
