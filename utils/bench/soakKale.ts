/**
 * The Kale the soak drives: a real `kale start` process (horizon, analyzer, oculus, webapp) against
 * the soak's Redis, with what the bench needs to watch from outside: its ready line's endpoints, its
 * RSS, its main thread's V8 heap and external memory (from its own `GET /metrics`), and the analyzer
 * cycles and oculus imports it logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const KALE_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/kale.js');

export interface SoakKaleOptions {
  readonly redisUrl: string;
  readonly analyzerInterval: number;
  readonly oculusInterval: number;
  /**
   * Kale's fullDuration, with no roomba grace, so windows stay this long (up to one roomba interval,
   * 60 s, more) instead of growing for the whole run (the soak's prefill); Kale's defaults when absent.
   */
  readonly fullDuration?: number;
  /**
   * glibc's MALLOC_ARENA_MAX for Kale's process, as `npm start` and deploy/systemd launch it; absent
   * leaves the bench's own environment to Kale.
   */
  readonly mallocArenaMax?: number;
}

/**
 * Kale's memory from its own `GET /metrics`: the main thread's as prom-client reports it, and the
 * worker threads' (their heaps and off-heap memory, summed) as they last measured it.
 */
export interface KaleMemory {
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly workersMb: number;
}

export interface Cycle {
  readonly at: number;
  readonly seconds: number;
  readonly metrics: number;
  readonly analysed: number;
  readonly deadline: number;
}

export interface SoakKale {
  readonly pid: number;
  readonly udpPort: number;
  readonly webapp: string;
  readonly cycles: Cycle[];
  /** Oculus import passes: when, and how long each took (ms). */
  readonly imports: Array<{ at: number; ms: number }>;
  /** Warning and error lines Kale logged (drops, deadlines), newest last. */
  readonly warnings: string[];
  rssMb(): number;
  memory(): Promise<KaleMemory>;
  stop(): Promise<void>;
}

const HORIZON = { picklePort: 'off', linePort: 'off', udpPort: 0 };
const CYCLE = /cycle: (\d+) metrics, (\d+) analysed, \d+ anomalous in ([\d.]+) s(?: (\{.*\}))?$/;
const IMPORT = /import pass done \{"ms":(\d+)/;

export async function startSoakKale(opts: SoakKaleOptions): Promise<SoakKale> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-soak-'));
  const configFile = path.join(dir, 'kale.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      logLevel: 'info',
      dataDir: dir,
      horizon: HORIZON,
      webapp: { port: 0 },
      analyzer: { interval: opts.analyzerInterval },
      oculus: { interval: opts.oculusInterval },
      ...(opts.fullDuration === undefined
        ? {}
        : { fullDuration: opts.fullDuration, horizon: { ...HORIZON, roombaGrace: 0 } }),
    }),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [KALE_BIN, 'start', '--redis', opts.redisUrl, '--config', configFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env:
        opts.mallocArenaMax === undefined
          ? process.env
          : { ...process.env, MALLOC_ARENA_MAX: String(opts.mallocArenaMax) },
    },
  );
  const cycles: Cycle[] = [];
  const imports: Array<{ at: number; ms: number }> = [];
  const warnings: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    const c = CYCLE.exec(line);
    if (c) {
      const fields = c[4] ? (JSON.parse(c[4]) as { exceptions?: Record<string, number> }) : {};
      cycles.push({
        at: Date.now(),
        metrics: Number(c[1]),
        analysed: Number(c[2]),
        seconds: Number(c[3]),
        deadline: fields.exceptions?.Deadline ?? 0,
      });
    }
    const i = IMPORT.exec(line);
    if (i) imports.push({ at: Date.now(), ms: Number(i[1]) });
    if (/ (warn|error) /.test(line)) warnings.push(line);
  });
  const endpoints = await new Promise<Record<string, number | string>>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`kale start exited ${code} before it was ready: ${warnings.join('\n')}`)),
    );
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^kale ready (\{.*\})$/.exec(line);
      if (m) resolve(JSON.parse(m[1]));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    udpPort: Number(endpoints.udp),
    webapp: String(endpoints.webapp),
    cycles,
    imports,
    warnings,
    rssMb: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    memory: async () => {
      const text = await (await fetch(`${endpoints.webapp}/metrics`)).text();
      const mb = (gauge: string) => {
        const m = new RegExp(`^${gauge} (\\S+)`, 'm').exec(text);
        return m ? Number(m[1]) / 2 ** 20 : NaN;
      };
      return {
        heapUsedMb: mb('nodejs_heap_size_used_bytes'),
        heapTotalMb: mb('nodejs_heap_size_total_bytes'),
        externalMb: mb('nodejs_external_memory_bytes'),
        workersMb: [...text.matchAll(/^kale_thread_memory_bytes\{[^}]*\} (\S+)/gm)].reduce(
          (sum, m) => sum + Number(m[1]) / 2 ** 20,
          0,
        ),
      };
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
