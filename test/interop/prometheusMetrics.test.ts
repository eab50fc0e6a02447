import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kale, startKale, type RunningKale } from '../support/kaleCli.js';

// GET /metrics in the Prometheus text format: on the webapp (kale start) and on --metrics-port for a
// service run alone, under the webapp's auth rules. The real Prometheus scrape is prometheus.test.ts.
const TOKEN = 'a-long-enough-test-token-0123456789';
let running: RunningKale | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-metrics-'));
const config = (extra: Record<string, unknown>) => {
  const file = path.join(dataDir(), 'kale.json');
  fs.writeFileSync(file, JSON.stringify(extra));
  return file;
};
const text = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
};
/** The scrape once `line` appears in it (a service reports what it did a moment after doing it), or the last one. */
const scrapeUntil = async (url: string, line: RegExp, headers: Record<string, string> = {}) => {
  let m = await text(url, headers);
  for (let i = 0; i < 200 && !line.test(m.body); i++) {
    await new Promise((r) => setTimeout(r, 50));
    m = await text(url, headers);
  }
  return m;
};

describe('GET /metrics', () => {
  it('kale start serves it on the webapp port, exactly that path', async () => {
    running = await startKale([
      'start',
      '--data-dir',
      dataDir(),
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--webapp-port',
      '0',
    ]);
    const m = await text(`${running.ready.webapp}/metrics`);
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of [
      'kale_horizon_points_total',
      'kale_horizon_rejected_total',
      'kale_horizon_writer_queue_points',
      'kale_horizon_store_write_seconds_total',
      'kale_analyzer_cycle_seconds',
      'kale_oculus_search_seconds',
      'process_cpu_seconds_total',
    ]) {
      expect(m.body).toContain(`# TYPE ${family} `);
    }
    expect(m.body).toMatch(/^kale_horizon_rejected_total\{reason="timestamp"\} 0$/m);
    // /metrics/find and the rest of the Graphite API are not this route's.
    expect((await text(`${running.ready.webapp}/metrics/find?query=*`)).body).not.toContain('# TYPE');
  });

  it('kale horizon --metrics-port serves its own, with its ingest counted', async () => {
    running = await startKale([
      'horizon',
      '--data-dir',
      dataDir(),
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--metrics-port',
      '0',
    ]);
    const { default: net } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(Number(running!.ready.line), '127.0.0.1', () =>
        s.end(`metrics.test 1 ${Math.floor(Date.now() / 1000)}\nbad line\n`),
      );
      s.on('close', () => resolve()).on('error', reject);
    });
    const url = `http://127.0.0.1:${running.ready.metrics}/metrics`;
    const m = await scrapeUntil(url, /^kale_horizon_points_total\{outcome="written"\} 1$/m);
    expect(m.body).toMatch(/^kale_horizon_points_total\{outcome="received"\} 1$/m);
    expect(m.body).toMatch(/^kale_horizon_points_total\{outcome="written"\} 1$/m);
    expect(m.body).toMatch(/^kale_horizon_rejected_total\{reason="structure"\} 1$/m);
    // By protocol too: the line listener's point, and its line that was no point at all.
    expect(m.body).toMatch(
      /^kale_horizon_protocol_points_total\{protocol="line",outcome="received",reason=""\} 1$/m,
    );
    expect(m.body).toMatch(
      /^kale_horizon_protocol_points_total\{protocol="line",outcome="rejected",reason="structure"\} 1$/m,
    );
    expect((await text(`http://127.0.0.1:${running.ready.metrics}/other`)).status).toBe(404);
  });

  it('with a token configured, both need it', async () => {
    const cfg = config({ webapp: { token: TOKEN } });
    running = await startKale([
      'start',
      '--config',
      cfg,
      '--data-dir',
      dataDir(),
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--webapp-port',
      '0',
    ]);
    expect((await text(`${running.ready.webapp}/metrics`)).status).toBe(401);
    expect((await text(`${running.ready.webapp}/metrics`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(
      200,
    );
    await running.stop();
    running = await startKale([
      'analyzer',
      '--config',
      cfg,
      '--data-dir',
      dataDir(),
      '--metrics-port',
      '0',
      '--interval',
      '600',
    ]);
    const url = `http://127.0.0.1:${running.ready.metrics}/metrics`;
    expect((await text(url)).status).toBe(401);
    const m = await scrapeUntil(url, /^kale_analyzer_cycle_seconds_count 1$/m, {
      Authorization: `Bearer ${TOKEN}`,
    });
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/^kale_analyzer_cycle_seconds_count 1$/m);
  });

  it('off loopback without credentials, a service refuses to start, naming the keys', () => {
    const r = kale([
      'horizon',
      '--data-dir',
      dataDir(),
      '--host',
      '0.0.0.0',
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--metrics-port',
      '0',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/set webapp\.token or webapp\.basicAuth/);
  });
});
