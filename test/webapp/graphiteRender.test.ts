import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWebapp } from './fixtures.js';
import { COUNTER, EPISODE, MINUTE, NOW, postForm, startGraphiteKale, type Rendered } from './graphiteData.js';

describe('Graphite /render as Grafana calls it', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => ({ w, close } = await startGraphiteKale()));
  afterAll(async () => close());

  /** Grafana 10/11's backend: POST, form body, unix seconds, format=json and the panel's maxDataPoints. */
  const render = async (targets: string[], from: string, until = String(NOW), maxDataPoints = '2000') => {
    const res = await postForm(`${w.url}/render`, [
      ...targets.map((t): [string, string] => ['target', t]),
      ['from', from],
      ['until', until],
      ['format', 'json'],
      ['maxDataPoints', maxDataPoints],
    ]);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, body: (await res.json()) as Rendered & { error?: string } };
  };
  /** The same metric through Kale's own API, by timestamp. */
  const kale = async (metric: string) => {
    const { points } = (await (await fetch(`${w.url}/api/series?metric=${metric}`)).json()) as {
      points: Array<[number, number]>;
    };
    return new Map(points);
  };
  const values = (r: Rendered, i = 0) => r[i].datapoints;

  it('answers a single metric with the values Kale stores, nulls for gaps, in graphite-web 1.1 shape', async () => {
    const { status, body } = await render(['web.host1.requests'], String(NOW - 6 * 3600));
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    expect(Object.keys(body[0])).toEqual(['target', 'tags', 'datapoints']);
    expect(body[0]).toMatchObject({ target: 'web.host1.requests', tags: { name: 'web.host1.requests' } });
    const stored = await kale('web.host1.requests');
    const points = values(body);
    // From is exclusive, until inclusive, on the metric's one-minute grid.
    expect(points[0][1]).toBe(Math.floor((NOW - 6 * 3600) / 60) * 60 + 60);
    expect(points.length).toBe(360);
    for (const [v, ts] of points) expect(v).toBe(stored.get(ts) ?? null);
    expect(points.filter(([v]) => v !== null).length).toBeGreaterThanOrEqual(359);
  });

  it("reads Grafana 10's frontend shape: relative from/until, consolidated to maxDataPoints by average", async () => {
    const { body } = await render(['web.host2.requests'], '-6h', 'now', '100');
    const stored = await kale('web.host2.requests');
    const points = values(body);
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.length).toBeGreaterThanOrEqual(85);
    const width = points[1][1] - points[0][1];
    expect(width).toBe(240);
    for (const [v, ts] of points.slice(0, -1)) {
      expect(ts % width).toBe(0);
      const band = [...stored].filter(([t]) => t >= ts && t < ts + width).map(([, x]) => x);
      expect(v).toBeCloseTo(band.reduce((a, b) => a + b, 0) / band.length, 9);
    }
  });

  it('expands *, {a,b} and [0-9] globs node by node, over several targets', async () => {
    const from = String(NOW - 3600);
    const names = async (t: string[]) => (await render(t, from)).body.map((s) => s.target);
    expect(await names(['web.*.requests'])).toEqual([
      'web.host1.requests',
      'web.host10.requests',
      'web.host2.requests',
    ]);
    expect(await names(['web.host{1,2}.requests'])).toEqual(['web.host1.requests', 'web.host2.requests']);
    expect(await names(['web.host[0-9].requests'])).toEqual(['web.host1.requests', 'web.host2.requests']);
    expect(await names(['*.*.load', 'web.host1*.requests'])).toEqual([
      'db.primary.load',
      'web.host1.requests',
      'web.host10.requests',
    ]);
    expect(await names(['*'])).toEqual([]);
    expect(await names(['web.nothing.requests'])).toEqual([]);
  });

  it('combines series point by point: sum, average, max and min', async () => {
    const from = String(NOW - 3600);
    const [a, b] = [await kale('web.host1.requests'), await kale('web.host2.requests')];
    for (const [fn, fold] of [
      ['sumSeries', (x: number, y: number) => x + y],
      ['averageSeries', (x: number, y: number) => (x + y) / 2],
      ['maxSeries', Math.max],
      ['minSeries', Math.min],
    ] as const) {
      const { body } = await render([`${fn}(web.host{1,2}.requests)`], from);
      expect(body.map((s) => s.target)).toEqual([`${fn}(web.host{1,2}.requests)`]);
      for (const [v, ts] of values(body))
        if (a.has(ts)) expect(v).toBeCloseTo(fold(a.get(ts)!, b.get(ts)!), 9);
    }
    const two = await render(['sumSeries(web.host1.requests, web.host2.requests)'], from);
    expect(two.body[0].target).toBe('sumSeries(web.host1.requests,web.host2.requests)');
  });

  it('scales, aliases and names series by node', async () => {
    const from = String(NOW - 3600);
    const a = await kale('web.host1.requests');
    const scaled = (await render(['scale(web.host1.requests, 2.5)'], from)).body[0];
    expect(scaled.target).toBe('scale(web.host1.requests,2.5)');
    for (const [v, ts] of scaled.datapoints) if (a.has(ts)) expect(v).toBeCloseTo(a.get(ts)! * 2.5, 9);
    expect((await render(['alias(web.host1.requests, "front door")'], from)).body[0].target).toBe(
      'front door',
    );
    expect((await render(['aliasByNode(web.*.requests, 1)'], from)).body.map((s) => s.target)).toEqual([
      'host1',
      'host10',
      'host2',
    ]);
    expect((await render(['aliasByNode(scale(web.host2.requests,2), 0, -1)'], from)).body[0].target).toBe(
      'web.requests',
    );
    expect((await render(['aliasByMetric(web.host2.requests)'], from)).body[0].target).toBe('requests');
  });

  it('summarizes into aligned buckets and keeps moving averages full from the first point', async () => {
    const a = await kale('web.host1.requests');
    const hourly = (await render(["summarize(web.host1.requests, '1h', 'max')"], String(NOW - 6 * 3600)))
      .body[0];
    expect(hourly.target).toBe('summarize(web.host1.requests, "1h", "max")');
    for (const [v, ts] of hourly.datapoints.slice(1, -1)) {
      expect(ts % 3600).toBe(0);
      expect(v).toBe(Math.max(...[...a].filter(([t]) => t >= ts && t < ts + 3600).map(([, x]) => x)));
    }
    for (const window of ['5', "'5min'"]) {
      const avg = (await render([`movingAverage(web.host1.requests, ${window})`], String(NOW - 3600)))
        .body[0];
      const [v, ts] = avg.datapoints[0];
      const before = [1, 2, 3, 4, 5].map((k) => a.get(ts - k * 60)!);
      expect(v).toBeCloseTo(before.reduce((x, y) => x + y, 0) / 5, 9);
    }
  });

  it('turns a counter into rates, a reset giving null rather than a negative spike', async () => {
    const from = String(MINUTE - 7200 - 600);
    const rate = (await render([`perSecond(${COUNTER})`], from)).body[0];
    const delta = (await render([`nonNegativeDerivative(${COUNTER})`], from)).body[0];
    expect(rate.target).toBe(`perSecond(${COUNTER})`);
    const at = (r: typeof rate, ts: number) => r.datapoints.find((p) => p[1] === ts)?.[0];
    expect(at(rate, MINUTE - 7200 - 60)).toBe(2);
    expect(at(delta, MINUTE - 7200 - 60)).toBe(120);
    expect(at(rate, MINUTE - 7200)).toBeNull();
    expect(at(delta, MINUTE - 7200 + 60)).toBe(120);
  });

  it("charts each series' anomaly scores with anomalies()", async () => {
    const { body } = await render(['anomalies(web.host{1,2}.requests)'], String(NOW - 3600));
    expect(body.map((s) => s.target)).toEqual([
      'anomalies(web.host1.requests)',
      'anomalies(web.host2.requests)',
    ]);
    const scores = new Map(body[0].datapoints.map(([v, ts]) => [ts, v]));
    const { anomalies: history } = (await (
      await fetch(`${w.url}/api/anomalies/history?metric=web.host1.requests&from=-1d`)
    ).json()) as { anomalies: Array<{ timestamp: number; score: number }> };
    expect(history).toHaveLength(EPISODE.length);
    for (const r of history) expect(scores.get(r.timestamp)).toBe(r.score);
    expect(scores.get(EPISODE[0].timestamp - 60)).toBe(0);
    expect(body[1].datapoints.every(([v]) => v === 0 || v === null)).toBe(true);
    // Consolidation keeps the peak of an anomaly rather than averaging it away.
    const wide = (await render(['anomalies(web.host1.requests)'], String(NOW - 3600), String(NOW), '6'))
      .body[0];
    expect(Math.max(...wide.datapoints.map(([v]) => v ?? 0))).toBe(0.9);
  });

  it("reads torus rollups when the range reaches past the raw window, as Kale's torus API reads them", async () => {
    const start = NOW - 3 * 86400 + 7200;
    const { body } = await render(['web.host1.requests'], String(start));
    const points = values(body);
    expect(points[1][1] - points[0][1]).toBe(3600);
    const torus = (await (
      await fetch(
        `${w.url}/api/torus/series?stat=avg(web.host1.requests)&interval=1h&start=${start}&end=${NOW}`,
      )
    ).json()) as Rendered;
    const expected = new Map(torus[0].datapoints.map(([v, ts]) => [ts, v]));
    for (const [v, ts] of points) expect(v).toBe(expected.get(ts));
    expect(points.filter(([v]) => v !== null).length).toBeGreaterThan(60);
    // No rollup stores web.host2: its raw window answers, with nulls before it.
    const raw = values((await render(['web.host2.requests'], String(start))).body);
    expect(raw[0][0]).toBeNull();
    expect(raw.some(([v]) => v !== null)).toBe(true);
  });

  it('answers GETs too, and several targets in one request', async () => {
    const q = new URLSearchParams([
      ['target', 'web.host1.requests'],
      ['target', 'db.primary.load'],
      ['from', '-1h'],
      ['until', 'now'],
      ['format', 'json'],
    ]);
    const body = (await (await fetch(`${w.url}/render?${q}`)).json()) as Rendered;
    expect(body.map((s) => s.target)).toEqual(['web.host1.requests', 'db.primary.load']);
    const abs = (await (
      await fetch(
        `${w.url}/render?target=db.primary.load&from=${hhmm(NOW - 3600)}&until=${hhmm(NOW)}&format=json`,
      )
    ).json()) as Rendered;
    expect(abs[0].datapoints.length).toBe(60);
  });

  it('says what is wrong with a bad target, function, argument, time or format', async () => {
    const err = async (targets: string[], from = '-1h', extra: Array<[string, string]> = []) => {
      const res = await postForm(`${w.url}/render`, [
        ...targets.map((t): [string, string] => ['target', t]),
        ['from', from],
        ['until', 'now'],
        ...extra,
      ]);
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    expect((await err(['holtWintersForecast(web.*.requests)'])).error).toMatch(
      /^unknown function "holtWintersForecast": Kale's \/render supports alias, aliasByNode/,
    );
    expect((await err(['sumSeries(web.*.requests'])).error).toMatch(/^target: sumSeries\( is not closed/);
    expect((await err(['scale(web.host1.requests, "two")'])).error).toBe(
      'scale: factor must be a number, got string "two"',
    );
    expect((await err(['summarize(web.host1.requests, "fortnight")'])).error).toMatch(
      /^summarize: intervalString must be an interval/,
    );
    expect((await err(['movingAverage(web.host1.requests)'])).error).toMatch(
      /^movingAverage: windowSize is required/,
    );
    expect((await err(['scale(web.host1.requests, 2, 3)'])).error).toMatch(
      /^scale: takes at most 2 arguments/,
    );
    expect((await err(['alias(5, "x")'])).error).toBe(
      'alias seriesList: expected a series or a function call, got number 5',
    );
    expect((await err(['web.*'], 'yesterday-ish')).error).toMatch(/^from: cannot parse time/);
    expect((await err(['web.*'], 'now')).error).toMatch(/^from \(\d+\) must be before until/);
    expect((await err(['web.*'], '-1h', [['format', 'png']])).error).toBe(
      'format: Kale renders json only, got "png"',
    );
    expect((await err(['web.*'], '-1h', [['maxDataPoints', 'lots']])).status).toBe(400);
  });
});

/** Graphite's absolute form, HH:MM_YYYYMMDD (UTC). */
function hhmm(ts: number): string {
  const d = new Date(ts * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}_${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}
