/**
 * A throw-away Prometheus (Debian's `prometheus` package) on an ephemeral loopback port with its own
 * data directory, for the interop tests: it scrapes the given targets and remote_writes to the given
 * URL, as an operator's would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redisServer.js';

export const PROMETHEUS_BIN = process.env.KALE_PROMETHEUS_BIN ?? 'prometheus';

export interface PrometheusOptions {
  /** `host:port` targets scraped at `metrics_path` /metrics. */
  readonly targets: readonly string[];
  readonly remoteWriteUrl: string;
  readonly scrapeIntervalSeconds: number;
}

export interface PrometheusServer {
  readonly url: string;
  /** Its log so far (stderr), to explain a failure. */
  log(): string;
  stop(): Promise<void>;
}

/** Why Prometheus cannot run here, or null. */
export function prometheusMissing(): string | null {
  const r = spawnSync(PROMETHEUS_BIN, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PROMETHEUS_BIN} is not installed (apt-get install prometheus)`;
}

function configYaml(o: PrometheusOptions): string {
  // YAML is a superset of JSON: no YAML writer needed.
  return JSON.stringify({
    global: { scrape_interval: `${o.scrapeIntervalSeconds}s`, scrape_timeout: `${o.scrapeIntervalSeconds}s` },
    scrape_configs: [
      { job_name: 'kale', metrics_path: '/metrics', static_configs: [{ targets: o.targets }] },
    ],
    remote_write: [
      {
        url: o.remoteWriteUrl,
        // Send within a second of each scrape, and retry soon after a refusal.
        queue_config: { batch_send_deadline: '1s', min_backoff: '100ms', max_backoff: '1s' },
        metadata_config: { send_interval: `${o.scrapeIntervalSeconds}s` },
      },
    ],
  });
}

export async function startPrometheus(o: PrometheusOptions, timeoutMs = 30_000): Promise<PrometheusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-prometheus-'));
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), configYaml(o));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    log += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killLater = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killLater);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited ${child.exitCode}: ${log}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within ${timeoutMs} ms: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, log: () => log, stop };
}
