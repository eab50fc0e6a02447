import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TorusSchemaConfig } from '../../core/config/schema.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { Store } from '../../core/store/store.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { statusSince } from '../support/statusSince.js';
import {
  XSS_NAME,
  importShapes,
  seedStore,
  seedTorus,
  startTestWebapp,
  type TestWebapp,
} from './fixtures.js';

const NOW = Math.floor(Date.now() / 1000);
const SCHEMAS: TorusSchemaConfig[] = [
  {
    name: 'requests',
    type: 'series',
    match: '^app\\.',
    intervals: { '1h': { step: '1h', steps: 48 }, '1m': { step: 60, steps: 240 } },
  },
];
const NAMES = [XSS_NAME, 'web.api.latency', 'web.api.errors', 'db.primary.load', 'db.replica.load'];

const backends: Array<[string, () => Promise<Store | undefined>]> = [
  ['embedded', async () => undefined],
  ...(redisUrl
    ? [['redis', async () => RedisStore.connect(await freshRedisDb())] as [string, () => Promise<Store>]]
    : []),
];
if (!redisUrl)
  process.stderr.write(
    '\n*** WARNING: no redis-server: webapp API tests run on the embedded store only ***\n\n',
  );

describe.each(backends)('webapp API on the %s store', (_kind, open) => {
  let w: TestWebapp;
  let store: Store | undefined;
  const get = (path: string, init?: RequestInit) => fetch(w.url + path, init);
  const json = async (path: string, init?: RequestInit) => {
    const r = await get(path, init);
    return { status: r.status, body: await r.json() };
  };

  beforeAll(async () => {
    store = await open();
    w = await startTestWebapp({ horizon: { schemas: SCHEMAS }, store });
    await seedStore(w.store, NAMES, 3, NOW);
    const hourly = Array.from({ length: 120 }, (_, i) => [NOW - 7200 + i * 60, i % 10] as [number, number]);
    await seedTorus(w.store, SCHEMAS, 'app.requests', hourly, NOW);
    await importShapes(w.config, w.store);
  });
  afterAll(async () => {
    await w.stop();
    await store?.close();
  });

  it('lists current anomalies by score, filters them, and validates sort and limit', async () => {
    const all = await json('/api/anomalies');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.anomalies.map((a: { metric: string }) => a.metric)).toEqual([
      XSS_NAME,
      'web.api.latency',
      'web.api.errors',
    ]);
    expect(all.body.anomalies[0]).toMatchObject({
      preset: 'default',
      votes: { grubbs: true, ks_test: null },
    });
    expect((await json('/api/anomalies?q=API&limit=1')).body).toMatchObject({
      total: 2,
      anomalies: [{ metric: 'web.api.latency' }],
    });
    expect((await json('/api/anomalies?sort=metric')).body.anomalies[0].metric).toBe(XSS_NAME);
    expect(await json('/api/anomalies?limit=0')).toEqual({
      status: 400,
      body: { error: 'limit: expected an integer from 1 to 100000, got "0"' },
    });
    expect(await json('/api/anomalies?sort=newest')).toEqual({
      status: 400,
      body: { error: 'sort: expected one of score, time, metric, got "newest"' },
    });
    expect(await json('/api/anomalies?q=a&q=b')).toEqual({
      status: 400,
      body: { error: 'q: give it once, as a string' },
    });
  });

  it('lists anomalies compactly for the UI: one vote character per detector', async () => {
    const { body } = await json('/api/anomalies?view=compact&limit=1');
    expect([body.total, body.rows.length]).toEqual([3, 1]);
    expect(body.detectors).toContain('grubbs');
    const [metric, ts, value, score, votes, preset] = body.rows[0];
    expect([metric, typeof ts, typeof value, score > 0, body.presets[preset]]).toEqual([
      XSS_NAME,
      'number',
      'number',
      true,
      'default',
    ]);
    const full = (await json('/api/anomalies?limit=1')).body.anomalies[0];
    expect(value).toBe(Number(full.value.toPrecision(6)));
    expect(Math.abs(score - full.score)).toBeLessThanOrEqual(0.0005);
    expect(votes[body.detectors.indexOf('grubbs')]).toBe('y');
    expect(votes[body.detectors.indexOf('histogram_bins')]).toBe('n');
    expect(votes[body.detectors.indexOf('ks_test')]).toBe('-');
    expect((await json('/api/anomalies?view=table')).status).toBe(400);
  });

  it('answers anomaly history by metric and relative time', async () => {
    const h = await json('/api/anomalies/history?metric=metrics.web.api.errors&from=-2d');
    expect(h.status).toBe(200);
    expect(h.body.anomalies).toHaveLength(1);
    expect(h.body.anomalies[0].metric).toBe('web.api.errors');
    expect((await json('/api/anomalies/history?until=2%20days%20ago')).body.anomalies).toEqual([]);
    const bad = await json('/api/anomalies/history?from=someday');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^from: cannot parse time "someday"/);
  });

  it('searches metric names by substring and glob', async () => {
    expect((await json('/api/metrics')).body.total).toBe(5);
    expect((await json('/api/metrics?q=LOAD')).body.metrics).toEqual(['db.primary.load', 'db.replica.load']);
    expect((await json('/api/metrics?q=web.*.latency')).body.metrics).toEqual(['web.api.latency']);
    expect((await json('/api/metrics?limit=abc')).status).toBe(400);
  });

  it('serves a window with from/until, and says what is wrong with bad requests', async () => {
    // Absolute times: the tests' NOW is fixed at load, the server's `now` moves on.
    const s = await json(`/api/series?metric=web.api.latency&from=${NOW - 3600}&until=${NOW}`);
    expect(s.status).toBe(200);
    expect(s.body.metric).toBe('web.api.latency');
    expect(s.body.points.length).toBeGreaterThanOrEqual(60);
    expect(s.body.points.length).toBeLessThanOrEqual(61);
    expect(s.body.points.every(([t]: number[]) => t >= NOW - 3601 && t <= NOW)).toBe(true);
    const full = await json(`/api/series?metric=${encodeURIComponent(XSS_NAME)}`);
    expect(full.body.points).toHaveLength(1441);
    expect(await json('/api/series')).toEqual({ status: 400, body: { error: 'metric is required' } });
    expect(await json('/api/series?metric=nope')).toEqual({
      status: 404,
      body: { error: 'no such metric: nope' },
    });
    expect(await json('/api/series?metric=web.api.latency&from=now&until=-1h')).toEqual({
      status: 400,
      body: { error: 'from is after until' },
    });
  });

  it("keeps Skyline's /api?metric=metrics.<name>", async () => {
    const s = await json('/api?metric=metrics.db.primary.load');
    expect(s.status).toBe(200);
    expect(Object.keys(s.body)).toEqual(['results']);
    expect(s.body.results[0]).toHaveLength(2);
    expect(s.body.results).toHaveLength(1441);
    expect(await json('/api?metric=metrics.none')).toEqual({
      status: 404,
      body: { results: 'Error: No metric by that name' },
    });
  });

  it('reads torus rollups with functions, relative times, collapse and both formats', async () => {
    const g = await json('/api/torus/series?stat=avg(app.requests)&interval=1h&start=-2h&end=now');
    expect(g.status).toBe(200);
    expect(g.body).toHaveLength(1);
    expect(g.body[0].target).toBe('avg(app.requests)');
    const values = g.body[0].datapoints
      .map((d: [number | null, number]) => d[0])
      .filter((v: number | null) => v !== null);
    expect(values.length).toBeGreaterThanOrEqual(2);
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    const count = await json(
      `/api/torus/series?stat=count(app.requests)&interval=1m&steps=121&end=${NOW}&format=json`,
    );
    expect(count.body.results[0]).toMatchObject({ schema: 'requests', interval: '1m', step: 60 });
    expect(
      count.body.results[0].points.reduce((s: number, p: [number, number | null]) => s + (p[1] ?? 0), 0),
    ).toBe(120);
    const two = await json(
      '/api/torus/series?stat=max(app.requests)&stat=sum(app.requests)&interval=1m&start=-3h&collapse=true',
    );
    expect(two.body.map((t: { datapoints: unknown[] }) => t.datapoints[0])).toEqual([
      [9, expect.any(Number)],
      [540, expect.any(Number)],
    ]);
    expect((await json('/api/torus/series?stat=median(app.requests)&interval=1h')).body.error).toMatch(
      /^stat: unknown function "median"/,
    );
    expect((await json('/api/torus/series?stat=app.requests&interval=1h')).status).toBe(400);
    expect(await json('/api/torus/series?stat=avg(web.x)&interval=1h')).toEqual({
      status: 400,
      body: { error: 'no torus schema stores "web.x" at interval "1h"' },
    });
    expect((await json('/api/torus/series?stat=avg(app.requests)')).body.error).toMatch(
      /^interval is required/,
    );
    expect((await json('/api/torus/series?stat=avg(app.requests)&interval=1m&steps=99999')).status).toBe(400);
    expect((await json('/api/torus/series?stat=avg(app.requests)&interval=1h&format=csv')).status).toBe(400);
  });

  it('lists the torus intervals a metric can be read at', async () => {
    expect((await json('/api/torus/intervals?metric=app.requests')).body).toEqual({
      metric: 'app.requests',
      intervals: [
        { interval: '1h', schema: 'requests', type: 'series', step: 3600, steps: 48 },
        { interval: '1m', schema: 'requests', type: 'series', step: 60, steps: 240 },
      ],
    });
    expect((await json('/api/torus/intervals?metric=web.api.latency')).body.intervals).toEqual([]);
    expect((await json('/api/torus/intervals')).status).toBe(400);
  });

  it('finds similar shapes by metric and by drawn values, passing oculus errors on as 400/404', async () => {
    const byName = await json('/api/similar?metric=web.api.latency&k=3');
    expect(byName.status).toBe(200);
    expect(byName.body.query.name).toBe('web.api.latency');
    const names = byName.body.matches.map((m: { name: string }) => m.name);
    expect(names).toHaveLength(3);
    expect(names).not.toContain('web.api.latency');
    for (const m of byName.body.matches) expect(m.z).toHaveLength(byName.body.query.z.length);
    const excluded = await json('/api/similar?metric=web.api.latency&exclude=db,web');
    expect(excluded.body.matches.map((m: { name: string }) => m.name)).toEqual([XSS_NAME]);
    const drawn = await json('/api/similar', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: [0, 0, 1, 5, 1, 0], k: 2, exclude: ['db'] }),
    });
    expect(drawn.status).toBe(200);
    expect(drawn.body.query.name).toBeNull();
    expect(drawn.body.matches).toHaveLength(2);
    expect((await json('/api/similar?metric=web.api.latency&scorer=cosine')).body.error).toMatch(
      /^scorer: expected one of euclidean/,
    );
    expect((await json('/api/similar?metric=web.api.latency&k=0')).status).toBe(400);
    expect(await json('/api/similar?metric=nope')).toEqual({
      status: 404,
      body: { error: 'no such metric: nope' },
    });
    expect(await json('/api/similar')).toEqual({ status: 400, body: { error: 'metric is required' } });
    const badValues = await json('/api/similar', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: [1, 'x'] }),
    });
    expect(badValues).toEqual({
      status: 400,
      body: { error: 'values: expected 2 to 100000 finite numbers (null for a gap)' },
    });
  });

  it('saves, lists and deletes collections, validating the body', async () => {
    const post = (body: string) =>
      json('/api/collections', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const made = await post(
      JSON.stringify({ title: 'latency spike', description: 'seen at 3am', metric: 'web.api.latency' }),
    );
    expect(made.status).toBe(201);
    expect(made.body.points).toHaveLength(1441);
    const given = await post(
      JSON.stringify({
        title: 'drawn',
        metric: 'shape',
        points: [
          [1, 2],
          [3, 4],
        ],
      }),
    );
    expect(given.body).toMatchObject({
      title: 'drawn',
      description: '',
      points: [
        [1, 2],
        [3, 4],
      ],
    });
    expect((await json('/api/collections')).body.collections.map((c: { id: string }) => c.id).sort()).toEqual(
      [made.body.id, given.body.id].sort(),
    );
    expect((await get(`/api/collections/${made.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/api/collections/${made.body.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await post('{"title":')).toEqual({
      status: 400,
      body: { error: 'request body is not valid JSON' },
    });
    expect(await post(JSON.stringify({ title: '', metric: 'x' }))).toEqual({
      status: 400,
      body: { error: 'title: expected a string of 1-200 characters' },
    });
    expect((await post(JSON.stringify({ title: 't', metric: 'x', points: [[1, 'a']] }))).status).toBe(400);
    expect((await post(JSON.stringify({ title: 't', metric: 'missing' }))).status).toBe(404);
  });

  it('reports status: backends, counts and service documents', async () => {
    await w.store.putStatus('analyzer', { runSeconds: 1.5, exceptions: { TooShort: 2 } });
    // The count of metrics may be 5 s old, and the first was taken as the webapp started, before the seed.
    const s = { body: await statusSince(w.url, Date.now() / 1000, (b) => b.metrics === 5) };
    expect(s.body).toMatchObject({
      backends: { store: { ok: true } },
      metrics: 5,
      anomalies: 3,
      services: { analyzer: { runSeconds: 1.5 } },
    });
  });

  it('sends security headers and JSON 404s, and serves the UI', async () => {
    const r = await get('/api/nothing');
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: 'no such API route: GET /api/nothing' });
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('x-powered-by')).toBeNull();
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });
});

describe('webapp failures and authentication', () => {
  it('hides internal errors behind a generic 500', async () => {
    if (!redisUrl) return void process.stderr.write('*** SKIPPED: needs redis-server ***\n');
    const store = RedisStore.connect(await freshRedisDb());
    const w = await startTestWebapp({ store });
    await store.close();
    const r = await fetch(`${w.url}/api/metrics`);
    expect(r.status).toBe(500);
    const text = await r.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal error (see the webapp log)' });
    expect(text).not.toMatch(/at |\.ts|\.js/);
    await w.stop();
  });

  it('refuses to bind off loopback without a token or basic auth', async () => {
    await expect(startTestWebapp({ webapp: { host: '0.0.0.0' } })).rejects.toThrow(
      /webapp.host 0.0.0.0 is not loopback: set webapp.token or webapp.basicAuth/,
    );
  });

  it('requires the token on every route when one is configured', async () => {
    const w = await startTestWebapp({ webapp: { host: '0.0.0.0', token: 's3cret-0123456789abcdef' } });
    const url = w.url.replace('0.0.0.0', '127.0.0.1');
    for (const path of ['/', '/api/anomalies', '/api?metric=metrics.x', '/assets/x.js'])
      expect((await fetch(url + path)).status).toBe(401);
    expect((await fetch(`${url}/api/anomalies`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    expect(
      (await fetch(`${url}/api/anomalies`, { headers: { authorization: 'Bearer s3cret-0123456789abcdef' } }))
        .status,
    ).toBe(200);
    const withQuery = await fetch(`${url}/?token=s3cret-0123456789abcdef`);
    expect(withQuery.status).toBe(200);
    const cookie = withQuery.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^kale_token=s3cret-0123456789abcdef;.*HttpOnly.*SameSite=Strict/i);
    expect((await fetch(`${url}/api/status`, { headers: { cookie: cookie.split(';')[0] } })).status).toBe(
      200,
    );
    await w.stop();
  });

  it('accepts basic auth when configured', async () => {
    const w = await startTestWebapp({ webapp: { basicAuth: { user: 'ops', pass: 'pw' } } });
    const r = await fetch(`${w.url}/api/status`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('Basic');
    const basic = (u: string) => ({ authorization: `Basic ${Buffer.from(u).toString('base64')}` });
    expect((await fetch(`${w.url}/api/status`, { headers: basic('ops:nope') })).status).toBe(401);
    expect((await fetch(`${w.url}/api/status`, { headers: basic('ops:pw') })).status).toBe(200);
    await w.stop();
  });
});
