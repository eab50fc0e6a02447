import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { prometheusMissing, startPrometheus, type PrometheusServer } from '../../utils/prometheus.js';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

// Debian's real Prometheus (2.42 in CI) scrapes Kale's own GET /metrics every second and remote_writes
// what it scraped back into Kale; what Kale stored must be what Prometheus's query API returns for the
// same series at the same timestamps (counters: the per-second rates of those same samples).
const missing = prometheusMissing();
if (missing && process.env.CI) throw new Error(missing);
if (missing)
  process.stderr.write(`\n*** WARNING: ${missing}: the Prometheus interop test is SKIPPED ***\n\n`);

type Matrix = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;

describe.runIf(redisUrl && !missing)('a real Prometheus against kale start', () => {
  let kale: RunningKale;
  let prom: PrometheusServer;
  let store: RedisStore;
  let target: string;

  beforeAll(async () => {
    const url = await freshRedisDb();
    kale = await startKale([
      'start',
      '--redis',
      url,
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      'off',
      '--remote-write-port',
      '0',
      '--webapp-port',
      '0',
      '--interval',
      '2',
    ]);
    target = new URL(String(kale.ready.webapp)).host;
    prom = await startPrometheus({
      targets: [target],
      remoteWriteUrl: `http://127.0.0.1:${kale.ready.remoteWrite}/api/v1/write`,
      scrapeIntervalSeconds: 1,
    });
    store = RedisStore.connect(url);
  });
  afterAll(async () => {
    await prom?.stop();
    await kale?.stop();
    await store?.close();
  });

  const stored = async (name: string): Promise<Array<[number, number]>> => {
    const [w] = await store.readWindows([name]);
    return w ? Array.from(w.timestamps, (t, i) => [t, w.values[i]]) : [];
  };
  const until = async <T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const v = await probe();
      if (done(v)) return v;
      if (Date.now() > deadline)
        throw new Error(
          `${what}: gave up waiting; last ${JSON.stringify(v).slice(0, 500)}\nprometheus log:\n${prom.log()}\nkale log:\n${kale.stderr().slice(-2000)}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  /** Every raw sample Prometheus holds for one series (a range selector in an instant query). */
  const promSamples = async (selector: string): Promise<Array<[number, number]>> => {
    const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: `${selector}[10m]` })}`);
    const body = (await res.json()) as { status: string; data: { result: Matrix } };
    expect(body.status).toBe('success');
    expect(body.data.result).toHaveLength(1);
    return body.data.result[0].values.map(([t, v]) => [t, Number(v)]);
  };

  it("Prometheus's targets API says Kale's /metrics is up", async () => {
    const targets = await until(
      async () => {
        const res = await fetch(`${prom.url}/api/v1/targets`);
        return (
          (await res.json()) as {
            data: { activeTargets: Array<{ health: string; lastError: string; scrapeUrl: string }> };
          }
        ).data.activeTargets;
      },
      (t) => t.length === 1 && t[0].health === 'up',
      'target up',
    );
    expect(targets[0].scrapeUrl).toBe(`http://${target}/metrics`);
    expect(targets[0].lastError).toBe('');
  });

  it('gauges: the values Kale stored equal the samples Prometheus holds at the same timestamps', async () => {
    for (const [selector, name] of [
      [`up{job="kale"}`, `up;instance=${target};job=kale`],
      [
        `process_resident_memory_bytes{job="kale"}`,
        `process_resident_memory_bytes;instance=${target};job=kale`,
      ],
      [`scrape_samples_scraped{job="kale"}`, `scrape_samples_scraped;instance=${target};job=kale`],
    ]) {
      const kept = await until(
        () => stored(name),
        (p) => p.length >= 4,
        name,
      );
      const byMs = new Map((await promSamples(selector)).map(([t, v]) => [Math.floor(t), v]));
      // Kale keeps whole seconds (Skyline's windows); Prometheus scraped once a second.
      for (const [ts, v] of kept) expect([name, ts, v]).toEqual([name, ts, byMs.get(ts)]);
    }
  });

  it("counters: Kale stored the per-second rate between Prometheus's consecutive samples", async () => {
    const name = `kale_horizon_points_total;instance=${target};job=kale;outcome=received`;
    const kept = await until(
      () => stored(name),
      (p) => p.length >= 4,
      name,
    );
    const samples = await promSamples(`kale_horizon_points_total{job="kale",outcome="received"}`);
    const rates = new Map<number, number>();
    for (let i = 1; i < samples.length; i++) {
      // The API gives seconds with millisecond decimals: back to Prometheus's own milliseconds.
      const [[t0, v0], [t1, v1]] = [samples[i - 1], samples[i]];
      const [ms0, ms1] = [Math.round(t0 * 1000), Math.round(t1 * 1000)];
      rates.set(Math.floor(t1), (v1 >= v0 ? v1 - v0 : v1) / ((ms1 - ms0) / 1000));
    }
    for (const [ts, v] of kept) expect([ts, v]).toEqual([ts, rates.get(ts)]);
    // Kale received what Prometheus sent: the rate is not zero.
    expect(kept.some(([, v]) => v > 0)).toBe(true);
  });

  it("Kale's /metrics carries what Status shows, as Prometheus scraped it", async () => {
    for (const family of [
      'kale_horizon_rejected_total',
      'kale_horizon_writer_queue_points',
      'kale_horizon_store_writes_total',
      'kale_horizon_remote_write_requests_total',
      'kale_analyzer_cycle_seconds_count',
    ]) {
      const res = await until(
        async () => {
          const r = await fetch(
            `${prom.url}/api/v1/query?${new URLSearchParams({ query: `${family}{job="kale"}` })}`,
          );
          return ((await r.json()) as { data: { result: unknown[] } }).data.result;
        },
        (r) => r.length > 0,
        family,
      );
      expect(res.length, family).toBeGreaterThan(0);
    }
  });
});
